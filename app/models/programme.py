"""The improvement programme's structure: workstreams with their outcomes, and reporting periods."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.formatting import long_date
from app.models.users import Role, RoleAssignment, User


class Workstream(db.Model):
    __tablename__ = "workstream"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Short code that prefixes the stable references of milestones and risks (e.g. PRC-M07).
    code: Mapped[str] = mapped_column(sa.String(8), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    agreed_completion_date: Mapped[dt.date | None]
    forecast_completion_date: Mapped[dt.date | None]
    display_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    outcomes: Mapped[list[WorkstreamOutcome]] = relationship(
        back_populates="workstream",
        order_by="WorkstreamOutcome.position",
        cascade="all, delete-orphan",
    )
    role_assignments: Mapped[list[RoleAssignment]] = relationship(back_populates="workstream")

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
    def forecast_slippage_days(self) -> int:
        """Days the forecast completion is later than agreed (0 when on time or either is unknown)."""
        if self.agreed_completion_date and self.forecast_completion_date:
            return max(0, (self.forecast_completion_date - self.agreed_completion_date).days)
        return 0


RoleAssignment.workstream = relationship(Workstream, back_populates="role_assignments")


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
    __tablename__ = "reporting_period"

    id: Mapped[int] = mapped_column(primary_key=True)
    start_date: Mapped[dt.date] = mapped_column(unique=True)
    end_date: Mapped[dt.date]
    drafts_due: Mapped[dt.date]
    approvals_due: Mapped[dt.date]
    sign_off_due: Mapped[dt.date]
    iib_meeting_date: Mapped[dt.date | None]

    __table_args__ = (
        sa.CheckConstraint("end_date > start_date", name="ends_after_start"),
        sa.CheckConstraint("drafts_due <= approvals_due AND approvals_due <= sign_off_due", name="due_dates_in_order"),
    )

    def __repr__(self) -> str:
        return f"<ReportingPeriod {self.start_date}–{self.end_date}>"

    @property
    def label(self) -> str:
        return f"{long_date(self.start_date)} – {long_date(self.end_date)}"

    @property
    def slug(self) -> str:
        return f"{self.start_date.isoformat()}-to-{self.end_date.isoformat()}"

    def overlaps(self, start: dt.date, end: dt.date) -> bool:
        return self.start_date <= end and start <= self.end_date
