"""Every paginated list of the API bounds `limit` and `offset` in its schema (422 naming it)."""

from __future__ import annotations

from spasmtrack.pagination import MAX_LIMIT, MAX_OFFSET
from spasmtrack.test import BaseTestCase


class PaginationBoundsTestCase(BaseTestCase):
    def _lists(self) -> list[str]:
        doc = self.client.get("/api/openapi.json").json()
        return [
            path
            for path, ops in doc["paths"].items()
            if "get" in ops
            and "{" not in path
            and {p["name"] for p in ops["get"].get("parameters", [])} >= {"limit", "offset"}
        ]

    def test_it_finds_the_paginated_lists(self) -> None:
        self.assertGreaterEqual(len(self._lists()), 10)

    def test_it_refuses_values_out_of_bounds_naming_the_bound(self) -> None:
        problems = []
        cases = [
            ("offset", 2**63, str(MAX_OFFSET)),
            ("offset", 2**64 + 5, str(MAX_OFFSET)),
            ("offset", MAX_OFFSET + 1, str(MAX_OFFSET)),
            ("offset", -1, "0"),
            ("limit", 0, "1"),
            ("limit", MAX_LIMIT + 1, str(MAX_LIMIT)),
            ("limit", 2**63, str(MAX_LIMIT)),
        ]
        for path in self._lists():
            for name, value, bound in cases:
                r = self.client.get(path, {name: value}, **self.bearer(self.alice_token))
                if r.status_code != 422:
                    problems.append(f"{path}?{name}={value}: {r.status_code}")
                    continue
                (err,) = r.json()["detail"]
                if err["loc"][-1] != name or bound not in err["msg"]:
                    problems.append(f"{path}?{name}={value}: {err}")
        self.assertEqual(problems, [], "\n".join(problems))

    def test_it_accepts_the_bounds_themselves(self) -> None:
        for path in self._lists():
            r = self.client.get(
                path, {"offset": MAX_OFFSET, "limit": MAX_LIMIT}, **self.bearer(self.alice_token)
            )
            self.assertEqual(r.status_code, 200, path)
            self.assertEqual(r.json()["items"], [], path)
