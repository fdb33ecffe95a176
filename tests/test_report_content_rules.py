"""The report's content as the signed-off record holds it (snapshot format 1): every field under its name at
every level, each holding the live row's value, and each workstream's rating trend ending at the report's own
period. Stored snapshots are re-rendered and fingerprinted for years, so a field renamed or emptied would blank
it in every earlier record."""
import datetime as dt

import sqlalchemy as sa

from app.extensions import db
from app.models import RAG, ProgrammeReport, ReportingPeriod, UpdateState, WorkstreamUpdate
from app.rag import RAG_DEFINITIONS, RAG_METHODOLOGY_INTRO
from app.reports.content import SNAPSHOT_FORMAT, report_content
from app.milestone_ages import milestone_ages
from tests.conftest import rolled_back
from tests.demo_ids import CODES

# Snapshot format 1, written out: the fields of each level of the document.
REPORT_FIELDS = {
    "format", "period", "revision", "overview", "overview_by", "reopen_reason", "signed_off_by", "signed_off_at",
    "cmt_meeting_date", "status_table", "changes", "workstreams", "rag_methodology_intro", "rag_methodology",
}
PERIOD_FIELDS = {"id", "start_date", "end_date", "label"}
STATUS_ROW_FIELDS = {"workstream", "update_id", "rag_this_period", "rag_last_period"}
CHANGES_FIELDS = {
    "previous_period", "ratings_moved", "milestones_completed", "milestones_slipped", "risks_opened", "risks_closed",
}
SECTION_FIELDS = {
    "update_id", "workstream", "state", "rag_this_period", "rag_last_period", "proposed_rag", "agreed_rag",
    "key_activities", "engagement", "concerns", "rag_rationale", "rag_change_reason", "sponsor_comments",
    "agreed_rag_justification", "milestones_this_period", "milestones_next_period", "risks",
    "forecast_slippage_days", "completed_by", "completion_date", "approved_by", "rag_trend",
}
WORKSTREAM_FIELDS = {
    "id", "code", "title", "description", "outcomes", "sponsors", "project_managers", "pmo_support",
    "agreed_completion_date", "forecast_completion_date",
}
OUTCOME_FIELDS = {"heading", "text"}
MILESTONE_THIS_PERIOD_FIELDS = {
    "reference", "description", "status", "status_note", "first_planned", "periods_delayed_before",
}
MILESTONE_NEXT_PERIOD_FIELDS = {"reference", "description"}
RISK_FIELDS = {"reference", "description", "mitigation", "status", "closure_note"}
TREND_POINT_FIELDS = {"period", "start_date", "rag"}
METHODOLOGY_FIELDS = {"rating", "definition"}


def iso(day):
    return day.isoformat() if day else None


def signed_off_report(ids) -> ProgrammeReport:
    return db.session.scalar(sa.select(ProgrammeReport).where(ProgrammeReport.period_id == ids.periods["sep_oct"]))


def assert_format_1(content):
    assert set(content) == REPORT_FIELDS
    assert content["format"] == SNAPSHOT_FORMAT == 1
    assert set(content["period"]) == PERIOD_FIELDS
    assert set(content["changes"]) == CHANGES_FIELDS
    assert content["status_table"] and all(set(row) == STATUS_ROW_FIELDS for row in content["status_table"])
    assert [set(entry) for entry in content["rag_methodology"]] == [METHODOLOGY_FIELDS] * len(RAG)
    sections = content["workstreams"]
    assert sections
    for section in sections:
        assert set(section) == SECTION_FIELDS, section["workstream"]["title"]
        assert set(section["workstream"]) == WORKSTREAM_FIELDS
        assert all(set(o) == OUTCOME_FIELDS for o in section["workstream"]["outcomes"])
        assert all(set(m) == MILESTONE_THIS_PERIOD_FIELDS for m in section["milestones_this_period"])
        assert all(set(m) == MILESTONE_NEXT_PERIOD_FIELDS for m in section["milestones_next_period"])
        assert all(set(r) == RISK_FIELDS for r in section["risks"])
        assert section["rag_trend"] and all(set(p) == TREND_POINT_FIELDS for p in section["rag_trend"])
    # Every level that can hold entries does, so no field set above is checked against nothing.
    assert any(s["workstream"]["outcomes"] for s in sections)
    assert any(s["milestones_this_period"] for s in sections) and any(s["milestones_next_period"] for s in sections)
    assert any(s["risks"] for s in sections)


def test_the_snapshot_stored_at_sign_off_and_the_content_built_now_both_hold_exactly_the_fields_of_format_1(app, ids):
    with app.app_context():
        report = signed_off_report(ids)
        assert_format_1(report.snapshot)
        assert_format_1(report_content(report.period, report))


def test_each_field_of_the_content_holds_the_live_rows_value(app, ids):
    with app.app_context():
        report = signed_off_report(ids)
        period = report.period
        content = report_content(period, report)
        assert content["period"] == {
            "id": period.id, "start_date": "2023-09-01", "end_date": "2023-10-31", "label": period.label,
        }
        assert (content["revision"], content["overview"], content["reopen_reason"]) == (
            report.revision, report.overview, report.reopen_reason,
        )
        assert (content["overview_by"], content["signed_off_by"], content["cmt_meeting_date"]) == (
            report.overview_by.name, report.signed_off_by.name, report.cmt_meeting_date.isoformat(),
        )
        assert content["rag_methodology_intro"] == RAG_METHODOLOGY_INTRO
        assert content["rag_methodology"] == [{"rating": r.name, "definition": RAG_DEFINITIONS[r]} for r in RAG]

        sections = {s["update_id"]: s for s in content["workstreams"]}
        assert [row["update_id"] for row in content["status_table"]] == list(sections)
        for update_id, section in sections.items():
            update = db.session.get(WorkstreamUpdate, update_id)
            workstream = update.workstream
            assert section["workstream"] | {"outcomes": None} == {
                "id": workstream.id, "code": workstream.code, "title": workstream.title,
                "description": workstream.description, "outcomes": None,
                "sponsors": [p.name for p in workstream.sponsors],
                "project_managers": [p.name for p in workstream.project_managers],
                "pmo_support": [p.name for p in workstream.pmo_support],
                "agreed_completion_date": iso(workstream.agreed_completion_date),
                "forecast_completion_date": iso(workstream.forecast_completion_date),
            }
            assert section["workstream"]["outcomes"] == [{"heading": o.heading, "text": o.text} for o in workstream.outcomes]
            assert {key: section[key] for key in ("state", "proposed_rag", "agreed_rag", "completed_by", "approved_by",
                                                    "completion_date")} == {
                "state": UpdateState.APPROVED.name, "proposed_rag": update.proposed_rag.name,
                "agreed_rag": update.agreed_rag.name, "completed_by": update.completed_by.name,
                "approved_by": update.approved_by.name, "completion_date": update.completion_date.isoformat(),
            }
            for field in ("key_activities", "engagement", "concerns", "rag_rationale", "rag_change_reason",
                          "sponsor_comments", "agreed_rag_justification"):
                assert section[field] == getattr(update, field), (workstream.code, field)
            ages = milestone_ages(update)
            for entry in section["milestones_this_period"]:
                age = ages[entry["reference"]]
                assert (entry["first_planned"], entry["periods_delayed_before"]) == (
                    age.first_planned.isoformat(), age.periods_delayed,
                ), entry["reference"]
        assert any(s["workstream"]["forecast_completion_date"] for s in sections.values())
        # The demo carries milestones from an earlier period, so first_planned is not always the report's own.
        assert any(
            m["first_planned"] < "2023-09-01" for s in sections.values() for m in s["milestones_this_period"]
        )


def test_a_reports_rating_trend_ends_at_its_own_period_even_once_a_later_period_is_rated(app, ids):
    with rolled_back(app):
        for code in CODES:
            later = db.session.get(WorkstreamUpdate, ids.update(code, "nov_dec"))
            later.state, later.proposed_rag, later.agreed_rag = UpdateState.APPROVED, RAG.RED, RAG.RED
        db.session.commit()
        report = signed_off_report(ids)
        content = report_content(report.period, report)
        earlier_starts = sorted(
            p.start_date.isoformat()
            for p in db.session.scalars(
                sa.select(ReportingPeriod).where(
                    ReportingPeriod.programme_id == ids.programme, ReportingPeriod.start_date <= dt.date(2023, 9, 1)
                )
            )
        )
        for section in content["workstreams"]:
            trend = section["rag_trend"]
            assert [point["start_date"] for point in trend] == earlier_starts, section["workstream"]["code"]
            assert trend[-1]["rag"] == section["agreed_rag"]
