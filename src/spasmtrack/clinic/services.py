"""What the clinic pages and the clinic API share: grants, dashboards, clinician entries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.timezone import now

from spasmtrack.accounts import audit
from spasmtrack.accounts.models import Grant, Person
from spasmtrack.diary.entries import RESOURCES, create_entry, entries_for
from spasmtrack.diary.models import TreatmentLog, TriggerPoint

DASHBOARD_DAYS = 30


class GrantRefused(ValueError):
    """A grant that cannot be made (field, message)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


# The clinic treatments a clinician can record in a patient's diary (catalogue keys).
CLINIC_TREATMENTS = (
    "trigger_point_injection",
    "acupuncture_dry_needling",
    "low_level_laser",
    "manual_therapy",
)


def grants_of(patient: Person) -> Any:
    """The patient's grants in force, then the ended ones, newest first."""
    return (
        Grant.objects.filter(patient=patient)
        .select_related("clinician__user")
        .order_by("revoked_at", "-created")
    )


@transaction.atomic
def give_grant(
    patient: Person,
    clinician: Person,
    level: str,
    until: date | None,
    request: HttpRequest | None = None,
) -> Grant:
    """Grant (or change the live grant of) `clinician` access to `patient`'s diary; audited."""
    if not clinician.is_clinician or clinician == patient:
        raise GrantRefused("clinician", "not a clinician on this server")
    current = Grant.objects.active().filter(patient=patient, clinician=clinician).first()
    # An expired grant is not "in force" but still holds the one-live-grant slot: close it.
    Grant.objects.filter(patient=patient, clinician=clinician, revoked_at__isnull=True).exclude(
        pk=current.pk if current else None  # type: ignore[misc]  # stub refuses None (IS NULL)
    ).update(revoked_at=now())
    detail = f"{clinician.user.username}: {level}" + (f" until {until}" if until else "")
    if current is not None:
        current.level, current.until = level, until
        current.save(update_fields=("level", "until", "expires_at"))
        audit.record(patient, patient, audit.GRANT_CHANGE, request, detail)
        return current
    try:
        with transaction.atomic():
            grant = Grant.objects.create(
                patient=patient, clinician=clinician, level=level, until=until
            )
    except IntegrityError:  # a concurrent identical grant won the race
        raise GrantRefused("clinician", "this clinician was just given access") from None
    audit.record(patient, patient, audit.GRANT_CREATE, request, detail)
    return grant


def active_grant_for(clinician: Person, patient: Person) -> Grant | None:
    """The grant in force from `patient` to `clinician`, if any (no audit: a lookup only)."""
    return Grant.objects.active().filter(patient=patient, clinician=clinician).first()


def revoke_grant(patient: Person, code: Any, request: HttpRequest | None = None) -> Grant | None:
    """End the patient's grant with this code at once; None if it is not theirs or not live."""
    grant = (
        Grant.objects.filter(patient=patient, code=code, revoked_at__isnull=True)
        .select_related("clinician__user")
        .first()
    )
    if grant is None:
        return None
    grant.revoke()
    audit.record(patient, patient, audit.GRANT_REVOKE, request, grant.clinician.user.username)
    return grant


def record_trigger_point(
    clinician: Person, patient: Person, data: dict[str, Any], request: HttpRequest | None
) -> TriggerPoint:
    """A trigger point found on examination, in the patient's diary, attributed; audited."""
    values = {**data, "found_by": "clinician"}
    entry: TriggerPoint = create_entry(
        patient, RESOURCES["trigger-points"], values, recorded_by=clinician
    )
    audit.record(clinician, patient, audit.CLINICIAN_RECORD, request, f"trigger point {entry.code}")
    return entry


def record_treatment(
    clinician: Person, patient: Person, data: dict[str, Any], request: HttpRequest | None
) -> TreatmentLog:
    """A treatment given in clinic, in the patient's diary, attributed; audited."""
    from spasmtrack.diary.entries import EntryError

    if data.get("treatment") not in CLINIC_TREATMENTS:
        raise EntryError("treatment", f"choose one of {', '.join(CLINIC_TREATMENTS)}")
    entry: TreatmentLog = create_entry(
        patient, RESOURCES["treatment-logs"], data, recorded_by=clinician
    )
    audit.record(clinician, patient, audit.CLINICIAN_RECORD, request, f"treatment {entry.code}")
    return entry


def recorded_for(patient: Person) -> list[Any]:
    """Entries clinicians recorded in this patient's diary, newest first (the patient sees)."""
    trps = entries_for(patient, RESOURCES["trigger-points"]).filter(recorded_by__isnull=False)
    logs = entries_for(patient, RESOURCES["treatment-logs"]).filter(recorded_by__isnull=False)
    rows = [*trps.select_related("recorded_by__user"), *logs.select_related("recorded_by__user")]
    return sorted(rows, key=lambda e: e.at, reverse=True)


@dataclass(frozen=True)
class Dashboard:
    since: date
    until: date
    spasms: int
    twitches: int
    mean_pain: float | None
    checkins: int
    recent: list[Any]
    trigger_points: list[Any]
    treatments: list[Any]


def dashboard(patient: Person) -> Dashboard:
    """The last DASHBOARD_DAYS days of a patient's diary, summarised for a clinician."""
    until = patient.today()
    since = until - timedelta(days=DASHBOARD_DAYS - 1)
    events = entries_for(patient, RESOURCES["muscle-events"]).between(since, until)
    checkins = list(entries_for(patient, RESOURCES["checkins"]).between(since, until))
    pains = [c.overall_pain for c in checkins if c.overall_pain is not None]
    trps = entries_for(patient, RESOURCES["trigger-points"]).select_related("recorded_by__user")
    logs = entries_for(patient, RESOURCES["treatment-logs"]).select_related(
        "treatment", "recorded_by__user"
    )
    return Dashboard(
        since=since,
        until=until,
        spasms=events.filter(kind="spasm").count(),
        twitches=events.filter(kind="twitch").count(),
        mean_pain=round(sum(pains) / len(pains), 1) if pains else None,
        checkins=len(checkins),
        recent=list(events.order_by("-started_at")[:10]),
        trigger_points=list(trps.order_by("-at")[:20]),
        treatments=list(logs.order_by("-at")[:20]),
    )
