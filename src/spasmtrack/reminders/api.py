"""Reminders JSON API: what is due now, and this browser's push subscription."""

from __future__ import annotations

from typing import Any, get_type_hints
from uuid import UUID

from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest
from django.utils.timezone import now
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field, create_model

from spasmtrack.accounts.models import Person
from spasmtrack.core.reminders import Due
from spasmtrack.reminders.models import PushSubscription
from spasmtrack.reminders.today import due_for

router = Router(tags=["reminders"])


def _me(request: HttpRequest) -> Person:
    return request.auth  # type: ignore[attr-defined,no-any-return]


# A due reminder: the fields of core.reminders.Due (its subject, an internal code, aside), and
# the page that answers it.
_DUE_HINTS = get_type_hints(Due)
DueOut: Any = create_model(
    "DueOut",
    __base__=Schema,
    __module__=__name__,
    **{name: (_DUE_HINTS[name], ...) for name in Due._fields if name != "subject"},
    url=(str, ...),  # type: ignore[call-overload]  # (pydantic's overloads and a ** of fields)
)


class PushKeys(Schema):
    p256dh: str = Field(min_length=20, max_length=200, pattern=r"^[A-Za-z0-9_-]+=*$")
    auth: str = Field(min_length=8, max_length=100, pattern=r"^[A-Za-z0-9_-]+=*$")


class PushSubscriptionIn(Schema):
    endpoint: str = Field(max_length=1000, pattern=r"^https?://[^\s]+$")
    keys: PushKeys


class PushSubscriptionOut(Schema):
    code: str
    endpoint_host: str
    created: str


class VapidKeyOut(Schema):
    public_key: str


@router.get("/reminders/due", response=list[DueOut], operation_id="reminders_due")
def reminders_due(request: HttpRequest) -> Any:
    """What is due now (quiet hours ignored, as on Today); empty without reminder settings."""
    return due_for(_me(request), now())


@router.get("/reminders/push-key", response=VapidKeyOut, operation_id="reminders_push_key")
def push_key(request: HttpRequest) -> Any:
    from spasmtrack.reminders.channels import vapid_public_key

    return {"public_key": vapid_public_key()}


@router.post(
    "/reminders/push-subscriptions",
    response={201: PushSubscriptionOut},
    operation_id="create_push_subscription",
)
def create_push_subscription(request: HttpRequest, payload: PushSubscriptionIn) -> Any:
    """Register this browser for notifications (the same endpoint again replaces its keys).
    An endpoint registered by another account moves to this one: the browser is the proof."""
    me = _me(request)
    with transaction.atomic():
        PushSubscription.objects.filter(endpoint=payload.endpoint).delete()
        try:
            sub = PushSubscription.objects.create(
                person=me,
                endpoint=payload.endpoint,
                p256dh=payload.keys.p256dh,
                auth=payload.keys.auth,
            )
        except IntegrityError:  # pragma: no cover - a concurrent registration of the same one
            raise Http404("try again") from None
    return Status(201, sub.to_dict())


@router.delete(
    "/reminders/push-subscriptions/{code}",
    response={204: None},
    operation_id="delete_push_subscription",
)
def delete_push_subscription(request: HttpRequest, code: UUID) -> Any:
    deleted, _ = PushSubscription.objects.filter(person=_me(request), code=code).delete()
    if not deleted:
        raise Http404("No such subscription")
    return Status(204, None)
