from __future__ import annotations

from datetime import datetime
from uuid import UUID

from ninja import Field, Schema

from spasmtrack.sharing.models import DEFAULT_DAYS, MAX_DAYS
from spasmtrack.strict import SingleLine, StrictIn


class ShareLinkIn(StrictIn):
    days: int = Field(DEFAULT_DAYS, ge=1, le=MAX_DAYS, description="how many days it works")
    pin: str = Field("", pattern=r"^([0-9]{4,12})?$", description="optional, 4-12 digits")
    label: SingleLine = Field("", max_length=100, description="who it is for (optional)")


class ShareLinkOut(Schema):
    id: UUID = Field(alias="code")
    label: str
    created: datetime
    expires_at: datetime
    revoked_at: datetime | None
    state: str = Field(description="live, revoked or expired")
    has_pin: bool
    opens: int
    last_opened: datetime | None


class ShareLinkCreated(ShareLinkOut):
    url: str = Field(description="the link; shown only in this answer (only a hash is kept)")
    qr_svg: str = Field(description="the link as an SVG QR code")
