"""'My day starts at': the day a late entry belongs to, on every page, the API and the quick
log; repeated and skipped wall-clock times on the forms (Europe/Berlin, America/New_York)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time

import time_machine
from django.contrib.auth.models import User

from spasmtrack.accounts.models import Person
from spasmtrack.core.days import DEFAULT_DAY_START, MIDNIGHT
from spasmtrack.diary.entries import RESOURCES, create_entry
from spasmtrack.diary.models import DailyCheckin, MuscleEvent, TreatmentLog
from spasmtrack.test import BaseTestCase

# Tuesday 1 December 2026, 10:00 in Berlin.
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SPASM = {"kind": "spasm", "bodymap_intensity": "6", "regions": '{"calf_left": 6}'}


@time_machine.travel(NOW)
class DayStartTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        for p in (self.alice, self.charlie):
            p.day_start = DEFAULT_DAY_START
            p.save(update_fields=("day_start",))
        self.client.force_login(self.alice_user)

    def spasm(self, at: str, person: Person | None = None) -> MuscleEvent:
        data = {"kind": "spasm", "intensity": 5, "regions": ["calf_left"], "started_at": at}
        return create_entry(person or self.alice, RESOURCES["muscle-events"], data)

    # --- the setting and its default

    def test_it_starts_a_new_persons_day_at_four(self) -> None:
        user = User.objects.create_user("dora", password="password")
        assert Person.objects.create(user=user).day_start == time(4, 0)

    def test_it_puts_a_late_spasm_on_the_day_before(self) -> None:
        assert self.spasm("2026-12-01T00:30:00+00:00").local_date == date(2026, 11, 30)  # 01:30
        assert self.spasm("2026-12-01T03:00:00+00:00").local_date == date(2026, 12, 1)  # 04:00
        self.alice.day_start = MIDNIGHT
        self.alice.save()
        assert self.spasm("2026-12-01T00:30:00+00:00").local_date == date(2026, 12, 1)

    def test_it_uses_the_same_day_in_the_api(self) -> None:
        body = {"kind": "spasm", "intensity": 5, "regions": ["calf_left"]}
        body["started_at"] = "2026-12-01T01:30:00+01:00"
        r = self.client.post("/api/muscle-events", json.dumps(body), "application/json")
        assert r.status_code == 201, r.content
        assert r.json()["local_date"] == "2026-11-30"

    @time_machine.travel(datetime(2026, 12, 1, 0, 30, tzinfo=UTC))  # 01:30 Tuesday in Berlin
    def test_it_keeps_today_on_the_day_before_until_the_day_starts(self) -> None:
        assert self.alice.today() == date(2026, 11, 30)
        r = self.client.get("/checkin/")
        self.assertContains(r, 'value="2026-11-30"')
        r = self.client.post("/quick/", {"text": "pain 6", "confirm": "1"})
        assert r.status_code == 302
        assert DailyCheckin.objects.get().local_date == date(2026, 11, 30)

    def test_it_saves_the_setting(self) -> None:
        r = self.client.post("/settings/", {"day_start": "05:30"}, follow=True)
        self.assertContains(r, "your day starts at 05:30")
        self.alice.refresh_from_db()
        assert self.alice.day_start == time(5, 30)
        assert self.alice.tz == "Europe/Berlin"  # the other form on the page is untouched

    def test_it_refuses_a_day_start_after_noon(self) -> None:
        r = self.client.post("/settings/", {"day_start": "13:00"})
        self.assertContains(r, "a day can start at 12:00 at the latest")
        self.alice.refresh_from_db()
        assert self.alice.day_start == DEFAULT_DAY_START

    def test_it_keeps_saved_days_when_the_day_start_moves(self) -> None:
        e = self.spasm("2026-12-01T00:30:00+00:00")
        self.client.post("/settings/", {"day_start": "00:00"})
        e.refresh_from_db()
        assert e.local_date == date(2026, 11, 30)

    # --- the form: hint, message, repeated and skipped hours

    def test_it_tells_the_day_before_saving(self) -> None:
        r = self.client.get("/day-hint/", {"started_at": "2026-12-01T01:30"})
        assert r.content.decode().strip() == "Counts for Monday 30 November."
        r = self.client.get("/day-hint/", {"at": "2026-12-01T04:00"})
        assert r.content.decode().strip() == "Counts for Tuesday 1 December."
        r = self.client.get("/day-hint/", {"at": ""})  # blank: now
        assert r.content.decode().strip() == "Counts for Tuesday 1 December."

    def test_it_puts_the_hint_on_every_log_form(self) -> None:
        for url in ("/log/spasm/", "/log/pain/", "/log/treatment/", "/nutrition/"):
            r = self.client.get(url)
            self.assertContains(r, 'hx-get="/day-hint/"', msg_prefix=url)
            self.assertContains(r, 'class="day-hint"', msg_prefix=url)

    def test_it_hints_only_to_the_signed_in(self) -> None:
        self.client.logout()
        r = self.client.get("/day-hint/", {"at": "2026-12-01T01:30"})
        assert r.status_code == 302

    def test_it_says_which_day_a_late_spasm_counts_for(self) -> None:
        r = self.client.post(
            "/log/spasm/", {**SPASM, "started_at": "2026-12-01T01:30"}, follow=True
        )
        self.assertContains(r, "counts for Monday 30 November")
        e = MuscleEvent.objects.get()
        assert e.started_at == datetime(2026, 12, 1, 0, 30, tzinfo=UTC)
        assert e.local_date == date(2026, 11, 30)

    def test_it_takes_the_first_of_a_repeated_time_in_berlin(self) -> None:
        r = self.client.get("/day-hint/", {"started_at": "2026-10-25T02:30"})
        self.assertContains(r, "02:30 happened twice on Sunday 25 October")
        self.assertContains(r, "taken as the first one (CEST, before the change)")
        r = self.client.post(
            "/log/spasm/", {**SPASM, "started_at": "2026-10-25T02:30"}, follow=True
        )
        self.assertContains(r, "taken as the first one (CEST, before the change)")
        e = MuscleEvent.objects.get()
        assert e.started_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
        assert e.local_date == date(2026, 10, 24)  # before 04:00: the Saturday

    def test_it_takes_the_first_of_a_repeated_time_in_new_york(self) -> None:
        self.client.force_login(self.charlie_user)
        r = self.client.post(
            "/log/treatment/", {"treatment": "heat", "at": "2026-11-01T01:30"}, follow=True
        )
        self.assertContains(r, "taken as the first one (EDT, before the change)")
        assert TreatmentLog.objects.get().at == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)

    def test_it_refuses_a_skipped_time_with_a_clear_message(self) -> None:
        for person, user, at, jump in (
            (self.alice, self.alice_user, "2026-03-29T02:30", "from 02:00 to 03:00"),
            (self.charlie, self.charlie_user, "2026-03-08T02:15", "from 02:00 to 03:00"),
        ):
            self.client.force_login(user)
            r = self.client.post("/log/spasm/", {**SPASM, "started_at": at})
            self.assertContains(r, "did not happen on Sunday")
            self.assertContains(r, f"the clocks went forward {jump}")
            r = self.client.get("/day-hint/", {"started_at": at})
            self.assertContains(r, "did not happen")
            assert not MuscleEvent.objects.filter(person=person).exists()

    def test_it_keeps_the_second_occurrence_when_an_edit_leaves_the_time(self) -> None:
        second = "2026-10-25T01:30:00+00:00"  # 02:30 CET, the second 02:30 in Berlin
        e = self.spasm(second)
        url = f"/entries/muscle-events/{e.code}/edit/"
        r = self.client.get(url)
        self.assertContains(r, 'value="2026-10-25 02:30:00"')
        body = {**SPASM, "started_at": "2026-10-25T02:30", "notes": "edited", "version": "1"}
        r = self.client.post(url, body)
        assert r.status_code == 302, r.content.decode()[:2000]
        e.refresh_from_db()
        assert e.notes == "edited"
        assert e.started_at == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)


@time_machine.travel(NOW)
class HistoryOrderTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.alice.day_start = DEFAULT_DAY_START
        self.alice.save()
        self.client.force_login(self.alice_user)

    def test_it_shows_one_heading_per_day_in_day_then_time_order(self) -> None:
        def spasm(at: str, intensity: int) -> None:
            data = {"kind": "spasm", "regions": ["calf_left"], "started_at": at}
            create_entry(self.alice, RESOURCES["muscle-events"], {**data, "intensity": intensity})

        spasm("2026-11-30T22:00:00+00:00", 1)  # Monday 23:00
        spasm("2026-12-01T08:00:00+00:00", 2)  # Tuesday 09:00
        spasm("2026-12-01T00:30:00+00:00", 3)  # Tuesday 01:30: Monday's, typed after 09:00's
        spasm("2026-11-30T07:00:00+00:00", 4)  # Monday 08:00
        # Monday's check-in, typed on Tuesday morning; Sunday's typed on Sunday evening.
        with time_machine.travel(datetime(2026, 12, 1, 8, 30, tzinfo=UTC)):
            create_entry(self.alice, RESOURCES["checkins"], {"local_date": "2026-11-30", "mood": 4})
        with time_machine.travel(datetime(2026, 11, 29, 20, 0, tzinfo=UTC)):
            create_entry(self.alice, RESOURCES["checkins"], {"local_date": "2026-11-29", "mood": 7})
        page = self.client.get("/history/").content.decode()
        order = [
            "Tuesday 1 December 2026",
            "Spasm · 2/10",
            "Monday 30 November 2026",
            "mood 4",
            "Spasm · 3/10",
            "Spasm · 1/10",
            "Spasm · 4/10",
            "Sunday 29 November 2026",
            "mood 7",
        ]
        at = [page.find(s) for s in order]
        assert -1 not in at, dict(zip(order, at, strict=True))
        assert at == sorted(at), dict(zip(order, at, strict=True))
        for heading in order[0], order[2], order[7]:
            assert page.count(heading) == 1, heading


@time_machine.travel(NOW)
class CheckinAndTreatmentFormsTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.alice_user)

    def test_it_refuses_an_empty_checkin_on_the_page(self) -> None:
        r = self.client.post("/checkin/", {"local_date": "2026-12-01", "notes": "  "})
        self.assertContains(r, "An empty check-in is not saved")
        assert not DailyCheckin.objects.exists()
        r = self.client.post("/checkin/", {"local_date": "2026-12-01", "notes": "rough night"})
        assert r.status_code == 302
        assert DailyCheckin.objects.get().notes == "rough night"

    def test_it_refuses_an_empty_checkin_in_the_api(self) -> None:
        auth = self.bearer(self.alice_token)
        r = self.client.post(
            "/api/checkins", json.dumps({"local_date": "2026-12-01"}), "application/json", **auth
        )
        assert r.status_code == 422
        assert "a check-in needs at least one rating or a note" in r.content.decode()
        assert not DailyCheckin.objects.exists()
        ok = self.client.post(
            "/api/checkins",
            json.dumps({"local_date": "2026-12-01", "mood": 6}),
            "application/json",
            **auth,
        )
        assert ok.status_code == 201
        r = self.client.patch(
            f"/api/checkins/{ok.json()['id']}",
            json.dumps({"mood": None}),
            "application/json",
            **auth,
        )
        assert r.status_code == 422
        assert DailyCheckin.objects.get().mood == 6

    def test_it_refuses_emptying_a_checkin_on_the_edit_page(self) -> None:
        c = create_entry(self.alice, RESOURCES["checkins"], {"local_date": "2026-12-01", "mood": 6})
        r = self.client.post(
            f"/entries/checkins/{c.code}/edit/",
            {"local_date": "2026-12-01", "notes": "", "version": "1"},
        )
        self.assertContains(r, "An empty check-in is not saved")
        c.refresh_from_db()
        assert c.mood == 6

    def test_it_skips_an_empty_checkin_of_an_old_export(self) -> None:
        from spasmtrack.interop.native import export_document, import_document

        create_entry(self.alice, RESOURCES["checkins"], {"local_date": "2026-11-30", "mood": 6})
        doc = export_document(self.alice)
        assert doc["day_start"] == "00:00"
        doc["checkins"].append({"local_date": "2026-12-01", "notes": ""})
        DailyCheckin.objects.all().delete()
        import_document(self.charlie, doc)
        assert list(DailyCheckin.objects.values_list("local_date", flat=True)) == [
            date(2026, 11, 30)
        ]

    def test_it_shows_pain_before_and_after_as_buttons(self) -> None:
        r = self.client.get("/log/treatment/")
        for name in ("pain_before", "pain_after"):
            for value in ("", *map(str, range(11))):
                self.assertContains(r, f'type="radio" name="{name}" value="{value}"')
        self.assertContains(r, 'id="id_pain_before" class="nrs"')
        self.assertContains(r, 'id="id_pain_after" class="nrs"')
        self.assertContains(r, "Skip")
        body = {"treatment": "heat", "pain_before": "7", "pain_after": ""}
        assert self.client.post("/log/treatment/", body).status_code == 302
        log = TreatmentLog.objects.get()
        assert (log.pain_before, log.pain_after) == (7, None)

    def test_it_lists_the_most_used_treatments_first(self) -> None:
        from spasmtrack.diary.models import Treatment

        ice, _ = Treatment.objects.get_or_create(
            key="ice", defaults={"name": "Ice", "category": "home"}
        )
        for key, n in (("ice", 3), ("heat", 1)):
            for _ in range(n):
                create_entry(self.alice, RESOURCES["treatment-logs"], {"treatment": key})
        # Charlie's logs do not count for alice, nor do binned ones.
        create_entry(self.charlie, RESOURCES["treatment-logs"], {"treatment": "heat"})
        create_entry(self.charlie, RESOURCES["treatment-logs"], {"treatment": "heat"})
        for _ in range(3):
            create_entry(
                self.alice, RESOURCES["treatment-logs"], {"treatment": "heat"}
            ).move_to_bin()
        page = self.client.get("/log/treatment/").content.decode()
        top = page.index('<optgroup label="You use most">')
        rest = page.index('<optgroup label="All others A–Z">')
        assert top < page.index('value="ice"') < page.index('value="heat"') < rest
        assert page.count('value="heat"') == 1
        assert ice.pk


class BackupDayStartTestCase(BaseTestCase):
    def test_it_restores_the_day_start_with_the_backup(self) -> None:
        from spasmtrack.interop import backup as bk
        from spasmtrack.interop.native import export_document

        self.alice.day_start = time(5, 0)
        self.alice.save()
        doc = export_document(self.alice)
        assert doc["day_start"] == "05:00"
        person, _ = bk.restore_as_new_account(doc, "a-long-new-pass-7", username="alice2")
        assert person.day_start == time(5, 0)

    def test_it_gives_an_old_backup_calendar_days(self) -> None:
        from spasmtrack.interop import backup as bk
        from spasmtrack.interop.native import export_document

        doc = export_document(self.alice)
        del doc["day_start"]  # made before the setting existed: its days were calendar days
        person, _ = bk.restore_as_new_account(doc, "a-long-new-pass-7", username="alice3")
        assert person.day_start == MIDNIGHT
        assert bk.backup_day_start({"day_start": "13:00"}) == MIDNIGHT  # out of range
        assert bk.backup_day_start({"day_start": "nonsense"}) == MIDNIGHT
