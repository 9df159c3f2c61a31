"""Food, lifestyle and the research summaries, in the More menu."""

from spasmtrack.navigation import NavEntry

NAV = (
    NavEntry("Food & supplements", "nutrition:nutrition", 110),
    NavEntry("Lifestyle", "nutrition:lifestyle", 120),
    NavEntry("What the research says", "nutrition:evidence", 160, marks="/evidence/"),
)
