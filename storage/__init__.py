"""SQLAlchemy models and database access shared by the proxy and the panel."""
