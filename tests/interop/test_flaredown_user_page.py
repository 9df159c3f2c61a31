from __future__ import annotations

from unittest.mock import patch

from django.core.files.uploadedfile import SimpleUploadedFile

from spasmtrack.diary.models import DailyCheckin, SymptomRating, TreatmentLog
from spasmtrack.interop import views
from spasmtrack.test import BaseTestCase

URL = "/import/flaredown/"
CSV = (
    "Date,Fatigue,Mystery,Heat,Lyrica,Tags,Foods\n"
    '2024-01-01,2,,1,"75 mg, evening",yoga,\n'
    "\n"
    "2024-01-02,3,,2,,,\n"
)


def _upload(text: str = CSV, encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile("export.csv", text.encode(encoding), "text/csv")


class FlaredownUserPageTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.alice_user)
        self.addCleanup(self._drop_uploads)

    def _drop_uploads(self) -> None:
        stash = self.client.session.get(views.STASH_KEY)
        if stash:
            for path in views._stash_paths(stash):
                if path is not None:
                    path.unlink(missing_ok=True)

    def _preview(self) -> str:
        notes = SimpleUploadedFile("notes.txt", b"2024-01-02,Tired, but ok\n")
        r = self.client.post(URL, {"file": _upload(), "notes": notes})
        self.assertContains(r, "Change any column that is wrong")
        return str(self.client.session[views.STASH_KEY]["token"])

    def test_it_asks_for_the_files(self) -> None:
        r = self.client.get(URL)
        self.assertContains(r, "Flaredown data export (CSV)")
        self.assertContains(r, 'enctype="multipart/form-data"')

    def test_it_needs_a_sign_in(self) -> None:
        self.client.logout()
        r = self.client.get(URL)
        assert r.status_code == 302 and "/login" in r["Location"]

    def test_it_previews_a_select_per_column_and_writes_nothing(self) -> None:
        self._preview()
        r = self.client.post(URL, {"file": _upload()})
        for index in (1, 2, 3, 4):
            self.assertContains(r, f'name="kind:{index}"')
            self.assertContains(
                r, f'<select id="kind-{index}" name="kind:{index}">', html=False, count=1
            )
        self.assertContains(r, "Its name is in the treatment catalogue")
        self.assertContains(r, "“75 mg, evening”")
        self.assertContains(r, '<option value="treatment" selected>', count=2)
        assert not SymptomRating.objects.exists() and not DailyCheckin.objects.exists()

    def test_it_imports_with_the_kinds_chosen(self) -> None:
        token = self._preview()
        csv_path, notes_path = views._stash_paths(self.client.session[views.STASH_KEY])
        assert csv_path.exists() and notes_path is not None and notes_path.exists()
        r = self.client.post(
            URL,
            {"step": "import", "token": token, "kind:1": "rating", "kind:2": "skip"}
            | {"kind:3": "rating", "kind:4": "treatment"},
        )
        self.assertContains(r, "Imported from export.csv: 4 symptom ratings")
        names = set(SymptomRating.objects.filter(person=self.alice).values_list("name", flat=True))
        assert names == {"Fatigue", "Heat"}
        assert TreatmentLog.objects.get(person=self.alice).notes.endswith('"75 mg, evening"')
        assert DailyCheckin.objects.get(person=self.alice).notes == "Tired, but ok"
        assert not csv_path.exists() and not notes_path.exists()
        assert views.STASH_KEY not in self.client.session

    def test_it_shows_a_bad_cell_with_its_row_and_column_and_keeps_the_upload(self) -> None:
        token = self._preview()
        r = self.client.post(URL, {"step": "import", "token": token, "kind:4": "rating"})
        self.assertContains(
            r, "row 2, column &#x27;Lyrica&#x27;: a rating must be a whole number", status_code=422
        )
        self.assertContains(r, "nothing was imported", status_code=422)
        assert not SymptomRating.objects.exists()
        r = self.client.post(URL, {"step": "import", "token": token})
        self.assertContains(r, "Imported from export.csv")

    def test_it_asks_again_when_the_upload_has_expired(self) -> None:
        token = self._preview()
        csv_path, _ = views._stash_paths(self.client.session[views.STASH_KEY])
        csv_path.unlink()
        r = self.client.post(URL, {"step": "import", "token": token})
        self.assertContains(r, "That upload has expired", status_code=410)
        assert views.STASH_KEY not in self.client.session
        assert not SymptomRating.objects.exists()

    def test_it_checks_ownership(self) -> None:
        token = self._preview()
        for path in views._stash_paths(self.client.session[views.STASH_KEY]):
            if path is not None:
                self.addCleanup(path.unlink, missing_ok=True)
        self.client.logout()
        self.client.force_login(self.charlie_user)
        r = self.client.post(URL, {"step": "import", "token": token})
        assert r.status_code == 404
        assert not SymptomRating.objects.exists()

    def test_it_refuses_a_file_that_is_not_utf8(self) -> None:
        r = self.client.post(URL, {"file": _upload(encoding="utf-16")})
        self.assertContains(r, "UTF-16 text; save it as UTF-8", status_code=422)
        assert views.STASH_KEY not in self.client.session

    def test_it_refuses_a_file_over_the_size_limit(self) -> None:
        with patch("spasmtrack.interop.forms.MAX_FILE_BYTES", 10):
            r = self.client.post(URL, {"file": _upload()})
        self.assertContains(r, "the limit is 10 bytes", status_code=422)

    def test_it_refuses_a_file_that_is_not_a_flaredown_export(self) -> None:
        r = self.client.post(URL, {"file": _upload("user_id,checkin_date\n")})
        self.assertContains(r, "row 1: the first column must be Date", status_code=422)
