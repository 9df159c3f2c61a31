"""The installable app's files (manifest, root-scoped service worker, offline page, favicon),
the 404 page, and the outbox's form posts: one entry per Idempotency-Key, clear answers for a
script (saved / refused / not signed in) and nothing written when refused."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib.staticfiles import finders
from django.test import override_settings
from django.utils.timezone import localtime, now

from spasmtrack.accounts.models import IdempotentRequest
from spasmtrack.diary.entries import RESOURCES, create_entry
from spasmtrack.diary.models import DailyCheckin, MuscleEvent, TriggerPoint
from spasmtrack.test import BaseTestCase

OUTBOX = {"HTTP_X_OUTBOX": "1"}


def spasm_form(**extra: str) -> dict[str, str]:
    # Six hours ago: in the past in either test zone.
    when = localtime(now() - timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M")
    return {
        "kind": "spasm",
        "started_at": when,
        "regions": '{"calf_left": 6}',
        "bodymap_intensity": "6",
        "intensity": "6",
        **extra,
    }


def key() -> dict[str, str]:
    return {"HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())}


class PwaTestCase(BaseTestCase):
    def test_it_serves_a_manifest_that_meets_installability(self) -> None:
        r = self.client.get("/manifest.webmanifest")
        assert r.status_code == 200
        assert r["Content-Type"] == "application/manifest+json"
        m = json.loads(r.content)
        assert m["name"] and m["short_name"]
        assert m["start_url"] == "/" and m["scope"] == "/"
        assert m["display"] == "standalone"
        assert m["theme_color"].startswith("#") and m["background_color"].startswith("#")
        sizes = {(i["sizes"], i.get("purpose", "any")) for i in m["icons"]}
        assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
        for icon in m["icons"]:
            name = icon["src"].removeprefix("/static/")
            assert finders.find(name), icon["src"]

    def test_it_serves_the_icons_at_their_stated_sizes(self) -> None:
        from PIL import Image

        for name, size in [("icon-192", 192), ("icon-512", 512), ("maskable-512", 512)]:
            with Image.open(str(finders.find(f"icons/{name}.png"))) as img:
                assert img.size == (size, size)
        with Image.open(str(finders.find("icons/maskable-512.png"))) as img:
            # Maskable: full bleed, so the launcher's crop never shows a transparent corner.
            assert img.convert("RGBA").getpixel((0, 0))[3] == 255

    def test_it_serves_the_service_worker_from_the_root(self) -> None:
        r = self.client.get("/sw.js")
        assert r.status_code == 200
        assert r["Content-Type"].startswith("text/javascript")
        assert r["Service-Worker-Allowed"] == "/"
        assert "no-cache" in r["Cache-Control"]
        body = r.content.decode()
        shell = json.loads(body.split("const SHELL = ", 1)[1].split(";\n", 1)[0])
        assert "/offline/" in shell and "/static/js/outbox.js" in shell
        for url in shell:
            if url.startswith("/static/"):
                assert finders.find(url.removeprefix("/static/")), url
        assert 'addEventListener("fetch"' in body

    def test_it_opens_the_app_files_before_the_first_account_exists(self) -> None:
        from django.contrib.auth.models import User

        User.objects.all().delete()
        for path in ("/manifest.webmanifest", "/sw.js", "/offline/", "/favicon.ico"):
            r = self.client.get(path)
            assert r.status_code == 200, path

    def test_it_serves_the_favicon(self) -> None:
        r = self.client.get("/favicon.ico")
        assert r.status_code == 200
        assert r["Content-Type"] == "image/x-icon"
        assert b"".join(r.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO header

    def test_it_links_manifest_and_icons_from_every_page(self) -> None:
        r = self.client.get("/accounts/login/")
        self.assertContains(r, '<link rel="manifest" href="/manifest.webmanifest">')
        self.assertContains(r, 'rel="icon" href="/favicon.ico"')
        self.assertContains(r, 'name="theme-color"')
        self.assertContains(r, "js/outbox.js")

    @override_settings(DEBUG=False)
    def test_it_shows_a_404_page_with_the_navigation(self) -> None:
        self.client.force_login(self.alice_user)
        r = self.client.get("/no-such-page/")
        assert r.status_code == 404
        self.assertContains(r, "Page not found", status_code=404)
        self.assertContains(r, 'aria-label="Main"', status_code=404)
        self.assertContains(r, "/settings/", status_code=404)

    def test_it_keeps_messages_and_undo_out_of_a_copy_for_offline(self) -> None:
        self.client.force_login(self.alice_user)
        e = create_entry(
            self.alice,
            RESOURCES["muscle-events"],
            {"kind": "spasm", "intensity": 4, "regions": ["calf_left"]},
        )
        self.client.post(f"/entries/muscle-events/{e.code}/delete/")
        r = self.client.get("/", HTTP_X_SW_CACHE="1")
        self.assertNotContains(r, "Deleted:")
        r = self.client.get("/")
        self.assertContains(r, "Deleted:")  # still there for the person's own visit


class OutboxTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.alice_user)

    def post(self, path: str, data: dict[str, str], **headers: Any) -> Any:
        # As outbox.js sends it: urlencoded, so the same entry is the same body every time.
        body = urlencode(data)
        ct = "application/x-www-form-urlencoded"
        return self.client.post(path, body, content_type=ct, **OUTBOX, **headers)

    def test_it_saves_once_per_key(self) -> None:
        k = key()
        first = self.post("/log/spasm/", spasm_form(), **k)
        assert first.status_code == 200, first.content
        assert first.json() == {"saved": True, "redirect": "/"}
        again = self.post("/log/spasm/", spasm_form(), **k)
        assert again.status_code == 200, again.content
        assert again["Idempotent-Replayed"] == "true"
        assert again.json() == first.json()
        assert MuscleEvent.objects.filter(person=self.alice).count() == 1
        assert IdempotentRequest.objects.filter(person=self.alice).count() == 1

    def test_it_answers_401_when_the_sign_in_has_ended(self) -> None:
        self.client.logout()
        r = self.post("/log/spasm/", spasm_form(), **key())
        assert r.status_code == 401
        assert r.json() == {"detail": "Not signed in"}
        assert MuscleEvent.objects.count() == 0

    def test_it_answers_401_to_htmx_when_the_sign_in_has_ended(self) -> None:
        self.client.logout()
        r = self.client.post("/quick/", {"text": "left calf cramp 6/10"}, HTTP_HX_REQUEST="true")
        assert r.status_code == 401  # not the sign-in page swapped into the preview

    def test_it_refuses_with_the_form_and_writes_nothing(self) -> None:
        k = key()
        bad = spasm_form(regions='{"wing_left": 5}')
        r = self.post("/log/spasm/", bad, **k)
        assert r.status_code == 422
        self.assertContains(r, "Unknown body region(s): wing_left", status_code=422)
        assert MuscleEvent.objects.count() == 0
        assert IdempotentRequest.objects.count() == 0
        # Fixed, the same key saves it.
        assert self.post("/log/spasm/", spasm_form(), **k).status_code == 200
        assert MuscleEvent.objects.count() == 1

    def test_it_refuses_a_time_in_the_future(self) -> None:
        later = localtime(now() + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
        r = self.post("/log/spasm/", spasm_form(started_at=later), **key())
        assert r.status_code == 422
        assert MuscleEvent.objects.count() == 0

    def test_it_takes_the_key_on_every_log_form(self) -> None:
        day = self.alice.today()
        forms = [
            ("/log/pain/", {"regions": '{"calf_left": 4}', "bodymap_intensity": "4"}),
            ("/checkin/", {"local_date": day.isoformat(), "overall_pain": "5", "notes": ""}),
            ("/log/treatment/", {"treatment": "heat", "notes": ""}),
            ("/quick/", {"text": "left calf cramp 7/10", "confirm": "1"}),
            (
                "/trigger-points/record/",
                {
                    "muscle": "upper_trapezius",
                    "side": "left",
                    "tenderness": "5",
                    "status": "active",
                },
            ),  # noqa: E501
        ]
        for path, data in forms:
            k = key()
            a = self.post(path, data, **k)
            b = self.post(path, data, **k)
            assert a.status_code == 200, (path, a.content[:300])
            assert a.json()["saved"] is True
            assert b["Idempotent-Replayed"] == "true", path
        assert DailyCheckin.objects.filter(person=self.alice).count() == 1
        assert TriggerPoint.objects.filter(person=self.alice).count() == 1
        assert MuscleEvent.objects.filter(person=self.alice).count() == 1  # the quick log's

    def test_it_answers_a_trigger_point_fragment_as_saved(self) -> None:
        data = {"muscle": "upper_trapezius", "side": "left", "tenderness": "5", "status": "active"}
        r = self.post("/trigger-points/record/", data, HTTP_HX_REQUEST="true", **key())
        assert r.status_code == 200
        assert r.json()["saved"] is True and "Saved:" in r.json()["html"]
        bad = {**data, "tenderness": "11"}
        r = self.post("/trigger-points/record/", bad, HTTP_HX_REQUEST="true", **key())
        assert r.status_code == 422
        assert TriggerPoint.objects.count() == 1

    def test_it_takes_a_check_in_for_yesterday_sent_late(self) -> None:
        day = self.alice.today()
        create_entry(self.alice, RESOURCES["checkins"], {"local_date": day, "overall_pain": 3})
        yesterday = (day - timedelta(days=1)).isoformat()
        r = self.post("/checkin/", {"local_date": yesterday, "overall_pain": "6"}, **key())
        assert r.status_code == 200
        assert DailyCheckin.objects.filter(person=self.alice).count() == 2
        # The same day twice is refused with a reason, never dropped by a redirect.
        r = self.post("/checkin/", {"local_date": day.isoformat(), "overall_pain": "6"}, **key())
        self.assertContains(r, "already an entry", status_code=422)

    def test_it_keeps_keys_per_person(self) -> None:
        k = key()
        assert self.post("/log/spasm/", spasm_form(), **k).status_code == 200
        self.client.force_login(self.charlie_user)
        r = self.post("/log/spasm/", spasm_form(), **k)
        assert r.status_code == 200 and "Idempotent-Replayed" not in r
        assert MuscleEvent.objects.filter(person=self.charlie).count() == 1
        assert MuscleEvent.objects.filter(person=self.alice).count() == 1

    def test_it_refuses_a_key_reused_with_another_body(self) -> None:
        k = key()
        assert self.post("/log/spasm/", spasm_form(), **k).status_code == 200
        r = self.post("/log/spasm/", spasm_form(intensity="3"), **k)
        assert r.status_code == 422
        assert MuscleEvent.objects.count() == 1

    def test_it_leaves_plain_form_posts_as_they_were(self) -> None:
        r = self.client.post("/log/spasm/", spasm_form())
        assert r.status_code == 302 and r["Location"] == "/"


class QuickLogTypedAtTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.alice_user)

    def saved_at(self, typed_at: str) -> Any:
        data = {"text": "left calf cramp 7/10", "confirm": "1", "typed_at": typed_at}
        r = self.client.post("/quick/", data)
        assert r.status_code == 302, r.content[:300]
        return MuscleEvent.objects.filter(person=self.alice).latest("id").started_at

    def test_it_reads_a_line_kept_offline_against_when_it_was_typed(self) -> None:
        typed = now() - timedelta(hours=3)
        started = self.saved_at(typed.isoformat().replace("+00:00", "Z"))
        assert abs(started - typed) < timedelta(minutes=1)

    def test_it_ignores_an_unusable_typed_at(self) -> None:
        for bad in ("yesterday", "2026-01-01T10:00", (now() + timedelta(hours=2)).isoformat()):
            started = self.saved_at(bad)
            assert abs(started - now()) < timedelta(minutes=1), bad
