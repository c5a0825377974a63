"""The signed-in person's own pages: what they may use now, their week's usage and requests; their account."""
from flask import Blueprint

bp = Blueprint("me", __name__, url_prefix="/me")

from web.me import views  # noqa: E402,F401  (registers the routes on bp)
