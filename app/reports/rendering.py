"""The report body as HTML, kept while its content cannot have changed.

A signed-off revision never changes, so its body is kept by fingerprint. A report being prepared is kept
until anything in the programme is changed: every change writes an audit event or moves an update's
version, so the newest event and the period's update versions together name the content.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Callable

import sqlalchemy as sa
from flask import render_template
from markupsafe import Markup

from app.extensions import db
from app.models import AuditEvent, ProgrammeReport, ReportingPeriod, WorkstreamUpdate

_KEPT = 24
_bodies: OrderedDict[tuple, Markup] = OrderedDict()
_lock = threading.Lock()


def _content_key(period: ReportingPeriod, report: ProgrammeReport) -> tuple:
    if report.is_signed_off:
        return ("signed off", report.id, report.content_fingerprint)
    newest_event = sa.select(sa.func.max(AuditEvent.id)).scalar_subquery()
    versions = (
        sa.select(sa.func.coalesce(sa.func.sum(WorkstreamUpdate.version), 0))
        .where(WorkstreamUpdate.period_id == period.id)
        .scalar_subquery()
    )
    changed = db.session.execute(sa.select(newest_event, versions)).one()
    return ("being prepared", report.id, report.version, *changed)


def report_body(period: ReportingPeriod, report: ProgrammeReport, content: Callable[[], dict]) -> Markup:
    key = _content_key(period, report)
    with _lock:
        if key in _bodies:
            _bodies.move_to_end(key)
            return _bodies[key]
    body = Markup(
        render_template(
            "reports/_report_body.html",
            content=content(),
            draft=not report.is_signed_off,
            fingerprint=report.content_fingerprint,
        )
    )
    with _lock:
        _bodies[key] = body
        while len(_bodies) > _KEPT:
            _bodies.popitem(last=False)
    return body


def forget_bodies() -> None:
    with _lock:
        _bodies.clear()
