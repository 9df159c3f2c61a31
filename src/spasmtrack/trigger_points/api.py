"""The trigger-point API: the referred-pain finder, the muscle catalogue and a tracking summary.

Every operation needs authentication (the API's default auth); the finder uses the person's
own recorded trigger points as a prior, and the summary reads only that person's entries.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.responses import Status

from spasmtrack.accounts.http import ApiRequest
from spasmtrack.core.body.muscles import all_muscles
from spasmtrack.core.body.referral import UnknownRegions
from spasmtrack.trigger_points import services
from spasmtrack.trigger_points.finder import find_for
from spasmtrack.trigger_points.schemas import (
    FindErrorOut,
    FindIn,
    FindOut,
    MuscleOut,
    SummaryOut,
)

router = Router(tags=["trigger points"])


@router.post("/trp/find", response={200: FindOut, 422: FindErrorOut}, operation_id="trp_find")
def trp_find(request: ApiRequest, payload: FindIn) -> Any:
    """Muscles whose trigger points could be referring this pain, best first (not a diagnosis).

    Unknown region ids get a 422 whose detail lists them in `ids`.
    """
    try:
        result = find_for(
            payload.regions, services.personal_prior(request.auth), limit=payload.limit
        )
    except UnknownRegions as e:
        detail = {"loc": ["body", "regions"], "msg": str(e), "type": "value_error", "ids": e.ids}
        return Status(422, {"detail": [detail]})
    return {
        "candidates": [c.to_dict() for c in result.candidates],
        "combination": result.combination.to_dict() if result.combination else None,
    }


@router.get("/trp/muscles", response=list[MuscleOut], operation_id="trp_muscles")  # type: ignore[valid-type]
def trp_muscles(request: HttpRequest) -> Any:
    """The knowledge base, each muscle with its sources; region ids are for the left side."""
    return [m.to_dict() for m in all_muscles().values()]


@router.get("/trp/summary", response=SummaryOut, operation_id="trp_summary")
def trp_summary(request: ApiRequest) -> Any:
    """The person's trigger points by muscle-side with tenderness trends, and the flag raised
    when several are active over weeks (it informs; only a clinician can assess it)."""
    person = request.auth
    return services.tracking(person, person.today()).to_dict()
