"""GET /api/insights: what went with better and worse days in the person's own diary.

No `from __future__ import annotations`: django-ninja reads the handler's annotations.
"""

from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from spasmtrack.insights.schemas import InsightsOut, RangeIn
from spasmtrack.insights.services import cache_key, diary_version, insights_for

router = Router(tags=["insights"])


@router.get("/insights", response=InsightsOut, operation_id="insights")
def insights(request: HttpRequest, filters: Query[RangeIn]) -> Any:
    """Patterns (never proof) between factors and outcomes, with 95 % intervals and
    q-values; same-session before/after effects under `same_session`, and before/after
    comparisons of recorded changes under `changes`. Whole diary unless since/until."""
    person, since, until = request.auth, filters.since, filters.until
    # The output schema validates each computed report once; the JSON is then cached
    # under the same diary version, so a warm request skips validation and encoding.
    key = cache_key("json", person, since, until, diary_version(person))
    body = cache.get(key)
    if body is None:
        report = insights_for(person, since, until)
        body = InsightsOut.model_validate(report).model_dump_json().encode()
        cache.set(key, body, 7 * 24 * 3600)
    return HttpResponse(body, content_type="application/json; charset=utf-8")
