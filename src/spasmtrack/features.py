"""The feature apps. Each is a Django app under `spasmtrack.<name>` that brings its own
`urls.py` (mounted at the site root), `api.py` (`router`, mounted under /api/) and `cli.py`
(`register(app)`, adding commands to `spasmtrack`), and may bring a `nav.py` (`NAV`, its links
in the menu: `spasmtrack.navigation`). Adding a feature is one line here.

Kept free of imports so that the CLI can read it without starting Django.
"""

FEATURE_APPS = (
    "interop",
    "trigger_points",
    "questionnaires",
    "reports",
    "nutrition",
    "insights",
    "trials",
    "clinic",
    "pwa",
    "reminders",
    "sharing",
    "measures",
    "cycle",
)
