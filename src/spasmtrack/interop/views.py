from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse

from spasmtrack.accounts import audit
from spasmtrack.accounts.http import AuthenticatedHttpRequest, person_of
from spasmtrack.interop.native import export_csv_zip, export_document


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
