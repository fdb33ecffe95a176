from flask import Blueprint

bp = Blueprint("periods", __name__)

from app.periods import routes  # noqa: E402,F401
