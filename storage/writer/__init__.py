"""The background writer: records in, through the spool, into the database; its sink and its health."""
