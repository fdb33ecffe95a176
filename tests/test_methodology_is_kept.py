"""A change to the programme's RAG methodology applies to periods planned after it: each period keeps the text it
was planned with, and a signed-off pack the text it was signed off with."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import undefer

from app.extensions import db
from app.models import Programme, ProgrammeReport, ReportingPeriod
from app.periods.services import open_period
from app.rag import RAG, RAG_DEFINITIONS, RAG_METHODOLOGY_INTRO
from app.reports.content import fingerprint, report_content
from app.reports.queries import latest_report
from tests.conftest import post, text
from tests.personas import HEIDI_ROBINSON
from tests.test_programme_setup import settings_form

NEW_INTRO = "From 2024 the IIB asked for a four-level scale; until then the five levels below apply."
NEW_GREEN = "Delivery to time, cost and quality is assured."


def _content(period_id: int) -> dict:
    period = db.session.get(ReportingPeriod, period_id)
    return report_content(period, latest_report(period))


def _signed_off(period_id: int) -> ProgrammeReport:
    return db.session.scalar(
        sa.select(ProgrammeReport).options(undefer(ProgrammeReport.snapshot))
        .where(ProgrammeReport.period_id == period_id, ProgrammeReport.revision == 1)
    )


def test_a_changed_methodology_leaves_existing_periods_and_signed_off_packs_and_reaches_the_next_period(app, person, ids):
    heidi = person(HEIDI_ROBINSON)
    with app.test_request_context():
        pack = _signed_off(ids.periods["sep_oct"])
        frozen, frozen_fingerprint = pack.snapshot, pack.content_fingerprint
        assert frozen["rag_methodology_intro"] == RAG_METHODOLOGY_INTRO
    response = post(heidi, f"/programmes/{ids.programme}/settings",
                    **settings_form(app, ids.programme, rag_methodology_intro=NEW_INTRO, definition_green=NEW_GREEN))
    assert response.status_code == 302
    with app.test_request_context():
        assert db.session.get(Programme, ids.programme).rag_methodology_intro == NEW_INTRO
        # The open period was planned before the change: its report keeps the methodology it was planned with.
        open_report = _content(ids.periods["nov_dec"])
        assert open_report["rag_methodology_intro"] == RAG_METHODOLOGY_INTRO
        assert open_report["rag_methodology"][0] == {"rating": "GREEN", "definition": RAG_DEFINITIONS[RAG.GREEN]}
        # The signed-off pack is exactly as it was signed off.
        pack = _signed_off(ids.periods["sep_oct"])
        assert (pack.snapshot, pack.content_fingerprint) == (frozen, frozen_fingerprint)
        assert fingerprint(pack.snapshot) == frozen_fingerprint
    for period in ("nov_dec", "sep_oct"):
        page = text(heidi.get(f"/periods/{ids.periods[period]}/report"))
        assert RAG_DEFINITIONS[RAG.GREEN] in page and NEW_GREEN not in page, period
    with app.test_request_context():
        programme = db.session.get(Programme, ids.programme)
        later = open_period(
            programme, start_date=dt.date(2024, 1, 1), end_date=dt.date(2024, 2, 29), drafts_due=dt.date(2024, 2, 23),
            approvals_due=dt.date(2024, 3, 1), sign_off_due=dt.date(2024, 3, 8), iib_meeting_date=None, opened_by=None,
            while_another_is_open=True,
        )
        db.session.commit()
        later_id = later.id
        assert (later.rag_methodology_intro, later.rag_definitions["GREEN"]) == (NEW_INTRO, NEW_GREEN)
        content = _content(later_id)
        assert content["rag_methodology_intro"] == NEW_INTRO
        assert content["rag_methodology"][0]["definition"] == NEW_GREEN
        assert content["rag_methodology"][4]["definition"] == RAG_DEFINITIONS[RAG.RED]
    page = text(heidi.get(f"/periods/{later_id}/report"))
    assert NEW_GREEN in page
