"""Signed off means final: once a period's latest revision is signed off, no route changes its content, the
database refuses direct changes to its rows, and reopening starts a new revision without touching the
signed-off one."""
import datetime as dt
import itertools

import pytest
import sqlalchemy as sa
from flask import url_for
from werkzeug.routing import AnyConverter

from app.demo.content import PROGRAMME
from app.extensions import db
from app.models import (
    AuditEvent,
    Milestone,
    MilestoneKind,
    MilestoneStatus,
    OutboxMessage,
    Programme,
    ProgrammeReport,
    ReportingPeriod,
    ReportState,
    Risk,
    RiskStatus,
    Role,
    UpdateState,
    Workstream,
    WorkstreamUpdate,
)
from app.reports.content import fingerprint, report_content
from tests.conftest import csrf_token, user_by_email
from tests.demo_ids import CODES
from tests.editing import edit_fields
from tests.personas import (
    ANGELA_PROBERT, COMMITTEE_MEMBER, HEIDI_ROBINSON, JODIE_TOWNSEND, LOUISA_SIMPSON, NICK_BELL, PETER_TONKS,
    READERS, RICHARD_CARR, STEVE_COX,
)


STATE_CHANGING_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Signing in and out change who is signed in, not any content.
# Accounts, sessions and who holds which role, not report content: covered by tests/test_accounts.py,
# tests/test_people.py and the authorisation matrix.
AUTH_ENDPOINTS = {
    "auth.sign_in",
    "auth.sign_out",
    "auth.extend_session",
    "auth.account",
    "auth.forgot_password",
    "auth.reset_password",
    "people.invite",
    "people.grant",
    "people.revoke",
    "people.resend_invitation",
    "people.change_access",
    "people.workstream_team",
    "people.remove_from_workstream",
}
# The programme's set-up (its settings, its workstreams' details, order and retirement), not a period's content:
# a signed-off pack keeps its snapshot whatever changes there (tests/test_workstream_setup.py,
# tests/test_methodology_is_kept.py), and retiring from a signed-off period is refused
# (tests/test_workstream_retirement.py).
SET_UP_ENDPOINTS = {
    "programmes.new",
    "programmes.settings",
    "workstreams.new",
    "workstreams.edit",
    "workstreams.move",
    "workstreams.retire",
    "workstreams.reactivate",
}
# The one route that acts on a signed-off period by design: a CMT member reopens it as a new revision,
# leaving the signed-off one as it was (proved by the reopening test below). Everyone else is refused.
SANCTIONED_ON_SIGNED_OFF = {"reports.reopen": Role.CMT_MEMBER}
# The reporting calendar: the signed-off period's dates changed, the period opened again or deleted; and
# planning (which names no period) a new one over it, which is refused as invalid dates (422).
SEP_OCT_DUE_DATES = {"drafts_due": ["20", "10", "2023"], "approvals_due": ["3", "11", "2023"],
                     "sign_off_due": ["10", "11", "2023"], "iib_meeting_date": ["21", "11", "2023"]}
CALENDAR_FORMS = {
    "periods.dates": lambda values: {"version": db.session.get(ReportingPeriod, values["period_id"]).version,
                                     **SEP_OCT_DUE_DATES},
    "periods.open_planned": lambda values: {"while_another_is_open": "y"},
    "periods.delete": lambda values: {},
    "periods.plan": lambda values: {"start_date": ["1", "10", "2023"], "end_date": ["30", "11", "2023"],
                                    **SEP_OCT_DUE_DATES},
}
REFUSED_AS_INVALID = {"periods.plan"}


def rows(table, *where, order_by=None):
    """Every column of the matching rows, as plain tuples."""
    statement = sa.select(table).where(*where).order_by(order_by if order_by is not None else table.c.id)
    return [tuple(row) for row in db.session.execute(statement)]


def period_content(ids, period: str) -> dict:
    """Everything stored for the period's reports, updates, milestones and risks, column by column."""
    period_id = ids.periods[period]
    update_ids = [ids.update(code, period) for code in CODES]
    updates, milestones, risks, reports = (
        WorkstreamUpdate.__table__,
        Milestone.__table__,
        Risk.__table__,
        ProgrammeReport.__table__,
    )
    return {
        "updates": rows(updates, updates.c.period_id == period_id),
        "milestones": rows(milestones, milestones.c.update_id.in_(update_ids)),
        "risks": rows(risks, risks.c.update_id.in_(update_ids)),
        "reports": rows(reports, reports.c.period_id == period_id, order_by=reports.c.revision),
    }


def counts() -> tuple[int, int]:
    return (
        db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)),
        db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)),
    )


def signed_off_revision(ids, period: str, revision: int = 1) -> ProgrammeReport:
    return db.session.scalar(
        sa.select(ProgrammeReport).where(
            ProgrammeReport.period_id == ids.periods[period], ProgrammeReport.revision == revision
        )
    )


def assert_fingerprint_matches_the_content(ids, period: str) -> str:
    report = signed_off_revision(ids, period)
    assert report.state is ReportState.SIGNED_OFF
    live = report_content(db.session.get(ReportingPeriod, ids.periods[period]), report)
    assert fingerprint(report.snapshot) == report.content_fingerprint == fingerprint(live)
    return report.content_fingerprint


# --- Every state-changing route, refused on a signed-off period -------------------------------------------------


def url_values(rule, ids) -> list[dict]:
    """Every way to fill the rule's URL variables against the signed-off Sep–Oct period and its updates."""
    choices = {}
    for name in sorted(rule.arguments):
        converter = rule._converters[name]
        if name == "update_id":
            choices[name] = [ids.update(code, "sep_oct") for code in CODES]
        elif name == "row_id":
            choices[name] = [None]  # filled below from the update and the list the rule names
        elif name == "period_id":
            choices[name] = [ids.periods["sep_oct"]]
        elif name == "programme_id":
            choices[name] = [ids.programme]
        elif isinstance(converter, AnyConverter):
            choices[name] = sorted(converter.items)
        else:
            pytest.fail(f"{rule.rule}: decide how to fill the URL variable {name!r} for the signed-off-period test")
    names = list(choices)
    combinations = [dict(zip(names, combination)) for combination in itertools.product(*(choices[n] for n in names))]
    for values in combinations:
        if "row_id" in values:
            update = db.session.get(WorkstreamUpdate, values["update_id"])
            rows = update.milestones_next_period if values.get("name") == "next-milestones" else update.risks
            values["row_id"] = rows[0].id
    return combinations


def plausible_form(endpoint: str, values: dict, ids) -> dict:
    """Valid-looking form data for the route, stating the object's current version (so any refusal is the lock)."""
    if endpoint in CALENDAR_FORMS:
        return CALENDAR_FORMS[endpoint](values)
    if "update_id" in values:
        update = db.session.get(WorkstreamUpdate, values["update_id"])
        version = update.version
    else:
        report = db.session.scalar(
            sa.select(ProgrammeReport)
            .where(ProgrammeReport.period_id == values["period_id"])
            .order_by(ProgrammeReport.revision.desc())
            .limit(1)
        )
        version = report.version
    if endpoint == "updates.transition":
        return {
            "submit": {"version": version},
            "return": {"version": version, "reason": "Please revisit the milestones."},
            "approve": {"version": version, "sponsor_comments": "Approved again.", "agreed_rag": "AMBER",
                        "agreed_rag_justification": "A tougher view of the risks."},
        }[values["action"]]
    if endpoint == "updates.edit":
        return edit_fields(
            update, milestone_status="CANCELLED", milestone_note="Cancelled after sign-off.",
            key_activities="Rewritten after sign-off.", engagement="Rewritten engagement.", concerns="None.",
            proposed_rag="RED", rag_rationale="Rewritten rationale.", rag_change_reason="Rewritten reason.",
        )
    if endpoint == "reports.overview":
        return {"version": version, "overview": "A rewritten overview."}
    if endpoint == "reports.sign_off":
        return {"version": version, "cmt_meeting_date": ["9", "1", "2024"]}
    if endpoint == "reports.reopen":
        return {"version": version, "reason": "Change the record.", "workstream_ids": [ids.workstreams["GOV"]]}
    if endpoint == "updates.add":
        return {"description": "Added after sign-off.", "mitigation": "Added mitigation."}
    if endpoint == "updates.edit_row_view":
        row = next(
            r for r in (update.milestones_next_period if values["name"] == "next-milestones" else update.risks)
            if r.id == values["row_id"]
        )
        data = {"description": "Rewritten after sign-off.", "original_description": row.description}
        if values["name"] == "risks":
            data.update(mitigation="Rewritten mitigation.", original_mitigation=row.mitigation)
        return data
    if endpoint in ("updates.remove", "updates.move", "updates.reopen_risk"):
        return {}
    if endpoint == "updates.close_risk":
        return {"closure_note": "Closed after sign-off."}
    pytest.fail(f"{endpoint}: decide what plausible form data is for the signed-off-period test")


def test_no_state_changing_route_changes_a_signed_off_period_for_anyone(app, signed_in, ids):
    people = [LOUISA_SIMPSON, NICK_BELL, HEIDI_ROBINSON, ANGELA_PROBERT, STEVE_COX, RICHARD_CARR]
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if rule.methods & STATE_CHANGING_METHODS and rule.endpoint not in AUTH_ENDPOINTS | SET_UP_ENDPOINTS
    ]
    assert {rule.endpoint for rule in rules} >= {
        "updates.transition", "updates.edit", "reports.overview", "reports.sign_off", "reports.reopen",
    }
    with app.app_context():
        before = period_content(ids, "sep_oct")
        before_counts = counts()
        assert_fingerprint_matches_the_content(ids, "sep_oct")
        is_cmt = {
            email: user_by_email(email).has_role(Role.CMT_MEMBER, ids.programme)
            for email in people
        }
        requests = []
        for rule in rules:
            for values in url_values(rule, ids):
                with app.test_request_context():
                    path = url_for(rule.endpoint, **values)
                for method in sorted(rule.methods & STATE_CHANGING_METHODS):
                    assert app.url_map.bind("localhost").match(path, method=method)[0] == rule.endpoint, path
                    requests.append((rule.endpoint, method, path, plausible_form(rule.endpoint, values, ids)))
        db.session.remove()
    assert len(requests) >= 5 * 3 + 5 + 3

    tried = 0
    for email in people:
        client = signed_in(email)
        token = csrf_token(client.get(f"/periods/{ids.periods['sep_oct']}").get_data(as_text=True))
        for endpoint, method, path, form in requests:
            sanctioned_role = SANCTIONED_ON_SIGNED_OFF.get(endpoint)
            if sanctioned_role is Role.CMT_MEMBER and is_cmt[email]:
                continue
            for headers in ({}, {"HX-Request": "true"}):
                response = client.open(path, method=method, data={**form, "csrf_token": token}, headers=headers)
                refused = (
                    {403, 409} | ({404} if email in READERS else set()) | ({422} if endpoint in REFUSED_AS_INVALID else set())
                )
                assert response.status_code in refused and not 200 <= response.status_code < 400, (
                    f"{method} {path} as {email} {headers}: {response.status_code}"
                )
                tried += 1
    assert tried > 200

    with app.app_context():
        assert period_content(ids, "sep_oct") == before
        assert len(period_content(ids, "sep_oct")["reports"]) == len(before["reports"]) == 1
        assert counts() == before_counts
        assert_fingerprint_matches_the_content(ids, "sep_oct")


# --- The database's own guards ------------------------------------------------------------------------------


def tampering_statements(ids, period: str, nov_dec_report_id: int, sep_oct_report_id: int):
    """(name, statement) for each direct change to the period's rows."""
    update_id = ids.update("GOV", period)
    milestone_id = db.session.scalar(sa.select(Milestone.id).where(Milestone.update_id == update_id).limit(1))
    risk_id = db.session.scalar(sa.select(Risk.id).where(Risk.update_id == update_id).limit(1))
    report_id = sep_oct_report_id if period == "sep_oct" else nov_dec_report_id
    updates, milestones, risks, reports = (
        WorkstreamUpdate.__table__,
        Milestone.__table__,
        Risk.__table__,
        ProgrammeReport.__table__,
    )
    return [
        ("update an update", sa.update(updates).where(updates.c.id == update_id).values(key_activities="Tampered.")),
        ("change an update's state", sa.update(updates).where(updates.c.id == update_id).values(state=UpdateState.DRAFT)),
        ("delete an update", sa.delete(updates).where(updates.c.id == update_id)),
        ("update a milestone", sa.update(milestones).where(milestones.c.id == milestone_id).values(status_note="Tampered.")),
        ("delete a milestone", sa.delete(milestones).where(milestones.c.id == milestone_id)),
        (
            "insert a milestone",
            sa.insert(milestones).values(
                update_id=update_id, kind=MilestoneKind.THIS_PERIOD, position=99, reference="GOV-M99",
                description="Added behind the application's back.", status=MilestoneStatus.COMPLETE, status_note="",
            ),
        ),
        ("update a risk", sa.update(risks).where(risks.c.id == risk_id).values(mitigation="Tampered.")),
        ("delete a risk", sa.delete(risks).where(risks.c.id == risk_id)),
        (
            "insert a risk",
            sa.insert(risks).values(
                update_id=update_id, position=99, reference="GOV-R99", description="Added behind the application's back.",
                mitigation="", status=RiskStatus.OPEN, closure_note="",
            ),
        ),
        ("update the report", sa.update(reports).where(reports.c.id == report_id).values(overview="Tampered.")),
        ("delete the report", sa.delete(reports).where(reports.c.id == report_id)),
    ]


def test_the_database_refuses_direct_changes_to_signed_off_rows_and_allows_them_on_open_rows(app, ids):
    with app.app_context():
        sep_oct_report_id = signed_off_revision(ids, "sep_oct").id
        nov_dec_report_id = db.session.scalar(
            sa.select(ProgrammeReport.id).where(ProgrammeReport.period_id == ids.periods["nov_dec"])
        )
        signed_off_before = period_content(ids, "sep_oct")
        open_before = period_content(ids, "nov_dec")
        on_signed_off = tampering_statements(ids, "sep_oct", nov_dec_report_id, sep_oct_report_id)
        open_ = tampering_statements(ids, "nov_dec", nov_dec_report_id, sep_oct_report_id)
        db.session.remove()

        for (name, statement), (_name, open_statement) in zip(on_signed_off, open_):
            with db.engine.connect() as connection:
                transaction = connection.begin()
                with pytest.raises(sa.exc.DatabaseError) as refused:
                    connection.execute(statement)
                assert "signed off and locked" in str(refused.value), name
                transaction.rollback()
            with db.engine.connect() as connection:
                transaction = connection.begin()
                result = connection.execute(open_statement)
                if result.is_insert:
                    assert result.inserted_primary_key[0] is not None, f"{name} on the open period"
                else:
                    assert result.rowcount == 1, f"{name} on the open period"
                transaction.rollback()

        # A new update slipped into the signed-off period (for a new workstream, so only the guard can stop it).
        workstreams = Workstream.__table__
        for period, refused in (("sep_oct", True), ("nov_dec", False)):
            with db.engine.connect() as connection:
                transaction = connection.begin()
                workstream_id = connection.execute(
                    sa.insert(workstreams).values(
                        programme_id=THE_DEMO_PROGRAMME, code="NEW", title="A new workstream", description=""
                    )
                ).inserted_primary_key[0]
                insert = sa.insert(WorkstreamUpdate.__table__).values(
                    workstream_id=workstream_id, period_id=ids.periods[period], state=UpdateState.APPROVED,
                    key_activities="", engagement="", concerns="", rag_rationale="", rag_change_reason="",
                    sponsor_comments="", agreed_rag_justification="", return_reason="", version=1,
                )
                if refused:
                    with pytest.raises(sa.exc.DatabaseError) as error:
                        connection.execute(insert)
                    assert "signed off and locked" in str(error.value)
                else:
                    assert connection.execute(insert).inserted_primary_key[0] is not None
                transaction.rollback()

        # The same change, committed, goes through on the open period.
        with db.engine.begin() as connection:
            connection.execute(open_[0][1])
        assert period_content(ids, "sep_oct") == signed_off_before
        open_after = period_content(ids, "nov_dec")
        assert open_after != open_before
        assert db.session.get(WorkstreamUpdate, ids.update("GOV", "nov_dec")).key_activities == "Tampered."
        assert_fingerprint_matches_the_content(ids, "sep_oct")


# Moves between periods: the guard reads both the row as it was (OLD) and as it would be (NEW), so a row can
# neither leave a signed-off period nor enter one. Each move is paired with the same move between open periods,
# which goes through: the lock, not some other constraint, is what refuses it.
# table: the column that places its rows in a period.
ROW_MOVES = {
    "milestone": "update_id",
    "risk": "update_id",
    "workstream_update": "period_id",
}


# The demo's Improvement Plan, as SQL (these tests write rows with the application out of the way).
THE_DEMO_PROGRAMME = sa.select(Programme.id).where(Programme.name == PROGRAMME["name"]).scalar_subquery()


def an_open_period_of_its_own(connection) -> int:
    """A period after the demo's, with no report yet (so open), for updates to move into."""
    return connection.execute(
        sa.insert(ReportingPeriod.__table__).values(
            programme_id=THE_DEMO_PROGRAMME, start_date=dt.date(2024, 1, 1), end_date=dt.date(2024, 2, 29), drafts_due=dt.date(2024, 2, 20),
            approvals_due=dt.date(2024, 2, 27), sign_off_due=dt.date(2024, 3, 12),
        )
    ).inserted_primary_key[0]


def a_new_workstreams_update(connection, period_id) -> int:
    """An update of a workstream new to the programme, so no other update shares its workstream and period."""
    workstream_id = connection.execute(
        sa.insert(Workstream.__table__).values(
            programme_id=THE_DEMO_PROGRAMME, code="NEW", title="A new workstream", description=""
        )
    ).inserted_primary_key[0]
    return connection.execute(
        sa.insert(WorkstreamUpdate.__table__).values(
            workstream_id=workstream_id, period_id=period_id, state=UpdateState.DRAFT,
            key_activities="", engagement="", concerns="", rag_rationale="", rag_change_reason="",
            sponsor_comments="", agreed_rag_justification="", return_reason="", version=1,
        )
    ).inserted_primary_key[0]


def row_move(connection, ids, table: str, direction: str):
    """(the statement, a description) moving one row of `table`: "into" the signed-off Sep–Oct period from the
    open one, "out of" it into an open one, or "between open" periods."""
    model = {"milestone": Milestone, "risk": Risk, "workstream_update": WorkstreamUpdate}[table]
    column = ROW_MOVES[table]
    if table == "workstream_update":
        elsewhere = an_open_period_of_its_own(connection)
        row_id, destination = {
            "into": (a_new_workstreams_update(connection, ids.periods["nov_dec"]), ids.periods["sep_oct"]),
            "out of": (ids.update("GOV", "sep_oct"), elsewhere),
            "between open": (ids.update("GOV", "nov_dec"), elsewhere),
        }[direction]
    else:
        source, destination = {
            "into": (ids.update("GOV", "nov_dec"), ids.update("GOV", "sep_oct")),
            "out of": (ids.update("GOV", "sep_oct"), ids.update("GOV", "nov_dec")),
            "between open": (ids.update("GOV", "nov_dec"), ids.update("PRC", "nov_dec")),
        }[direction]
        row_id = connection.execute(
            sa.select(model.id).where(model.update_id == source).order_by(model.id).limit(1)
        ).scalar_one()
    statement = sa.update(model.__table__).where(model.__table__.c.id == row_id).values({column: destination})
    return statement, f"{table} {row_id}: {column} -> {destination} ({direction})"


@pytest.mark.parametrize("direction", ["into", "out of"])
@pytest.mark.parametrize("table", list(ROW_MOVES))
def test_the_database_refuses_to_move_a_row_into_or_out_of_a_signed_off_period(app, ids, table, direction):
    with app.app_context():
        signed_off_before = period_content(ids, "sep_oct")
        db.session.remove()
        with db.engine.connect() as connection:
            transaction = connection.begin()
            statement, move = row_move(connection, ids, table, direction)
            with pytest.raises(sa.exc.DatabaseError) as refused:
                connection.execute(statement)
            assert "signed off and locked" in str(refused.value), move
            transaction.rollback()
        with db.engine.connect() as connection:
            transaction = connection.begin()
            statement, move = row_move(connection, ids, table, "between open")
            assert connection.execute(statement).rowcount == 1, move
            transaction.rollback()
        assert period_content(ids, "sep_oct") == signed_off_before


def test_the_database_refuses_to_change_or_delete_audit_events(app, ids):
    with app.app_context():
        events = rows(AuditEvent.__table__)
        assert events
        # An event about the open period as well as one about the signed-off period: the trail is append-only anyway.
        open_event = db.session.scalar(
            sa.select(AuditEvent.id).where(AuditEvent.period_id == ids.periods["nov_dec"]).limit(1)
        )
        signed_off_event = db.session.scalar(
            sa.select(AuditEvent.id).where(AuditEvent.period_id == ids.periods["sep_oct"]).limit(1)
        )
        assert open_event is not None and signed_off_event is not None
        db.session.remove()
        attempts = []
        for event_id in (open_event, signed_off_event):
            attempts += [
                (sa.text("UPDATE audit_event SET comment = 'Rewritten.' WHERE id = :id"), {"id": event_id}),
                (sa.text("UPDATE audit_event SET actor_id = NULL WHERE id = :id"), {"id": event_id}),
                (sa.text("DELETE FROM audit_event WHERE id = :id"), {"id": event_id}),
            ]
        attempts.append((sa.text("DELETE FROM audit_event"), {}))
        if db.engine.dialect.name == "postgresql":
            attempts.append((sa.text("TRUNCATE audit_event"), {}))
        for statement, params in attempts:
            with db.engine.connect() as connection:
                transaction = connection.begin()
                with pytest.raises(sa.exc.DatabaseError) as refused:
                    connection.execute(statement, params)
                assert "append-only" in str(refused.value), statement
                transaction.rollback()
        with db.engine.connect() as connection:
            transaction = connection.begin()
            with pytest.raises(sa.exc.DatabaseError):
                connection.exec_driver_sql(f"UPDATE audit_event SET action = 'approve' WHERE id = {open_event}")
            transaction.rollback()
        assert rows(AuditEvent.__table__) == events


# --- Reopening ------------------------------------------------------------------------------------------------


def test_reopening_keeps_the_signed_off_revision_and_returns_only_the_named_workstreams(app, signed_in, ids):
    period_id = ids.periods["sep_oct"]
    with app.app_context():
        before = period_content(ids, "sep_oct")
        original_fingerprint = assert_fingerprint_matches_the_content(ids, "sep_oct")
        original_snapshot = signed_off_revision(ids, "sep_oct").snapshot
        version = signed_off_revision(ids, "sep_oct").version
        db.session.remove()

    cmt = signed_in(STEVE_COX)
    page = cmt.get(f"/periods/{period_id}/reopen")
    assert page.status_code == 200
    response = cmt.post(
        f"/periods/{period_id}/reopen",
        data={
            "csrf_token": csrf_token(page.get_data(as_text=True)),
            "version": version,
            "reason": "The IIB challenged the Governance rating.",
            "workstream_ids": [ids.workstreams["GOV"]],
        },
    )
    assert response.status_code == 302

    with app.app_context():
        after = period_content(ids, "sep_oct")
        # Revision 1's row is exactly as it was signed off; revision 2 is new.
        assert after["reports"][0] == before["reports"][0]
        assert len(after["reports"]) == 2
        revision_1 = signed_off_revision(ids, "sep_oct", 1)
        revision_2 = signed_off_revision(ids, "sep_oct", 2)
        assert revision_2.state is ReportState.REOPENED
        assert revision_1.snapshot == original_snapshot
        assert fingerprint(revision_1.snapshot) == revision_1.content_fingerprint == original_fingerprint
        # Only Governance went back; the other updates, and every milestone and risk, are untouched.
        governance_id = ids.update("GOV", "sep_oct")
        assert db.session.get(WorkstreamUpdate, governance_id).state is UpdateState.RETURNED
        unchanged_before = [row for row in before["updates"] if row[0] != governance_id]
        unchanged_after = [row for row in after["updates"] if row[0] != governance_id]
        assert unchanged_after == unchanged_before and len(unchanged_after) == 4
        for code in CODES[1:]:
            assert db.session.get(WorkstreamUpdate, ids.update(code, "sep_oct")).state is UpdateState.APPROVED
        assert after["milestones"] == before["milestones"]
        assert after["risks"] == before["risks"]
        db.session.remove()

    for email in (RICHARD_CARR, COMMITTEE_MEMBER, STEVE_COX):
        client = signed_in(email)
        page = client.get(f"/periods/{period_id}/revisions/1")
        assert page.status_code == 200, email
        assert original_fingerprint in page.get_data(as_text=True), email
        # Revision 2 is being prepared: officers read it as a draft, readers cannot see it at all.
        being_prepared = client.get(f"/periods/{period_id}/revisions/2")
        if email == STEVE_COX:
            assert being_prepared.status_code == 200
            assert "DRAFT – not signed off" in being_prepared.get_data(as_text=True)
        else:
            assert being_prepared.status_code == 404, email

    pm = signed_in(LOUISA_SIMPSON)
    assert pm.get(f"/updates/{governance_id}/edit").status_code == 200
    assert "Edit the draft" in pm.get(f"/updates/{governance_id}").get_data(as_text=True)
    project_managers = {"PRC": pm, "PPD": signed_in(JODIE_TOWNSEND), "PTN": signed_in(PETER_TONKS)}
    project_managers["CCC"] = project_managers["PTN"]
    for code, client in project_managers.items():
        update_id = ids.update(code, "sep_oct")
        assert client.get(f"/updates/{update_id}/edit").status_code == 409, code
        assert "Edit the draft" not in client.get(f"/updates/{update_id}").get_data(as_text=True), code


# --- What the guard checks call a problem (backups, restores and verify rely on them) ----------------------

# The PostgreSQL guards the migration creates, written out: (table, trigger) -> the function it runs.
POSTGRESQL_GUARD_TRIGGERS = {
    ("workstream_update", "waymark_guard"): "waymark_refuse_locked",
    ("milestone", "waymark_guard"): "waymark_refuse_locked",
    ("risk", "waymark_guard"): "waymark_refuse_locked",
    ("programme_report", "waymark_guard"): "waymark_refuse_signed_off_report",
    ("audit_event", "waymark_guard"): "waymark_refuse_audit_change",
    ("audit_event", "waymark_guard_truncate"): "waymark_refuse_audit_change",
}


def test_the_postgresql_guard_check_names_each_guard_missing_disabled_or_running_another_function(app):
    from app.database_guards import expected_guard_functions, expected_guards, postgresql_guard_problems

    with app.app_context():
        assert expected_guards("postgresql") == POSTGRESQL_GUARD_TRIGGERS
        functions = expected_guard_functions()
        assert set(functions) == {
            "waymark_period_locked", "waymark_refuse_locked", "waymark_refuse_signed_off_report",
            "waymark_refuse_audit_change",
        }
        intact = [(table, name, True, function) for (table, name), function in POSTGRESQL_GUARD_TRIGGERS.items()]
        assert postgresql_guard_problems(intact, functions) == []
        # Reformatting a function's body is no change.
        assert postgresql_guard_problems(intact, {f: f"\n  {body}  \n" for f, body in functions.items()}) == []
        # A trigger read from a dump may not say which function it runs; the others are still checked.
        assert postgresql_guard_problems([row[:3] + (None,) for row in intact]) == []

        def without(table, name):
            return [row for row in intact if row[:2] != (table, name)]

        assert postgresql_guard_problems(without("risk", "waymark_guard"), functions) == [
            "the guard waymark_guard on risk is missing",
        ]
        assert postgresql_guard_problems(
            without("milestone", "waymark_guard") + [("milestone", "waymark_guard", False, "waymark_refuse_locked")],
        ) == ["the guard waymark_guard on milestone is disabled"]
        assert postgresql_guard_problems(
            without("audit_event", "waymark_guard") + [("audit_event", "waymark_guard", True, "allow_all")],
        ) == ["the guard waymark_guard on audit_event runs allow_all, not waymark_refuse_audit_change"]
        missing = {f: body for f, body in functions.items() if f != "waymark_period_locked"}
        assert postgresql_guard_problems(intact, missing) == ["the guard function waymark_period_locked is missing"]
        changed = dict(functions, waymark_refuse_locked="BEGIN RETURN NEW; END")
        assert postgresql_guard_problems(intact, changed) == [
            "the guard function waymark_refuse_locked has been changed",
        ]


def test_the_sqlite_guard_check_names_each_guard_missing_or_changed(app):
    from app.database_guards import expected_guards, sqlite_guard_problems

    with app.app_context():
        guards = expected_guards("sqlite")
        # Three operations on each of the three locked tables, update and delete on reports and audit events.
        assert len(guards) == 13
        assert {table for table, _name in guards} == {
            "workstream_update", "milestone", "risk", "programme_report", "audit_event",
        }
        intact = [(table, name, sql) for (table, name), sql in guards.items()]
        assert sqlite_guard_problems(intact) == []
        assert sqlite_guard_problems([(t, n, sql.replace(" ", "\n  ")) for t, n, sql in intact]) == []
        gone = ("risk", "waymark_guard_risk_delete")
        assert sqlite_guard_problems([row for row in intact if row[:2] != gone]) == [
            "the guard waymark_guard_risk_delete on risk is missing",
        ]
        weakened = [
            (t, n, sql.replace("'SIGNED_OFF'", "'NEVER'") if n == "waymark_guard_milestone_update" else sql)
            for t, n, sql in intact
        ]
        assert sqlite_guard_problems(weakened) == ["the guard waymark_guard_milestone_update on milestone has been changed"]


def test_downgrading_the_guard_migration_removes_every_guard_and_upgrading_again_restores_them(databases):
    from flask_migrate import downgrade, upgrade

    from app.database_guards import GUARDS_REVISION, expected_guard_functions, guard_count, guard_problems
    from tests.conftest import build_app

    application = build_app(databases.fresh_url())
    try:
        with application.app_context():
            upgrade(revision=GUARDS_REVISION)
            with db.engine.connect() as connection:
                assert guard_problems(connection) == []
            downgrade(revision="0001")
            with db.engine.connect() as connection:
                dialect = connection.dialect.name
                problems = guard_problems(connection)
            functions = len(expected_guard_functions()) if dialect == "postgresql" else 0
            assert len(problems) == guard_count(dialect) + functions
            assert all(problem.endswith(" is missing") for problem in problems), problems
            upgrade(revision=GUARDS_REVISION)
            with db.engine.connect() as connection:
                assert guard_problems(connection) == []
    finally:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()
