from __future__ import annotations

import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from spasmtrack.accounts import audit
from spasmtrack.accounts.http import AuthenticatedHttpRequest, person_of
from spasmtrack.core.formats import flaredown_user as fu
from spasmtrack.interop import backup as bk
from spasmtrack.interop import formats
from spasmtrack.interop.flaredown_user import (
    MAX_FILE_BYTES,
    MAX_NOTES_BYTES,
    FlaredownUserRefused,
    check_file,
    import_flaredown_user,
    path_opener,
    preview,
)
from spasmtrack.interop.forms import (
    BackupForm,
    FirstRunRestoreForm,
    FlaredownUploadForm,
    RestoreForm,
)
from spasmtrack.interop.native import ImportRefused


@login_required
def export(request: AuthenticatedHttpRequest, fmt: str) -> HttpResponse:
    """A download of one of the formats offered on the Settings page (`formats.page_exports`)."""
    f = formats.EXPORT_FORMATS.get(fmt)
    if f is None or not f.label:
        raise Http404("Unknown format")
    person = person_of(request)
    resp = HttpResponse(f.write(person), content_type=f.content_type)
    name = f"spasmtrack-{person.today().isoformat()}{f.suffix}"
    resp["Content-Disposition"] = f'attachment; filename="{name}"'
    audit.record(person, person, audit.EXPORT, request, f"download {fmt}")
    return resp


@login_required
def backup_restore(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Settings → Backup: download an encrypted backup, or restore one (password re-asked)."""
    person = person_of(request)
    user = request.user
    post = request.method == "POST"
    action = request.POST.get("action") if post else None
    # Prefixes: two password fields on one page need different ids.
    backup_form = BackupForm(
        request.POST if action == "backup" else None, user=user, prefix="backup"
    )
    restore_form = RestoreForm(
        request.POST if action == "restore" else None,
        request.FILES if action == "restore" else None,
        user=user,
        prefix="restore",
    )
    if action == "backup" and backup_form.is_valid():
        data = bk.backup_bytes(person, backup_form.cleaned_data["passphrase"])
        audit.record(person, person, audit.BACKUP, request, "download backup")
        resp = HttpResponse(data, content_type="application/octet-stream")
        name = f"spasmtrack-{person.today().isoformat()}.stbk"
        resp["Content-Disposition"] = f'attachment; filename="{name}"'
        return resp
    if action == "restore" and restore_form.is_valid():
        d = restore_form.cleaned_data
        try:
            doc = bk.read_backup(d["file"], d["passphrase"])
            counts = bk.restore(person, doc, replace=d["replace"], where="the backup")
        except (bk.BackupError, ImportRefused) as e:
            restore_form.add_error(None, f"{e}. Nothing was changed.")
        else:
            audit.record(person, person, audit.RESTORE, request, "web restore")
            messages.success(request, f"Restored {sum(counts.values())} records.")
            return redirect("interop:backup")
    ctx = {"backup_form": backup_form, "restore_form": restore_form}
    return render(request, "interop/backup.html", ctx, status=400 if action else 200)


def first_run_restore(request: HttpRequest) -> HttpResponse:
    """First run: create the account of a backup and restore it. Closed once an account exists."""
    if User.objects.exists():
        return redirect("diary:today")
    form = FirstRunRestoreForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            doc = bk.read_backup(d["file"], d["passphrase"])
            person, counts = bk.restore_as_new_account(doc, d["password1"], where="the backup")
        except (bk.BackupError, ImportRefused) as e:
            form.add_error(None, f"{e}. Nothing was changed.")
        else:
            audit.record(person, person, audit.RESTORE, request, "first-run restore")
            login(request, person.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                f"Welcome back, {person.user.username}: restored {sum(counts.values())} records.",
            )
            return redirect("diary:today")
    return render(request, "interop/first_run_restore.html", {"form": form})


# -- the Flaredown user-export import: upload, preview the column kinds, import ---------------

STASH_KEY = "flaredown_user_upload"
STASH_MAX_AGE_S = 24 * 3600
FLAREDOWN_TMPL = "interop/flaredown_user.html"


def _stash_dir() -> Path:
    """Where uploads wait between the preview and the import (private to this user)."""
    path = Path(tempfile.gettempdir()) / "spasmtrack-imports"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


def _stash(request: AuthenticatedHttpRequest, form: FlaredownUploadForm) -> dict[str, str]:
    _drop_stash(request)
    folder = _stash_dir()
    cutoff = time.time() - STASH_MAX_AGE_S
    for old in folder.iterdir():  # uploads whose preview was abandoned
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = uuid.uuid4().hex
    stash = {"token": token, "name": form.cleaned_data["file"].name, "notes": ""}
    for field, suffix in (("file", "csv"), ("notes", "notes")):
        upload = form.cleaned_data.get(field)
        if upload is None:
            continue
        with (folder / f"{token}.{suffix}").open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        if field == "notes":
            stash["notes"] = upload.name
    request.session[STASH_KEY] = stash
    return stash


def _stash_paths(stash: dict[str, str]) -> tuple[Path, Path | None]:
    folder = _stash_dir()
    notes = folder / f"{stash['token']}.notes" if stash["notes"] else None
    return folder / f"{stash['token']}.csv", notes


def _drop_stash(request: AuthenticatedHttpRequest) -> None:
    stash = request.session.pop(STASH_KEY, None)
    if stash:
        for path in _stash_paths(stash):
            if path is not None:
                path.unlink(missing_ok=True)


KIND_CHOICES = [(k, fu.KIND_LABELS[k]) for k in ("rating", "treatment", "skip")]


def _preview_context(
    stash: dict[str, str], columns: list[fu.Column], error: str = ""
) -> dict[str, Any]:
    rows = []
    for c in columns:
        # A column without values has nothing to import, whatever it is.
        selected = "skip" if c.kind == "unknown" else c.kind
        rows.append({"column": c, "choices": KIND_CHOICES, "selected": selected})
    return {"stash": stash, "rows": rows, "error": error, "step": "preview"}


@login_required
def flaredown_user(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Import the Flaredown user export: upload -> preview (a select per column) -> import.

    The uploaded files wait in a private temporary folder under a random token kept in the
    session, so only the session that uploaded them can import them; another token is a 404.
    """
    person = person_of(request)
    if request.method == "POST" and request.POST.get("step") == "import":
        stash = request.session.get(STASH_KEY)
        if not stash or request.POST.get("token") != stash["token"]:
            raise Http404("No such upload")
        path, notes = _stash_paths(stash)
        if not path.exists() or (notes is not None and not notes.exists()):
            _drop_stash(request)
            error = "That upload has expired; choose the files again."
            ctx = {"step": "upload", "form": FlaredownUploadForm(), "error": error}
            return render(request, FLAREDOWN_TMPL, ctx, status=410)
        # (str(): the stubs type a QueryDict's values as str | list, items() gives the last str)
        wanted = {k[5:]: str(v) for k, v in request.POST.items() if k.startswith("kind:") and v}
        try:
            columns = preview(path_opener(path), stash["name"])
            by_index = {str(c.index): c.name for c in columns}
            kinds = {by_index[i]: v for i, v in wanted.items() if i in by_index}
            _, summary = import_flaredown_user(
                person,
                path_opener(path),
                stash["name"],
                kinds,
                path_opener(notes) if notes else None,
                stash["notes"] or "notes",
            )
        except FlaredownUserRefused as e:
            try:
                columns = preview(path_opener(path), stash["name"])
            except FlaredownUserRefused:
                columns = []
            ctx = _preview_context(stash, columns, f"{e} — nothing was imported.")
            return render(request, FLAREDOWN_TMPL, ctx, status=422)
        _drop_stash(request)
        return render(request, FLAREDOWN_TMPL, {"step": "done", "summary": summary.lines()})

    form = FlaredownUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        stash = _stash(request, form)
        path, notes = _stash_paths(stash)
        try:
            check_file(path, MAX_FILE_BYTES)
            if notes is not None:
                check_file(notes, MAX_NOTES_BYTES)
            columns = preview(path_opener(path), stash["name"])
        except FlaredownUserRefused as e:
            _drop_stash(request)
            form.add_error(None, f"{e} — nothing was imported.")
        else:
            return render(request, FLAREDOWN_TMPL, _preview_context(stash, columns))
    status = 422 if request.method == "POST" else 200
    return render(request, FLAREDOWN_TMPL, {"step": "upload", "form": form}, status=status)
