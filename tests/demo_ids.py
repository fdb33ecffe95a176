"""The demo's workstreams by code, and its periods, workstreams and updates looked up by name, so tests never
hard-code row ids."""
import dataclasses

import sqlalchemy as sa

from app.demo import content
from app.demo.loader import PERIODS
from app.extensions import db
from app.models import Programme, ReportingPeriod, Workstream, WorkstreamUpdate

PERIOD_STARTS = {name: fields["start_date"] for name, fields in PERIODS.items()}
# The workstreams' codes and titles, in display order.
CODES = tuple(spec["code"] for spec in content.WORKSTREAMS)
TITLES = {spec["code"]: spec["title"] for spec in content.WORKSTREAMS}


@dataclasses.dataclass
class DemoIds:
    programme: int
    periods: dict[str, int]
    workstreams: dict[str, int]
    updates: dict[tuple[str, str], int]

    def update(self, code: str, period: str) -> int:
        return self.updates[(code, period)]


def demo_ids(app) -> DemoIds:
    with app.app_context():
        programme = db.session.scalar(sa.select(Programme.id).where(Programme.name == content.PROGRAMME["name"]))
        periods = {
            name: db.session.scalar(
                sa.select(ReportingPeriod.id).where(
                    ReportingPeriod.programme_id == programme, ReportingPeriod.start_date == start
                )
            )
            for name, start in PERIOD_STARTS.items()
        }
        workstreams = {
            code: wid
            for wid, code in db.session.execute(
                sa.select(Workstream.id, Workstream.code).where(Workstream.programme_id == programme)
            )
        }
        by_period_id = {pid: name for name, pid in periods.items()}
        updates = {}
        for update_id, workstream_id, period_id in db.session.execute(
            sa.select(WorkstreamUpdate.id, WorkstreamUpdate.workstream_id, WorkstreamUpdate.period_id).where(
                WorkstreamUpdate.workstream_id.in_(workstreams.values())
            )
        ):
            code = next(c for c, w in workstreams.items() if w == workstream_id)
            updates[(code, by_period_id[period_id])] = update_id
    return DemoIds(programme, periods, workstreams, updates)
