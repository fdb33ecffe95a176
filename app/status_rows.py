"""The rows of a period's status table as the signed-in person may see them."""
from __future__ import annotations

import dataclasses

from app.models import RAG, ProgrammeReport, ReportingPeriod, UpdateState, User
from app.permissions import can
from app.update_rules import period_status
from app.workflow import holders


@dataclasses.dataclass(frozen=True)
class StatusRow:
    workstream: str
    update_id: int | None
    state: UpdateState | None
    rag_this_period: RAG | None
    rating_is_agreed: bool
    rag_last_period: RAG | None
    with_whom: str


def live_status_rows(user: User, period: ReportingPeriod, report: ProgrammeReport | None) -> list[StatusRow]:
    """Officers see the live table: each update's state, its rating (proposed until agreed) and who holds it."""
    signed_off = report is not None and report.is_signed_off
    rows = []
    for status in period_status(period):
        update = status.update
        visible = update is not None and can(user, "view_update", update)
        if signed_off:
            with_whom = "Signed off"
        elif update is None:
            with_whom = "Not started"
        elif update.state is UpdateState.APPROVED:
            with_whom = "CMT, for sign-off"
        else:
            with_whom = ", ".join(person.name for person in holders(update)) or "No one assigned"
        rows.append(
            StatusRow(
                workstream=status.workstream.title,
                update_id=update.id if visible else None,
                state=update.state if update else None,
                rag_this_period=status.rag_this_period if visible or status.rating_is_agreed else None,
                rating_is_agreed=status.rating_is_agreed,
                rag_last_period=status.rag_last_period,
                with_whom=with_whom,
            )
        )
    return rows


def signed_off_status_rows(report: ProgrammeReport) -> list[StatusRow]:
    """The status table exactly as the signed-off revision froze it."""
    return [
        StatusRow(
            workstream=row["workstream"],
            update_id=row["update_id"],
            state=UpdateState.APPROVED,
            rag_this_period=RAG.named(row["rag_this_period"]),
            rating_is_agreed=True,
            rag_last_period=RAG.named(row["rag_last_period"]),
            with_whom="Signed off",
        )
        for row in report.snapshot["status_table"]
    ]
