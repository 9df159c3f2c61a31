from __future__ import annotations

from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from spasmtrack import settings as project_settings
from tests.clinic.base import ClinicTestCase


class SecurityTestCase(ClinicTestCase):
    def test_it_hashes_new_passwords_with_argon2(self) -> None:
        # (the test suite swaps in MD5 for speed; the project setting is what ships)
        self.assertEqual(
            project_settings.PASSWORD_HASHERS[0], "django.contrib.auth.hashers.Argon2PasswordHasher"
        )

    def test_it_locks_out_after_repeated_failures(self) -> None:
        limit = project_settings.AXES_FAILURE_LIMIT
        codes = [
            self.client.post(
                "/accounts/login/", {"username": "alice", "password": "no"}
            ).status_code
            for _ in range(limit)
        ]
        self.assertEqual(codes, [200] * (limit - 1) + [429])  # the limit-th failure locks
        # Even the right password is refused now, for this name from this address.
        r = self.client.post("/accounts/login/", {"username": "alice", "password": "password"})
        self.assertEqual(r.status_code, 429)
        self.assertNotIn("_auth_user_id", self.client.session)
        # Another account from the same address is not locked out.
        r = self.client.post("/accounts/login/", {"username": "charlie", "password": "password"})
        self.assertEqual(r.status_code, 302)

    def test_it_signs_in_locally_without_a_second_factor(self) -> None:
        r = self.client.post("/accounts/login/", {"username": "doc", "password": "password"})
        self.assertRedirects(r, "/", fetch_redirect_response=False)
        self.assertEqual(self.client.get("/clinic/").status_code, 200)

    @override_settings(REQUIRE_TOTP_FOR_STAFF=True)
    def test_it_requires_totp_for_clinicians_in_production(self) -> None:
        self.client.post("/accounts/login/", {"username": "doc", "password": "password"})
        self.assertRedirects(
            self.client.get("/clinic/"),
            "/accounts/2fa/?next=/clinic/",
            fetch_redirect_response=False,
        )
        self.assertEqual(self.client.get("/api/clinic/patients").status_code, 403)
        r = self.client.get("/accounts/2fa/")
        self.assertContains(r, "Setup key")
        device = TOTPDevice.objects.get(user=self.doc.user)
        r = self.client.post(
            "/accounts/2fa/", {"token": f"{totp(device.bin_key):06d}", "next": "/clinic/"}
        )
        self.assertRedirects(r, "/clinic/", fetch_redirect_response=False)
        self.assertEqual(self.client.get("/clinic/").status_code, 200)
        # The next sign-in asks for a code again (no new enrolment).
        self.client.logout()
        self.client.post("/accounts/login/", {"username": "doc", "password": "password"})
        self.assertEqual(self.client.get("/clinic/").status_code, 302)
        self.assertContains(self.client.get("/accounts/2fa/"), "Enter the 6-digit code")

    def test_it_rejects_a_wrong_code(self) -> None:
        device = TOTPDevice.objects.create(user=self.alice_user, name="phone", confirmed=True)
        self.client.force_login(self.alice_user)
        wrong = (totp(device.bin_key) + 1) % 1_000_000
        r = self.client.post("/accounts/2fa/", {"token": f"{wrong:06d}"})
        self.assertContains(r, "did not match")
        self.assertEqual(self.client.get("/history/").status_code, 302)

    @override_settings(REQUIRE_TOTP_FOR_STAFF=True)
    def test_it_does_not_ask_patients_for_a_second_factor(self) -> None:
        self.client.post("/accounts/login/", {"username": "alice", "password": "password"})
        self.assertEqual(self.client.get("/settings/").status_code, 200)

    def test_it_asks_a_patient_who_turned_totp_on(self) -> None:
        device = TOTPDevice.objects.create(user=self.alice_user, name="phone", confirmed=True)
        self.client.post("/accounts/login/", {"username": "alice", "password": "password"})
        self.assertEqual(self.client.get("/history/").status_code, 302)
        self.client.post("/accounts/2fa/", {"token": f"{totp(device.bin_key):06d}"})
        self.assertEqual(self.client.get("/history/").status_code, 200)

    def test_it_refuses_an_offsite_next(self) -> None:
        self.client.force_login(self.alice_user)
        device = TOTPDevice.objects.create(user=self.alice_user, name="phone", confirmed=True)
        r = self.client.post(
            "/accounts/2fa/",
            {"token": f"{totp(device.bin_key):06d}", "next": "https://evil.example/"},
        )
        self.assertRedirects(r, "/", fetch_redirect_response=False)

    def test_it_sends_a_content_security_policy(self) -> None:
        self.client.force_login(self.alice_user)
        csp = self.client.get("/")["Content-Security-Policy"]
        self.assertIn("script-src 'self'", csp)
        self.assertIn("frame-ancestors 'none'", csp)

    def test_it_keeps_local_cookies_usable_over_plain_http(self) -> None:
        self.assertFalse(project_settings.PRODUCTION)
        self.assertFalse(getattr(project_settings, "SESSION_COOKIE_SECURE", False))
        self.assertFalse(getattr(project_settings, "SECURE_SSL_REDIRECT", False))
        self.assertFalse(project_settings.REQUIRE_TOTP_FOR_STAFF)
