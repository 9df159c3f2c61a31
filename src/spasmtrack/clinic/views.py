"""Clinic pages: a patient shares their diary (/sharing/); a clinician sees who shared (/clinic/).

Every clinician page reaches the patient through `accounts.access.patient_for`, which checks
the patient's grant on each request (so a revocation is immediate) and audits the view.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from pydantic import ValidationError

from spasmtrack.accounts import audit
from spasmtrack.accounts.access import (
    patient_for,
    patient_for_person,
    patients_of,
    request_person,
)
from spasmtrack.accounts.http import AuthenticatedHttpRequest
from spasmtrack.accounts.models import Person
from spasmtrack.accounts.owned import owned_or_404
from spasmtrack.clinic import services
from spasmtrack.clinic.forms import (
    ClinicRecordForm,
    ClinicTreatmentForm,
    ClinicTriggerPointForm,
    GrantForm,
)
from spasmtrack.diary.entries import EntryError
from spasmtrack.reports.forms import ReportPeriodForm

AUDIT_PAGE_SIZE = 200


def _clinician(request: AuthenticatedHttpRequest) -> Person:
    """The signed-in clinician; 403 for anybody else (patients have no clinic pages)."""
    person = request_person(request)
    if not person.is_clinician:
        raise PermissionDenied("Only clinicians have a patient list")
    return person


@login_required
def sharing(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The patient's grants (give, change, revoke) and what clinicians recorded."""
    patient = request_person(request)
    form = GrantForm(request.POST or None, patient=patient)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.give_grant(patient, d["clinician"], d["level"], d["until"], request)
        except services.GrantRefused as e:
            form.add_error("clinician", e.message)
        else:
            messages.success(request, f"{d['clinician']} can now see your diary.")
            return redirect("clinic:sharing")
    ctx = {
        "form": form,
        "grants": services.grants_of(patient),
        "recorded": services.recorded_for(patient),
        "trail": audit.trail_for(patient)[:10],
    }
    return render(request, "clinic/sharing.html", ctx)


@login_required
@require_POST
def revoke(request: AuthenticatedHttpRequest, code: Any) -> HttpResponse:
    grant = services.revoke_grant(request_person(request), code, request)
    if grant is None:
        raise Http404("No such grant")
    messages.success(request, f"{grant.clinician} can no longer see your diary.")
    return redirect("clinic:sharing")


@login_required
def audit_trail(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every recorded access to the signed-in person's data or account, newest first."""
    events = audit.trail_for(request_person(request))[:AUDIT_PAGE_SIZE]
    return render(request, "clinic/audit.html", {"events": events, "limit": AUDIT_PAGE_SIZE})


@login_required
def patients(request: AuthenticatedHttpRequest) -> HttpResponse:
    clinician = _clinician(request)
    return render(request, "clinic/patients.html", {"patients": patients_of(clinician)})


@login_required
def dashboard(request: AuthenticatedHttpRequest, patient: Any) -> HttpResponse:
    person, grant = patient_for(request, patient)
    ctx = {"patient": person, "grant": grant, "d": services.dashboard(person)}
    return render(request, "clinic/dashboard.html", ctx)


@login_required
def trials(request: AuthenticatedHttpRequest, patient: Any) -> HttpResponse:
    """The patient's self-experiments and where each stands."""
    person, grant = patient_for(request, patient)
    from spasmtrack.trials.models import Trial

    rows = Trial.objects.for_person(person).order_by("-created")
    return render(
        request, "clinic/trials.html", {"patient": person, "grant": grant, "trials": rows}
    )


@login_required
def trial_report(request: AuthenticatedHttpRequest, patient: Any, code: Any) -> HttpResponse:
    """One experiment's report, read-only, as the patient sees it."""
    from spasmtrack.trials.models import Trial
    from spasmtrack.trials.views import report_context

    person, _ = patient_for(request, patient)
    trial = owned_or_404(person, Trial.objects.for_person(person), code, "experiment")
    back = reverse("clinic:trials", args=[person.code])
    return render(
        request, "trials/report.html", report_context(trial, person.today(), back_url=back)
    )


@login_required
def report(request: AuthenticatedHttpRequest, patient: Any) -> HttpResponse:
    """The clinician PDF (the same report the patient can download): the period chosen on
    `report_choose` (`?start=…&end=…`), else the last 90 days. Audited with its period."""
    clinician = request_person(request)
    from spasmtrack.reports.data import collect, default_period
    from spasmtrack.reports.pdf import render_pdf

    person, _ = patient_for_person(clinician, patient, request=request, audit_view=False)
    start, end = default_period(person.today())
    if request.GET:
        form = ReportPeriodForm(request.GET)
        if not form.is_valid():
            return redirect_with_errors(request, person, form)
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    pdf = render_pdf(collect(person, start, end, made_on=person.today()))
    audit.record(clinician, person, audit.REPORT, request, f"clinician PDF {start}..{end}")
    resp = HttpResponse(pdf, content_type="application/pdf")
    resp["Content-Disposition"] = f'attachment; filename="spasmtrack-report-{start}-{end}.pdf"'
    return resp


def redirect_with_errors(
    request: AuthenticatedHttpRequest, person: Person, form: ReportPeriodForm
) -> HttpResponse:
    """A bad period: the choosing page again with the reasons (nothing is rendered)."""
    grant = services.active_grant_for(request_person(request), person)
    ctx = {"patient": person, "grant": grant, "form": form}
    return render(request, "clinic/report_choose.html", ctx, status=422)


@login_required
def report_choose(request: AuthenticatedHttpRequest, patient: Any) -> HttpResponse:
    """Choose the report's period (the PDF link is a plain GET with start and end)."""
    from spasmtrack.reports.data import default_period

    person, grant = patient_for(request, patient)
    start, end = default_period(person.today())
    form = ReportPeriodForm(initial={"start": start, "end": end})
    return render(
        request, "clinic/report_choose.html", {"patient": person, "grant": grant, "form": form}
    )


@login_required
def questionnaires(request: AuthenticatedHttpRequest, patient: Any) -> HttpResponse:
    """The patient's questionnaire results, each with the trend of its headline score."""
    from spasmtrack.questionnaires.models import responses_for
    from spasmtrack.questionnaires.views import questionnaire_cards

    person, grant = patient_for(request, patient)
    responses = list(responses_for(person).order_by("-answered_at", "-id"))
    cards = [c for c in questionnaire_cards(responses) if c["count"]]
    ctx = {"patient": person, "grant": grant, "cards": cards, "history": responses[:100]}
    return render(request, "clinic/questionnaires.html", ctx)


@login_required
def insights(request: AuthenticatedHttpRequest, patient: Any) -> HttpResponse:
    """What the patient's Insights say, in the same plain words as their report."""
    from spasmtrack.insights.present import finding_lines
    from spasmtrack.reports.data import experiment_lines

    person, grant = patient_for(request, patient)
    today = person.today()
    ctx = {
        "patient": person,
        "grant": grant,
        "findings": finding_lines(person, None, None, today, limit=20),
        "experiments": experiment_lines(person, date(1900, 1, 1), today, today),
    }
    return render(request, "clinic/insights.html", ctx)


def _record(
    request: AuthenticatedHttpRequest, patient: Any, form_class: type[ClinicRecordForm]
) -> HttpResponse:
    """A clinician's page that records one entry in a patient's diary (write access): the
    form, its `record`, then back to the dashboard."""
    person, grant = patient_for(request, patient, write=True)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            form.record(request_person(request), person, request)
        except (EntryError, ValidationError) as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, form.done)
            return redirect("clinic:dashboard", patient=person.code)
    ctx = {"patient": person, "grant": grant, "form": form, "what": form.what}
    return render(request, "clinic/record.html", ctx)


@login_required
def record_trigger_point(request: AuthenticatedHttpRequest, patient: Any) -> HttpResponse:
    return _record(request, patient, ClinicTriggerPointForm)


@login_required
def record_treatment(request: AuthenticatedHttpRequest, patient: Any) -> HttpResponse:
    return _record(request, patient, ClinicTreatmentForm)
