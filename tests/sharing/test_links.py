"""Share links: made by the patient, opened by anybody with the link, ended on demand."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import time_machine
from django.test import Client

from spasmtrack.accounts.models import AuditEvent
from spasmtrack.diary.entries import RESOURCES, create_entry
from spasmtrack.sharing import services
from spasmtrack.sharing.models import PIN_TRIES, ShareLink
from spasmtrack.test import BaseTestCase

CURRENT_TIME = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@time_machine.travel(CURRENT_TIME, tick=False)
class ShareLinkTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        create_entry(
            self.alice,
            RESOURCES["muscle-events"],
            {"kind": "spasm", "intensity": 6, "regions": ["calf_left"], "notes": "ALICE-NOTE"},
        )
        self.anon = Client()

    def _make(self, **kw: object) -> tuple[ShareLink, str]:
        return services.create_link(self.alice, **kw)  # type: ignore[arg-type]

    def _opens(self) -> list[AuditEvent]:
        return list(AuditEvent.objects.filter(subject=self.alice, action="share_open"))

    def test_it_stores_only_a_hash_of_a_token_of_at_least_128_bits(self) -> None:
        link, token = self._make()
        self.assertGreaterEqual(len(token) * 6, 128)  # URL-safe base64: 6 bits a character
        self.assertNotIn(token, link.token_hash)
        self.assertEqual(link.token_hash, ShareLink.hash(token))
        other = {self._make()[1] for _ in range(20)}
        self.assertEqual(len(other), 20)

    def test_it_expires_after_14_days_by_default(self) -> None:
        link, _ = self._make()
        self.assertEqual(link.expires_at - CURRENT_TIME, timedelta(days=14))

    def test_it_opens_without_an_account_and_says_what_and_until_when(self) -> None:
        _, token = self._make(label="Dr Rahman")
        r = self.anon.get(f"/s/{token}/")
        self.assertContains(r, "read-only summary")
        self.assertContains(r, "alice")
        self.assertContains(r, "works until 16 March 2026, 10:00 (Europe/Berlin)")
        self.assertContains(r, "Spasms")
        self.assertNotContains(r, "ALICE-NOTE")  # a summary, not the diary's free text
        self.assertEqual(r["Referrer-Policy"], "no-referrer")
        self.assertEqual(r["Cache-Control"], "no-store")
        opens = self._opens()
        self.assertEqual(len(opens), 1)
        self.assertIn("Dr Rahman", opens[0].detail)
        # and the patient sees it in the access log
        self.client.force_login(self.alice_user)
        self.assertContains(self.client.get("/sharing/audit/"), "Share link opened")

    def test_it_downloads_the_report_and_audits_it(self) -> None:
        _, token = self._make()
        r = self.anon.get(f"/s/{token}/report.pdf")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r["Content-Type"], "application/pdf")
        self.assertTrue(r.content.startswith(b"%PDF"))
        self.assertIn("report PDF", self._opens()[0].detail)

    def test_it_shows_a_clear_page_for_a_revoked_link(self) -> None:
        link, token = self._make()
        self.assertTrue(services.revoke_link(self.alice, link))
        r = self.anon.get(f"/s/{token}/")
        self.assertContains(r, "This share link was revoked", status_code=410)
        self.assertNotContains(r, "Spasms", status_code=410)
        self.assertEqual(self.anon.get(f"/s/{token}/report.pdf").status_code, 410)
        self.assertEqual(self._opens(), [])

    def test_it_shows_a_clear_page_for_an_expired_link(self) -> None:
        _, token = self._make(days=1)
        with time_machine.travel(CURRENT_TIME + timedelta(days=1, seconds=1), tick=False):
            r = self.anon.get(f"/s/{token}/")
        self.assertContains(r, "This share link has expired", status_code=410)
        self.assertContains(r, "3 March 2026, 10:00", status_code=410)

    def test_it_does_not_know_a_guessed_token(self) -> None:
        r = self.anon.get("/s/" + "A" * 32 + "/")
        self.assertContains(r, "No such share link", status_code=404)

    def test_it_asks_for_the_pin_and_locks_after_wrong_tries(self) -> None:
        _, token = self._make(pin="4821")
        url = f"/s/{token}/"
        r = self.anon.get(url)
        self.assertContains(r, "needs the PIN")
        self.assertNotContains(r, "Mean spasm intensity")
        self.assertEqual(self.anon.get(url + "report.pdf").status_code, 200)  # the PIN form
        r = self.anon.post(url, {"pin": "0000"})
        self.assertContains(r, "That PIN is not right", status_code=403)
        for _ in range(PIN_TRIES - 1):
            r = self.anon.post(url, {"pin": "0000"})
        self.assertContains(r, "Too many wrong PINs", status_code=429)
        # now even the right PIN is refused until the lock ends
        self.assertEqual(self.anon.post(url, {"pin": "4821"}).status_code, 429)
        failed = AuditEvent.objects.filter(subject=self.alice, action="share_pin_failed")
        self.assertEqual(failed.count(), PIN_TRIES)
        with time_machine.travel(CURRENT_TIME + timedelta(minutes=16), tick=False):
            r = self.anon.post(url, {"pin": "4821"})
            self.assertRedirects(r, url, fetch_redirect_response=False)
            self.assertContains(self.anon.get(url), "Mean spasm intensity")
            # another browser still needs the PIN
            self.assertNotContains(Client().get(url), "Mean spasm intensity")

    def test_it_stores_the_pin_hashed(self) -> None:
        link, _ = self._make(pin="4821")
        self.assertNotIn("4821", link.pin_hash)
        self.assertTrue(link.has_pin)

    def test_it_rate_limits_opens_from_one_address(self) -> None:
        _, token = self._make()
        statuses = [
            self.anon.get("/s/" + "B" * 32 + "/").status_code for _ in range(services.RATE_HITS)
        ]
        self.assertEqual(set(statuses), {404})
        r = self.anon.get(f"/s/{token}/")
        self.assertContains(r, "Too many requests", status_code=429)
        self.assertIn("Retry-After", r)
        other = Client(REMOTE_ADDR="10.0.0.9")
        self.assertEqual(other.get(f"/s/{token}/").status_code, 200)

    def test_it_refuses_bad_input_and_writes_nothing(self) -> None:
        for kw, field in (({"days": 0}, "days"), ({"days": 91}, "days"), ({"pin": "12a4"}, "pin")):
            with self.assertRaises(services.ShareRefused) as e:
                self._make(**kw)
            self.assertEqual(e.exception.field, field)
        self.assertEqual(ShareLink.objects.count(), 0)
        self.assertFalse(AuditEvent.objects.filter(action="share_create").exists())

    def test_it_makes_and_shows_a_link_once_on_the_page(self) -> None:
        self.client.force_login(self.alice_user)
        form = {"days": "7", "pin": "", "label": "Dr R"}
        r = self.client.post("/share-links/", form, follow=True)
        self.assertContains(r, "Your new link")
        self.assertContains(r, "<svg")
        url = re.search(r'value="(http://testserver/s/[^"]+)"', r.content.decode())
        assert url is not None
        self.assertEqual(Client().get(url.group(1)).status_code, 200)
        again = self.client.get("/share-links/")
        self.assertNotContains(again, url.group(1))  # shown only once
        self.assertContains(again, "Dr R")
        self.assertTrue(AuditEvent.objects.filter(action="share_create").exists())

    def test_it_refuses_a_bad_pin_on_the_page(self) -> None:
        self.client.force_login(self.alice_user)
        r = self.client.post("/share-links/", {"days": "7", "pin": "12"})
        self.assertContains(r, "A PIN is 4 to 12 digits")
        self.assertEqual(ShareLink.objects.count(), 0)

    def test_it_revokes_from_the_page(self) -> None:
        link, token = self._make()
        self.client.force_login(self.alice_user)
        self.client.post(f"/share-links/{link.code}/revoke/")
        self.assertEqual(self.anon.get(f"/s/{token}/").status_code, 410)
        self.assertTrue(AuditEvent.objects.filter(action="share_revoke").exists())

    def test_it_checks_ownership(self) -> None:
        link, token = self._make()
        self.client.force_login(self.charlie_user)
        r = self.client.post(f"/share-links/{link.code}/revoke/")
        self.assertEqual(r.status_code, 404)
        self.assertNotContains(self.client.get("/share-links/"), link.short)
        r = self.client.delete(f"/api/sharing/links/{link.code}", **self.bearer(self.charlie_token))
        self.assertEqual(r.status_code, 404)
        self.assertEqual(self.anon.get(f"/s/{token}/").status_code, 200)

    def test_it_lists_creates_and_revokes_through_the_api(self) -> None:
        auth = self.bearer(self.alice_token)
        r = self.client.post(
            "/api/sharing/links", {"days": 3, "pin": "123456"}, "application/json", **auth
        )
        self.assertEqual(r.status_code, 201, r.content)
        body = r.json()
        self.assertTrue(body["url"].startswith("http://testserver/s/"))
        self.assertIn("<svg", body["qr_svg"])
        self.assertTrue(body["has_pin"])
        self.assertEqual(body["state"], "live")
        listed = self.client.get("/api/sharing/links", **auth).json()
        self.assertEqual([x["id"] for x in listed], [body["id"]])
        self.assertNotIn("url", listed[0])
        r = self.client.delete(f"/api/sharing/links/{body['id']}", **auth)
        self.assertEqual(r.status_code, 204)
        listed = self.client.get("/api/sharing/links", **auth).json()
        self.assertEqual(listed[0]["state"], "revoked")

    def test_it_refuses_bad_api_input_with_a_422(self) -> None:
        auth = self.bearer(self.alice_token)
        for body in ({"days": 0}, {"pin": "12"}, {"days": True}, {"label": "a\nb"}):
            r = self.client.post("/api/sharing/links", body, "application/json", **auth)
            self.assertEqual(r.status_code, 422, body)
        self.assertEqual(ShareLink.objects.count(), 0)
