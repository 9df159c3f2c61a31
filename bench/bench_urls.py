"""The app's URLs plus /bench/bare-insert: the ceiling of the stack (no auth, no validation,
one raw-SQL INSERT of the same row the API would write). Never part of the real app."""

from __future__ import annotations

import json
import uuid

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils.timezone import now
from django.views.decorators.csrf import csrf_exempt

from spasmtrack.urls import urlpatterns as app_patterns


@csrf_exempt
def bare_insert(request: HttpRequest) -> HttpResponse:
    body = json.loads(request.body)
    at = now()
    with connection.cursor() as c:
        c.execute(
            "INSERT INTO diary_muscleevent (person_id, code, local_date, notes, created,"
            " updated, version, kind, started_at, intensity, regions, suspected_trigger)"
            " VALUES (1, %s, %s, '', %s, %s, 1, %s, %s, %s, %s, '')",
            [
                uuid.uuid4().hex,
                at.date(),
                at,
                at,
                body["kind"],
                at,
                body["intensity"],
                json.dumps(body["regions"]),
            ],
        )
    return HttpResponse("{}", status=201, content_type="application/json")


urlpatterns = [path("bench/bare-insert", bare_insert), *app_patterns]
