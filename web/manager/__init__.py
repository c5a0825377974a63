"""Managers' pages: tune their groups' limits within the rules' bounds."""
from flask import Blueprint

bp = Blueprint("manager", __name__, url_prefix="/team")

from web.manager import usage_views, views  # noqa: E402,F401  (registers the routes on bp)
