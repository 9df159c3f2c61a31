from __future__ import annotations

from spasmtrack.accounts import audit
from spasmtrack.accounts.models import AppendOnlyError, AuditEvent
from tests.clinic.base import ClinicTestCase

IP = {"REMOTE_ADDR": "203.0.113.7"}


class AuditTestCase(ClinicTestCase):
    def actions(self, **filters: object) -> list[str]:
        return list(
            AuditEvent.objects.filter(**filters).order_by("id").values_list("action", flat=True)
        )

    def test_it_logs_sign_in_and_failed_sign_in_with_the_address(self) -> None:
        self.client.post("/accounts/login/", {"username": "alice", "password": "wrong"}, **IP)
        self.client.post("/accounts/login/", {"username": "alice", "password": "password"}, **IP)
        failed, ok = AuditEvent.objects.filter(subject=self.alice).order_by("id")
        self.assertEqual(
            (failed.action, failed.actor, failed.ip), ("signin_failed", None, IP["REMOTE_ADDR"])
        )
        self.assertIn("alice", failed.detail)
        self.assertNotIn("wrong", failed.detail)
        self.assertEqual((ok.action, ok.actor, ok.ip), ("signin", self.alice, IP["REMOTE_ADDR"]))

    def test_it_logs_a_failed_sign_in_for_an_unknown_name(self) -> None:
        self.client.post("/accounts/login/", {"username": "mallory", "password": "x"}, **IP)
        e = AuditEvent.objects.get()
        self.assertEqual((e.subject, e.action, e.ip), (None, "signin_failed", "203.0.113.7"))

    def test_it_logs_grant_changes(self) -> None:
        self.client.force_login(self.alice_user)
        self.client.post("/sharing/", {"clinician": "doc", "level": "read"}, **IP)
        self.client.post("/sharing/", {"clinician": "doc", "level": "record"}, **IP)
        grant = self.alice.grants_given.get()
        self.client.post(f"/sharing/{grant.code}/revoke/", **IP)
        actions = self.actions(subject=self.alice, actor=self.alice, action__startswith="grant")
        self.assertEqual(actions, ["grant_create", "grant_change", "grant_revoke"])
        self.assertEqual(
            set(AuditEvent.objects.filter(action__startswith="grant").values_list("ip", flat=True)),
            {"203.0.113.7"},
        )

    def test_it_logs_every_clinician_view_and_entry(self) -> None:
        self.grant()
        self.as_doc()
        self.client.get(f"/clinic/{self.alice.code}/", **IP)
        self.client.get(
            f"/api/clinic/patients/{self.alice.code}/checkins", **self.bearer(self.doc_token), **IP
        )
        self.client.post(
            f"/clinic/{self.alice.code}/record/trigger-point/",
            {"muscle": "upper_trapezius", "side": "left", "status": "active", "tenderness": "6"},
            **IP,
        )
        events = AuditEvent.objects.filter(actor=self.doc, subject=self.alice).order_by("id")
        self.assertEqual(
            [e.action for e in events], ["clinician_view", "clinician_view", "clinician_record"]
        )
        self.assertEqual(events[0].detail, f"/clinic/{self.alice.code}/")
        self.assertEqual({e.ip for e in events}, {"203.0.113.7"})

    def test_it_logs_exports_and_clinician_reports(self) -> None:
        self.client.force_login(self.alice_user)
        self.client.get("/export/json/", **IP)
        self.assertEqual(self.actions(actor=self.alice, action="export"), ["export"])
        self.grant()
        self.as_doc()
        r = self.client.get(f"/clinic/{self.alice.code}/report/", **IP)
        self.assertEqual(r["Content-Type"], "application/pdf")
        self.assertEqual(self.actions(actor=self.doc, subject=self.alice), ["report"])

    def test_it_is_append_only(self) -> None:
        e = audit.record(self.alice, self.alice, audit.EXPORT)
        e.detail = "edited"
        with self.assertRaises(AppendOnlyError):
            e.save()
        with self.assertRaises(AppendOnlyError):
            e.delete()
        with self.assertRaises(AppendOnlyError):
            AuditEvent.objects.filter(pk=e.pk).update(detail="edited")
        with self.assertRaises(AppendOnlyError):
            AuditEvent.objects.all().delete()
        self.assertEqual(AuditEvent.objects.get().detail, "")

    def test_it_refuses_unknown_actions(self) -> None:
        with self.assertRaises(ValueError):
            audit.record(self.alice, self.alice, "peeked")

    def test_it_shows_each_person_only_their_own_trail(self) -> None:
        audit.record(self.charlie, self.charlie, audit.EXPORT, detail="charlie-only-event")
        audit.record(self.alice, self.alice, audit.EXPORT, detail="alice-own-event")
        self.client.force_login(self.alice_user)
        r = self.client.get("/sharing/audit/")
        self.assertContains(r, "alice-own-event")
        self.assertNotContains(r, "charlie-only-event")
        r = self.client.get("/api/sharing/audit", **self.bearer(self.alice_token))
        details = [e["detail"] for e in r.json()]
        self.assertIn("alice-own-event", details)
        self.assertNotIn("charlie-only-event", details)

    def test_it_takes_the_client_address_from_the_trusted_proxy(self) -> None:
        with self.settings(TRUSTED_PROXY_COUNT=1):
            self.client.post(
                "/accounts/login/",
                {"username": "alice", "password": "wrong"},
                REMOTE_ADDR="127.0.0.1",
                HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.4",  # first hop is the client's claim
            )
        self.assertEqual(AuditEvent.objects.get().ip, "198.51.100.4")
