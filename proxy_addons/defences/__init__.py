"""Never failing open, never falling over: the guard, failsafe, refused options, connection limits, deadlines."""
