"""Run by tests/diary/test_carried_fields.py in a fresh process on its own SQLite file.

Adds three throwaway fields to the muscle-event model (a yes/no, a 0-10 number that may be
empty, a short choice) the way a new field would arrive: on the model only, with its column,
touching no schema, form, exporter or FHIR mapper. Then sends them through every door — the
JSON API (and its OpenAPI document), the page form and the edit page, the native export and
import, the FHIR export and import — and prints what each door gave back, as JSON.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

import django

NEW = {"woke_me": True, "stiffness": 4, "position": "lying"}


def _add_fields() -> list[Any]:
    from django.core.validators import MaxValueValidator
    from django.db import models

    from spasmtrack.diary.models import MuscleEvent

    fields = {
        "woke_me": models.BooleanField(default=False, help_text="it woke me up"),
        "stiffness": models.PositiveSmallIntegerField(
            null=True, blank=True, validators=[MaxValueValidator(10)]
        ),
        "position": models.CharField(
            max_length=20,
            blank=True,
            default="",
            choices=[("lying", "Lying down"), ("sitting", "Sitting")],
        ),
    }
    for name, field in fields.items():
        field.contribute_to_class(MuscleEvent, name)
    return list(fields.values())


def main() -> None:
    django.setup()
    # The doors must not have read the model yet, or this would test nothing.
    assert not {"spasmtrack.diary.inputs", "spasmtrack.diary.schemas"} & set(sys.modules)
    added = _add_fields()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from spasmtrack.diary.models import MuscleEvent

    table = MuscleEvent._meta.db_table
    for field in added:
        # (SQLite rebuilds the table from the model, with every new field at once)
        with connection.cursor() as cursor:
            have = {c.name for c in connection.introspection.get_table_description(cursor, table)}
        if field.column not in have:
            with connection.schema_editor() as editor:
                editor.add_field(MuscleEvent, field)

    from django.contrib.auth.models import User
    from django.test import Client
    from django.test.utils import setup_test_environment

    from spasmtrack.accounts.models import Person
    from spasmtrack.interop.fhir import export_bundle, import_bundle
    from spasmtrack.interop.native import (
        export_csv_zip,
        export_document,
        import_document,
        read_csv_zip,
    )

    setup_test_environment()
    names = ("a", "b", "c", "d")
    people = {n: Person.objects.create(user=User.objects.create_user(n)) for n in names}
    client = Client()
    client.force_login(people["a"].user)
    out: dict[str, Any] = {}

    # The JSON API and its document
    body = {"kind": "spasm", "intensity": 5, "regions": ["calf_left"], **NEW}
    r = client.post("/api/muscle-events", body, content_type="application/json")
    out["api_status"] = r.status_code
    created = r.json()
    out["api_created"] = {k: created.get(k) for k in NEW}
    read = client.get(f"/api/muscle-events/{created['id']}").json()
    out["api_read"] = {k: read.get(k) for k in NEW}
    bad = client.post(
        "/api/muscle-events", {**body, "stiffness": 11}, content_type="application/json"
    )
    out["api_refuses_11"] = bad.status_code
    patched = client.patch(
        f"/api/muscle-events/{created['id']}",
        {"position": "sitting"},
        content_type="application/json",
    )
    out["api_patched"] = patched.json().get("position")
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]
    out["openapi"] = {
        name: sorted(set(NEW) & set(schemas[name]["properties"]))
        for name in ("MuscleEventIn", "MuscleEventOut")
    }

    # The page form, new and edit
    page = client.get(f"/entries/muscle-events/{created['id']}/edit/").content.decode()
    inputs = {k: re.search(f'<(input|select)[^>]*name="{k}"[^>]*>', page) for k in NEW}
    out["edit_page"] = {k: m.group(0) if m else None for k, m in inputs.items()}
    option = re.search(r'<option value="sitting"[^>]*>', page)
    out["edit_page_option"] = option.group(0) if option else None
    r = client.post(
        "/log/spasm/",
        {
            "kind": "spasm",
            "kind_confirmed": "spasm",
            "regions": '{"calf_left": 7}',
            "bodymap_intensity": "7",
            "woke_me": "on",
            "stiffness": "3",
            "position": "sitting",
        },
    )
    out["form_status"] = r.status_code
    newest = MuscleEvent.objects.filter(person=people["a"]).order_by("-id").first()
    assert newest is not None
    out["form_saved"] = {k: getattr(newest, k) for k in NEW}

    def kept(person: Person) -> list[dict[str, Any]]:
        qs = MuscleEvent.objects.filter(person=person).order_by("intensity")
        return [{k: getattr(e, k) for k in NEW} for e in qs]

    out["saved"] = kept(people["a"])

    # The native export and import
    doc = json.loads(json.dumps(export_document(people["a"])))
    out["export_rows"] = [{k: row.get(k) for k in NEW} for row in doc["muscle-events"]]
    for row in doc["muscle-events"]:
        del row["id"]  # (the same ids are someone else's: FHIR takes them back below)
    import_document(people["b"], doc)
    out["native_import"] = kept(people["b"])
    from_csv = read_csv_zip(export_csv_zip(people["a"]))
    for row in from_csv["muscle-events"]:
        del row["id"]
    import_document(people["d"], from_csv)
    out["csv_import"] = kept(people["d"])

    # FHIR
    bundle = export_bundle(people["a"])
    urls = [
        x["url"]
        for e in bundle["entry"]
        if (e["resource"].get("meta") or {}).get("tag", [{}])[0].get("code") == "muscle-events"
        for x in e["resource"].get("extension", [])
    ]
    out["fhir_extensions"] = sorted({u.rsplit("/", 1)[1] for u in urls})
    MuscleEvent.objects.filter(person=people["a"]).delete()
    import_bundle(people["c"], json.loads(json.dumps(bundle)))
    out["fhir_import"] = kept(people["c"])
    print(json.dumps(out))


if __name__ == "__main__":
    main()
