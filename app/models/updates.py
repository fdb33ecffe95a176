"""A workstream's highlight report for one period, with its milestones and risks."""
from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.programme import ReportingPeriod, Workstream
from app.models.types import UTCDateTime, enum_column
from app.models.users import User
from app.rag import RAG


class UpdateState(enum.Enum):
    DRAFT = "Draft"
    SUBMITTED = "Submitted"
    RETURNED = "Returned"
    APPROVED = "Approved"

    @property
    def label(self) -> str:
        return self.value


class MilestoneKind(enum.Enum):
    THIS_PERIOD = "This period"
    NEXT_PERIOD = "Planned for next period"


class MilestoneStatus(enum.Enum):
    COMPLETE = "Complete"
    ON_TRACK = "On track"
    DELAYED = "Delayed"
    NOT_STARTED = "Not started"
    CANCELLED = "Cancelled"

    @property
    def label(self) -> str:
        return self.value

    @property
    def needs_note(self) -> bool:
        return self not in (MilestoneStatus.COMPLETE, MilestoneStatus.ON_TRACK)


class RiskStatus(enum.Enum):
    OPEN = "Open"
    CLOSED = "Closed"

    @property
    def label(self) -> str:
        return self.value


class WorkstreamUpdate(db.Model):
    __tablename__ = "workstream_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    workstream_id: Mapped[int] = mapped_column(sa.ForeignKey("workstream.id"), index=True)
    period_id: Mapped[int] = mapped_column(sa.ForeignKey("reporting_period.id"), index=True)
    state: Mapped[UpdateState] = mapped_column(enum_column(UpdateState), default=UpdateState.DRAFT)

    key_activities: Mapped[str] = mapped_column(sa.Text, default="")
    engagement: Mapped[str] = mapped_column(sa.Text, default="")
    concerns: Mapped[str] = mapped_column(sa.Text, default="")
    proposed_rag: Mapped[RAG | None] = mapped_column(enum_column(RAG, name="proposed_rag"))
    rag_rationale: Mapped[str] = mapped_column(sa.Text, default="")
    # Required when the proposed rating differs from last period's agreed rating.
    rag_change_reason: Mapped[str] = mapped_column(sa.Text, default="")

    # The sponsor's decision: comments, and the agreed rating with a justification when it
    # differs from the proposed one (both ratings are kept).
    sponsor_comments: Mapped[str] = mapped_column(sa.Text, default="")
    agreed_rag: Mapped[RAG | None] = mapped_column(enum_column(RAG, name="agreed_rag"))
    agreed_rag_justification: Mapped[str] = mapped_column(sa.Text, default="")
    # Shown at the top of a returned draft until it is resubmitted.
    return_reason: Mapped[str] = mapped_column(sa.Text, default="")

    completed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    completion_date: Mapped[dt.date | None]
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    approved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    # Optimistic concurrency: every save states the version it was based on.
    version: Mapped[int] = mapped_column(default=1)

    workstream: Mapped[Workstream] = relationship()
    period: Mapped[ReportingPeriod] = relationship()
    completed_by: Mapped[User | None] = relationship(foreign_keys=[completed_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="update",
        order_by="(Milestone.kind, Milestone.position)",
        cascade="all, delete-orphan",
    )
    risks: Mapped[list[Risk]] = relationship(
        back_populates="update", order_by="Risk.position", cascade="all, delete-orphan"
    )

    __table_args__ = (sa.UniqueConstraint("workstream_id", "period_id"),)
    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<WorkstreamUpdate {self.workstream_id} in period {self.period_id}: {self.state.name}>"

    @property
    def milestones_this_period(self) -> list[Milestone]:
        return sorted((m for m in self.milestones if m.kind is MilestoneKind.THIS_PERIOD), key=_by_position)

    @property
    def milestones_next_period(self) -> list[Milestone]:
        return sorted((m for m in self.milestones if m.kind is MilestoneKind.NEXT_PERIOD), key=_by_position)

    @property
    def risks_in_order(self) -> list[Risk]:
        return sorted(self.risks, key=_by_position)

    @property
    def open_risks(self) -> list[Risk]:
        return [r for r in self.risks_in_order if r.status is RiskStatus.OPEN]

    @property
    def rating(self) -> RAG | None:
        """The rating to report: the agreed one once the sponsor has approved, else the proposal."""
        return self.agreed_rag or self.proposed_rag


def _by_position(row) -> int:
    # Collections are ordered when loaded; rows moved or added since keep their place by position.
    return row.position


class Milestone(db.Model):
    __tablename__ = "milestone"

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(sa.ForeignKey("workstream_update.id", ondelete="CASCADE"), index=True)
    kind: Mapped[MilestoneKind] = mapped_column(enum_column(MilestoneKind))
    position: Mapped[int]
    # Stable across periods from the period the milestone was first planned (e.g. PRC-M07).
    reference: Mapped[str] = mapped_column(sa.String(16), index=True)
    description: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[MilestoneStatus | None] = mapped_column(enum_column(MilestoneStatus))
    status_note: Mapped[str] = mapped_column(sa.Text, default="")

    update: Mapped[WorkstreamUpdate] = relationship(back_populates="milestones")


class Risk(db.Model):
    __tablename__ = "risk"

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(sa.ForeignKey("workstream_update.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    reference: Mapped[str] = mapped_column(sa.String(16), index=True)
    description: Mapped[str] = mapped_column(sa.Text)
    mitigation: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[RiskStatus] = mapped_column(enum_column(RiskStatus), default=RiskStatus.OPEN)
    closure_note: Mapped[str] = mapped_column(sa.Text, default="")

    update: Mapped[WorkstreamUpdate] = relationship(back_populates="risks")
