"""What the proxy logs: one line per kind of trouble per interval, client addresses kept out."""
