from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template

from spasmtrack.accounts import audit
from spasmtrack.accounts.http import AuthenticatedHttpRequest, is_htmx, person_of
from spasmtrack.accounts.models import Person
from spasmtrack.reports.data import collect, default_period
from spasmtrack.reports.forms import ReportForm
from spasmtrack.reports.models import VisitQuestions
from spasmtrack.reports.pdf import render_pdf

SAVED_TMPL = get_template("reports/saved.html")


def _pdf_response(person: Person, form: ReportForm) -> HttpResponse:
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    pdf = render_pdf(collect(person, start, end, made_on=person.today()))
    resp = HttpResponse(pdf, content_type="application/pdf")
    resp["Content-Disposition"] = f'attachment; filename="spasmtrack-report-{start}-{end}.pdf"'
    return resp


@login_required
def report(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Choose the period, keep the visit questions, download the PDF.

    Both buttons save the questions. "Download" answers with the PDF itself; "Save" answers
    with a short confirmation (a fragment under htmx, the page again otherwise).
    """
    person = person_of(request)
    start, end = default_period(person.today())
    initial = {"start": start, "end": end, "questions": VisitQuestions.objects.text_for(person)}
    form = ReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        VisitQuestions.save_for(person, form.cleaned_data["questions"])
        if request.POST.get("action") == "pdf":
            audit.record(person, person, audit.REPORT, request, "report PDF")
            return _pdf_response(person, form)
        if is_htmx(request):
            return HttpResponse(SAVED_TMPL.render({}, request))
        messages.success(request, "Your questions are saved.")
        return redirect("reports:report")
    return render(request, "reports/report.html", {"form": form})
