"""Every model module, imported so `Base.metadata` is complete (Alembic and the agreement test use it).

Add each new module of models to the import and to MODEL_MODULES.
"""
from storage import (
    access,
    accounts,
    adjustments,
    audit,
    erasure,
    membership,
    outbox,
    sign_in_throttle,
    usage,
    usage_indexes,
)
from storage.base import Base
from storage.directory import snapshots

metadata = Base.metadata
# Named here so that importing them counts as a use: each module registers its tables on Base.metadata.
MODEL_MODULES = (access, accounts, adjustments, audit, erasure, membership, outbox, sign_in_throttle, snapshots,
                 usage, usage_indexes)
