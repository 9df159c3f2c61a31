"""Every bad import file is one clear line, a non-zero exit, and nothing written."""

from __future__ import annotations

import copy
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from spasmtrack.cli import app
from spasmtrack.diary import entries
from spasmtrack.diary.models import MuscleEvent
from spasmtrack.exchange import limits

runner = CliRunner()
pytestmark = pytest.mark.django_db(transaction=True)
needs_date_rule = pytest.mark.skipif(
    not hasattr(entries, "require_plausible"),
    reason="the plausible-date rule of create_entry (issue 12 item 3) is not merged yet",
)


def _zip(members: dict[str, bytes | str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in members.items():
            z.writestr(name, body)
    return buf.getvalue()


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


@pytest.fixture
def diary(tmp_path: Path) -> dict[str, Any]:
    """A demo diary and its exports as JSON, CSV zip and FHIR."""
    assert runner.invoke(app, ["demo", "--days", "3", "--seed", "2"]).exit_code == 0
    out: dict[str, Any] = {"dir": tmp_path, "count": MuscleEvent.objects.count()}
    for fmt, name in (("json", "e.json"), ("csv", "e.zip"), ("fhir", "e.fhir.json")):
        r = runner.invoke(app, ["export", "--format", fmt, "-o", str(tmp_path / name)])
        assert r.exit_code == 0, r.output
    out["json"] = json.loads((tmp_path / "e.json").read_text())
    out["csv"] = _members((tmp_path / "e.zip").read_bytes())
    out["fhir"] = json.loads((tmp_path / "e.fhir.json").read_text())
    return out


def _refused(diary: dict[str, Any], name: str, body: bytes | str, fmt: str, *expect: str) -> str:
    path = diary["dir"] / name
    path.write_bytes(body.encode() if isinstance(body, str) else body)
    r = runner.invoke(app, ["import", str(path), "--format", fmt])
    assert r.exit_code == 1, r.output
    line = r.output.strip()
    assert "\n" not in line and "Traceback" not in line, r.output
    assert line.startswith(f"Error: {path}") and line.endswith("nothing was imported"), line
    for text in expect:
        assert text in line, line
    assert MuscleEvent.objects.count() == diary["count"]
    return line


def _only_new_event(diary: dict[str, Any], **fields: Any) -> dict[str, Any]:
    doc = copy.deepcopy(diary["json"])
    for key, value in doc.items():
        if isinstance(value, list):
            doc[key] = []
    event = dict(diary["json"]["muscle-events"][0])
    for key in ("id", "local_date"):
        event.pop(key)
    doc["muscle-events"] = [{**event, **fields}]
    return doc


def test_it_refuses_json_nested_200k_deep(diary: dict[str, Any]) -> None:
    deep = "[" * 200_000 + "]" * 200_000
    _refused(diary, "deep.json", deep, "json", f"nested more than {limits.MAX_JSON_DEPTH} levels")
    _refused(diary, "deep-fhir.json", deep, "fhir", "nested more than")
    ok_but_deep = '{"format": "spasmtrack-export", "x": ' + "[" * 40 + "]" * 40 + "}"
    _refused(diary, "deep2.json", ok_but_deep, "json", "nested more than")


def test_it_refuses_a_text_value_over_the_field_limit(diary: dict[str, Any]) -> None:
    doc = _only_new_event(diary, notes="x" * (limits.MAX_FIELD_CHARS + 1))
    _refused(diary, "long.json", json.dumps(doc), "json", "longer than 131072 characters")


def test_it_refuses_a_csv_zip_with_a_broken_export_json(diary: dict[str, Any]) -> None:
    body = _zip({**diary["csv"], "export.json": '{"format": '})
    _refused(diary, "broken.zip", body, "csv", "export.json: not valid JSON")
    body = _zip({**diary["csv"], "export.json": "[1, 2]"})
    _refused(diary, "list.zip", body, "csv", "export.json: must be a JSON object")


def test_it_refuses_a_csv_cell_over_128_kib(diary: dict[str, Any]) -> None:
    csv_text = diary["csv"]["muscle-events.csv"].decode()
    header, first = csv_text.splitlines()[:2]
    big = header + "\n" + first.replace(",,", "," + "x" * (128 * 1024 + 10) + ",", 1) + "\n"
    body = _zip({**diary["csv"], "muscle-events.csv": big})
    _refused(diary, "big.zip", body, "csv", "muscle-events.csv row 1: a cell is longer than")


def test_it_names_the_encoding_of_a_latin1_or_utf16_csv(diary: dict[str, Any]) -> None:
    text = diary["csv"]["muscle-events.csv"].decode().replace(",,", ",Müde Wade,", 1)
    latin = _zip({**diary["csv"], "muscle-events.csv": text.encode("latin-1")})
    _refused(diary, "latin.zip", latin, "csv", "muscle-events.csv", "Latin-1")
    utf16 = _zip({**diary["csv"], "muscle-events.csv": text.encode("utf-16")})
    _refused(diary, "utf16.zip", utf16, "csv", "UTF-16 (little-endian)")
    no_bom = _zip({**diary["csv"], "muscle-events.csv": text.encode("utf-16-be")})
    _refused(diary, "utf16be.zip", no_bom, "csv", "UTF-16")
    _refused(diary, "e16.json", json.dumps(diary["json"]).encode("utf-16"), "json", "UTF-16")


def test_it_names_the_encoding_of_a_flaredown_csv(diary: dict[str, Any]) -> None:
    text = "user_id,checkin_date,trackable_type,trackable_name,trackable_value\n"
    text += "u1,2020-01-02,Symptom,Müdigkeit,3\n"
    _refused(diary, "fd1.csv", text.encode("latin-1"), "flaredown", "Latin-1")
    _refused(diary, "fd2.csv", text.encode("utf-16"), "flaredown", "UTF-16")
    long = text.replace("Müdigkeit", "x" * (limits.MAX_FIELD_CHARS + 1))
    _refused(diary, "fd3.csv", long, "flaredown", "line 2: a cell is longer than")


def _bomb() -> bytes:
    """A zip of about 1 MB holding a 1 GiB member (zeros), built without 1 GiB in memory."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("export.json", json.dumps({"format": "spasmtrack-export", "version": 1}))
        with z.open("muscle-events.csv", "w", force_zip64=True) as w:
            chunk = bytes(1 << 20)
            for _ in range(1024):
                w.write(chunk)
    return buf.getvalue()


def test_it_refuses_a_zip_bomb_by_its_declared_size_without_unpacking(
    diary: dict[str, Any],
) -> None:
    bomb = _bomb()
    with zipfile.ZipFile(io.BytesIO(bomb)) as z:
        assert z.getinfo("muscle-events.csv").file_size == 1 << 30
    assert len(bomb) < 2 * 1024 * 1024
    _refused(diary, "bomb.zip", bomb, "csv", "unpacks to more than 256.0 MiB", "1024.0 MiB")


def test_it_refuses_a_member_that_unpacks_to_more_than_it_declares(
    diary: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A 3 MiB member whose zip directory says 1 KiB: never read past what was declared.
    body = _zip({"export.json": "{}", "muscle-events.csv": bytes(3 << 20)})
    declared = (3 << 20).to_bytes(4, "little")
    liar = body.replace(declared, (1024).to_bytes(4, "little"))
    assert liar != body
    _refused(diary, "liar.zip", liar, "csv", "muscle-events.csv")
    # And the actual size counts against the total even when every declaration is small.
    monkeypatch.setattr(limits, "MAX_UNCOMPRESSED_BYTES", 1 << 20)
    _refused(
        diary, "big.zip", _zip({"export.json": "{}", "a.csv": bytes(2 << 20)}), "csv", "1.0 MiB"
    )


def test_it_refuses_too_many_zip_members_and_too_large_files(
    diary: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    many = {**diary["csv"], **{f"x{i}.csv": "" for i in range(limits.MAX_ZIP_MEMBERS)}}
    _refused(diary, "many.zip", _zip(many), "csv", f"over the limit of {limits.MAX_ZIP_MEMBERS}")
    monkeypatch.setattr(limits, "MAX_IMPORT_BYTES", 1000)
    _refused(diary, "large.json", json.dumps(diary["json"]), "json", "over the import limit")


def test_it_exits_non_zero_when_nothing_was_imported(diary: dict[str, Any]) -> None:
    doc = _only_new_event(diary)
    doc["muscle-events"] = []
    _refused(diary, "empty.json", json.dumps(doc), "json", "no records to import")
    _refused(diary, "empty.zip", _zip({"export.json": diary["csv"]["export.json"]}), "csv")


def test_it_still_imports_a_good_file_within_the_limits(diary: dict[str, Any]) -> None:
    doc = _only_new_event(diary, started_at="2020-02-03T04:05:00Z", notes="é" * 1000)
    path = diary["dir"] / "good.json"
    path.write_text(json.dumps(doc), encoding="utf-8-sig")  # a UTF-8 byte-order mark is fine
    r = runner.invoke(app, ["import", str(path)])
    assert r.exit_code == 0, r.output
    assert MuscleEvent.objects.count() == diary["count"] + 1


@needs_date_rule
@pytest.mark.parametrize("at", ["0001-01-01T00:00:00Z", "9999-12-31T23:59:00Z"])
def test_it_refuses_year_1_and_9999_in_json_and_fhir(diary: dict[str, Any], at: str) -> None:
    _refused(diary, "y.json", json.dumps(_only_new_event(diary, started_at=at)), "json", "row 1")
    bundle = copy.deepcopy(diary["fhir"])
    event = next(
        e
        for e in bundle["entry"]
        if e["resource"].get("meta", {}).get("tag", [{}])[0].get("code") == "muscle-events"
    )
    r = event["resource"]
    r["id"] = "00000000-0000-4000-8000-000000000001"
    if "effectivePeriod" in r:
        r["effectivePeriod"] = {"start": at}
    else:
        r["effectiveDateTime"] = at
    bundle["entry"] = [event]
    _refused(diary, "y.fhir.json", json.dumps(bundle), "fhir", "entry 0")
