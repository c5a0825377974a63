"""What a what-if replay reads from the database, streamed person by person."""
