"""Clinic JSON API. `/sharing/…`: the signed-in person's grants and access log.
`/clinic/patients/…`: a clinician's view of patients who granted access, checked per call."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import Http404
from ninja import Router
from ninja.responses import Status

from spasmtrack.accounts import audit
from spasmtrack.accounts.access import patient_for_person, patients_of
from spasmtrack.accounts.http import ApiRequest
from spasmtrack.accounts.models import Person
from spasmtrack.clinic import services
from spasmtrack.clinic.schemas import (
    AuditOut,
    ClinicTreatmentIn,
    ClinicTreatmentLogOut,
    ClinicTriggerPointIn,
    ClinicTriggerPointOut,
    GrantIn,
    GrantOut,
    PatientOut,
)
from spasmtrack.diary import schemas as s
from spasmtrack.diary.entries import RESOURCES, EntryError, entries_for

router = Router(tags=["clinic"])
LIST_LIMIT = 200


def _me(request: ApiRequest) -> Person:
    return request.auth


@router.get("/sharing/grants", response=list[GrantOut], operation_id="list_grants")
def list_grants(request: ApiRequest) -> Any:
    return services.grants_of(_me(request))


@router.post("/sharing/grants", response={201: GrantOut}, operation_id="create_grant")
def create_grant(request: ApiRequest, payload: GrantIn) -> Any:
    me = _me(request)
    clinician = Person.objects.filter(
        user__username=payload.clinician, user__is_active=True
    ).first()
    if clinician is None or not clinician.is_clinician or clinician == me:
        raise EntryError("clinician", f"there is no clinician called {payload.clinician!r}")
    if payload.until is not None and payload.until < me.today():
        raise EntryError("until", "choose today or a later day")
    try:
        grant = services.give_grant(me, clinician, payload.level, payload.until, request)
    except services.GrantRefused as e:
        raise EntryError(e.field, e.message) from None
    return Status(201, grant)


@router.delete("/sharing/grants/{code}", response={204: None}, operation_id="revoke_grant")
def revoke_grant(request: ApiRequest, code: UUID) -> Any:
    if services.revoke_grant(_me(request), code, request) is None:
        raise Http404("No such grant")
    return Status(204, None)


@router.get("/sharing/audit", response=list[AuditOut], operation_id="my_audit_trail")
def my_audit_trail(request: ApiRequest) -> Any:
    return audit.trail_for(_me(request))[:LIST_LIMIT]


@router.get("/clinic/patients", response=list[PatientOut], operation_id="list_patients")
def list_patients(request: ApiRequest) -> Any:
    return patients_of(_me(request))


def _patient_list(name: str, schema: Any, operation_id: str) -> None:
    """GET /clinic/patients/{patient}/<name>: the patient's newest entries of one diary kind,
    for a clinician the patient granted access (checked and audited per call)."""
    res = RESOURCES[name]

    def view(request: ApiRequest, patient: UUID) -> Any:
        person, _ = patient_for_person(_me(request), patient, request=request)
        return entries_for(person, res).order_by(res.order, "-id")[:LIST_LIMIT]

    view.__name__ = view.__qualname__ = operation_id  # (ninja's summary of the operation)
    path = f"/clinic/patients/{{patient}}/{name}"
    router.get(path, response=list[schema], operation_id=operation_id)(view)


_patient_list("muscle-events", s.MuscleEventOut, "patient_muscle_events")
_patient_list("checkins", s.CheckinOut, "patient_checkins")
_patient_list("trigger-points", ClinicTriggerPointOut, "patient_trigger_points")


@router.post(
    "/clinic/patients/{patient}/trigger-points",
    response={201: ClinicTriggerPointOut},
    operation_id="record_patient_trigger_point",
)
def record_patient_trigger_point(
    request: ApiRequest, patient: UUID, payload: ClinicTriggerPointIn
) -> Any:
    me = _me(request)
    person, _ = patient_for_person(me, patient, write=True, request=request)
    entry = services.record_trigger_point(me, person, payload.model_dump(), request)
    return Status(201, entry)


_patient_list("treatment-logs", ClinicTreatmentLogOut, "patient_treatment_logs")


@router.post(
    "/clinic/patients/{patient}/treatment-logs",
    response={201: ClinicTreatmentLogOut},
    operation_id="record_patient_treatment",
)
def record_patient_treatment(request: ApiRequest, patient: UUID, payload: ClinicTreatmentIn) -> Any:
    me = _me(request)
    person, _ = patient_for_person(me, patient, write=True, request=request)
    entry = services.record_treatment(me, person, payload.model_dump(), request)
    return Status(201, entry)
