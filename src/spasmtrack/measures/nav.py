"""Sleep, activity and weather, in the More menu."""

from spasmtrack.navigation import NavEntry

NAV = (NavEntry("Sleep, activity & weather", "measures:charts", 130),)
