"""Forms for the import and backup pages: Flaredown upload, backup and restore."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User

from spasmtrack.exchange import limits
from spasmtrack.interop.flaredown_user import MAX_FILE_BYTES, MAX_NOTES_BYTES


class ConfirmPasswordForm(forms.Form):
    """A sensitive action asks for the password again, whatever the age of the sign-in."""

    password = forms.CharField(
        label="Your password (to confirm it is you)",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return str(password)


class BackupForm(ConfirmPasswordForm):
    passphrase = forms.CharField(
        label="Passphrase for the backup file (keep it: without it the file cannot be read)",
        min_length=8,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    passphrase2 = forms.CharField(
        label="The same passphrase again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("passphrase") and data.get("passphrase") != data.get("passphrase2"):
            self.add_error("passphrase2", "The two passphrases differ.")
        return data


def _backup_file(f: Any) -> bytes:
    if f.size > limits.MAX_IMPORT_BYTES:
        raise forms.ValidationError(
            f"The file is over the limit of {limits.MAX_IMPORT_BYTES // (1024 * 1024)} MiB."
        )
    return bytes(f.read())


class RestoreForm(ConfirmPasswordForm):
    file = forms.FileField(label="Backup file (.stbk)")
    passphrase = forms.CharField(
        label="Its passphrase", widget=forms.PasswordInput(attrs={"autocomplete": "off"})
    )
    replace = forms.BooleanField(
        required=False, label="Delete my current diary first, and replace it with the backup"
    )

    def clean_file(self) -> bytes:
        return _backup_file(self.cleaned_data["file"])


class FirstRunRestoreForm(forms.Form):
    file = forms.FileField(label="Backup file (.stbk)")
    passphrase = forms.CharField(
        label="Its passphrase", widget=forms.PasswordInput(attrs={"autocomplete": "off"})
    )
    password1 = forms.CharField(
        label="New password for the account",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="The same password again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_file(self) -> bytes:
        return _backup_file(self.cleaned_data["file"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "The two passwords differ.")
        return data


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
