"""Admins' pages: accounts, the audit trail (with rollback of an adjustment) and the status page."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from web.admin import accounts, audit, status, whatif  # noqa: E402,F401  (registers the routes on bp)
