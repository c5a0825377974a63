"""Alembic migrations for every Watercooler table (a package so installed copies ship them)."""
