"""One format registry (interop/formats.py) for the CLI and the pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from typer.testing import CliRunner

from spasmtrack.accounts.models import Person
from spasmtrack.cli import app
from spasmtrack.interop import formats
from spasmtrack.test import BaseTestCase

runner = CliRunner()


def write_test_format(person: Person) -> bytes:
    """A format that exists only in these tests: registered below, it must show up
    everywhere the registry is read without any other edit."""
    return json.dumps({"who": person.user.username}).encode()


TEST_FORMAT = formats.ExportFormat(
    "testfmt", f"{__name__}:write_test_format", ".tst", "text/plain", "Download TEST"
)


@pytest.fixture
def with_test_format(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(formats.EXPORT_FORMATS, "testfmt", TEST_FORMAT)


def test_it_names_every_format_in_the_cli_help_and_errors() -> None:
    assert formats.choices(["json", "csv", "fhir"]) == "json, csv or fhir"
    r = runner.invoke(app, ["export", "--help"])
    assert "json, csv or fhir" in r.output
    r = runner.invoke(app, ["import", "--help"])
    words = set(r.output.replace(",", " ").split())
    assert set(formats.IMPORT_FORMATS) <= words  # every registered format, whatever the width


@pytest.mark.django_db(transaction=True)
def test_it_refuses_an_unknown_format_listing_the_registry(tmp_path: Path) -> None:
    Person.objects.create(user=User.objects.create_user("solo", password="pw-solo-12345"))
    r = runner.invoke(app, ["export", "--format", "xml"])
    assert r.exit_code == 2 and "unknown format 'xml' (choose json, csv or fhir)" in r.output
    f = tmp_path / "x.json"
    f.write_text("{}")
    r = runner.invoke(app, ["import", str(f), "--format", "xml"])
    assert r.exit_code == 2
    listed = "json, csv, fhir, flaredown, flaredown-user, apple-health, fitbit, metrics-csv"
    assert f"(choose {listed} or weather-csv)" in r.output
    r = runner.invoke(app, ["import", str(f), "--format", "json", "--source-user", "1"])
    assert r.exit_code == 2 and "--source-user only applies to --format flaredown" in r.output
    r = runner.invoke(app, ["export", "--format", "csv"])
    assert r.exit_code == 1 and "--format csv writes a zip file: give -o FILE.zip" in r.output


@pytest.mark.django_db(transaction=True)
def test_it_writes_a_newly_registered_format_from_the_cli(
    with_test_format: None, tmp_path: Path
) -> None:
    Person.objects.create(user=User.objects.create_user("solo", password="pw-solo-12345"))
    out = tmp_path / "out.tst"
    r = runner.invoke(app, ["export", "--format", "testfmt", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert json.loads(out.read_text()) == {"who": "solo"}


class FormatPagesTestCase(BaseTestCase):
    def _settings(self) -> str:
        self.client.force_login(self.alice.user)
        return self.client.get("/settings/").content.decode()

    def test_it_offers_each_page_format_on_settings_and_serves_it(self) -> None:
        page = self._settings()
        assert [f.name for f in formats.page_exports()] == ["json", "csv"]
        for f in formats.page_exports():
            assert f'href="/export/{f.name}/"' in page and f.label in page
            r = self.client.get(f"/export/{f.name}/")
            assert r.status_code == 200 and r["Content-Type"] == f.content_type
            assert r["Content-Disposition"].endswith(f'{f.suffix}"')
        assert "/export/fhir/" not in page
        assert self.client.get("/export/fhir/").status_code == 404  # command line only
        assert self.client.get("/export/xml/").status_code == 404

    @pytest.fixture(autouse=True)
    def _monkeypatch(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch

    def test_it_offers_a_newly_registered_format_without_another_edit(self) -> None:
        self.monkeypatch.setitem(formats.EXPORT_FORMATS, "testfmt", TEST_FORMAT)
        page = self._settings()
        assert 'href="/export/testfmt/"' in page and "Download TEST" in page
        r = self.client.get("/export/testfmt/")
        assert r.status_code == 200 and json.loads(r.content) == {"who": "alice"}
        assert r["Content-Disposition"].endswith('.tst"')
