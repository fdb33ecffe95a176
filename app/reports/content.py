"""The content of a programme report as plain data: what is shown, printed, frozen and fingerprinted.

`report_content` reads the live rows; signing off stores its result as the revision's snapshot with
`fingerprint`, a SHA-256 of the canonical JSON, so a locked report can be shown and verified as it
was signed off.
"""
from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa

from app.extensions import db
from app.formatting import short_period
from app.milestone_ages import milestone_ages, milestone_ages_for
from app.models import ProgrammeReport, ReportingPeriod, Risk, User, Workstream, WorkstreamUpdate
from app.period_queries import previous_period
from app.rag import RAG
from app.reports.trends import rag_history
from app.update_rules import period_status

SNAPSHOT_FORMAT = 1
# How many periods, up to the report's own, each workstream's rating trend shows.
TREND_PERIODS = 6


def _names(people: list[User]) -> list[str]:
    return [person.name for person in people]


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _rag(value: RAG | None) -> str | None:
    return value.name if value else None


def workstream_details(workstream: Workstream) -> dict:
    return {
        "id": workstream.id,
        "code": workstream.code,
        "title": workstream.title,
        "description": workstream.description,
        "outcomes": [{"heading": o.heading, "text": o.text} for o in workstream.outcomes],
        "sponsors": _names(workstream.sponsors),
        "project_managers": _names(workstream.project_managers),
        "pmo_support": _names(workstream.pmo_support),
        "agreed_completion_date": _iso(workstream.agreed_completion_date),
        "forecast_completion_date": _iso(workstream.forecast_completion_date),
    }


def update_section(update: WorkstreamUpdate, rag_last_period: RAG | None, ages: dict | None = None) -> dict:
    """One workstream's highlight report, every section in the seed report's order.

    `ages` is milestone_ages(update), when the caller has it from a batch."""
    ages = milestone_ages(update) if ages is None else ages
    workstream = update.workstream
    return {
        "update_id": update.id,
        "workstream": workstream_details(update.workstream),
        "state": update.state.name,
        "rag_this_period": _rag(update.rating),
        "rag_last_period": _rag(rag_last_period),
        "proposed_rag": _rag(update.proposed_rag),
        "agreed_rag": _rag(update.agreed_rag),
        "key_activities": update.key_activities,
        "engagement": update.engagement,
        "concerns": update.concerns,
        "rag_rationale": update.rag_rationale,
        "rag_change_reason": update.rag_change_reason,
        "sponsor_comments": update.sponsor_comments,
        "agreed_rag_justification": update.agreed_rag_justification,
        "milestones_this_period": [
            {
                "reference": m.reference,
                "description": m.description,
                "status": m.status.name if m.status else None,
                "status_note": m.status_note,
                "first_planned": _iso(ages[m.reference].first_planned) if m.reference in ages else None,
                "periods_delayed_before": ages[m.reference].periods_delayed if m.reference in ages else 0,
            }
            for m in update.milestones_this_period
        ],
        "milestones_next_period": [
            {"reference": m.reference, "description": m.description} for m in update.milestones_next_period
        ],
        "risks": [
            {
                "reference": r.reference,
                "description": r.description,
                "mitigation": r.mitigation,
                "status": r.status.name,
                "closure_note": r.closure_note,
            }
            for r in update.risks_in_order
        ],
        "forecast_slippage_days": workstream.forecast_slippage_days,
        "completed_by": update.completed_by.name if update.completed_by else None,
        "completion_date": _iso(update.completion_date),
        "approved_by": update.approved_by.name if update.approved_by else None,
    }


def report_content(period: ReportingPeriod, report: ProgrammeReport) -> dict:
    rows = period_status(period, with_content=True)
    updates = [row.update for row in rows if row.update]
    ages = milestone_ages_for(updates)
    history = rag_history(period.programme_id, [row.workstream.id for row in rows], up_to=period.start_date, periods=TREND_PERIODS)
    sections = []
    for row in rows:
        if row.update:
            section = update_section(row.update, row.rag_last_period, ages.get(row.update.id, {}))
            section["rag_trend"] = [
                {"period": short_period(p.start_date, p.end_date), "start_date": _iso(p.start_date), "rag": _rag(p.rag)}
                for p in history[row.workstream.id]
            ]
            sections.append(section)
    previous = previous_period(period)
    return {
        "format": SNAPSHOT_FORMAT,
        "period": {
            "id": period.id,
            "start_date": _iso(period.start_date),
            "end_date": _iso(period.end_date),
            "label": period.label,
        },
        "revision": report.revision,
        "overview": report.overview,
        "overview_by": report.overview_by.name if report.overview_by else None,
        "reopen_reason": report.reopen_reason,
        "signed_off_by": report.signed_off_by.name if report.signed_off_by else None,
        "signed_off_at": report.signed_off_at.isoformat() if report.signed_off_at else None,
        "cmt_meeting_date": _iso(report.cmt_meeting_date),
        "status_table": [
            {
                "workstream": row.workstream.title,
                "update_id": row.update.id if row.update else None,
                "rag_this_period": _rag(row.rag_this_period),
                "rag_last_period": _rag(row.rag_last_period),
            }
            for row in rows
        ],
        "changes": changes_since_last_pack(sections, previous),
        "workstreams": sections,
        "rag_methodology_intro": period.rag_methodology_intro,
        "rag_methodology": [{"rating": rag.name, "definition": period.rag_definitions[rag.name]} for rag in RAG],
    }


def changes_since_last_pack(sections: list[dict], previous: ReportingPeriod | None) -> dict:
    """What moved since the last period: ratings (with the reason given), milestones completed and slipped
    (with their references and how many periods late), risks opened and closed."""
    earlier_risks: dict[int, set[str]] = {}
    if previous is not None:
        for workstream_id, reference in db.session.execute(
            sa.select(WorkstreamUpdate.workstream_id, Risk.reference)
            .join(Risk, Risk.update_id == WorkstreamUpdate.id)
            .where(WorkstreamUpdate.period_id == previous.id)
        ):
            earlier_risks.setdefault(workstream_id, set()).add(reference)
    changes = {
        "previous_period": previous.label if previous else None,
        "ratings_moved": [],
        "milestones_completed": [],
        "milestones_slipped": [],
        "risks_opened": [],
        "risks_closed": [],
    }
    for section in sections:
        title = section["workstream"]["title"]
        before, now = section["rag_last_period"], section["rag_this_period"]
        if before and now and before != now:
            changes["ratings_moved"].append(
                {
                    "workstream": title,
                    "from": before,
                    "to": now,
                    "reason": section["rag_change_reason"] or section["agreed_rag_justification"],
                }
            )
        for milestone in section["milestones_this_period"]:
            entry = {"workstream": title, "reference": milestone["reference"], "description": milestone["description"]}
            if milestone["status"] == "COMPLETE":
                changes["milestones_completed"].append(entry)
            elif milestone["status"] == "DELAYED":
                changes["milestones_slipped"].append(
                    {**entry, "periods_late": milestone["periods_delayed_before"] + 1, "note": milestone["status_note"]}
                )
        known = earlier_risks.get(section["workstream"]["id"], set())
        for risk in section["risks"]:
            entry = {"workstream": title, "reference": risk["reference"], "description": risk["description"]}
            if risk["status"] == "CLOSED":
                changes["risks_closed"].append({**entry, "closure_note": risk["closure_note"]})
            elif previous is not None and risk["reference"] not in known:
                changes["risks_opened"].append(entry)
    return changes


def fingerprint(content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
