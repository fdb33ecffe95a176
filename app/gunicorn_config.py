"""Gunicorn settings for Waymark: `gunicorn -c python:app.gunicorn_config wsgi:app`.

Read from the environment so every app server can share one command:

    WAYMARK_BIND          address to listen on (default 127.0.0.1:8000; the reverse proxy connects here)
    WEB_CONCURRENCY       worker processes (default 2: about one per core)
    FORWARDED_ALLOW_IPS   proxies whose X-Forwarded-Proto gunicorn trusts (default 127.0.0.1,::1)
    WAYMARK_ACCESS_LOG    access log file, "-" for stdout (the default), "" to turn it off

Worker class: sync, one request at a time per process, one process per core. A Waymark request is mostly
Python rendering a page (5-25 ms of CPU; the database answers its 10-15 queries in 1-3 ms), and nginx in
front buffers slow clients, so threads have little I/O to overlap and contend for the GIL instead. Measured
with bench/load on an otherwise idle 2-core machine (50 users, 60 s, about 80 requests/s): sync x 2
p95 42 ms; gthread 2 x 4 threads p95 71 ms and 10 MB more per worker; sync x 4 p95 64 ms. Threads or
extra processes helped only while other jobs were taking CPU from the workers (docs/production.md).
Settings given on the command line or in GUNICORN_CMD_ARGS win over this file, e.g.
GUNICORN_CMD_ARGS="--worker-class gthread --threads 4".
"""
import os
import sys

from gunicorn.glogging import Logger

from app.logs import safe_path

bind = os.environ.get("WAYMARK_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
threads = 1

# A worker silent for this long is killed and replaced. The PDF board pack is the slowest request
# (a few seconds for a large programme), so leave it room.
timeout = 60
# On SIGTERM (a deploy), finish requests in flight for up to this long.
graceful_timeout = 30
# Only matters for threaded workers; behind nginx the proxy keeps its own connections to clients.
keepalive = 5

# Replace each worker after about this many requests, staggered so they do not all restart at once:
# bounds the growth of a long-lived process (PDF rendering allocates a lot).
max_requests = 5000
max_requests_jitter = 500

# The app is built in each worker after the fork, so no database connection (or anything else holding a
# socket) is ever shared between processes, and `kill -HUP` (graceful reload) picks up new code. --preload
# also works (post_fork below drops the inherited pool; checked with bench/load) but gains only a
# faster worker start.
preload_app = False

# Behind a reverse proxy: gunicorn sets the request scheme from X-Forwarded-Proto only when the
# connection comes from one of these addresses. Set it to the proxy's address when the proxy runs on
# another host ("*" only when nothing else can reach the app servers). The client's address and
# X-Forwarded-Host are the app's business (werkzeug's ProxyFix, see docs/production.md).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs to stdout/stderr for systemd or the container runtime to collect.
accesslog = os.environ.get("WAYMARK_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = "info"
# The path only (%(U)s), never the query string (%(q)s) or the raw request line (%(r)s), and no Referer:
# those can carry tokens or personal data. %(M)s is the time the worker spent on the request, in ms.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms %(p)s xff=%({x-forwarded-for}i)s'



class RedactingLogger(Logger):
    """Gunicorn's logger, with password-reset tokens taken out of logged paths."""

    def atoms(self, resp, req, environ, request_time):
        try:
            atoms = super().atoms(resp, req, environ, request_time)
        except Exception:  # noqa: BLE001 - e.g. a request without a method or path: log what there is
            atoms = {"h": (environ or {}).get("REMOTE_ADDR", "-")}
        atoms["U"] = safe_path(atoms.get("U"))
        return atoms

    def access(self, resp, req, environ, request_time):
        # A request that failed half-way can leave gunicorn's atoms incomplete: a missing log line is
        # better than a worker that exits.
        try:
            super().access(resp, req, environ, request_time)
        except Exception:  # noqa: BLE001
            self.exception("waymark: could not write the access log line")


logger_class = RedactingLogger

proc_name = "waymark"
# gunicorn 25.1+ opens a control socket at one path per user ($HOME/.gunicorn/gunicorn.ctl), which two
# instances on one host would share; Waymark's servers are managed with signals (systemd) instead.
control_socket_disable = True
# The workers' heartbeat files: in memory, so a slow or full disk cannot get healthy workers killed.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"


def post_fork(server, worker):
    """With --preload the app (and its SQLAlchemy engine) is built in the master before forking. A
    pooled connection must never be used by two processes, so each worker drops the pool it inherited
    (without closing the parent's sockets) and opens its own connections."""
    wsgi = sys.modules.get("wsgi")
    if wsgi is None:
        return  # not preloaded: the worker imports wsgi and builds its own app after this hook
    from app.extensions import db

    with wsgi.app.app_context():
        db.engine.dispose(close=False)
