"""Reading a rules folder in stages, YAML bytes to a validated `PolicyDoc`, every problem named by file and line."""
