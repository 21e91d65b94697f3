"""The web interface of regscreen (reads the settings, maps domain errors to HTTP statuses)."""
