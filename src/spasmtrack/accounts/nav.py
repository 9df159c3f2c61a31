"""Settings, last in the More menu (Sign out, a form, follows it in base.html)."""

from spasmtrack.navigation import NavEntry

NAV = (NavEntry("Settings", "accounts:settings", 200),)
