"""Races over real HTTP: the app served by a threaded WSGI server, two people's requests sent from two
threads at once (the test client never overlaps requests), each race run RUNS times on a fresh copy of
the demo, and the data checked for consistency after every run.

Whoever wins, the loser waits for the winner's locks and is then refused with a 409 and a message; the
stored rows, the audit trail, the emails and the signed-off snapshot all tell one story. Each run sends
the two requests a fixed 0–60 ms apart, first one way round and then the other, so a run is the same every
time (which request the database serves first still varies: every outcome must be consistent).
"""
from __future__ import annotations

import dataclasses
import html
import threading
import time

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from app.extensions import db
from app.models import (
    AuditEvent,
    OutboxMessage,
    ProgrammeReport,
    ReportState,
    UpdateState,
    WorkstreamUpdate,
)
from app.verify import verify
from app.reports.rendering import forget_bodies
from tests.demo_ids import demo_ids
from tests.editing import edit_form
from tests.http_browser import Browser
from tests.personas import LOUISA_SIMPSON, RICHARD_KENNY, STEVE_COX
from tests.test_workflow_routes import arrange, arrange_report

RUNS = 20
# How far apart the two requests of run i leave: 0, 10, ... 60 ms, the first one way round, then the other.
OFFSETS_MS = [10 * (i % 7) for i in range(RUNS)]


@pytest.fixture(scope="module")
def server(session_app):
    serving = make_server("127.0.0.1", 0, session_app, threaded=True)
    thread = threading.Thread(target=serving.serve_forever, daemon=True)
    thread.start()
    yield serving.server_port
    serving.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def fresh(session_app, databases):
    """Start a run on a fresh copy of the demo database (what the `app` fixture does once a test)."""

    def reset():
        with session_app.app_context():
            db.engine.dispose()
        databases.reset()
        forget_bodies()
        return demo_ids(session_app)

    return reset


@dataclasses.dataclass
class Sent:
    status: int
    text: str
    seconds: float


def at_once(*calls_with_delays) -> list[Sent]:
    """Run each (call, delay in seconds) in its own thread: all start together, each after its delay."""
    barrier = threading.Barrier(len(calls_with_delays))
    results: list[Sent | BaseException | None] = [None] * len(calls_with_delays)

    def run(index, call, delay):
        barrier.wait()
        time.sleep(delay)
        started = time.perf_counter()
        try:
            status, text = call()
            results[index] = Sent(status, text, time.perf_counter() - started)
        except BaseException as error:  # noqa: BLE001 - reported below, in the test's thread
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, c, d)) for i, (c, d) in enumerate(calls_with_delays)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for result in results:
        if not isinstance(result, Sent):
            raise AssertionError(f"a request did not complete: {result!r}")
    return results


def delays(run: int) -> tuple[float, float]:
    offset = OFFSETS_MS[run] / 1000
    return (0.0, offset) if run % 2 == 0 else (offset, 0.0)


def counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            "events": db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)),
            "messages": db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)),
        }


def new_events(app, before: int) -> list[tuple[str, int | None]]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(AuditEvent.action, AuditEvent.object_id).where(AuditEvent.id > before).order_by(AuditEvent.id)
        ).all()
        return [tuple(row) for row in rows]


def max_event_id(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(AuditEvent.id), 0)))


def assert_verify_passes(app):
    with app.test_request_context():
        result = verify()
        assert result.ok, (result.contradictions, result.section_problems, [c.problem for c in result.revisions])


def test_a_sign_off_racing_a_return_lets_exactly_one_through_and_the_locked_record_holds_approved_updates(
    session_app, server, fresh
):
    app = session_app
    outcomes = {"sign-off first": 0, "return first": 0}
    sign_off_latencies = []
    for run in range(RUNS):
        ids = fresh()
        period_id, update_id = ids.periods["nov_dec"], ids.update("PTN", "nov_dec")
        version = arrange_report(app, ids)
        cmt, sponsor = Browser.signed_in(server, STEVE_COX), Browser.signed_in(server, RICHARD_KENNY)
        cmt.get(f"/periods/{period_id}/sign-off")
        sponsor.get(f"/updates/{update_id}")
        with app.app_context():
            update_version = db.session.get(WorkstreamUpdate, update_id).version
        before = counts(app)
        first_event = max_event_id(app)
        sign_off_delay, return_delay = delays(run)
        sign_off, returned = at_once(
            (lambda: cmt.post(f"/periods/{period_id}/sign-off",
                              {"version": version, "cmt_meeting_date": ["9", "1", "2024"]}), sign_off_delay),
            (lambda: sponsor.post(f"/updates/{update_id}/return",
                                  {"version": update_version, "reason": "The risks need mitigations."}), return_delay),
        )
        case = (run, sign_off.status, returned.status)
        assert sorted((sign_off.status, returned.status)) == [302, 409], case
        events = new_events(app, first_event)
        with app.app_context():
            report = db.session.scalar(sa.select(ProgrammeReport).where(ProgrammeReport.period_id == period_id))
            update = db.session.get(WorkstreamUpdate, update_id)
            if sign_off.status == 302:
                outcomes["sign-off first"] += 1
                sign_off_latencies.append(sign_off.seconds)
                assert "signed off and locked" in returned.text, case
                assert report.state is ReportState.SIGNED_OFF and update.state is UpdateState.APPROVED, case
                assert all(s["state"] == "APPROVED" and s["agreed_rag"] for s in report.snapshot["workstreams"]), case
                assert [action for action, _ in events] == ["sign_off"], case
            else:
                outcomes["return first"] += 1
                assert "Every workstream update must be approved first" in sign_off.text, case
                assert report.state is ReportState.OPEN and report.snapshot is None, case
                assert update.state is UpdateState.RETURNED and update.agreed_rag is None, case
                assert events == [("return", update_id)], case
        after = counts(app)
        assert after["events"] == before["events"] + 1, case
        # One email for the winner's transition (sign-off tells everyone in one message; a return, its team).
        assert after["messages"] == before["messages"] + 1, case
        assert_verify_passes(app)
    latencies = sorted(sign_off_latencies)
    # For the record (make bench measures speed): how long a sign-off took while a return waited on it.
    print(f"\nsign-off racing a return: {RUNS} runs, {outcomes}; sign-off latency under contention: median "
          f"{latencies[len(latencies) // 2] * 1000:.0f} ms, slowest {latencies[-1] * 1000:.0f} ms" if latencies else "")


def test_two_reopenings_at_once_make_one_new_revision_and_the_other_is_refused_with_a_409(session_app, server, fresh):
    app = session_app
    for run in range(RUNS):
        ids = fresh()
        period_id = ids.periods["sep_oct"]
        first, second = Browser.signed_in(server, STEVE_COX), Browser.signed_in(server, RICHARD_KENNY)
        for browser in (first, second):
            browser.get(f"/periods/{period_id}/reopen")
        with app.app_context():
            version = db.session.scalar(sa.select(ProgrammeReport.version).where(ProgrammeReport.period_id == period_id))
        fields = {"version": version, "reason": "The IIB challenged a rating.",
                  "workstream_ids": [ids.workstreams["GOV"]]}
        first_delay, second_delay = delays(run)
        results = at_once(
            (lambda: first.post(f"/periods/{period_id}/reopen", fields), first_delay),
            (lambda: second.post(f"/periods/{period_id}/reopen", fields), second_delay),
        )
        case = (run, [r.status for r in results])
        assert sorted(r.status for r in results) == [302, 409], case
        loser = next(r for r in results if r.status == 409)
        # Refused under the lock (a newer revision), or, arriving after the winner committed, by the state.
        assert ("Reload the page to see the latest revision" in loser.text
                or "This cannot be done while it is reopened" in loser.text), case
        with app.app_context():
            revisions = db.session.execute(
                sa.select(ProgrammeReport.revision, ProgrammeReport.state)
                .where(ProgrammeReport.period_id == period_id)
                .order_by(ProgrammeReport.revision)
            ).all()
            assert [tuple(r) for r in revisions] == [(1, ReportState.SIGNED_OFF), (2, ReportState.REOPENED)], case
            reopenings = db.session.scalar(
                sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action == "reopen")
            )
            assert reopenings == 1, case
        assert_verify_passes(app)


def test_a_save_racing_a_submit_in_another_tab_never_changes_a_submitted_update_and_keeps_the_typed_text(
    session_app, server, fresh
):
    app = session_app
    outcomes = {"submit first": 0, "save first": 0}
    for run in range(RUNS):
        ids = fresh()
        update_id = ids.update("GOV", "nov_dec")
        version = arrange(app, ids, "GOV")
        # The same project manager, signed in once, with the editor open in one tab and the update in another.
        louisa = Browser.signed_in(server, LOUISA_SIMPSON)
        louisa.get(f"/updates/{update_id}/edit")
        typed = f"Typed in the other tab, run {run}."
        form = edit_form(app, update_id, key_activities=typed)
        first_event = max_event_id(app)
        save_delay, submit_delay = delays(run)
        saved, submitted = at_once(
            (lambda: louisa.post(f"/updates/{update_id}/edit", form), save_delay),
            (lambda: louisa.post(f"/updates/{update_id}/submit", {"version": version}), submit_delay),
        )
        case = (run, saved.status, submitted.status)
        assert sorted((saved.status, submitted.status)) == [302, 409], case
        events = [action for action, _ in new_events(app, first_event)]
        with app.app_context():
            update = db.session.get(WorkstreamUpdate, update_id)
            if submitted.status == 302:
                outcomes["submit first"] += 1
                assert update.state is UpdateState.SUBMITTED and update.key_activities != typed, case
                assert events == ["submit"], case
                # Refused, and what they typed is on the page for them to copy.
                assert "Your changes were not saved" in saved.text and html.escape(typed) in saved.text, case
            else:
                outcomes["save first"] += 1
                assert update.state is UpdateState.DRAFT and update.key_activities == typed, case
                assert events == ["edit"], case
                assert "It changed while you were looking at it" in submitted.text, case
    print(f"\nsave racing a submit: {RUNS} runs, {outcomes}")
