"""Clinician access to a patient's diary, decided by the patient's Grant on every request.

Views and API handlers of any app reach a patient through `patient_for` (pages) or
`patient_for_person` (API: `request.auth`), the same way `accounts.owned.owned_or_404`
scopes a person's objects: no grant (or a revoked or expired one) looks exactly like no such
patient.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from spasmtrack.accounts import audit
from spasmtrack.accounts.http import person_of
from spasmtrack.accounts.models import Grant, Person

if TYPE_CHECKING:
    from django.db.models import QuerySet


def request_person(request: HttpRequest) -> Person:
    """The signed-in person (set by PersonTimezoneMiddleware, or the API's `request.auth`)."""
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, Person) else person_of(request)  # type: ignore[arg-type]


def active_grant(clinician: Person, patient_code: UUID | str) -> Grant | None:
    """The grant in force from the patient with this code to `clinician`, if any."""
    try:
        code = UUID(str(patient_code))
    except ValueError:
        return None
    if not clinician.is_clinician:
        return None
    return (
        Grant.objects.active()
        .select_related("patient__user")
        .filter(clinician=clinician, patient__code=code, patient__user__is_active=True)
        .first()
    )


def patient_for_person(
    clinician: Person,
    patient_code: UUID | str,
    *,
    write: bool = False,
    request: HttpRequest | None = None,
    audit_view: bool = True,
) -> tuple[Person, Grant]:
    """The patient behind `patient_code` and the grant that lets `clinician` in.

    Raises Http404 when there is no grant in force (never granted, revoked, expired, or the
    caller is not a clinician), and PermissionDenied (403) for `write=True` under a read-only
    grant. Each successful read is written to the audit log as a clinician view (pass
    audit_view=False when the caller records a more specific action itself).
    """
    grant = active_grant(clinician, patient_code)
    if grant is None:
        raise Http404("No such patient")
    if write and not grant.can_record:
        raise PermissionDenied("This patient shared their diary read-only")
    if audit_view and not write:
        detail = request.get_full_path() if request is not None else ""
        audit.record(clinician, grant.patient, audit.CLINICIAN_VIEW, request, detail)
    return grant.patient, grant


def patient_for(
    request: HttpRequest, patient_code: UUID | str, *, write: bool = False
) -> tuple[Person, Grant]:
    """`patient_for_person` for the signed-in clinician of a page or API request."""
    return patient_for_person(request_person(request), patient_code, write=write, request=request)


def patients_of(clinician: Person) -> QuerySet[Person]:
    """The patients whose grant to `clinician` is in force now, by name."""
    if not clinician.is_clinician:
        return Person.objects.none()
    live = Grant.objects.active().filter(clinician=clinician).values("patient")
    return (
        Person.objects.filter(pk__in=live, user__is_active=True)
        .select_related("user")
        .order_by("user__username")
    )
