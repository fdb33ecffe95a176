"""What /healthz reports: whether the app's database and, when configured, its Redis answer."""
from __future__ import annotations

import contextlib

import sqlalchemy as sa
from flask import current_app

from app.extensions import db


def health_report() -> tuple[dict, bool]:
    """({"status": ..., "database": ..., "redis": ...}, healthy). Healthy means the database answers: without
    it nothing works. Redis holds the shared sign-in counters only; while it is down each app server counts
    sign-ins on its own, so it is reported ("degraded") without taking the app out of service."""
    database = _check(_database_answers)
    redis = _check(_redis_answers) if current_app.config.get("REDIS_URL") else "not configured"
    healthy = database == "ok"
    status = "unavailable" if not healthy else ("ok" if redis in ("ok", "not configured") else "degraded")
    return {"status": status, "database": database, "redis": redis}, healthy


def _check(probe) -> str:
    try:
        probe()
    except Exception as error:  # noqa: BLE001 - any failure means "down", and says which
        return f"unavailable ({type(error).__name__})"
    return "ok"


def _database_answers() -> None:
    try:
        db.session.execute(sa.text("SELECT 1"))
    finally:
        with contextlib.suppress(Exception):
            db.session.rollback()


def _redis_answers() -> None:
    import redis

    client = redis.Redis.from_url(current_app.config["REDIS_URL"], socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    finally:
        client.close()
