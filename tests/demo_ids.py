"""The demo's workstreams by code, and its periods, workstreams and updates looked up by name, so tests never
hard-code row ids: `demo_ids` for Improvement Plan, `second_programme_ids` for Initial Improvement Plan."""
import dataclasses

import sqlalchemy as sa

from app.demo import content, second_programme
from app.demo.loader import PERIODS
from app.extensions import db
from app.models import Programme, ReportingPeriod, Workstream, WorkstreamUpdate

PERIOD_STARTS = {name: fields["start_date"] for name, fields in PERIODS.items()}
# The workstreams' codes and titles, in display order.
CODES = tuple(spec["code"] for spec in content.WORKSTREAMS)
TITLES = {spec["code"]: spec["title"] for spec in content.WORKSTREAMS}
SECOND_PERIOD_STARTS = {name: fields["start_date"] for name, fields in second_programme.PERIODS.items()}
SECOND_CODES = tuple(spec["code"] for spec in second_programme.WORKSTREAMS)


@dataclasses.dataclass
class DemoIds:
    programme: int
    periods: dict[str, int]
    workstreams: dict[str, int]
    updates: dict[tuple[str, str], int]

    def update(self, code: str, period: str) -> int:
        return self.updates[(code, period)]


def demo_ids(app) -> DemoIds:
    """Improvement Plan's ids: periods "jul_aug", "sep_oct", "nov_dec"; workstreams GOV, PRC, PPD, PTN, CCC."""
    return _programme_ids(app, content.PROGRAMME["name"], PERIOD_STARTS)


def second_programme_ids(app) -> DemoIds:
    """Initial Improvement Plan's ids: periods "feb_2023", "mar_2023"; workstreams TRN, ORG."""
    return _programme_ids(app, second_programme.PROGRAMME["name"], SECOND_PERIOD_STARTS)


def _programme_ids(app, name: str, period_starts: dict) -> DemoIds:
    with app.app_context():
        programme = db.session.scalar(sa.select(Programme.id).where(Programme.name == name))
        periods = {
            period: db.session.scalar(
                sa.select(ReportingPeriod.id).where(
                    ReportingPeriod.programme_id == programme, ReportingPeriod.start_date == start
                )
            )
            for period, start in period_starts.items()
        }
        workstreams = {
            code: wid
            for wid, code in db.session.execute(
                sa.select(Workstream.id, Workstream.code).where(Workstream.programme_id == programme)
            )
        }
        by_period_id = {pid: period for period, pid in periods.items()}
        codes = {wid: code for code, wid in workstreams.items()}
        updates = {}
        for update_id, workstream_id, period_id in db.session.execute(
            sa.select(WorkstreamUpdate.id, WorkstreamUpdate.workstream_id, WorkstreamUpdate.period_id).where(
                WorkstreamUpdate.workstream_id.in_(workstreams.values())
            )
        ):
            updates[(codes[workstream_id], by_period_id[period_id])] = update_id
    return DemoIds(programme, periods, workstreams, updates)
