"""Every model module, imported so `Base.metadata` is complete (Alembic and the agreement test use it).

Add a line here for each new module of models.
"""
from storage import access, accounts, adjustments, audit, erasure, sign_in_throttle, usage, usage_indexes  # noqa: F401  (each registers its tables)
from storage.base import Base

metadata = Base.metadata
