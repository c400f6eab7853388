"""How each language writes a moment (FORMAT_MODULE_PATH): only what differs from Django's own locale formats.

``DATETIME_FORMAT`` is the one every page uses for a job's times, fetch times, audit entries and tokens
(``{% timestamp %}``), and the browser writes the same pattern in its own time zone (local-time.js).
"""
