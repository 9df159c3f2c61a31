"""JSON API of questionnaire responses: list, create (scored on the way in), read.

No `from __future__ import annotations` here (as in diary/api.py): django-ninja reads the
handlers' annotations at import time, and the paginated handler's query schema must be a
real class, not a string.
"""

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import AwareDatetime

from spasmtrack.accounts.http import ApiRequest
from spasmtrack.accounts.owned import owned_or_404
from spasmtrack.core.questionnaires import QuestionnaireError
from spasmtrack.pagination import BoundedLimitOffsetPagination
from spasmtrack.questionnaires import kinds
from spasmtrack.questionnaires.models import (
    QuestionnaireResponse,
    ResponseDict,
    responses_for,
)
from spasmtrack.strict import StrictIn

router = Router(tags=["questionnaires"])

if TYPE_CHECKING:
    Kind = str
else:  # one value per descriptor (questionnaires.kinds.QUESTIONNAIRES)
    Kind = Literal[kinds.KINDS]


class ResponseIn(StrictIn):
    kind: Kind
    answers: dict[str, Any] = Field(
        description="item by item, exactly as `spasmtrack score KIND` reads them"
    )
    answered_at: AwareDatetime | None = None


class ResponseOut(Schema):
    id: UUID
    kind: str
    answered_at: datetime
    local_date: date
    answers: dict[str, Any]
    scores: dict[str, Any] = Field(description="recomputed from the answers on every read")
    interpretation: str


class ErrorItem(Schema):
    loc: list[str]
    msg: str
    type: str


class ErrorOut(Schema):
    detail: list[ErrorItem]


class ResponseFilter(StrictIn):
    kind: Kind | None = None
    since: date | None = None
    until: date | None = None


class _AsDicts:
    """A queryset the paginator slices; only the page it asks for is scored (to_dict)."""

    def __init__(self, qs: Any) -> None:
        self.qs = qs

    def __len__(self) -> int:
        return int(self.qs.count())

    def __getitem__(self, page: slice) -> list[ResponseDict]:
        return [r.to_dict() for r in self.qs[page]]


@router.get(
    "/questionnaires", response=list[ResponseOut], operation_id="list_questionnaire_responses"
)
@paginate(BoundedLimitOffsetPagination)
def list_responses(request: ApiRequest, filters: Query[ResponseFilter]) -> Any:
    qs = responses_for(request.auth).between(filters.since, filters.until)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return _AsDicts(qs.order_by("-answered_at", "-id"))


@router.post(
    "/questionnaires",
    response={201: ResponseOut, 422: ErrorOut},
    operation_id="create_questionnaire_response",
)
def create_response(request: ApiRequest, payload: ResponseIn) -> Any:
    """Store the answers if they can be scored; 422 names the item otherwise."""
    try:
        response = QuestionnaireResponse.record(
            request.auth, payload.kind, payload.answers, payload.answered_at
        )
    except QuestionnaireError as e:
        loc = ["body", "answers", e.item]
        return Status(422, {"detail": [{"loc": loc, "msg": e.reason, "type": "value_error"}]})
    return Status(201, response.to_dict())


@router.get(
    "/questionnaires/{code}", response=ResponseOut, operation_id="read_questionnaire_response"
)
def read_response(request: ApiRequest, code: UUID) -> Any:
    return owned_or_404(
        request.auth, responses_for(request.auth), code, "questionnaire response"
    ).to_dict()
