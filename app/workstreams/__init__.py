from flask import Blueprint

bp = Blueprint("workstreams", __name__)

from app.workstreams import routes  # noqa: E402,F401
