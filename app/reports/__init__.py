"""Programme reports: their revisions, sign-off state, content snapshots, the report page and its exports."""
from flask import Blueprint

bp = Blueprint("reports", __name__)
