"""The local append-only spool: usage records fsync'd here before the database sees them."""
