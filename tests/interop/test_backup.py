from __future__ import annotations

import copy
from typing import Any

import pytest

from spasmtrack.diary.entries import RESOURCES, create_entry
from spasmtrack.diary.models import MuscleEvent, Treatment
from spasmtrack.interop import backup as bk
from spasmtrack.interop.native import export_document
from spasmtrack.test import BaseTestCase

PASS = "correct horse battery staple"


def _strip(doc: dict[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    doc.pop("exported_at")
    return doc


class BackupTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        own = Treatment.add_custom(self.alice, name="Cherry juice", category="nutrition")
        create_entry(
            self.alice,
            RESOURCES["muscle-events"],
            {"kind": "spasm", "intensity": 6, "regions": ["calf_left"], "notes": "ow"},
        )
        create_entry(self.alice, RESOURCES["treatment-logs"], {"treatment": own.key, "amount": 2})
        self.data = bk.backup_bytes(self.alice, PASS)

    def _wipe(self) -> None:
        for res in RESOURCES.values():
            res.model.objects.filter(person=self.alice).delete()

    def test_it_round_trips_through_an_encrypted_file(self) -> None:
        before = export_document(self.alice)
        assert b"Cherry" not in self.data and self.data.startswith(bk.MAGIC)
        self._wipe()
        bk.restore(self.alice, bk.read_backup(self.data, PASS))
        assert _strip(export_document(self.alice)) == _strip(before)

    def test_it_writes_scrypt_settings_salt_and_nonce_in_the_header(self) -> None:
        magic, version, kdf, log2_n, r, p, salt, nonce = bk.HEADER.unpack_from(self.data)
        assert (version, kdf, log2_n, r, p) == (1, 1, 15, 8, 1)
        again = bk.backup_bytes(self.alice, PASS)
        assert bk.HEADER.unpack_from(again)[6] != salt  # fresh salt every time

    def test_it_says_wrong_passphrase_and_changes_nothing(self) -> None:
        with pytest.raises(bk.BackupError, match="wrong passphrase, or the file is damaged"):
            bk.read_backup(self.data, "not it")
        assert MuscleEvent.objects.count() == 1

    def test_it_refuses_truncated_and_tampered_files(self) -> None:
        for bad in (
            self.data[:20],
            self.data[:-1],
            self.data[:60] + bytes([self.data[60] ^ 1]) + self.data[61:],
        ):
            with pytest.raises(bk.BackupError):
                bk.read_backup(bad, PASS)
        # A downgraded scrypt cost in the header is refused before any key is derived.
        weak = bytearray(self.data)
        weak[10] = 10
        with pytest.raises(bk.BackupError, match="header is damaged"):
            bk.read_backup(bytes(weak), PASS)
        with pytest.raises(bk.BackupError, match="not a Spasmtrack backup"):
            bk.read_backup(b"PK\x03\x04" + self.data[4:], PASS)

    def test_it_restores_only_into_an_empty_diary_unless_replacing(self) -> None:
        doc = bk.read_backup(self.data, PASS)
        with pytest.raises(bk.BackupError, match="not empty"):
            bk.restore(self.alice, doc)
        create_entry(self.alice, RESOURCES["checkins"], {"local_date": "2026-01-01", "mood": 3})
        before = _strip(export_document(self.alice))
        counts = bk.restore(self.alice, doc, replace=True)
        assert counts["muscle-events"] == 1 and counts["checkins"] == 0
        after = _strip(export_document(self.alice))
        assert after["checkins"] == [] and after["muscle-events"] == before["muscle-events"]

    def test_it_keeps_the_old_diary_when_a_replace_fails(self) -> None:
        doc = bk.read_backup(self.data, PASS)
        doc["muscle-events"][0]["regions"] = ["wing_left"]
        with pytest.raises(ValueError, match="wing_left"):
            bk.restore(self.alice, doc, replace=True)
        assert MuscleEvent.objects.filter(person=self.alice).count() == 1


class BackupProfileTestCase(BaseTestCase):
    def test_it_restores_the_display_name_and_date_of_birth(self) -> None:
        from datetime import date

        self.alice.display_name, self.alice.birth_date = "Alice Example", date(1980, 7, 4)
        self.alice.save()
        data = bk.backup_bytes(self.alice, PASS)
        self.alice.display_name, self.alice.birth_date = "", None
        self.alice.save()
        bk.restore(self.alice, bk.read_backup(data, PASS), replace=True)
        self.alice.refresh_from_db()
        assert (self.alice.display_name, self.alice.birth_date) == (
            "Alice Example",
            date(1980, 7, 4),
        )

    def test_it_leaves_out_a_bad_date_of_birth(self) -> None:
        doc = export_document(self.alice)
        doc["birth_date"] = "2999-01-01"
        bk.restore(self.alice, doc, replace=True)
        self.alice.refresh_from_db()
        assert self.alice.birth_date is None
