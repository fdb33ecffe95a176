"""A programme (the root of everything) and its structure: workstreams with their outcomes, and reporting periods."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.formatting import long_date
from app.models.types import UTCDateTime, utcnow
from app.models.users import Role, RoleAssignment, User
from app.rag import RAG, RAG_DEFINITIONS, RAG_METHODOLOGY_INTRO


def seed_rag_definitions() -> dict[str, str]:
    return {rag.name: RAG_DEFINITIONS[rag] for rag in RAG}


class Programme(db.Model):
    """An improvement programme run by its PMO: its workstreams, periods, reports, roles and audit hang off it."""

    __tablename__ = "programme"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    organisation: Mapped[str] = mapped_column(sa.String(200), default="")
    # The reporting calendar's defaults for planning the next period.
    months_per_period: Mapped[int] = mapped_column(default=2)
    drafts_due_days_before_end: Mapped[int] = mapped_column(default=4)
    approvals_due_days_after_drafts: Mapped[int] = mapped_column(default=7)
    sign_off_due_days_after_approvals: Mapped[int] = mapped_column(default=7)
    iib_meeting_days_after_sign_off: Mapped[int] = mapped_column(default=11)
    # The RAG methodology printed in every pack; a period takes a copy when it is planned.
    rag_methodology_intro: Mapped[str] = mapped_column(sa.Text, default=RAG_METHODOLOGY_INTRO)
    rag_definitions: Mapped[dict] = mapped_column(sa.JSON, default=seed_rag_definitions)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (
        sa.CheckConstraint("months_per_period BETWEEN 1 AND 12", name="cadence_in_months"),
    )

    def __repr__(self) -> str:
        return f"<Programme {self.name}>"

    @property
    def title(self) -> str:
        return f"{self.name}, {self.organisation}" if self.organisation else self.name


# `retired_from` of a workstream retired before it reported in any period: no period starts before it.
BEFORE_ANY_PERIOD = dt.date.min


class Workstream(db.Model):
    __tablename__ = "workstream"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programme.id"), index=True)
    # Short code that prefixes the stable references of milestones and risks (e.g. PRC-M07).
    code: Mapped[str] = mapped_column(sa.String(8))
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    agreed_completion_date: Mapped[dt.date | None]
    forecast_completion_date: Mapped[dt.date | None]
    display_order: Mapped[int] = mapped_column(default=0)
    # The start date of the first period the workstream does not report in (None: it reports in every
    # period opened). Earlier periods keep it: their updates, and their signed-off packs, hold it.
    retired_from: Mapped[dt.date | None]

    programme: Mapped[Programme] = relationship()
    outcomes: Mapped[list[WorkstreamOutcome]] = relationship(
        back_populates="workstream",
        order_by="WorkstreamOutcome.position",
        cascade="all, delete-orphan",
    )
    role_assignments: Mapped[list[RoleAssignment]] = relationship(
        back_populates="workstream",
        primaryjoin="RoleAssignment.workstream_id == Workstream.id",
        foreign_keys="RoleAssignment.workstream_id",
    )

    __table_args__ = (
        sa.UniqueConstraint("programme_id", "code"),
        # The target of role assignments' (workstream, programme) key: a role's programme is its workstream's.
        sa.UniqueConstraint("id", "programme_id"),
    )

    def __repr__(self) -> str:
        return f"<Workstream {self.code}>"

    def people_with(self, role: Role) -> list[User]:
        return sorted((a.user for a in self.role_assignments if a.role is role), key=lambda user: user.name)

    @property
    def sponsors(self) -> list[User]:
        return self.people_with(Role.SPONSOR)

    @property
    def project_managers(self) -> list[User]:
        return self.people_with(Role.PROJECT_MANAGER)

    @property
    def pmo_support(self) -> list[User]:
        return self.people_with(Role.PMO_SUPPORT)

    @property
    def is_retired(self) -> bool:
        return self.retired_from is not None

    @property
    def retired_before_any_period(self) -> bool:
        return self.retired_from == BEFORE_ANY_PERIOD

    def reports_in_period_from(self, start_date: dt.date) -> bool:
        """Whether a period starting on `start_date` is one the workstream reports in."""
        return self.retired_from is None or start_date < self.retired_from

    @property
    def forecast_slippage_days(self) -> int:
        """Days the forecast completion is later than agreed (0 when on time or either is unknown)."""
        if self.agreed_completion_date and self.forecast_completion_date:
            return max(0, (self.forecast_completion_date - self.agreed_completion_date).days)
        return 0


RoleAssignment.workstream = relationship(
    Workstream,
    back_populates="role_assignments",
    primaryjoin=RoleAssignment.workstream_id == Workstream.id,
    foreign_keys=[RoleAssignment.workstream_id],
)
RoleAssignment.programme = relationship(Programme)


@sa.event.listens_for(RoleAssignment, "before_insert")
def _workstream_role_in_its_programme(_mapper, connection, assignment: RoleAssignment) -> None:
    """A workstream role belongs to its workstream's programme (the composite foreign key insists)."""
    if assignment.workstream is not None:
        assignment.programme_id = assignment.workstream.programme_id
    elif assignment.workstream_id is not None and assignment.programme_id is None:
        assignment.programme_id = connection.scalar(
            sa.select(Workstream.programme_id).where(Workstream.id == assignment.workstream_id)
        )


class WorkstreamOutcome(db.Model):
    __tablename__ = "workstream_outcome"

    id: Mapped[int] = mapped_column(primary_key=True)
    workstream_id: Mapped[int] = mapped_column(sa.ForeignKey("workstream.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    # Optional group heading (e.g. "Leadership") shown above the outcomes that share it.
    heading: Mapped[str | None] = mapped_column(sa.String(200))
    text: Mapped[str] = mapped_column(sa.Text)

    workstream: Mapped[Workstream] = relationship(back_populates="outcomes")


class ReportingPeriod(db.Model):
    """A period of the programme's reporting calendar. The PMO plans it (its dates only: no report, no drafts)
    and then opens it, which starts its report and a draft for every workstream."""

    __tablename__ = "reporting_period"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programme.id"), index=True)
    start_date: Mapped[dt.date]
    end_date: Mapped[dt.date]
    drafts_due: Mapped[dt.date]
    approvals_due: Mapped[dt.date]
    sign_off_due: Mapped[dt.date]
    iib_meeting_date: Mapped[dt.date | None]
    # The programme's RAG methodology when the period was planned: a later change to it applies to later periods.
    rag_methodology_intro: Mapped[str] = mapped_column(sa.Text, default=RAG_METHODOLOGY_INTRO)
    rag_definitions: Mapped[dict] = mapped_column(sa.JSON, default=seed_rag_definitions)
    # When the period was opened (None while it is only planned), and by whom (None for a command).
    opened_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    opened_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    # Two PMOs may change the due dates at once: each change states the version it was based on.
    version: Mapped[int] = mapped_column(default=1, server_default=sa.text("1"))

    programme: Mapped[Programme] = relationship()
    opened_by: Mapped[User | None] = relationship(foreign_keys=[opened_by_id])

    __table_args__ = (
        sa.UniqueConstraint("programme_id", "start_date"),
        sa.CheckConstraint("end_date > start_date", name="ends_after_start"),
        sa.CheckConstraint("drafts_due <= approvals_due AND approvals_due <= sign_off_due", name="due_dates_in_order"),
        sa.CheckConstraint("iib_meeting_date IS NULL OR iib_meeting_date >= sign_off_due", name="iib_meeting_after_sign_off"),
        # A deleted planned period's id is never given to another: the audit trail names it by its id.
        {"sqlite_autoincrement": True},
    )
    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<ReportingPeriod {self.start_date}–{self.end_date}>"

    @property
    def label(self) -> str:
        return f"{long_date(self.start_date)} – {long_date(self.end_date)}"

    @property
    def is_planned(self) -> bool:
        """Planned but not opened yet: it has no report and no drafts."""
        return self.opened_at is None

    @property
    def slug(self) -> str:
        return f"{self.start_date.isoformat()}-to-{self.end_date.isoformat()}"

    def overlaps(self, start: dt.date, end: dt.date) -> bool:
        return self.start_date <= end and start <= self.end_date
