"""Reminder settings travel with the export and the backup, checked by the settings form."""

from __future__ import annotations

from datetime import date, time

import pytest

from spasmtrack.interop.native import ImportRefused, export_document, import_document
from spasmtrack.reminders.models import ReminderSettings
from spasmtrack.test import BaseTestCase


class ReminderExportTestCase(BaseTestCase):
    def test_its_settings_round_trip_through_export_and_import(self) -> None:
        ReminderSettings.objects.create(
            person=self.alice,
            since=date(2026, 1, 5),
            checkin_at=time(21, 30),
            peg_weeks=2,
            by_email=True,
            email="alice@example.org",
        )
        doc = export_document(self.alice)
        (row,) = doc["reminder-settings"]
        assert row["checkin_at"] == "21:30" and row["by_email"] is True
        import_document(
            self.charlie,
            doc | {k: [] for k in doc if isinstance(doc[k], list) and k != "reminder-settings"},
        )
        copy = ReminderSettings.objects.get(person=self.charlie)
        assert (copy.checkin_at, copy.peg_weeks, copy.email, copy.since) == (
            time(21, 30),
            2,
            "alice@example.org",
            date(2026, 1, 5),
        )
        assert export_document(self.charlie)["reminder-settings"] == [row]

    def test_a_bad_row_is_refused_and_nothing_is_written(self) -> None:
        doc = {"format": "spasmtrack-export", "version": 1, "tz": "UTC"}
        bad = {"checkin_at": "25:99", "since": "2026-01-05"}
        with pytest.raises(ImportRefused, match="checkin_at"):
            import_document(self.charlie, {**doc, "reminder-settings": [bad]})
        assert not ReminderSettings.objects.filter(person=self.charlie).exists()
