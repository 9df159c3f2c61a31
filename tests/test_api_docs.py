from __future__ import annotations

from django.test import override_settings

from spasmtrack.test import BaseTestCase


class ApiDocsTestCase(BaseTestCase):
    def test_it_serves_swagger_from_the_packages_own_static_files(self) -> None:
        r = self.client.get("/api/docs")
        self.assertContains(r, '<meta name="viewport" content="width=device-width')
        self.assertContains(r, 'src="/static/ninja/swagger-ui-bundle.js"')
        self.assertContains(r, 'href="/static/ninja/swagger-ui.css"')
        self.assertNotContains(r, "cdn.jsdelivr")
        self.assertNotContains(r, "https://")
        for path in ("swagger-ui-bundle.js", "swagger-ui-init.js", "swagger-ui.css"):
            f = self.client.get(f"/static/ninja/{path}")
            assert f.status_code == 200, path
            body = b"".join(f.streaming_content) if f.streaming else f.content
            assert len(body) > 1000, path
        csp = r["Content-Security-Policy"]
        assert "script-src 'self'" in csp  # and that is all the page needs

    @override_settings(PRODUCTION=True, PUBLIC_API_DOCS=False)
    def test_it_needs_a_signed_in_user_for_docs_and_schema_in_production(self) -> None:
        r = self.client.get("/api/docs")
        assert r.status_code == 302 and r["Location"].startswith("/accounts/login/?next=")
        r = self.client.get("/api/openapi.json")
        assert r.status_code == 401 and "paths" not in r.json()
        r = self.client.get("/api/openapi.json", **self.bearer(self.alice_token))
        assert r.status_code == 401
        self.client.force_login(self.alice_user)
        assert self.client.get("/api/docs").status_code == 200
        assert "paths" in self.client.get("/api/openapi.json").json()

    @override_settings(PRODUCTION=True, PUBLIC_API_DOCS=True)
    def test_it_opens_docs_to_everyone_with_public_api_docs(self) -> None:
        assert self.client.get("/api/docs").status_code == 200
        assert "paths" in self.client.get("/api/openapi.json").json()

    def test_it_keeps_the_docs_open_without_production(self) -> None:
        assert self.client.get("/api/openapi.json").status_code == 200
