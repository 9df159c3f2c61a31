"""The navigation: every app declares its links in its `nav.py` (spasmtrack.navigation) and
base.html draws them, the same links in the same order as before they were declared."""

from __future__ import annotations

import re

from django.urls import NoReverseMatch, reverse

from spasmtrack.accounts.models import Person
from spasmtrack.navigation import NAV_APPS, NavEntry, entries
from spasmtrack.test import BaseTestCase

MAIN = [
    ("Today", "/"),
    ("History", "/history/"),
    ("Insights", "/insights/"),
    ("Trigger points", "/trigger-points/"),
    ("Experiments", "/trials/"),
]
MORE = [
    ("Food &amp; supplements", "/nutrition/"),
    ("Lifestyle", "/lifestyle/"),
    ("Sleep, activity &amp; weather", "/measures/"),
    ("Questionnaires", "/questionnaires/"),
    ("Report for my clinician", "/report/"),
    ("What the research says", "/treatments/evidence/"),
    ("Share links", "/share-links/"),
    ("Sharing with a clinician", "/sharing/"),
    ("My patients", "/clinic/"),
    ("Settings", "/settings/"),
]
LINK = re.compile(r'<a href="([^"]*)"( aria-current="page")?>([^<]*)</a>')


def _links(html: str, start: str, end: str) -> list[tuple[str, str, bool]]:
    part = html[html.index(start) : html.index(end, html.index(start))]
    return [(label, href, bool(cur)) for href, cur, label in LINK.findall(part)]


def _nav(html: str) -> tuple[list[tuple[str, str, bool]], list[tuple[str, str, bool]]]:
    return _links(html, '<nav aria-label="Main">', "<details"), _links(
        html, '<div class="more-menu">', "</div>"
    )


def test_every_entry_resolves_and_names_a_known_app_and_menu() -> None:
    assert entries(), "no app declares a nav entry"
    for e in entries():
        assert isinstance(e, NavEntry)
        assert e.menu in ("main", "more")
        try:
            reverse(e.url_name)
        except NoReverseMatch as err:  # pragma: no cover - the failure message is the point
            raise AssertionError(f"nav entry {e.label!r}: {err}") from None
        assert e.url_name.split(":")[0] in {*NAV_APPS, "diary"}


def test_orders_are_unique_so_the_order_never_depends_on_import_order() -> None:
    orders = [e.order for e in entries()]
    assert len(orders) == len(set(orders))


class NavPageTestCase(BaseTestCase):
    def test_a_person_sees_the_main_bar_and_the_more_menu_with_the_current_page(self) -> None:
        self.client.force_login(self.alice_user)
        main, more = _nav(self.client.get("/history/").content.decode())
        assert [(label, href) for label, href, _ in main] == MAIN
        assert [(label, href) for label, href, _ in more] == [m for m in MORE if m[1] != "/clinic/"]
        assert [label for label, _, current in main + more if current] == ["History"]

    def test_a_clinician_also_sees_their_patients(self) -> None:
        self.alice.role = Person.Role.CLINICIAN
        self.alice.save()
        self.client.force_login(self.alice_user)
        main, more = _nav(self.client.get("/clinic/").content.decode())
        assert [(label, href) for label, href, _ in more] == MORE
        assert [label for label, _, current in main + more if current] == ["My patients"]

    def test_a_page_below_an_entry_marks_it_and_today_only_marks_itself(self) -> None:
        self.client.force_login(self.alice_user)
        main, more = _nav(self.client.get("/sharing/audit/").content.decode())
        assert [label for label, _, current in main + more if current] == [
            "Sharing with a clinician"
        ]
        main, more = _nav(self.client.get("/").content.decode())
        assert [label for label, _, current in main + more if current] == ["Today"]

    def test_a_signed_out_visitor_gets_no_navigation(self) -> None:
        html = self.client.get("/accounts/login/").content.decode()
        assert '<nav aria-label="Main">' not in html
