from __future__ import annotations

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from spasmtrack.accounts.models import AuditEvent, Person
from spasmtrack.diary.entries import RESOURCES, create_entry
from spasmtrack.diary.models import MuscleEvent
from spasmtrack.interop import backup as bk
from spasmtrack.test import BaseTestCase

PHRASE = "a web backup passphrase"


class BackupPagesTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        create_entry(
            self.alice,
            RESOURCES["muscle-events"],
            {"kind": "spasm", "intensity": 6, "regions": ["calf_left"], "notes": "web"},
        )
        self.client.force_login(self.alice_user)

    def _backup(self, password: str = "password") -> object:
        return self.client.post(
            "/settings/backup/",
            {"action": "backup", "backup-password": password, "backup-passphrase": PHRASE,
             "backup-passphrase2": PHRASE},
        )  # fmt: skip

    def _restore(self, data: bytes, password: str = "password", **extra: str) -> object:
        upload = SimpleUploadedFile("b.stbk", data)
        body = {"action": "restore", "restore-password": password, "restore-passphrase": PHRASE}
        body.update({f"restore-{k}": v for k, v in extra.items()})
        return self.client.post("/settings/backup/", {**body, "restore-file": upload})

    def test_it_downloads_a_backup_only_after_the_password_again(self) -> None:
        r = self._backup(password="wrong")
        self.assertContains(r, "That is not your password.", status_code=400)
        r = self._backup()
        assert r.status_code == 200 and r["Content-Disposition"].endswith('.stbk"')
        doc = bk.read_backup(r.content, PHRASE)
        assert [e["notes"] for e in doc["muscle-events"]] == ["web"]
        assert AuditEvent.objects.filter(action="backup").count() == 1

    def test_it_restores_a_backup_and_replaces_only_when_asked(self) -> None:
        data = self._backup().content
        r = self._restore(data)
        self.assertContains(r, "this diary is not empty", status_code=400)
        self.assertContains(r, "Nothing was changed", status_code=400)
        assert self._restore(data, password="wrong").status_code == 400
        r = self._restore(data, replace="on")
        assert r.status_code == 302
        assert list(MuscleEvent.objects.values_list("notes", flat=True)) == ["web"]

    def test_it_refuses_a_damaged_file_with_one_message(self) -> None:
        data = self._backup().content
        MuscleEvent.objects.all().delete()
        r = self._restore(data[:-3] + b"xyz")
        self.assertContains(r, "wrong passphrase, or the file is damaged", status_code=400)
        assert MuscleEvent.objects.count() == 0

    def test_it_needs_a_signed_in_user(self) -> None:
        self.client.logout()
        r = self.client.get("/settings/backup/")
        assert r.status_code == 302 and "/accounts/login/" in r["Location"]

    def test_it_offers_restore_on_the_first_run_page_and_creates_the_account(self) -> None:
        data = self._backup().content
        self.client.logout()
        for p in Person.objects.all():
            bk.delete_person_data(p)
        User.objects.all().delete()
        r = self.client.get("/setup/")
        self.assertContains(r, 'href="/setup/restore/"')
        upload = SimpleUploadedFile("b.stbk", data)
        r = self.client.post(
            "/setup/restore/",
            {"file": upload, "passphrase": PHRASE, "password1": "a-new-pass-98",
             "password2": "a-new-pass-98"},
        )  # fmt: skip
        assert r.status_code == 302, r.content.decode()[-2000:]
        user = User.objects.get()
        assert user.username == "alice" and user.person.tz == "Europe/Berlin"
        assert list(MuscleEvent.objects.values_list("notes", flat=True)) == ["web"]
        assert self.client.get("/").status_code == 200  # signed in as the restored account
        # Closed once an account exists.
        assert self.client.get("/setup/restore/").status_code == 302
