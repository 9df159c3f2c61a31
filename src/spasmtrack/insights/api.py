"""GET /api/insights: what went with better and worse days in the person's own diary.

No `from __future__ import annotations`: django-ninja reads the handler's annotations.
"""

import hashlib
import json
from typing import Any

from django.core.cache import cache
from django.http import HttpResponse
from ninja import Query, Router

from spasmtrack.accounts.http import ApiRequest
from spasmtrack.insights.providers import mark_findings
from spasmtrack.insights.schemas import InsightsOut, RangeIn
from spasmtrack.insights.services import cache_key, diary_version, insights_for

GROUPS = ("helps", "aggravates", "no_clear_effect", "not_enough_data")

router = Router(tags=["insights"])


@router.get("/insights", response=InsightsOut, operation_id="insights")
def insights(request: ApiRequest, filters: Query[RangeIn]) -> Any:
    """Patterns (never proof) between factors and outcomes, with 95 % intervals and
    q-values; same-session before/after effects under `same_session`, and before/after
    comparisons of recorded changes under `changes`. Whole diary unless since/until.
    Each item's `experiment` is {"status": "confirmed"|"not_confirmed", "trial": id,
    "title"} when a finished experiment tested that finding, else null."""
    person, since, until = request.auth, filters.since, filters.until
    # Findings tested by a finished experiment carry `experiment`; trials are not part of
    # the diary version, so what they said is part of the key.
    report = mark_findings(insights_for(person, since, until), person, person.today())
    marks = [i["experiment"] for g in GROUPS for i in report[g] if i["experiment"]]
    tag = hashlib.sha256(json.dumps(marks, sort_keys=True).encode()).hexdigest()[:16]
    # The output schema validates each computed report once; the JSON is then cached
    # under the same diary version, so a warm request skips validation and encoding.
    key = cache_key("json", person, since, until, f"{diary_version(person)}:{tag}")
    body = cache.get(key)
    if body is None:
        body = InsightsOut.model_validate(report).model_dump_json().encode()
        cache.set(key, body, 7 * 24 * 3600)
    return HttpResponse(body, content_type="application/json; charset=utf-8")
