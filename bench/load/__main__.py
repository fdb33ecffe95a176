"""The entry: `python -m bench.load` from the repository root. It puts the repository first on sys.path, so
`python bench/load` works from anywhere too and `app` is always this checkout's."""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import signal
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import bench.load  # noqa: E402
from bench.load import HOST, log  # noqa: E402
from bench.load.checks import verify  # noqa: E402
from bench.load.database import DEFAULT_ADMIN_URL, Database, flask_command, make_plan  # noqa: E402
from bench.load.report import print_report, server_times, summarise  # noqa: E402
from bench.load.server import CpuMeter, Gunicorn, free_port, machine_busy  # noqa: E402
from bench.load.users import run_load, simultaneous_saves  # noqa: E402

P95_GOAL_MS = 300


def _interrupt(_signum, _frame):
    raise KeyboardInterrupt


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=bench.load.__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-requests", type=int, help="stop after this many requests (default users x seconds x 3)")
    parser.add_argument("--race-pairs", type=int, default=20,
                        help="after the timed run, pairs of saves of one draft sent at the same moment (0: none)")
    parser.add_argument("--out", help="write the figures as JSON here")
    parser.add_argument("--admin-url", default=DEFAULT_ADMIN_URL, help="the local server and its maintenance database")
    args = parser.parse_args(argv)
    if args.users < 1 or args.seconds <= 0:
        parser.error("--users and --seconds must be positive")
    args.max_requests = args.max_requests or int(args.users * args.seconds * 3)

    # Ctrl+C (even when started where SIGINT is ignored, e.g. in the background) and SIGTERM end the run
    # through the finally blocks below.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    run = uuid.uuid4().hex[:8]
    secret_key = secrets.token_urlsafe(48)
    database = Database(args.admin_url)
    workdir = Path(tempfile.mkdtemp(prefix="waymark-load-"))
    gunicorn = None
    keep_log = False
    try:
        log(f"creating database {database.name}")
        database.create()
        port = free_port()
        env = {
            **os.environ,
            "WAYMARK_ENV": "production",
            "SECRET_KEY": secret_key,
            "DATABASE_URL": database.url_string,
            "WAYMARK_BIND": f"{HOST}:{port}",
            "WEB_CONCURRENCY": str(args.workers),
            "WAYMARK_ACCESS_LOG": "-",
            # As in production (docs/production.md): one reverse proxy in front, whose X-Forwarded-For
            # names each person's address.
            "WAYMARK_PROXIES": "1",
        }
        env.pop("MAIL_SERVER", None)  # no email leaves a load test
        log("flask db upgrade; flask demo load")
        flask_command(env, "db", "upgrade")
        flask_command(env, "demo", "load")
        plan = make_plan(database.url_string, secret_key)
        gunicorn = Gunicorn(env, workdir / "gunicorn.log")
        log(f"starting gunicorn ({args.workers} workers) on {HOST}:{port}")
        gunicorn.start(port)
        busy0, total0 = machine_busy()
        time.sleep(2)
        busy1, total1 = machine_busy()
        idle_busy = (busy1 - busy0) / max(total1 - total0, 1)
        if idle_busy > 0.15:
            log(f"the machine is {idle_busy:.0%} busy before the load starts: other work will slow the figures down")
        log(f"{args.users} users for {args.seconds:g} s (at most {args.max_requests} requests)")
        cpu = CpuMeter(gunicorn)
        results, duration = run_load(port, plan, args, run, cpu)
        cpu_figures = cpu.stop()
        log_size = gunicorn.log_path.stat().st_size
        race, race_saves = {"pairs": 0, "outcomes": {}}, []
        if args.race_pairs > 0:
            log(f"{args.race_pairs} pairs of simultaneous saves of one draft")
            race, race_saves = simultaneous_saves(port, plan, run, args.race_pairs)
        gunicorn.stop()
        figures = {
            "users": args.users,
            "seconds": args.seconds,
            "workers": args.workers,
            "worker_settings": os.environ.get("GUNICORN_CMD_ARGS") or "app/gunicorn_config.py (sync)",
            **summarise(results, duration),
            "server": server_times(gunicorn.log_path, duration, args.workers, upto=log_size),
            "simultaneous_saves": race,
            "cpu": cpu_figures,
        }
        figures["cpu"]["machine"]["busy_fraction_before_start"] = round(idle_busy, 3)
        figures["verification"] = verify(database.url_string, plan, results.saves + race_saves)
        errors = figures["errors"]
        error_count = (
            errors["server_errors_5xx"] + errors["connection_errors"] + sum(errors["unexpected_statuses"].values())
            + sum(errors["client_problems"].values())
        )
        problems = figures["verification"]["problems"]
        figures["goals"] = [
            {"name": "errors", "ok": error_count == 0,
             "detail": f"{errors['server_errors_5xx']} >= 500, {errors['connection_errors']} connection errors, "
                       f"{sum(errors['unexpected_statuses'].values())} unexpected statuses, "
                       f"{sum(errors['client_problems'].values())} other problems (goal: 0)"},
            {"name": "no lost text", "ok": not problems, "detail": "; ".join(problems) or
             f"all {figures['verification']['saves_302']} saved texts accounted for, audit trail matches"},
            {"name": "simultaneous saves", "ok": race["outcomes"] == ({"302 + 409": args.race_pairs} if args.race_pairs else {}),
             "detail": (f"{race['pairs']} pairs of saves of update {race.get('update_id')} at the same moment: "
                        + ", ".join(f"{k}: {v}" for k, v in race["outcomes"].items())
                        + " (goal: every pair 302 + 409)") if args.race_pairs else "not run (--race-pairs 0)"},
            {"name": "p95 latency", "ok": figures["overall"]["p95_ms"] <= P95_GOAL_MS,
             "detail": f"{figures['overall']['p95_ms']:.0f} ms over all requests (goal: <= {P95_GOAL_MS} ms)"},
            {"name": "saves exercised", "ok": figures["saves"]["saved_302"] > 0,
             "detail": f"{figures['saves']['saved_302']} saves, {figures['saves']['conflicts_409']} conflicts"},
        ]
        figures["pass"] = all(goal["ok"] for goal in figures["goals"])
        print_report(figures)
        if errors["server_errors_5xx"] or any(
            part.startswith("5") for key in race["outcomes"] for part in key.split(" + ")
        ):
            print("\nExceptions in the gunicorn log (Flask and gunicorn both log the first of each failed request):\n"
                  + gunicorn.errors())
        if not figures["pass"]:
            keep_log = True
            log(f"gunicorn's log is kept in {gunicorn.log_path}")
        if args.out:
            Path(args.out).write_text(json.dumps(figures, indent=2) + "\n")
            log(f"figures written to {args.out}")
        return 0 if figures["pass"] else 1
    except KeyboardInterrupt:
        log("interrupted: stopping gunicorn and dropping the database")
        return 130
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if gunicorn is not None:
            gunicorn.stop()
        database.drop()
        log(f"database {database.name} dropped")
        if not keep_log:
            with contextlib.suppress(OSError):
                for leftover in workdir.iterdir():
                    leftover.unlink()
                workdir.rmdir()


if __name__ == "__main__":
    sys.exit(main())
