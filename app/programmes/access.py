"""Which programme a request is about, if the person may see it."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, g
from flask_login import current_user

from app.extensions import db
from app.models import Programme
from app.permissions import require


def load_programme(programme_id: int, action: str = "view_programme") -> Programme:
    """The programme, if the signed-in person may do `action` to it; the page's navigation follows it."""
    programme = db.session.get(Programme, programme_id) or abort(404)
    require(action, programme)
    g.programme = programme
    return programme


def in_programme(programme: Programme) -> None:
    """Note the programme a page about one of its periods, workstreams or updates belongs to."""
    g.programme = programme


def my_programmes(user) -> list[Programme]:
    """The programmes the person holds a role in, by name."""
    if not user.programme_ids:
        return []
    return list(db.session.scalars(sa.select(Programme).where(Programme.id.in_(user.programme_ids)).order_by(Programme.name)))


def current_programme() -> Programme | None:
    """The programme the page is about, or the person's only programme; None when that is not one programme."""
    if g.get("programme") is not None:
        return g.programme
    if current_user.is_authenticated and len(current_user.programme_ids) == 1:
        (programme_id,) = current_user.programme_ids
        g.programme = db.session.get(Programme, programme_id)
        return g.programme
    return None
