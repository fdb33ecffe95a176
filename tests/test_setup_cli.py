"""`flask programmes create|list` and `flask workstreams create|edit|retire|reactivate|list`: an authority's set-up
as a script, refused and audited as the pages are."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Programme, Workstream, WorkstreamUpdate
from tests.test_cli import invoke


def workstream(app, code: str, programme: str = "Improvement Plan") -> Workstream | None:
    with app.app_context():
        found = db.session.scalar(
            sa.select(Workstream).join(Programme).where(Programme.name == programme, Workstream.code == code)
        )
        if found is not None:
            _ = found.outcomes
            db.session.expunge(found)
        return found


def test_programmes_create_prints_the_new_programmes_id_and_audits_it(app):
    result = invoke(app, "programmes", "create", "--name", "Recovery Plan", "--organisation", "Fenland District Council",
                    "--months-per-period", "3")
    assert result.exit_code == 0, result.output
    with app.app_context():
        programme = db.session.scalar(sa.select(Programme).where(Programme.name == "Recovery Plan"))
        assert result.stdout.strip().splitlines()[-1] == str(programme.id)
        assert (programme.organisation, programme.months_per_period) == ("Fenland District Council", 3)
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "create_programme"))
        assert (event.programme_id, event.actor_id) == (programme.id, None)
    listed = invoke(app, "programmes", "list")
    assert f"{programme.id}\tRecovery Plan\tFenland District Council" in listed.output


def test_programmes_create_refuses_what_the_page_refuses(app):
    with app.app_context():
        before = db.session.scalar(sa.select(sa.func.count()).select_from(Programme))
    for args, message in (
        (["--months-per-period", "13"], "The number of months must be between 1 and 12."),
        (["--name", "improvement plan"], "There is already a programme called Improvement Plan."),
        (["--organisation", " "], "Enter the organisation's name."),
    ):
        options = {"--name": "Recovery Plan", "--organisation": "Fenland", "--months-per-period": "2"}
        options.update(dict(zip(args[::2], args[1::2])))
        result = invoke(app, "programmes", "create", *[part for pair in options.items() for part in pair])
        assert result.exit_code == 1 and message in result.output, result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Programme)) == before


def test_workstreams_create_edit_and_list(app, tmp_path):
    outcomes = tmp_path / "outcomes.txt"
    outcomes.write_text("Channels:\nGrants applied for online\nPayments online\n", encoding="utf-8")
    result = invoke(app, "workstreams", "create", "--programme", "Improvement Plan", "--code", "dig",
                    "--name", "Digital services", "--outcomes-file", str(outcomes), "--agreed-completion", "2025-03-31")
    assert result.exit_code == 0, result.output
    created = workstream(app, "DIG")
    assert (created.title, created.agreed_completion_date) == ("Digital services", dt.date(2025, 3, 31))
    assert [(o.heading, o.text) for o in created.outcomes] == [
        ("Channels", "Grants applied for online"), ("Channels", "Payments online"),
    ]
    result = invoke(app, "workstreams", "edit", "--programme", "Improvement Plan", "DIG", "--code", "DGS", "--forecast-completion", "2025-06-30")
    assert result.exit_code == 0, result.output
    edited = workstream(app, "DGS")
    assert (edited.title, edited.forecast_completion_date, len(edited.outcomes)) == (
        "Digital services", dt.date(2025, 6, 30), 2
    ), "what was not given stays"
    listed = invoke(app, "workstreams", "list", "--programme", "Improvement Plan").output.splitlines()
    assert listed[0] == "GOV\tGovernance and decision making\tactive"
    assert listed[-1] == "DGS\tDigital services\tactive"


def test_workstreams_commands_refuse_as_the_pages_do(app):
    duplicate = invoke(app, "workstreams", "create", "--programme", "Improvement Plan", "--code", "GOV", "--name", "Another")
    assert duplicate.exit_code == 1
    assert "Governance and decision making already has the code GOV" in duplicate.output
    frozen = invoke(app, "workstreams", "edit", "--programme", "Improvement Plan", "GOV", "--code", "GVN")
    assert frozen.exit_code == 1 and "The code cannot change" in frozen.output
    assert invoke(app, "workstreams", "edit", "--programme", "Improvement Plan", "XYZ", "--name", "X").exit_code == 1
    bad_date = invoke(app, "workstreams", "edit", "--programme", "Improvement Plan", "GOV", "--agreed-completion", "31/03/2025")
    assert bad_date.exit_code == 2 and "is not a date like 2024-03-31" in bad_date.output
    assert workstream(app, "GOV").title == "Governance and decision making"


def test_workstreams_retire_and_reactivate(app, ids):
    not_started = invoke(app, "workstreams", "retire", "--programme", "Improvement Plan", "PRC", "--from-period", "2023-11-01")
    assert not_started.exit_code == 0, not_started.output
    assert "1 draft(s) not started were removed" in not_started.output
    assert workstream(app, "PRC").retired_from == dt.date(2023, 11, 1)
    with app.app_context():
        assert db.session.scalar(sa.select(WorkstreamUpdate).where(
            WorkstreamUpdate.workstream_id == ids.workstreams["PRC"], WorkstreamUpdate.period_id == ids.periods["nov_dec"]
        )) is None
    assert "PRC\tProcurement\tretired from 2023-11-01" in invoke(app, "workstreams", "list", "--programme", "Improvement Plan").output
    again = invoke(app, "workstreams", "retire", "--programme", "Improvement Plan", "PRC")
    assert again.exit_code == 1 and "Procurement is already retired." in again.output
    assert invoke(app, "workstreams", "reactivate", "--programme", "Improvement Plan", "PRC").exit_code == 0
    assert workstream(app, "PRC").retired_from is None
    signed_off = invoke(app, "workstreams", "retire", "--programme", "Improvement Plan", "GOV", "--from-period", "2023-09-01")
    assert signed_off.exit_code == 1
    assert "1 September 2023 – 31 October 2023 is signed off with Governance and decision making in it" in signed_off.output
    no_such = invoke(app, "workstreams", "retire", "--programme", "Improvement Plan", "GOV", "--from-period", "2023-11-02")
    assert no_such.exit_code == 1 and "No period of Improvement Plan starts on 2023-11-02." in no_such.output
    assert invoke(app, "workstreams", "retire", "--programme", "Improvement Plan", "GOV").exit_code == 0
    assert workstream(app, "GOV").retired_from == dt.date(2024, 1, 1)
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.action.in_(
            ["retire_workstream", "reactivate_workstream", "remove_draft"])).order_by(AuditEvent.id)).all()
    assert actions == ["remove_draft", "retire_workstream", "reactivate_workstream", "retire_workstream"]
