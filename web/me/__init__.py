"""The signed-in person's own pages: their account (and, as it grows, their policy and usage)."""
from flask import Blueprint

bp = Blueprint("me", __name__, url_prefix="/me")

from web.me import views  # noqa: E402,F401  (registers the routes on bp)
