from __future__ import annotations

from django import forms

from spasmtrack.interop.flaredown_user import MAX_FILE_BYTES, MAX_NOTES_BYTES


class FlaredownUploadForm(forms.Form):
    """Step one of the Flaredown import: the data export and, optionally, the notes export."""

    file = forms.FileField(
        label="Flaredown data export (CSV)",
        help_text="The file Flaredown e-mails you: Date, one column per item, Tags, Foods.",
    )
    notes = forms.FileField(
        label="Notes export (optional)",
        required=False,
        help_text="Plain lines DATE,NOTE.",
    )

    def _checked(self, name: str, limit: int) -> object:
        upload = self.cleaned_data.get(name)
        if upload is not None and upload.size > limit:
            raise forms.ValidationError(
                f"This file is {upload.size:,} bytes; the limit is {limit:,} bytes."
            )
        return upload

    def clean_file(self) -> object:
        return self._checked("file", MAX_FILE_BYTES)

    def clean_notes(self) -> object:
        return self._checked("notes", MAX_NOTES_BYTES)
