"""`spasmtrack restore FILE` on a fresh install creates the backup's account and restores it."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from typer.testing import CliRunner

from spasmtrack.accounts.models import Person
from spasmtrack.cli import app
from spasmtrack.diary.entries import RESOURCES
from spasmtrack.diary.models import MuscleEvent
from spasmtrack.interop import backup as bk
from spasmtrack.interop.native import ImportRefused, export_document

runner = CliRunner()
pytestmark = pytest.mark.django_db(transaction=True)
PASS = {"SPASMTRACK_PASSPHRASE": "fresh install passphrase"}
NEW_PASSWORD = "a-new-long-password-7\n"


def _strip(doc: dict) -> dict:
    doc = copy.deepcopy(doc)
    doc.pop("exported_at")
    return doc


def _wipe_install() -> None:
    for res in RESOURCES.values():
        res.model.objects.all().delete()
    for person in Person.objects.all():
        bk.delete_person_data(person)
    User.objects.all().delete()


@pytest.fixture
def backup_file(tmp_path: Path) -> tuple[Path, dict]:
    assert runner.invoke(app, ["demo", "--days", "4", "--seed", "3"]).exit_code == 0
    before = export_document(Person.objects.get(user__username="demo"))
    path = tmp_path / "demo.stbk"
    r = runner.invoke(app, ["backup", "-o", str(path)], env=PASS)
    assert r.exit_code == 0, r.output
    _wipe_install()
    return path, before


def test_it_creates_the_account_of_the_backup_on_a_fresh_install(backup_file) -> None:
    path, before = backup_file
    r = runner.invoke(app, ["restore", str(path), "--password-stdin"], input=NEW_PASSWORD, env=PASS)
    assert r.exit_code == 0, r.output
    assert "Created account 'demo' (Europe/Berlin) and restored" in r.output
    person = Person.objects.get(user__username="demo")
    assert person.tz == "Europe/Berlin"
    assert _strip(export_document(person)) == _strip(before)
    assert person.user.check_password(NEW_PASSWORD.strip())


def test_it_names_the_account_with_user(backup_file) -> None:
    path, _ = backup_file
    args = ["restore", str(path), "--password-stdin", "--user", "ann"]
    r = runner.invoke(app, args, input=NEW_PASSWORD, env=PASS)
    assert r.exit_code == 0, r.output
    assert list(User.objects.values_list("username", flat=True)) == ["ann"]


def test_it_creates_nothing_when_the_password_or_passphrase_is_refused(backup_file) -> None:
    path, _ = backup_file
    r = runner.invoke(app, ["restore", str(path), "--password-stdin"], input="demo\n", env=PASS)
    assert r.exit_code == 1 and "nothing was changed" in r.output
    wrong = {"SPASMTRACK_PASSPHRASE": "not it"}
    r = runner.invoke(
        app, ["restore", str(path), "--password-stdin"], input=NEW_PASSWORD, env=wrong
    )
    assert r.exit_code == 1 and "wrong passphrase" in r.output
    assert not User.objects.exists() and MuscleEvent.objects.count() == 0


def test_it_creates_no_account_when_the_document_is_refused(backup_file) -> None:
    path, _ = backup_file
    doc = bk.read_backup(path.read_bytes(), PASS["SPASMTRACK_PASSPHRASE"])
    doc["muscle-events"].append({"kind": "nonsense"})
    with pytest.raises(ImportRefused, match="muscle-events row"):
        bk.restore_as_new_account(doc, NEW_PASSWORD.strip())
    assert not User.objects.exists() and MuscleEvent.objects.count() == 0
