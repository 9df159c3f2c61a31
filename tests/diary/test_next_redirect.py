from __future__ import annotations

from spasmtrack.diary.entries import RESOURCES, create_entry
from spasmtrack.test import BaseTestCase

OFFSITE = ("https://evil.example/", "//evil.example/x", "https:evil.example", "/\\evil.example")


class NextRedirectTestCase(BaseTestCase):
    """Delete and restore follow `next` only to a page of this site (no open redirect)."""

    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.alice_user)
        self.entry = create_entry(
            self.alice,
            RESOURCES["muscle-events"],
            {"kind": "spasm", "intensity": 5, "regions": ["calf_left"]},
        )

    def _post(self, action: str, nxt: str) -> str:
        r = self.client.post(f"/entries/muscle-events/{self.entry.code}/{action}/", {"next": nxt})
        assert r.status_code == 302
        return str(r["Location"])

    def test_it_refuses_to_redirect_off_site_after_delete_and_restore(self) -> None:
        for bad in OFFSITE:
            assert self._post("delete", bad) == "/history/"
            assert self._post("restore", bad) == "/history/"

    def test_it_follows_a_next_on_this_site(self) -> None:
        assert self._post("delete", "/insights/?days=30") == "/insights/?days=30"
        assert self._post("restore", "/") == "/"
