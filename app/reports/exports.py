"""Board pack files. A signed-off revision's pack is built once (right after sign-off, in the background, or
at its first download) and then served as stored; a draft is built on each download, marked DRAFT."""
from __future__ import annotations

import logging
import threading

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import ProgrammeReport, ReportExport, ReportingPeriod, ReportState

log = logging.getLogger(__name__)
FORMATS = ("pdf", "docx")


def build(content: dict, draft: bool, fingerprint: str | None, extension: str) -> bytes:
    if extension == "pdf":
        from app.reports.pdf_export import build_pdf

        return build_pdf(content, draft, fingerprint)
    from app.reports.docx_export import build_docx

    return build_docx(content, draft)


def pack(period: ReportingPeriod, report: ProgrammeReport, content: dict, extension: str) -> bytes:
    """The pack file for the revision: stored once signed off, built afresh while it is a draft."""
    if not report.is_signed_off:
        return build(content, True, None, extension)
    stored = db.session.scalar(
        sa.select(ReportExport).where(ReportExport.report_id == report.id, ReportExport.format == extension)
    )
    if stored is not None and stored.content_fingerprint == report.content_fingerprint:
        return stored.data
    data = build(content, False, report.content_fingerprint, extension)
    _store(report, extension, data, replacing=stored)
    return data


def _store(report: ProgrammeReport, extension: str, data: bytes, replacing: ReportExport | None = None) -> None:
    if replacing is not None:
        db.session.delete(replacing)
        db.session.flush()
    db.session.add(
        ReportExport(report_id=report.id, format=extension, content_fingerprint=report.content_fingerprint, data=data)
    )
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        # Another worker stored the same pack first; theirs is identical.
        db.session.rollback()


def build_missing(report_ids: list[int] | None = None) -> int:
    """Build and store every signed-off revision's packs that are not stored yet; returns how many."""
    query = sa.select(ProgrammeReport).where(ProgrammeReport.state == ReportState.SIGNED_OFF)
    if report_ids is not None:
        query = query.where(ProgrammeReport.id.in_(report_ids))
    built = 0
    for report in db.session.scalars(query).all():
        have = set(
            db.session.scalars(
                sa.select(ReportExport.format).where(
                    ReportExport.report_id == report.id,
                    ReportExport.content_fingerprint == report.content_fingerprint,
                )
            )
        )
        for extension in FORMATS:
            if extension not in have:
                pack(report.period, report, report.snapshot, extension)
                built += 1
    return built


def prebuild_after_sign_off(report: ProgrammeReport) -> threading.Thread | None:
    """Build the new record's packs in the background so the first reader need not wait for them."""
    if not current_app.config.get("PREBUILD_PACKS"):
        return None
    app = current_app._get_current_object()
    report_id = report.id

    def work():
        with app.app_context():
            try:
                build_missing([report_id])
            except Exception:  # noqa: BLE001 - the pack is built at first download instead
                log.exception("building the packs of report %s failed", report_id)
            finally:
                db.session.remove()

    thread = threading.Thread(target=work, name=f"packs-{report_id}", daemon=True)
    thread.start()
    return thread
