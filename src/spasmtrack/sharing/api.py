"""`/api/sharing/links`: the signed-in person's share links (list, create, revoke)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest
from ninja import Router
from ninja.responses import Status

from spasmtrack.accounts.models import Person
from spasmtrack.diary.entries import EntryError
from spasmtrack.sharing import services
from spasmtrack.sharing.models import ShareLink
from spasmtrack.sharing.schemas import ShareLinkCreated, ShareLinkIn, ShareLinkOut

router = Router(tags=["sharing"])
LIST_LIMIT = 200


def _me(request: HttpRequest) -> Person:
    return request.auth  # type: ignore[attr-defined,no-any-return]


@router.get("/sharing/links", response=list[ShareLinkOut], operation_id="list_share_links")
def list_links(request: HttpRequest) -> Any:
    return services.links_of(_me(request))[:LIST_LIMIT]


@router.post("/sharing/links", response={201: ShareLinkCreated}, operation_id="create_share_link")
def create_link(request: HttpRequest, payload: ShareLinkIn) -> Any:
    try:
        link, token = services.create_link(
            _me(request), payload.days, payload.pin, payload.label, request
        )
    except services.ShareRefused as e:
        raise EntryError(e.field, e.message) from None
    url = services.url_for(token, request)
    out = ShareLinkOut.from_orm(link).model_dump()
    return Status(201, {**out, "code": link.code, "url": url, "qr_svg": services.qr_svg(url)})


@router.delete("/sharing/links/{code}", response={204: None}, operation_id="revoke_share_link")
def revoke_link(request: HttpRequest, code: UUID) -> Any:
    me = _me(request)
    link = ShareLink.objects.for_person(me).filter(code=code).first()
    if link is None:
        raise Http404("No such share link")
    services.revoke_link(me, link, request)
    return Status(204, None)
