"""A form post that arrives just after its sender's session ended without activity is kept, not lost: the
person is asked to sign in again, and it is applied then, as them, through the view's usual rules.

Only views that register a replay take part (`replayable`), and only a post whose CSRF token is valid for the
session that just ended is kept, so a forged post cannot be planted for someone to apply by signing in."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import sqlalchemy as sa
from flask import current_app, request
from flask_wtf.csrf import ValidationError, validate_csrf
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from app.extensions import db
from app.models import KeptRequest, User
from app.models.types import utcnow

# endpoint -> function(view_args, formdata) answering as the view would have, for the signed-in person.
REPLAYS: dict[str, Callable[..., Response]] = {}
SESSION_KEY = "kept_request"
CSRF_FIELD = "csrf_token"


def replayable(endpoint: str):
    def register(replay: Callable[..., Response]):
        REPLAYS[endpoint] = replay
        return replay

    return register


def keep(user: User) -> int | None:
    """Keep this request for `user` if it is a post to a replayable view carrying a valid CSRF token;
    the kept request's id, or None."""
    if request.method != "POST" or request.endpoint not in REPLAYS:
        return None
    try:
        validate_csrf(request.form.get(CSRF_FIELD))
    except ValidationError:
        return None
    db.session.execute(
        sa.delete(KeptRequest).where((KeptRequest.user_id == user.id) | (KeptRequest.created_at < _oldest_kept()))
    )
    kept = KeptRequest(
        user_id=user.id,
        endpoint=request.endpoint,
        view_args=dict(request.view_args or {}),
        form=[[name, value] for name, value in request.form.items(multi=True) if name != CSRF_FIELD],
    )
    db.session.add(kept)
    db.session.commit()
    return kept.id


def replay(kept_id: int, user: User) -> Response | None:
    """Apply the kept request if it is this person's and still fresh. It is used up either way: someone else
    signing in on that browser discards it unread. None when there is nothing to apply."""
    kept = db.session.get(KeptRequest, kept_id)
    if kept is None:
        return None
    db.session.delete(kept)
    db.session.commit()
    if kept.user_id != user.id or kept.created_at < _oldest_kept() or kept.endpoint not in REPLAYS:
        return None
    return REPLAYS[kept.endpoint](kept.view_args, MultiDict([tuple(pair) for pair in kept.form]))


def _oldest_kept() -> dt.datetime:
    """A kept post is at most as old as the longest a session can last."""
    return utcnow() - dt.timedelta(hours=current_app.config["SESSION_ABSOLUTE_HOURS"])
