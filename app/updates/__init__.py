from flask import Blueprint

bp = Blueprint("updates", __name__)
