"""alice (patient A) and charlie (patient B) from BaseTestCase, plus two clinicians."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from spasmtrack.accounts.models import ApiToken, Grant, Person
from spasmtrack.clinic import services
from spasmtrack.test import BaseTestCase


class ClinicTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.doc = self.make_clinician("doc")
        self.other_doc = self.make_clinician("otherdoc")
        _, self.doc_token = ApiToken.issue(self.doc, "test")
        _, self.other_doc_token = ApiToken.issue(self.other_doc, "test")

    def make_clinician(self, name: str) -> Person:
        user = User.objects.create_user(name, password="password")
        return Person.objects.create(user=user, role=Person.Role.CLINICIAN, tz="Europe/London")

    def grant(self, level: str = "record", until: Any = None, clinician: Any = None) -> Grant:
        return services.give_grant(self.alice, clinician or self.doc, level, until)

    def as_doc(self) -> None:
        self.client.force_login(self.doc.user)
