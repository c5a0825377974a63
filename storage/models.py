"""Every model module, imported so `Base.metadata` is complete (Alembic and the agreement test use it).

Add a line here for each new module of models.
"""
from storage import access, accounts, adjustments, audit, erasure, membership, sign_in_throttle  # noqa: F401
from storage.directory import snapshots  # noqa: F401
from storage import usage, usage_indexes  # noqa: F401  (each module registers its tables)
from storage.base import Base

metadata = Base.metadata
