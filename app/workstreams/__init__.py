from flask import Blueprint

bp = Blueprint("workstreams", __name__)
