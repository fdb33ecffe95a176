"""Load test: gunicorn (2 workers, production settings) on a fresh PostgreSQL database, and simulated people
following real journeys against it on 127.0.0.1 for a bounded time.

    .venv/bin/python -m bench.load                          # 50 users for 60 s (`make load`)
    .venv/bin/python -m bench.load --users 10 --seconds 15  # a quick run
    .venv/bin/python -m bench.load --out load.json          # also write the figures as JSON

The database: DATABASE_URL when it names a PostgreSQL database on this machine whose name starts with
`waymark_load` (it is dropped, recreated and dropped again afterwards); otherwise a new database
`waymark_load_<pid>_<random>` on postgresql+psycopg://postgres@127.0.0.1:5432, created from its `test`
maintenance database (--admin-url changes that). `flask db upgrade` and `flask demo load` fill it.

Every simulated user signs in with its own session (a demo account; several users may share one) from an
address of its own (gunicorn runs as behind one reverse proxy, WAYMARK_PROXIES=1, and each user's requests carry
its X-Forwarded-For, so the sign-in limits count per person as in production), then loops: My work, an update,
and, for people who may edit the Nov–Dec 2023 drafts, the draft editor and a save of the form as the page gives
it with key activities changed (a unique marker per user and save); then the programme report (for IIB members
and viewers only where it is signed off), the period's page, the workstream's page and, now and then, the review
page (officers only; readers read the update itself), thinking 0.2–1 s between steps. Saves racing on the same
draft must answer 409 with both texts, never lose text and never fail.

After the timed run, --race-pairs pairs of saves of one draft by two people are sent at the same moment
(the timed run collides only now and then): each pair must answer 302 and 409. Then it checks, against the
database, that every text a user was told was saved (302) is the stored text or was replaced by a later save
whose author had seen it (its base), and that the audit trail holds one "edit" event naming key_activities
per such save. Goals: no responses >= 500, no connection errors, no unexpected statuses, the checks above,
and p95 <= 300 ms over all requests of the timed run. Exits 1 when one fails.

Gunicorn settings come from app/gunicorn_config.py; GUNICORN_CMD_ARGS (e.g. "--worker-class gthread
--threads 4") is passed through for experiments. Traffic goes to 127.0.0.1 only; gunicorn is stopped and the
database dropped whatever happens (Ctrl+C included).

The parts: database (the run's database and what each account may do), server (gunicorn, CPU use), users
(the simulated people), checks (no lost text), report (the figures); __main__ runs them in turn.
"""
import re
from pathlib import Path

# What more than one part of the load test uses.
ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"  # all traffic stays on this machine
ID = re.compile(r"/\d+")  # a path's ids, replaced by /<id> to name its endpoint


def log(message: str) -> None:
    print(f"[load] {message}", flush=True)
