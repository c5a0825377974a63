"""Every model module, imported so `Base.metadata` is complete (Alembic and the agreement test use it).

Add each new module of models to the import and to MODEL_MODULES.
"""
from storage import audit, outbox
from storage.base import Base
from storage.changes import access, adjustments
from storage.directory import snapshots
from storage.privacy import erasure
from storage.sign_in import accounts, throttle
from storage.usage import indexes, membership, tables

metadata = Base.metadata
# Named here so that importing them counts as a use: each module registers its tables on Base.metadata.
MODEL_MODULES = (access, accounts, adjustments, audit, erasure, indexes, membership, outbox, snapshots, tables,
                 throttle)
