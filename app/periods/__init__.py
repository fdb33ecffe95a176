from flask import Blueprint

bp = Blueprint("periods", __name__)
