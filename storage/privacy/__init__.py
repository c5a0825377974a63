"""What is kept about people and for how long: retention, forgetting a person, erasure, owner-only files."""
