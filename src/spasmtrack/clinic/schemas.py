from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from ninja import Field, Schema
from pydantic import AwareDatetime, field_validator

from spasmtrack.diary import schemas as s
from spasmtrack.strict import SingleLine, StrictIn


class PatientOut(Schema):
    id: UUID = Field(alias="code")
    name: str = Field(alias="user.username")


class GrantIn(StrictIn):
    clinician: SingleLine = Field(
        min_length=1, max_length=150, description="the clinician's user name"
    )
    level: Literal["read", "record"] = "read"
    until: date | None = Field(None, description="last day of access (inclusive); none: no end")


class GrantOut(Schema):
    id: UUID = Field(alias="code")
    clinician: str = Field(alias="clinician.user.username")
    level: str
    until: date | None
    created: datetime
    revoked_at: datetime | None
    active: bool

    @staticmethod
    def resolve_active(obj: Any) -> bool:
        return bool(obj.is_active())


class AuditOut(Schema):
    at: datetime
    actor: str = Field(alias="actor_name")
    action: str
    ip: str | None
    detail: str


class ClinicTriggerPointOut(s.TriggerPointOut):
    """A trigger point as the clinic API returns it (`recorded_by`: which clinician)."""


class ClinicTreatmentLogOut(s.TreatmentLogOut):
    """A treatment as the clinic API returns it (`recorded_by`: which clinician)."""


class ClinicTriggerPointIn(StrictIn):
    muscle: str = Field(min_length=1, max_length=60, pattern=r"^[a-z][a-z0-9_]*$")
    side: Literal["left", "right", "midline"]
    status: s.TrPStatus = "active"
    tenderness: int = Field(ge=0, le=10)
    at: AwareDatetime | None = None
    notes: str = Field("", max_length=5000)

    _muscle = field_validator("muscle")(s.check_muscle)


class ClinicTreatmentIn(StrictIn):
    treatment: Literal[
        "trigger_point_injection", "acupuncture_dry_needling", "low_level_laser", "manual_therapy"
    ]
    at: AwareDatetime | None = None
    duration_s: int | None = Field(None, ge=0, le=86400)
    pain_before: int | None = Field(None, ge=0, le=10)
    pain_after: int | None = Field(None, ge=0, le=10)
    notes: str = Field("", max_length=5000)
