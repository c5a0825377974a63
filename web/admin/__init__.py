"""Admins' pages: accounts (and, as it grows, policy status and audit)."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from web.admin import accounts, audit, status, whatif  # noqa: E402,F401  (registers the routes on bp)
