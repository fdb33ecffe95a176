"""Agreed RAG ratings over time, for the trend charts and the programme heat-map."""
from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa

from app.extensions import db
from app.models import RAG, UpdateState, WorkstreamUpdate
from app.period_queries import all_periods


@dataclasses.dataclass(frozen=True)
class RatedPeriod:
    period_id: int
    start_date: dt.date
    end_date: dt.date
    rag: RAG | None


def rag_history(
    programme_id: int,
    workstream_ids: list[int],
    up_to: dt.date | None = None,
    periods: int | None = None,
    period_ids: set[int] | None = None,
) -> dict[int, list[RatedPeriod]]:
    """Each workstream's agreed rating per period, oldest first, in one query.

    `up_to` keeps periods starting on or before that date; `periods` keeps the latest N periods;
    `period_ids` keeps only those periods (readers see signed-off periods only). A period where the
    workstream has no approved update has rag None.
    """
    chosen = [
        p
        for p in reversed(all_periods(programme_id))
        if (up_to is None or p.start_date <= up_to) and (period_ids is None or p.id in period_ids)
    ]
    if periods is not None:
        chosen = chosen[-periods:]
    if not chosen or not workstream_ids:
        return {wid: [] for wid in workstream_ids}
    agreed = {
        (workstream_id, period_id): rag
        for workstream_id, period_id, rag in db.session.execute(
            sa.select(WorkstreamUpdate.workstream_id, WorkstreamUpdate.period_id, WorkstreamUpdate.agreed_rag).where(
                WorkstreamUpdate.workstream_id.in_(workstream_ids),
                WorkstreamUpdate.period_id.in_([p.id for p in chosen]),
                WorkstreamUpdate.state == UpdateState.APPROVED,
            )
        )
    }
    return {
        wid: [RatedPeriod(p.id, p.start_date, p.end_date, agreed.get((wid, p.id))) for p in chosen]
        for wid in workstream_ids
    }
