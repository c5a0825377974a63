"""Watercooler's policy: the YAML language admins write, and the engine that decides.

Pure: nothing here imports mitmproxy, Flask or SQLAlchemy, and deciding does no I/O.
"""
