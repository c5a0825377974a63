"""The panel: a Flask application for admins, managers and employees."""
