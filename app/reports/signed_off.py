"""The programme as its signed-off revisions hold it: what IIB members and viewers see.

A period counts by its latest signed-off revision, which stays what readers see while a later revision is
being prepared. Pages read the signed-off sections (one row per signed-off revision and workstream, written
at sign-off from the snapshot) rather than whole snapshots, and programme staff's pages use the same reads
to mark live values that are not yet signed off.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import undefer

from app.extensions import db
from app.models import RAG, ProgrammeReport, ReportingPeriod, ReportState, Workstream
from app.models.reports import SignedOffSection
from app.period_queries import all_periods
from app.reports.queries import signed_off_period_ids
from app.reports.trends import RatedPeriod

# The workstream details a draft can change, or that change with the people: compared with the signed-off ones.
DETAIL_FIELDS = (
    "description",
    "outcomes",
    "sponsors",
    "project_managers",
    "pmo_support",
    "agreed_completion_date",
    "forecast_completion_date",
)


def sections_from_snapshot(report: ProgrammeReport, snapshot: dict) -> list[SignedOffSection]:
    """The signed-off sections of a revision, from its snapshot (at sign-off, and by `flask verify`)."""
    return [
        SignedOffSection(
            report=report,
            period_id=report.period_id,
            revision=report.revision,
            workstream_id=section["workstream"]["id"],
            update_id=section["update_id"],
            agreed_rag=RAG.named(section["agreed_rag"]),
            workstream_details=section["workstream"],
        )
        for section in snapshot["workstreams"]
    ]


def _latest_signed_off_revision():
    """Each period's latest signed-off revision number."""
    return (
        sa.select(ProgrammeReport.period_id, sa.func.max(ProgrammeReport.revision).label("revision"))
        .where(ProgrammeReport.state == ReportState.SIGNED_OFF)
        .group_by(ProgrammeReport.period_id)
        .subquery()
    )


def _current(query):
    """`query` over signed-off sections, kept to each period's latest signed-off revision."""
    latest = _latest_signed_off_revision()
    return query.join(
        latest,
        sa.and_(SignedOffSection.period_id == latest.c.period_id, SignedOffSection.revision == latest.c.revision),
    )


def latest_signed_off_reports(period_ids) -> dict[int, ProgrammeReport]:
    """The latest signed-off revision of each of these periods that has one, keyed by period id."""
    period_ids = list(period_ids)
    if not period_ids:
        return {}
    latest = _latest_signed_off_revision()
    reports = db.session.scalars(
        sa.select(ProgrammeReport)
        .join(latest, sa.and_(ProgrammeReport.period_id == latest.c.period_id, ProgrammeReport.revision == latest.c.revision))
        .where(ProgrammeReport.period_id.in_(period_ids))
    )
    return {report.period_id: report for report in reports}


def periods_signed_off_now(period_ids) -> set[int]:
    """Those of these periods whose latest revision is signed off (no later revision is being prepared)."""
    period_ids = list(period_ids)
    if not period_ids:
        return set()
    newest = (
        sa.select(ProgrammeReport.period_id, sa.func.max(ProgrammeReport.revision).label("revision"))
        .where(ProgrammeReport.period_id.in_(period_ids))
        .group_by(ProgrammeReport.period_id)
        .subquery()
    )
    return set(
        db.session.scalars(
            sa.select(ProgrammeReport.period_id)
            .join(newest, sa.and_(ProgrammeReport.period_id == newest.c.period_id, ProgrammeReport.revision == newest.c.revision))
            .where(ProgrammeReport.state == ReportState.SIGNED_OFF)
        )
    )


def latest_signed_off_periods(programme_id: int, limit: int) -> list[tuple[ReportingPeriod, ProgrammeReport]]:
    """The programme's newest periods with a signed-off revision, newest first, each with its latest signed-off revision."""
    latest = _latest_signed_off_revision()
    rows = db.session.execute(
        sa.select(ReportingPeriod, ProgrammeReport)
        .join(latest, latest.c.period_id == ReportingPeriod.id)
        .join(ProgrammeReport, sa.and_(ProgrammeReport.period_id == latest.c.period_id, ProgrammeReport.revision == latest.c.revision))
        .where(ReportingPeriod.programme_id == programme_id)
        .order_by(ReportingPeriod.start_date.desc())
        .limit(limit)
    )
    return [(period, report) for period, report in rows]


def signed_off_details(programme_id: int, workstream_ids) -> dict[int, dict]:
    """Each workstream's details as the newest signed-off period holding it has them (absent if none does).

    The newest signed-off period usually holds every workstream, so it is read first and alone; only
    workstreams it lacks are looked for further back."""
    wanted = set(workstream_ids)
    periods = signed_off_period_list(programme_id)
    if not wanted or not periods:
        return {}
    found = dict(
        db.session.execute(
            _current(
                sa.select(SignedOffSection.workstream_id, SignedOffSection.workstream_details).where(
                    SignedOffSection.workstream_id.in_(wanted), SignedOffSection.period_id == periods[0].id
                )
            )
        ).all()
    )
    missing = wanted - set(found)
    if missing and len(periods) > 1:
        newest_first = sa.func.row_number().over(
            partition_by=SignedOffSection.workstream_id, order_by=ReportingPeriod.start_date.desc()
        )
        ranked = _current(
            sa.select(SignedOffSection.id, newest_first.label("position"))
            .join(ReportingPeriod, ReportingPeriod.id == SignedOffSection.period_id)
            .where(SignedOffSection.workstream_id.in_(missing))
        ).subquery()
        found.update(
            db.session.execute(
                sa.select(SignedOffSection.workstream_id, SignedOffSection.workstream_details)
                .join(ranked, ranked.c.id == SignedOffSection.id)
                .where(ranked.c.position == 1)
            ).all()
        )
    return found


def signed_off_ratings(workstream_ids, period_ids) -> dict[tuple[int, int], RAG | None]:
    """The agreed rating each period's latest signed-off revision holds, by (workstream id, period id)."""
    workstream_ids, period_ids = list(workstream_ids), list(period_ids)
    if not workstream_ids or not period_ids:
        return {}
    rows = db.session.execute(
        _current(
            sa.select(SignedOffSection.workstream_id, SignedOffSection.period_id, SignedOffSection.agreed_rag).where(
                SignedOffSection.workstream_id.in_(workstream_ids), SignedOffSection.period_id.in_(period_ids)
            )
        )
    )
    return {(workstream_id, period_id): rag for workstream_id, period_id, rag in rows}


def signed_off_sections_of(workstream: Workstream) -> list[tuple[ReportingPeriod, SignedOffSection]]:
    """The workstream's update in each signed-off period, as its latest signed-off revision holds it, newest first."""
    periods = {period.id: period for period in all_periods(workstream.programme_id)}
    sections = db.session.scalars(
        _current(sa.select(SignedOffSection).where(SignedOffSection.workstream_id == workstream.id))
    )
    found = [(periods[section.period_id], section) for section in sections]
    return sorted(found, key=lambda pair: pair[0].start_date, reverse=True)


def signed_off_period_list(programme_id: int) -> list[ReportingPeriod]:
    """The programme's periods with a signed-off revision, newest first."""
    signed = signed_off_period_ids()
    return [period for period in all_periods(programme_id) if period.id in signed]


def signed_off_rag_history(programme_id: int, workstream_ids, periods: int | None = None) -> dict[int, list[RatedPeriod]]:
    """Like trends.rag_history, over signed-off periods only and with the ratings they were signed off with."""
    chosen = signed_off_period_list(programme_id)[::-1]
    if periods is not None:
        chosen = chosen[-periods:]
    ratings = signed_off_ratings(workstream_ids, [p.id for p in chosen])
    return {
        wid: [RatedPeriod(p.id, p.start_date, p.end_date, ratings.get((wid, p.id))) for p in chosen]
        for wid in workstream_ids
    }


def not_signed_off_fields(live: dict, signed_off: dict | None) -> set[str]:
    """Which of the live workstream details differ from the signed-off ones (all of them if none are signed off)."""
    if signed_off is None:
        return set(DETAIL_FIELDS)
    return {field for field in DETAIL_FIELDS if live.get(field) != signed_off.get(field)}


def differing_ratings(
    live: dict[tuple[int, int], RAG | None], signed_off: dict[tuple[int, int], RAG | None]
) -> set[tuple[int, int]]:
    """The (workstream id, period id) cells whose live agreed rating is not the signed-off one."""
    return {cell for cell in live.keys() | signed_off.keys() if live.get(cell) is not signed_off.get(cell)}


def sections_disagreeing_with_snapshots() -> list[str]:
    """Problems with the signed-off sections, each compared with its revision's snapshot (none when empty)."""
    problems = []
    stored: dict[tuple[int, int], SignedOffSection] = {
        (row.report_id, row.workstream_id): row
        for row in db.session.scalars(sa.select(SignedOffSection).options(undefer(SignedOffSection.workstream_details)))
    }
    reports = db.session.scalars(
        sa.select(ProgrammeReport)
        .where(ProgrammeReport.state == ReportState.SIGNED_OFF)
        .options(undefer(ProgrammeReport.snapshot))
        .order_by(ProgrammeReport.period_id, ProgrammeReport.revision)
    )
    expected_keys = set()
    for report in reports:
        label = f"{report.period.label} revision {report.revision}"
        for expected in sections_from_snapshot(report, report.snapshot or {"workstreams": []}):
            key = (report.id, expected.workstream_id)
            expected_keys.add(key)
            row = stored.get(key)
            if row is None:
                problems.append(f"{label}: no signed-off section for workstream {expected.workstream_id}")
                continue
            for column in ("period_id", "revision", "update_id", "agreed_rag", "workstream_details"):
                if getattr(row, column) != getattr(expected, column):
                    problems.append(f"{label}: workstream {expected.workstream_id}'s {column} differs from the snapshot")
    for report_id, workstream_id in sorted(set(stored) - expected_keys):
        problems.append(f"a signed-off section of workstream {workstream_id} (report row {report_id}) is in no snapshot")
    return problems
