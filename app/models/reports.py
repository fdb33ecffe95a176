"""The programme report of a period: the lead executive director's overview and the CMT sign-off.

A period has one report per revision. Signing a revision off freezes a snapshot of the whole report
with a SHA-256 fingerprint of its content; reopening starts the next revision.
"""
from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.programme import ReportingPeriod
from app.models.types import UTCDateTime, enum_column, utcnow
from app.models.users import User
from app.rag import RAG


class ReportState(enum.Enum):
    OPEN = "Open"
    SIGNED_OFF = "Signed off"
    REOPENED = "Reopened"

    @property
    def label(self) -> str:
        return self.value


class ProgrammeReport(db.Model):
    __tablename__ = "programme_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(sa.ForeignKey("reporting_period.id"), index=True)
    revision: Mapped[int] = mapped_column(default=1)
    state: Mapped[ReportState] = mapped_column(enum_column(ReportState), default=ReportState.OPEN)
    overview: Mapped[str] = mapped_column(sa.Text, default="")
    overview_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    # Why this revision was opened (revision 2 onwards), and which workstreams it reopened.
    reopen_reason: Mapped[str] = mapped_column(sa.Text, default="")
    signed_off_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    signed_off_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    cmt_meeting_date: Mapped[dt.date | None]
    # Large (the whole report): loaded only where a page shows the report itself.
    snapshot: Mapped[dict | None] = mapped_column(sa.JSON, deferred=True)
    content_fingerprint: Mapped[str | None] = mapped_column(sa.String(64))
    version: Mapped[int] = mapped_column(default=1)

    period: Mapped[ReportingPeriod] = relationship()
    overview_by: Mapped[User | None] = relationship(foreign_keys=[overview_by_id])
    signed_off_by: Mapped[User | None] = relationship(foreign_keys=[signed_off_by_id])

    __table_args__ = (sa.UniqueConstraint("period_id", "revision"),)
    __mapper_args__ = {"version_id_col": version}

    @property
    def is_signed_off(self) -> bool:
        return self.state is ReportState.SIGNED_OFF


class ReportExport(db.Model):
    """A signed-off revision's PDF or Word pack, built once and served as stored (the content cannot change)."""

    __tablename__ = "report_export"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("programme_report.id", ondelete="CASCADE"))
    format: Mapped[str] = mapped_column(sa.String(8))
    # The fingerprint of the content it was built from: a pack is only served for the content it shows.
    content_fingerprint: Mapped[str] = mapped_column(sa.String(64))
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (sa.UniqueConstraint("report_id", "format"),)


class SignedOffSection(db.Model):
    """What one signed-off revision holds of one workstream: its update, agreed rating and details.

    Written at sign-off from the snapshot, so pages for readers find what was signed off without reading
    whole snapshots; `flask verify` checks every row against its revision's snapshot.
    """

    __tablename__ = "signed_off_section"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("programme_report.id", ondelete="CASCADE"))
    period_id: Mapped[int] = mapped_column(sa.ForeignKey("reporting_period.id"))
    revision: Mapped[int]
    workstream_id: Mapped[int] = mapped_column(sa.ForeignKey("workstream.id"), index=True)
    update_id: Mapped[int] = mapped_column(sa.ForeignKey("workstream_update.id"))
    agreed_rag: Mapped[RAG | None] = mapped_column(enum_column(RAG, name="signed_off_agreed_rag"))
    # The snapshot's workstream details (description, outcomes, people, dates) as signed off.
    workstream_details: Mapped[dict] = mapped_column(sa.JSON, deferred=True)

    report: Mapped[ProgrammeReport] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("report_id", "workstream_id"),
        sa.Index("ix_signed_off_section_period_id_revision", "period_id", "revision"),
    )
