from __future__ import annotations

from datetime import UTC, date, datetime

import time_machine
from django.core.cache import cache

from spasmtrack.diary.entries import RESOURCES, create_entry
from spasmtrack.test import BaseTestCase
from tests.insights.test_api import fill

NOW = datetime(2025, 11, 10, 12, 0, tzinfo=UTC)


@time_machine.travel(NOW)
class PageTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        fill(self.alice, date(2025, 9, 1), 40, heat_lowers=True)
        create_entry(
            self.alice,
            RESOURCES["pain-drawings"],
            {"at": "2025-10-05T10:00:00Z", "regions": {"neck_back_left": 8}},
        )
        self.client.force_login(self.alice_user)

    def test_it_sends_visitors_to_sign_in(self) -> None:
        self.client.logout()
        r = self.client.get("/insights/")
        assert r.status_code == 302 and "/accounts/login/" in r["Location"]

    def test_it_puts_plain_sentences_first_then_charts(self) -> None:
        r = self.client.get("/insights/")
        html = r.content.decode()
        self.assertContains(
            r, "On days with heat, mean spasm intensity and max spasm intensity were"
        )
        # The sentence names the group's outcomes once; no second line repeats them.
        self.assertNotContains(r, "The same pattern in:")
        self.assertContains(r, '<span class="verdict">Likely helps</span>')
        self.assertContains(r, "points lower than on days without (likely range ")
        self.assertContains(
            r,
            'href="/trials/new/?factor=heat&amp;outcome=mean+spasm+intensity&amp;lag=0&amp;verdict=helps">'
            "Test it in an experiment</a>",
        )
        # q-values sit behind a details control, not in the headline
        assert html.index("<summary>The numbers behind this</summary>") < html.index("q-value")
        self.assertContains(r, "patterns in your own diary, not proof")
        self.assertContains(r, "not medical advice")
        assert " causes " not in html  # the page words patterns, never causes
        assert html.index("What went with better days") < html.index('class="trend"')
        self.assertContains(r, "<summary>Table: max spasm intensity</summary>")
        self.assertContains(r, "days with heat")  # the tick row under the trend
        self.assertContains(r, "Where it hurt, month by month")
        self.assertContains(r, "<summary>Table: most painful areas in October 2025</summary>")
        self.assertContains(r, "In 20 sessions of heat")

    def test_it_renders_the_heatmap_alone_for_htmx(self) -> None:
        r = self.client.get("/insights/?month=2025-09", HTTP_HX_REQUEST="true")
        html = r.content.decode()
        assert html.startswith('<section id="heatmap"')
        assert "September 2025" in html and "<html" not in html
        assert "calf (left)" in html  # the table alternative

    def test_it_lists_what_needs_more_days(self) -> None:
        create_entry(
            self.alice,
            RESOURCES["habit-logs"],
            {"habit": self.sitting.key, "local_date": "2025-10-01", "value": 3},
        )
        r = self.client.get("/insights/")
        self.assertContains(r, "Not enough data yet")
        self.assertContains(r, "<strong>Hours sitting</strong>")

    def test_it_keeps_bad_dates_on_the_form(self) -> None:
        r = self.client.get("/insights/?since=2025-10-01&until=2025-09-01")
        self.assertContains(r, "The last day must be on or after the first day.")

    def test_it_checks_ownership(self) -> None:
        # The page has no ids to guess: the only thing to check is that charlie sees his
        # own (empty) diary and none of alice's findings.
        self.client.force_login(self.charlie_user)
        r = self.client.get("/insights/")
        self.assertContains(r, "Nothing in your diary")
        self.assertNotContains(r, "On days with heat")
        self.assertNotContains(r, "sessions of heat")
