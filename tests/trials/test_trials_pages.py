from __future__ import annotations

from datetime import timedelta

import time_machine

from spasmtrack.diary.models import DailyCheckin
from spasmtrack.test import BaseTestCase
from spasmtrack.trials.models import AdherenceAnswer, Trial, TrialEvent
from tests.trials.helpers import NOW, TODAY, ice, past_trial, plant_checkins

HX = {"HTTP_HX_REQUEST": "true"}
FORM = {
    "treatment_a": "usual",
    "treatment_b": "heat",
    "outcome": "spasm_burden",
    "period_days": "7",
    "blocks": "3",
    "washout_days": "0",
    "start": "2026-05-01",
    "mcid": "1",
}


@time_machine.travel(NOW)
class PagesTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.alice_user)
        self.trial = past_trial(self.alice, self.heat, days_ago=4)

    def urls(self, trial: Trial) -> list[str]:
        base = f"/trials/{trial.code}/"
        return [base, base + "report/", base + "schedule.ics"]

    def test_it_requires_sign_in(self) -> None:
        self.client.logout()
        for url in ["/trials/", "/trials/new/", *self.urls(self.trial)]:
            r = self.client.get(url)
            assert r.status_code == 302 and "/accounts/login/" in r["Location"], url
        for url in ("events/", "answer/"):
            r = self.client.post(f"/trials/{self.trial.code}/{url}", {"kind": "paused"})
            assert r.status_code == 302 and "/accounts/login/" in r["Location"]

    def test_it_checks_ownership(self) -> None:
        self.client.force_login(self.charlie_user)
        for url in self.urls(self.trial):
            assert self.client.get(url).status_code == 404, url
        code = self.trial.code
        r = self.client.post(f"/trials/{code}/events/", {"kind": "stopped", "reason": "x"})
        assert r.status_code == 404
        r = self.client.post(f"/trials/{code}/answer/", {"day": "2026-05-01", "used": "yes"})
        assert r.status_code == 404
        assert self.trial.events.count() == 1 and not AdherenceAnswer.objects.exists()
        self.assertNotContains(self.client.get("/trials/"), "Heat vs usual")

    def test_it_lists_the_persons_experiments(self) -> None:
        past_trial(self.charlie, self.heat, title="Charlie's")
        # first-run check, session, user, person (middleware), trials joined with treatments
        with self.assertNumQueries(5):
            r = self.client.get("/trials/")
        self.assertContains(r, "Heat vs usual")
        self.assertNotContains(r, "Charlie's")

    def test_it_shows_the_create_form_in_full_and_the_preview_for_htmx(self) -> None:
        r = self.client.get("/trials/new/")
        self.assertContains(r, "<html", html=False)
        self.assertContains(r, 'hx-get="/trials/new/"')
        self.assertContains(r, "Usual routine")
        params = {**FORM, "blocks": "2"}
        r = self.client.get("/trials/new/", params, **HX)
        assert b"<html" not in r.content
        self.assertContains(r, "2 block(s) of two 7-day periods, 28 days")
        self.assertContains(r, "We need at least 7 days of past scores")
        r = self.client.get("/trials/new/", {**params, "washout_days": "7"}, **HX)
        self.assertContains(r, "shorter than a period")

    def test_it_warns_in_the_preview_when_the_plan_is_too_small(self) -> None:
        for i in range(1, 61):
            DailyCheckin.objects.create(
                person=self.alice, local_date=TODAY - timedelta(days=i), spasm_burden=i % 2 * 6
            )
        params = {**FORM, "period_days": "3", "blocks": "1"}
        r = self.client.get("/trials/new/", params, **HX)
        self.assertContains(r, "Check this plan:")

    def test_it_creates_an_experiment_from_the_form(self) -> None:
        r = self.client.post(
            "/trials/new/",
            {"treatment_a": ice().key, "treatment_b": "heat", "outcome": "overall_pain",
             "period_days": "5", "blocks": "2", "washout_days": "1", "start": "2026-05-02",
             "mcid": "1.5", "title": ""},
        )  # fmt: skip
        trial = Trial.objects.exclude(pk=self.trial.pk).get()
        assert r.status_code == 302 and r["Location"] == f"/trials/{trial.code}/"
        assert (trial.outcome, trial.mcid, trial.washout_days) == ("overall_pain", 1.5, 1)
        assert trial.title == "Heat vs Ice / cold pack" and trial.status == "planned"

    def test_it_keeps_the_form_on_a_bad_design(self) -> None:
        r = self.client.post(
            "/trials/new/",
            {"treatment_b": "heat", "treatment_a": "heat", "outcome": "spasm_burden",
             "period_days": "7", "blocks": "3", "washout_days": "0", "start": "2026-05-01",
             "mcid": "1"},
        )  # fmt: skip
        self.assertContains(r, "A and B must differ")
        assert Trial.objects.count() == 1

    def test_it_shows_today_the_schedule_and_the_log(self) -> None:
        r = self.client.get(f"/trials/{self.trial.code}/")
        self.assertContains(r, "Experiment: day 5 of 42")
        self.assertContains(r, "Did you use heat today?")
        # The current period day by day (7 rows), later periods folded into one row each.
        html = r.content.decode()
        assert html.count('class="cond-A') + html.count('class="cond-B') == 12
        self.assertContains(r, "7 days ahead", count=5)
        self.assertContains(r, "Stop early")
        self.assertContains(r, "Created")

    def test_it_answers_adherence_with_a_fragment_for_htmx(self) -> None:
        url = f"/trials/{self.trial.code}/answer/"
        r = self.client.post(url, {"day": "2026-05-01", "used": "yes", "target": "banner"}, **HX)
        assert b"<html" not in r.content
        self.assertContains(r, "Noted, thank you.")
        self.assertNotContains(r, "Did you use heat today?")
        day = (TODAY - timedelta(days=2)).isoformat()
        r = self.client.post(url, {"day": day, "used": "no", "target": "row"}, **HX)
        self.assertContains(r, f'<tr id="day-{day}"')
        assert AdherenceAnswer.objects.count() == 2

    def test_it_answers_adherence_with_a_redirect_without_htmx(self) -> None:
        url = f"/trials/{self.trial.code}/answer/"
        r = self.client.post(url, {"day": "2026-05-01", "used": "no", "next": "/"})
        assert r.status_code == 302 and r["Location"] == "/"
        r = self.client.post(url, {"day": "2026-05-01", "used": "no", "next": "https://evil"})
        assert r["Location"] == f"/trials/{self.trial.code}/"
        r = self.client.post(url, {"day": "2026-06-30", "used": "no"}, follow=True)
        self.assertContains(r, "Answer only for days of the experiment")

    def test_it_pauses_resumes_and_stops_only_with_a_reason(self) -> None:
        url = f"/trials/{self.trial.code}/events/"
        self.client.post(url, {"kind": "paused", "reason": "holiday"})
        assert Trial.objects.get(pk=self.trial.pk).status == "paused"
        r = self.client.post(url, {"kind": "stopped", "reason": ""}, follow=True)
        self.assertContains(r, "Say briefly why you stop early")
        self.client.post(url, {"kind": "stopped", "reason": "flare"})
        kinds = list(TrialEvent.objects.order_by("id").values_list("kind", flat=True))
        assert kinds == ["created", "paused", "stopped"]
        r = self.client.get(f"/trials/{self.trial.code}/report/")
        self.assertContains(r, "Stopped early (reason: flare)")

    def test_it_reports_the_cent_items_and_both_analyses(self) -> None:
        trial = past_trial(self.alice, self.heat, days_ago=41, seed=99)
        plant_checkins(trial, effect=-2.0)
        r = self.client.get(f"/trials/{trial.code}/report/")
        self.assertContains(r, '<code id="seed">99</code>', html=False)
        self.assertContains(r, "Intention-to-treat (as planned)")
        self.assertContains(r, "Per-protocol (as done)")
        self.assertContains(r, "Paired t-test of period means")
        self.assertContains(r, "chance that B is better for you than A is")
        self.assertContains(r, "This is one person's experiment.")
        self.assertContains(r, "does not prescribe")
        self.assertContains(r, "<svg", html=False)
        self.assertContains(r, 'class="pt-B"', count=21)  # squares for B, not colour only
        self.assertContains(r, 'class="pt-A"', count=21)
        self.assertContains(r, "url(#hatch-b)")

    def test_it_reports_without_data_yet(self) -> None:
        r = self.client.get(f"/trials/{self.trial.code}/report/")
        self.assertContains(r, "Not enough data for an analysis yet")
        self.assertContains(r, "interim")

    def test_it_serves_the_schedule_as_a_calendar_file(self) -> None:
        r = self.client.get(f"/trials/{self.trial.code}/schedule.ics")
        assert r["Content-Type"].startswith("text/calendar")
        assert r["Content-Disposition"] == (
            f'attachment; filename="experiment-{self.trial.code.hex[:8]}.ics"'
        )
        text = r.content.decode()
        assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
        assert text.count("BEGIN:VEVENT") == 6
        first = self.trial.schedule.days[0]
        assert f"DTSTART;VALUE=DATE:{first.day:%Y%m%d}" in text
        assert f"UID:1-{self.trial.code}@spasmtrack" in text
        name = "Heat" if first.condition == "B" else "Usual routine"
        assert f"SUMMARY:{first.condition}: {name}" in text

    def test_it_offers_the_banner_as_a_template_tag(self) -> None:
        from django.template import RequestContext, Template
        from django.test import RequestFactory

        request = RequestFactory().get("/")
        request.user = self.alice_user
        request.person = self.alice  # type: ignore[attr-defined]
        html = Template("{% load trials_tags %}{% trial_banner %}").render(
            RequestContext(request, {})
        )
        assert "Experiment: day 5 of 42" in html and "Did you use heat today?" in html
        request.person = self.charlie  # type: ignore[attr-defined]
        html = Template("{% load trials_tags %}{% trial_banner %}").render(
            RequestContext(request, {})
        )
        assert "trial-banner" not in html
