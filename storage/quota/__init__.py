"""Quota charges: claimed in the database, read back, and cached in memory per person and budget."""
