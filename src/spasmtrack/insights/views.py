"""The Insights page: plain sentences first, then charts with data tables."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import get_template

from spasmtrack.accounts.http import AuthenticatedHttpRequest, is_htmx, person_of
from spasmtrack.insights.charts import heat_month, marks_for, monthly_table, trend_chart
from spasmtrack.insights.daily import MAIN_OUTCOMES
from spasmtrack.insights.forms import RangeForm
from spasmtrack.insights.present import page_findings
from spasmtrack.insights.providers import mark_findings
from spasmtrack.insights.services import report_and_series, waiting_factors

HEATMAP_TMPL = get_template("insights/heatmap.html")


@login_required
def insights_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Only the signed-in person's own diary is read. With HX-Request the response is the
    heatmap section alone (month navigation); otherwise the full page."""
    person = person_of(request)
    form = RangeForm(request.GET)
    since = until = month = None
    if form.is_valid():
        since, until = form.cleaned_data["since"], form.cleaned_data["until"]
        month = form.cleaned_data["month"] or None
    report, series = report_and_series(person, since, until)
    ctx: dict[str, Any] = {
        "form": form,
        "report": report,
        "heat": heat_month(series.region_pain, month),
        "range_query": _range_query(since, until),
    }
    if is_htmx(request):
        return HttpResponse(HEATMAP_TMPL.render(ctx, request))
    charts = []
    if series.first_day and series.last_day:
        for i, outcome in enumerate(o for o in MAIN_OUTCOMES if o in series.outcomes):
            marks = marks_for(outcome, report, series)
            charts.append(
                trend_chart(
                    outcome,
                    series.outcomes[outcome],
                    series.first_day,
                    series.last_day,
                    marks,
                    uid=f"trend{i}",
                )
            )
    marked = mark_findings(report, person, person.today())
    ctx.update(
        page_findings(marked),
        charts=charts,
        waiting=waiting_factors(report),
        sessions=[s for s in report["same_session"] if s["verdict"] != "not_enough_data"],
        changes=[c for c in report["changes"]["items"] if c["verdict"] != "not_enough_data"],
        changes_waiting=[
            c for c in report["changes"]["items"] if c["verdict"] == "not_enough_data"
        ],
        monthly=monthly_table(series.region_pain),
        others_waiting=len(report["not_enough_data"]),
    )
    return render(request, "insights/page.html", ctx)


def _range_query(since: Any, until: Any) -> str:
    parts = [f"since={since}"] if since else []
    parts += [f"until={until}"] if until else []
    return "&".join(parts)
