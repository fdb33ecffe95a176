"""Looks up the demo's periods, workstreams and updates by name, so tests never hard-code row ids."""
import dataclasses
import datetime as dt

import sqlalchemy as sa

from app.extensions import db
from app.models import ReportingPeriod, Workstream, WorkstreamUpdate

PERIOD_STARTS = {"jul_aug": dt.date(2023, 7, 1), "sep_oct": dt.date(2023, 9, 1), "nov_dec": dt.date(2023, 11, 1)}


@dataclasses.dataclass
class DemoIds:
    periods: dict[str, int]
    workstreams: dict[str, int]
    updates: dict[tuple[str, str], int]

    def update(self, code: str, period: str) -> int:
        return self.updates[(code, period)]


def demo_ids(app) -> DemoIds:
    with app.app_context():
        periods = {
            name: db.session.scalar(sa.select(ReportingPeriod.id).where(ReportingPeriod.start_date == start))
            for name, start in PERIOD_STARTS.items()
        }
        workstreams = {code: wid for wid, code in db.session.execute(sa.select(Workstream.id, Workstream.code))}
        by_period_id = {pid: name for name, pid in periods.items()}
        updates = {}
        for update_id, workstream_id, period_id in db.session.execute(
            sa.select(WorkstreamUpdate.id, WorkstreamUpdate.workstream_id, WorkstreamUpdate.period_id)
        ):
            code = next(c for c, w in workstreams.items() if w == workstream_id)
            updates[(code, by_period_id[period_id])] = update_id
    return DemoIds(periods, workstreams, updates)
