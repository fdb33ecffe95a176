"""Changes since the last pack, derived from real work: project managers save their drafts and change their
risks, sponsors approve, the lead executive director writes the overview and CMT signs the open period off,
all through the product's own services. The signed-off pack then lists exactly what moved: ratings (with the
reason given), milestones completed and slipped (with how many periods late), risks opened and closed."""
import datetime as dt
import io
import re

import docx
import pytest
import sqlalchemy as sa

from app import workflow
from app.extensions import db
from app.models import RAG, MilestoneStatus, ProgrammeReport, ReportState, UpdateState, WorkstreamUpdate
from app.reports.content import changes_since_last_pack, report_content
from app.reports.services import save_overview
from app.updates.rows import RISKS, add_row, close_risk
from app.updates.services import draft_fields, milestone_field, save_draft
from tests.conftest import user_by_email
from tests.personas import ANGELA_PROBERT, RICHARD_CARR, STEVE_COX


GOV_REASON = "Two governance decisions were deferred to the January Council meeting."
PTN_JUSTIFICATION = "The partnership board has not met since September, so the sponsor agrees Amber."
GOV_M05_NOTE = "The member briefing moved to January."
PRC_M01_NOTE = "The contract register review waits for the new procurement lead."
GOV_R01_CLOSURE = "The new scheme of delegation removes this risk."
NEW_RISK = {"description": "Decision-making slows while the committee structure changes.",
            "mitigation": "An interim delegation agreed by the Chief Executive."}


def nov_dec_update(ids, code):
    return db.session.get(WorkstreamUpdate, ids.update(code, "nov_dec"))


def save(update, *, rating, change_reason="", milestones=None):
    """Save the draft as its project manager does in the editor: every section written, every milestone given
    a status (on track unless `milestones` says {reference: (status, note)})."""
    author = update.workstream.project_managers[0]
    base = draft_fields(update)
    mine = dict(
        base,
        key_activities="Work continued as planned.",
        engagement="Fortnightly workstream meetings.",
        concerns="None.",
        rag_rationale="As set out in the key activities.",
        proposed_rag=rating.name,
        rag_change_reason=change_reason,
    )
    for position, milestone in enumerate(update.milestones_this_period):
        status, note = (milestones or {}).get(milestone.reference, (MilestoneStatus.ON_TRACK, ""))
        mine[milestone_field(position, "status")] = status.name
        mine[milestone_field(position, "status_note")] = note
    result = save_draft(update, author, update.version, base, mine)
    assert not result.conflicts and result.changed


def submit_and_approve(update, **approval):
    workflow.perform("submit", update, update.workstream.project_managers[0], version=update.version)
    workflow.perform(
        "approve", update, update.workstream.sponsors[0], version=update.version,
        sponsor_comments="Agreed.", **approval,
    )


def risk(update, reference):
    return next(r for r in update.risks_in_order if r.reference == reference)


def milestone(update, reference):
    return next(m for m in update.milestones_this_period if m.reference == reference)


@pytest.fixture
def signed_off(app, ids):
    """The open period worked through and signed off. Returns (ids, the signed-off revision's snapshot,
    what the changes should say, written out from the rows the work touched)."""
    with app.test_request_context():
        gov, prc, ptn = (nov_dec_update(ids, code) for code in ("GOV", "PRC", "PTN"))
        assert all(u.state is UpdateState.DRAFT for u in (gov, prc, ptn))
        # Governance: the rating moves from last period's Green, one milestone completes and one slips for the
        # first time, a new risk is opened and a carried one is closed.
        save(gov, rating=RAG.AMBER, change_reason=GOV_REASON, milestones={
            "GOV-M04": (MilestoneStatus.COMPLETE, ""),
            "GOV-M05": (MilestoneStatus.DELAYED, GOV_M05_NOTE),
        })
        pm = gov.workstream.project_managers[0]
        opened = add_row(RISKS, gov, pm, NEW_RISK)
        close_risk(gov, pm, risk(gov, "GOV-R01").id, GOV_R01_CLOSURE)
        submit_and_approve(gov)
        # Procurement: the rating holds; a milestone already delayed in Sep–Oct slips again.
        save(prc, rating=RAG.GREEN, milestones={"PRC-M01": (MilestoneStatus.DELAYED, PRC_M01_NOTE)})
        submit_and_approve(prc)
        # Partnership working: proposed as last period, but the sponsor agrees a different rating.
        save(ptn, rating=RAG.GREEN_AMBER)
        submit_and_approve(ptn, agreed_rag=RAG.AMBER.name, agreed_rag_justification=PTN_JUSTIFICATION)
        # The rest: nothing moves.
        for code in ("PPD", "CCC"):
            update = nov_dec_update(ids, code)
            save(update, rating=RAG.GREEN)
            submit_and_approve(update)

        report = db.session.scalar(
            sa.select(ProgrammeReport).where(ProgrammeReport.period_id == ids.periods["nov_dec"])
        )
        save_overview(report, user_by_email(ANGELA_PROBERT), "Steady progress, with governance decisions deferred.")
        db.session.commit()
        draft_changes = report_content(report.period, report)["changes"]
        signed = workflow.perform(
            "sign_off", report, user_by_email(STEVE_COX), version=report.version, cmt_meeting_date=dt.date(2024, 1, 9)
        )
        assert signed.state is ReportState.SIGNED_OFF

        gov_title, prc_title, ptn_title = (u.workstream.title for u in (gov, prc, ptn))
        expected = {
            "previous_period": "1 September 2023 – 31 October 2023",
            "ratings_moved": [
                {"workstream": gov_title, "from": "GREEN", "to": "AMBER", "reason": GOV_REASON},
                {"workstream": ptn_title, "from": "GREEN_AMBER", "to": "AMBER", "reason": PTN_JUSTIFICATION},
            ],
            "milestones_completed": [
                {"workstream": gov_title, "reference": "GOV-M04",
                 "description": milestone(gov, "GOV-M04").description},
            ],
            "milestones_slipped": [
                {"workstream": gov_title, "reference": "GOV-M05",
                 "description": milestone(gov, "GOV-M05").description, "periods_late": 1, "note": GOV_M05_NOTE},
                {"workstream": prc_title, "reference": "PRC-M01",
                 "description": milestone(prc, "PRC-M01").description, "periods_late": 2, "note": PRC_M01_NOTE},
            ],
            "risks_opened": [
                {"workstream": gov_title, "reference": opened.reference, "description": NEW_RISK["description"]},
            ],
            "risks_closed": [
                {"workstream": gov_title, "reference": "GOV-R01", "description": risk(gov, "GOV-R01").description,
                 "closure_note": GOV_R01_CLOSURE},
            ],
        }
        snapshot = db.session.get(ProgrammeReport, signed.id).snapshot
    assert draft_changes == snapshot["changes"], "the draft and the signed-off pack derive the changes alike"
    return ids, snapshot, expected


def test_the_signed_off_pack_lists_exactly_what_moved_this_period(signed_off):
    _ids, snapshot, expected = signed_off
    changes = snapshot["changes"]
    # One list at a time first, so a failure names the kind of change that went missing.
    for kind in expected:
        assert changes[kind] == expected[kind], kind
    assert changes == expected


def test_a_new_risk_is_opened_with_the_next_reference_and_carried_risks_are_not_listed_as_opened(signed_off):
    _ids, snapshot, _expected = signed_off
    assert [r["reference"] for r in snapshot["changes"]["risks_opened"]] == ["GOV-R04"]
    opened = {r["reference"] for r in snapshot["changes"]["risks_opened"]}
    carried = {r["reference"] for s in snapshot["workstreams"] for r in s["risks"]} - opened
    assert len(carried) == 21 and not carried & opened


def test_readers_see_the_changes_on_the_report_page_and_in_the_word_pack(app, signed_in, signed_off):
    ids, _snapshot, expected = signed_off
    client = signed_in(RICHARD_CARR)
    html = client.get(f"/periods/{ids.periods['nov_dec']}/report").get_data(as_text=True)
    section = html[html.index('id="changes"'):html.index('id="workstreams"')]
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))
    word = client.get(f"/periods/{ids.periods['nov_dec']}/report.docx")
    assert word.status_code == 200
    document = docx.Document(io.BytesIO(word.data))
    pack = " ".join(
        [p.text for p in document.paragraphs]
        + [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    )
    assert "No rating moved." not in page
    for text in (
        GOV_REASON,
        PTN_JUSTIFICATION,
        GOV_R01_CLOSURE,
        GOV_M05_NOTE,
        PRC_M01_NOTE,
        expected["risks_closed"][0]["description"],
        NEW_RISK["description"],
        expected["milestones_completed"][0]["description"],
    ):
        assert text in page, text
        assert text in pack, text
    assert f"PRC-M01 (Procurement): {expected['milestones_slipped'][1]['description']}, 2 periods late" in page
    assert f"GOV-M05 (Governance and decision making): {expected['milestones_slipped'][0]['description']}, 1 period late" in page


def test_before_anyone_works_on_the_open_period_nothing_is_listed_as_changed(app, ids):
    with app.test_request_context():
        report = db.session.scalar(
            sa.select(ProgrammeReport).where(ProgrammeReport.period_id == ids.periods["nov_dec"])
        )
        changes = report_content(report.period, report)["changes"]
    assert changes == {
        "previous_period": "1 September 2023 – 31 October 2023",
        "ratings_moved": [],
        "milestones_completed": [],
        "milestones_slipped": [],
        "risks_opened": [],
        "risks_closed": [],
    }


# --- The rules of each kind of change, on sections written out by hand ---------------------------------------

def section(title, workstream_id=1, *, before=None, now=None, change_reason="", justification="",
            milestones=(), risks=()):
    """A report section holding only what the changes are derived from."""
    return {
        "workstream": {"id": workstream_id, "title": title},
        "rag_last_period": before,
        "rag_this_period": now,
        "rag_change_reason": change_reason,
        "agreed_rag_justification": justification,
        "milestones_this_period": [
            {"reference": reference, "description": f"{reference} described", "status": status,
             "status_note": note, "periods_delayed_before": delayed}
            for reference, status, note, delayed in milestones
        ],
        "risks": [
            {"reference": reference, "description": f"{reference} described", "status": status,
             "closure_note": note}
            for reference, status, note in risks
        ],
    }


def test_a_rating_moved_only_when_the_workstream_was_rated_last_period_and_this_one_and_the_two_differ():
    sections = [
        section("First rated now", before=None, now="AMBER"),
        section("Not rated now", before="GREEN", now=None),
        section("Held", before="GREEN", now="GREEN"),
        section("Moved", before="GREEN", now="RED", change_reason="Why it moved.", justification="Sponsor's view."),
    ]
    moved = changes_since_last_pack(sections, None)["ratings_moved"]
    # The reason given for the change comes first; the sponsor's justification only when there is none.
    assert moved == [{"workstream": "Moved", "from": "GREEN", "to": "RED", "reason": "Why it moved."}]


def test_milestones_listed_are_those_completed_or_delayed_and_a_slip_counts_this_period_as_late():
    sections = [section("Milestones", milestones=[
        ("M-1", "COMPLETE", "", 0),
        ("M-2", "DELAYED", "Waiting.", 3),
        ("M-3", "ON_TRACK", "", 0),
        ("M-4", None, "", 0),
    ])]
    changes = changes_since_last_pack(sections, None)
    assert changes["milestones_completed"] == [
        {"workstream": "Milestones", "reference": "M-1", "description": "M-1 described"},
    ]
    assert changes["milestones_slipped"] == [
        {"workstream": "Milestones", "reference": "M-2", "description": "M-2 described", "periods_late": 4,
         "note": "Waiting."},
    ]


def test_in_the_first_period_no_risk_is_listed_as_opened_but_a_closed_one_is_listed_as_closed():
    sections = [section("Risks", risks=[("R-1", "OPEN", ""), ("R-2", "CLOSED", "Gone.")])]
    changes = changes_since_last_pack(sections, None)
    assert changes["previous_period"] is None
    assert changes["risks_opened"] == []
    assert changes["risks_closed"] == [
        {"workstream": "Risks", "reference": "R-2", "description": "R-2 described", "closure_note": "Gone."},
    ]
