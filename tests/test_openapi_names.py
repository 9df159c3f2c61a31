"""The OpenAPI document names every schema once: two classes of one name would share a
component, and one operation would be documented with the other's shape."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from spasmtrack.test import BaseTestCase


def _models(annotation: Any, out: set[type[BaseModel]]) -> None:
    from typing import get_args

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in out:
            return
        out.add(annotation)
        for f in annotation.model_fields.values():
            _models(f.annotation, out)
    for a in get_args(annotation):
        _models(a, out)


class OpenApiNamesTestCase(BaseTestCase):
    def test_it_gives_every_schema_a_name_of_its_own(self) -> None:
        from spasmtrack.api import api

        api.get_openapi_schema()  # builds every operation's models
        models: set[type[BaseModel]] = set()
        for _prefix, router in api._routers:
            for path_ops in router.path_operations.values():
                for op in path_ops.operations:
                    for model in op.response_models.values():
                        _models(model, models)
                    for model in op.models:
                        _models(model, models)
        by_name: dict[str, set[str]] = {}
        for m in models:
            by_name.setdefault(m.__name__, set()).add(f"{m.__module__}.{m.__qualname__}")
        clashes = {n: sorted(q) for n, q in by_name.items() if len(q) > 1}
        self.assertEqual(clashes, {})

    def test_it_documents_changes_with_their_own_shape(self) -> None:
        doc = self.client.get("/api/openapi.json").json()
        ok = doc["paths"]["/api/changes/{code}"]["get"]["responses"]["200"]
        ref = ok["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        props = doc["components"]["schemas"][ref]["properties"]
        self.assertLessEqual({"id", "title", "category", "local_date", "notes"}, set(props))
