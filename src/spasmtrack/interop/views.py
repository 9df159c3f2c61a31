from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from spasmtrack.accounts import audit
from spasmtrack.accounts.http import AuthenticatedHttpRequest, person_of
from spasmtrack.interop import backup as bk
from spasmtrack.interop.forms import BackupForm, FirstRunRestoreForm, RestoreForm
from spasmtrack.interop.native import ImportRefused, export_csv_zip, export_document


@login_required
def export(request: AuthenticatedHttpRequest, fmt: str) -> HttpResponse:
    person = person_of(request)
    day = person.today().isoformat()
    if fmt == "json":
        body = json.dumps(export_document(person), indent=2).encode()
        resp = HttpResponse(body, content_type="application/json")
        resp["Content-Disposition"] = f'attachment; filename="spasmtrack-{day}.json"'
    elif fmt == "csv":
        resp = HttpResponse(export_csv_zip(person), content_type="application/zip")
        resp["Content-Disposition"] = f'attachment; filename="spasmtrack-{day}.zip"'
    else:
        raise Http404("Unknown format")
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
