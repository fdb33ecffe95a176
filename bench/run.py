"""The benchmark: every page and fragment a user meets, at 40 workstreams × 48 periods and at 5 × 4.

For each: p50 and p95 server time (through the app's WSGI stack with the test client, after a warm-up) and
the SQL statements one request runs (counted with SQLAlchemy events); then the board packs' downloads and the
Word pack's build alone (of the signed-off revision's snapshot); then the PMO opening a period (POST
/periods/<id>/open), several times in a row, each a new period planned after the last and carrying forward
the same load (4 planned milestones and 5 open risks a workstream). Prints a table and, with --out, writes the
figures as JSON. SQLite by default; PostgreSQL when DATABASE_URL names a server (a database is created for
each scale and dropped afterwards).

    python bench/run.py [--out results.json] [--requests 40] [--large 40x48] [--small 5x4]
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from app import create_app  # noqa: E402
from app.config import TestConfig  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import (  # noqa: E402
    Milestone,
    MilestoneKind,
    Programme,
    ProgrammeReport,
    Risk,
    UpdateState,
    WorkstreamUpdate,
)
from app.period_queries import calendar_periods  # noqa: E402
from app.periods.rules import default_dates, next_start  # noqa: E402
from app.periods.services import plan_period  # noqa: E402
from app.reports.docx_export import build_docx  # noqa: E402
from bench.generate import PASSWORD, Scale, generate  # noqa: E402


class BenchConfig(TestConfig):
    TESTING = False
    # Production's hashing cost matters only at sign-in, which is outside the measured pages.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"


@contextlib.contextmanager
def database(label: str):
    """A URL for an empty database of this run's own."""
    server = os.environ.get("DATABASE_URL")
    if not server:
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/bench-{label}.sqlite"
        return
    url = sa.engine.make_url(server)
    name = f"waymark_bench_{label}_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(url.set(database=url.database or "postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


class StatementCounter:
    """Counts the SQL statements the app sends. SQLite's BEGIN is left out: it is the driver's transaction
    control (app/__init__.py issues it for pysqlite), and PostgreSQL sends none through the cursor."""

    def __init__(self, engine):
        self.count = 0
        sa.event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, _connection, _cursor, statement, *_args, **_kwargs):
        if statement != "BEGIN":
            self.count += 1


def csrf(html: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def signed_in(app, email: str):
    client = app.test_client()
    token = csrf(client.get("/sign-in").get_data(as_text=True))
    response = client.post("/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, f"could not sign in as {email}"
    return client


def editor_form(html: str) -> dict:
    """The editor's form as the browser would send it (hidden inputs, textareas, selects, the checked radio)."""
    form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    form["version"] = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    for name, value in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)</textarea>', html):
        form[name] = value
    return form


def measure(client, method: str, path: str, requests: int, counter: StatementCounter, data=None, headers=None):
    """(p50 ms, p95 ms, statements) for the request, after one warm-up whose statements are counted."""
    send = client.post if method == "POST" else client.get

    def once() -> float:
        # A save's form comes from the editor page first; only the request itself is timed and counted.
        payload = data() if callable(data) else data
        counter.count = 0
        started = time.perf_counter()
        response = send(path, data=payload, headers=headers or {})
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code in (200, 302), f"{method} {path} answered {response.status_code}"
        return elapsed

    once()
    statements = counter.count
    timings = [once() for _ in range(requests)]
    timings.sort()
    return statistics.median(timings), timings[max(0, int(len(timings) * 0.95) - 1)], statements


def run_scale(scale: Scale, requests: int, label: str, only: list[str] | None = None) -> dict:
    with database(label) as url:
        app = create_app(BenchConfig, SQLALCHEMY_DATABASE_URI=url)
        started = time.perf_counter()
        with app.app_context():
            upgrade()
            ids = generate(scale)
            draft_id, submitted_id = _open_updates(ids["open_period_id"])
            db.session.remove()
        print(f"  generated {scale.workstreams} workstreams × {scale.periods} periods in {time.perf_counter() - started:.0f} s",
              file=sys.stderr)
        with app.app_context():
            counter = StatementCounter(db.engine)
        emails = ids["emails"]
        pm = _project_manager_of(app, draft_id)
        sponsor = _sponsor_of(app, submitted_id)
        clients = {role: signed_in(app, addresses[0]) for role, addresses in emails.items()}
        clients["PROJECT_MANAGER"] = signed_in(app, pm)
        clients["SPONSOR"] = signed_in(app, sponsor)
        open_id, signed_id = ids["open_period_id"], ids["signed_off_period_id"]
        workstream_id = ids["workstream_ids"][0]
        periods_list = f"/programmes/{ids['programme_id']}/periods"
        workstreams_list = f"/programmes/{ids['programme_id']}/workstreams"
        editor = f"/updates/{draft_id}/edit"
        pm_client = clients["PROJECT_MANAGER"]
        htmx = {"HX-Request": "true", "X-CSRFToken": csrf(pm_client.get("/").get_data(as_text=True))}
        risk_id, milestone_id = _rows_of(app, draft_id)
        saves = iter(range(1_000_000))

        def save_form():
            form = editor_form(pm_client.get(editor).get_data(as_text=True))
            form["key_activities"] = f"Benchmark save {next(saves)}: templates uploaded to the Hub."
            return form

        pages = [("floor (GET /healthz)", pm_client, "GET", "/healthz", None, None)]
        for role in ("PROJECT_MANAGER", "SPONSOR", "PMO_SUPPORT", "PMO", "CMT_MEMBER", "LEAD_DIRECTOR", "IIB_MEMBER", "VIEWER"):
            pages.append((f"my work: {role.lower().replace('_', ' ')}", clients[role], "GET", "/", None, None))
        pages += [
            ("periods list with heat-map", clients["CMT_MEMBER"], "GET", periods_list, None, None),
            ("periods list with heat-map (reader)", clients["IIB_MEMBER"], "GET", periods_list, None, None),
            ("workstreams list", clients["CMT_MEMBER"], "GET", workstreams_list, None, None),
            ("workstreams list (reader)", clients["IIB_MEMBER"], "GET", workstreams_list, None, None),
            ("period overview (open)", clients["CMT_MEMBER"], "GET", f"/periods/{open_id}", None, None),
            ("period overview (signed off, reader)", clients["IIB_MEMBER"], "GET", f"/periods/{signed_id}", None, None),
            ("workstream page with trend", clients["CMT_MEMBER"], "GET", f"/workstreams/{workstream_id}", None, None),
            ("workstream page with trend (reader)", clients["IIB_MEMBER"], "GET", f"/workstreams/{workstream_id}", None, None),
            ("update page (draft)", pm_client, "GET", f"/updates/{draft_id}", None, None),
            ("update page (signed off, reader)", clients["IIB_MEMBER"], "GET", _signed_update(app, signed_id), None, None),
            ("draft editor", pm_client, "GET", editor, None, None),
            ("draft save", pm_client, "POST", editor, save_form, None),
            ("fragment: reason for a change of rating", pm_client, "GET", f"{editor}/rag-change-reason?proposed_rag=RED", None, htmx),
            ("fragment: risks list", pm_client, "GET", f"/updates/{draft_id}/risks", None, htmx),
            ("fragment: edit a risk", pm_client, "GET", f"/updates/{draft_id}/risks/{risk_id}", None, htmx),
            ("fragment: move a milestone", pm_client, "POST", f"/updates/{draft_id}/next-milestones/{milestone_id}/move-down", {}, htmx),
            ("sponsor's review diff", clients["SPONSOR"], "GET", f"/updates/{submitted_id}/review", None, None),
            ("programme report page (signed off)", clients["IIB_MEMBER"], "GET", f"/periods/{signed_id}/report", None, None),
            ("programme report page (open, live)", clients["CMT_MEMBER"], "GET", f"/periods/{open_id}/report", None, None),
            ("set-up: programme settings", clients["PMO"], "GET", f"/programmes/{ids['programme_id']}/settings", None, None),
            ("set-up: manage workstreams", clients["PMO"], "GET", f"/programmes/{ids['programme_id']}/workstreams/manage", None, None),
            ("set-up: edit a workstream", clients["PMO"], "GET", f"/workstreams/{workstream_id}/edit", None, None),
            ("set-up: retire a workstream", clients["PMO"], "GET", f"/workstreams/{workstream_id}/retire", None, None),
            ("set-up: move a workstream", clients["PMO"], "POST", f"/workstreams/{ids['workstream_ids'][1]}/move-down", {},
             {"X-CSRFToken": csrf(clients["PMO"].get("/").get_data(as_text=True))}),
        ]
        if only:
            pages = [page for page in pages if page[0].startswith("floor") or any(part in page[0] for part in only)]
        results = []
        for name, client, method, path, data, headers in pages:
            p50, p95, statements = measure(client, method, path, requests, counter, data, headers)
            results.append({"name": name, "p50_ms": round(p50, 1), "p95_ms": round(p95, 1), "queries": statements})
        exports = {}
        for extension in () if only else ("pdf", "docx"):
            timings = []
            for _ in range(3 if extension == "docx" else 2):
                started = time.perf_counter()
                response = clients["IIB_MEMBER"].get(f"/periods/{signed_id}/report.{extension}")
                timings.append(time.perf_counter() - started)
                assert response.status_code == 200
            exports[f"{extension}_s"] = round(min(timings), 3)
            exports[f"{extension}_first_s"] = round(timings[0], 3)
        if not only:
            exports["docx_build_s"] = word_build_seconds(app, signed_id)
        opening = None
        if not only or any(part in "opening a period" for part in only):
            opening = opening_timings(app, ids["programme_id"], clients["PMO"], counter, openings=5)
        with app.app_context():
            db.engine.dispose()
        return {"pages": results, **exports, "opening": opening}


def opening_timings(app, programme_id: int, pmo, counter: StatementCounter, openings: int) -> dict:
    """The PMO opening a period `openings` times in a row, each a period planned (not measured) after the
    last and opened while the one before is still open: p50 and slowest ms, and the statements of one
    opening (the most of any, with whether they varied). Each carries forward the same load: the first
    from the generated open period, each later one from the drafts opened before it, given as many planned
    milestones first (not measured)."""
    timings, statements = [], []
    for number in range(openings):
        period_id = _plan_the_next_period(app, programme_id, plan_milestones=number > 0)
        token = csrf(pmo.get(f"/periods/{period_id}/open").get_data(as_text=True))
        counter.count = 0
        started = time.perf_counter()
        response = pmo.post(f"/periods/{period_id}/open", data={"while_another_is_open": "y", "csrf_token": token})
        timings.append((time.perf_counter() - started) * 1000)
        statements.append(counter.count)
        assert response.status_code == 302, f"opening answered {response.status_code}"
    with app.app_context():
        drafts = db.session.scalar(
            sa.select(sa.func.count()).select_from(WorkstreamUpdate).where(WorkstreamUpdate.period_id == period_id)
        )
        db.session.remove()
    timings.sort()
    return {
        "openings": openings,
        "drafts": drafts,
        "p50_ms": round(statistics.median(timings), 1),
        "max_ms": round(timings[-1], 1),
        "queries": max(statements),
        "queries_vary": len(set(statements)) > 1,
    }


def _plan_the_next_period(app, programme_id: int, plan_milestones: bool) -> int:
    """Plan the period after the calendar's last; with `plan_milestones`, the last period's drafts plan
    next-period milestones first, as many as the generated updates do."""
    with app.test_request_context():
        programme = db.session.get(Programme, programme_id)
        if plan_milestones:
            last = calendar_periods(programme_id)[0]
            for update in db.session.scalars(sa.select(WorkstreamUpdate).where(WorkstreamUpdate.period_id == last.id)):
                update.milestones += [
                    Milestone(kind=MilestoneKind.NEXT_PERIOD, position=position, reference=f"B{update.id}-{position}",
                              description="A milestone planned for the next period.")
                    for position in range(1, Scale.milestones_next_period + 1)
                ]
            db.session.commit()
        period = plan_period(programme, default_dates(programme, next_start(calendar_periods(programme_id))), planned_by=None)
        db.session.commit()
        period_id = period.id
        db.session.remove()
    return period_id


def word_build_seconds(app, period_id: int, builds: int = 3) -> float:
    """The fastest of `builds` Word builds of the period's signed-off snapshot, after a warm-up: the build
    itself, which a download measures only the first time (later ones are served as stored)."""
    with app.app_context():
        snapshot = db.session.scalar(
            sa.select(ProgrammeReport.snapshot).where(ProgrammeReport.period_id == period_id)
            .order_by(ProgrammeReport.revision.desc()).limit(1)
        )
        db.session.remove()
    build_docx(snapshot, draft=False)
    timings = []
    for _ in range(builds):
        started = time.perf_counter()
        build_docx(snapshot, draft=False)
        timings.append(time.perf_counter() - started)
    return round(min(timings), 3)


def _open_updates(period_id: int) -> tuple[int, int]:
    states = dict(db.session.execute(
        sa.select(WorkstreamUpdate.state, WorkstreamUpdate.id).where(WorkstreamUpdate.period_id == period_id)
        .order_by(WorkstreamUpdate.id.desc())
    ).all())
    return states[UpdateState.DRAFT], states[UpdateState.SUBMITTED]


def _project_manager_of(app, update_id: int) -> str:
    return _person_with(app, update_id, "PROJECT_MANAGER")


def _sponsor_of(app, update_id: int) -> str:
    return _person_with(app, update_id, "SPONSOR")


def _person_with(app, update_id: int, role: str) -> str:
    from app.models import Role, RoleAssignment, User

    with app.app_context():
        update = db.session.get(WorkstreamUpdate, update_id)
        return db.session.scalar(
            sa.select(User.email).join(RoleAssignment).where(
                RoleAssignment.workstream_id == update.workstream_id, RoleAssignment.role == Role[role]
            )
        )


def _signed_update(app, period_id: int) -> str:
    with app.app_context():
        return f"/updates/{db.session.scalar(sa.select(sa.func.min(WorkstreamUpdate.id)).where(WorkstreamUpdate.period_id == period_id))}"


def _rows_of(app, update_id: int) -> tuple[int, int]:
    with app.app_context():
        risk = db.session.scalar(sa.select(sa.func.min(Risk.id)).where(Risk.update_id == update_id))
        milestone = db.session.scalar(
            sa.select(sa.func.min(Milestone.id)).where(Milestone.update_id == update_id, Milestone.kind == MilestoneKind.NEXT_PERIOD)
        )
        return risk, milestone


def parse_scale(text: str) -> Scale:
    workstreams, periods = (int(part) for part in text.lower().split("x"))
    return Scale(workstreams=workstreams, periods=periods)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", help="write the figures as JSON to this path")
    parser.add_argument("--requests", type=int, default=40, help="measured requests per page (after a warm-up)")
    parser.add_argument("--large", default="40x48")
    parser.add_argument("--small", default="5x4")
    parser.add_argument("--only", action="append", metavar="TEXT",
                        help="measure only the pages whose name contains TEXT (repeatable); skips the packs")
    args = parser.parse_args()
    large, small = parse_scale(args.large), parse_scale(args.small)
    print(f"Small scale {small.workstreams} × {small.periods}", file=sys.stderr)
    small_results = run_scale(small, args.requests, "small", args.only)
    print(f"Large scale {large.workstreams} × {large.periods}", file=sys.stderr)
    large_results = run_scale(large, args.requests, "large", args.only)

    small_pages = {page["name"]: page for page in small_results["pages"]}
    floor = next(page for page in large_results["pages"] if page["name"].startswith("floor"))
    pages = [
        {
            **page,
            "p50_ms_small": small_pages[page["name"]]["p50_ms"],
            "p95_ms_small": small_pages[page["name"]]["p95_ms"],
            "queries_small": small_pages[page["name"]]["queries"],
        }
        for page in large_results["pages"]
        if not page["name"].startswith("floor")
    ]
    report = {
        "scale": {"workstreams": large.workstreams, "periods": large.periods},
        "small_scale": {"workstreams": small.workstreams, "periods": small.periods},
        "database": "postgresql" if os.environ.get("DATABASE_URL") else "sqlite",
        "floor_p95_ms": floor["p95_ms"],
        "pages": pages,
        **{
            key: results.get(field)
            for results, suffix in ((large_results, ""), (small_results, "_small"))
            for field in ("pdf_s", "pdf_first_s", "docx_s", "docx_build_s")
            for key in [field + suffix]
            if suffix == "" or field != "pdf_first_s"
        },
        "opening": large_results["opening"],
        "opening_small": small_results["opening"],
    }
    failures = print_table(report)
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=2))
    return 1 if failures else 0


def print_table(report: dict) -> list[str]:
    scale = report["scale"]
    print(f"\nWaymark benchmark ({report['database']}): {scale['workstreams']} workstreams × {scale['periods']} periods, "
          f"small scale {report['small_scale']['workstreams']} × {report['small_scale']['periods']}")
    print(f"floor p95 {report['floor_p95_ms']} ms\n")
    header = f"{'page':<44} {'p50 ms':>7} {'p95 ms':>7} {'p50 small':>9} {'x small':>7} {'SQL':>4} {'SQL small':>9}"
    print(header)
    print("-" * len(header))
    failures = []
    for page in report["pages"]:
        # Growth with the programme's size compares medians: a p95 of 40 requests is one slow request, and
        # the machine's own hiccups then decide the ratio. The tail is held by the 100 ms budget.
        ratio = page["p50_ms"] / page["p50_ms_small"] if page["p50_ms_small"] else 0
        print(f"{page['name']:<44} {page['p50_ms']:>7} {page['p95_ms']:>7} {page['p50_ms_small']:>9} {ratio:>7.1f} "
              f"{page['queries']:>4} {page['queries_small']:>9}")
        if page["p95_ms"] > 100:
            failures.append(f"{page['name']}: p95 {page['p95_ms']} ms > 100 ms")
        if ratio > 3:
            failures.append(f"{page['name']}: median {ratio:.1f}× the small scale's > 3×")
        if page["queries"] > 15:
            failures.append(f"{page['name']}: {page['queries']} SQL statements > 15")
        if page["queries"] != page["queries_small"]:
            failures.append(f"{page['name']}: SQL statements grow with scale ({page['queries_small']} → {page['queries']})")
    if report["pdf_s"] is not None:
        print(f"\nPDF board pack: {report['pdf_s']} s (first download {report['pdf_first_s']} s); "
              f"Word: {report['docx_s']} s")
        if report["pdf_s"] > 3:
            failures.append(f"PDF {report['pdf_s']} s > 3 s")
        if report["docx_s"] > 1:
            failures.append(f"Word {report['docx_s']} s > 1 s")
        print(f"Word board pack build alone: {report['docx_build_s']} s (small scale {report['docx_build_s_small']} s)")
        if report["docx_build_s"] > 1:
            failures.append(f"Word build {report['docx_build_s']} s > 1 s")
    failures += print_opening(report.get("opening"), report.get("opening_small"))
    print("\n" + ("\n".join(f"FAIL {failure}" for failure in failures) if failures else "PASS every budget"))
    return failures


# Opening a period is a rare action (once a cadence) that writes a draft, milestones and risks for every
# workstream: a second at 40 workstreams is its budget, with the same statements at any scale.
OPENING_BUDGET_MS = 1000


def print_opening(large: dict | None, small: dict | None) -> list[str]:
    if not large or not small:
        return []
    print(f"\nOpening a period ({large['openings']} openings each): {large['drafts']} drafts p50 {large['p50_ms']} ms "
          f"(slowest {large['max_ms']} ms), {large['queries']} SQL statements; {small['drafts']} drafts p50 "
          f"{small['p50_ms']} ms, {small['queries']} SQL statements")
    failures = []
    if large["p50_ms"] > OPENING_BUDGET_MS:
        failures.append(f"opening a period: p50 {large['p50_ms']} ms > {OPENING_BUDGET_MS} ms")
    if large["queries"] != small["queries"] or large["queries_vary"] or small["queries_vary"]:
        failures.append(f"opening a period: SQL statements grow or vary ({small['queries']} → {large['queries']})")
    return failures


if __name__ == "__main__":
    sys.exit(main())
