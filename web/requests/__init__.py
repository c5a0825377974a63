"""Access requests and temporary grants: employees ask, the managers of their groups decide."""
from flask import Blueprint

bp = Blueprint("requests", __name__, url_prefix="/requests")

from web.requests import deciding, more, views  # noqa: E402,F401  (registers the routes on bp)
