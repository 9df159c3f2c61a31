"""Pages: the treatment evidence, nutrition logging with totals, and lifestyle & ergonomics.

Each page view renders its fragment when the request comes from htmx (HX-Request) and the
full page otherwise, from one context. Writes go through the same functions as the API.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.timezone import now
from django.views.decorators.http import require_POST
from pydantic import ValidationError

from spasmtrack.accounts.http import AuthenticatedHttpRequest, is_htmx, person_of
from spasmtrack.accounts.models import Person
from spasmtrack.accounts.owned import owned_or_404
from spasmtrack.core.catalogue import ergonomics, foods, reference_intakes, treatments
from spasmtrack.diary.entries import EntryError
from spasmtrack.diary.models import Entry, Treatment
from spasmtrack.fragments import fragment, page_or_fragment
from spasmtrack.nutrition.forms import (
    ChangeForm,
    ChecklistForm,
    FoodIntakeForm,
    HabitsForm,
    ProfileForm,
    SupplementForm,
)
from spasmtrack.nutrition.intakes import (
    LABELS,
    day_totals,
    intakes_for,
    log_intake,
    magnesium_limit,
    profile_of,
    search_foods,
    treatment_records,
    week_start,
    week_summary,
)
from spasmtrack.nutrition.lifestyle import (
    changes_for,
    checklist,
    checklist_item,
    habit_rows,
    record_change,
    save_habits,
)
from spasmtrack.nutrition.models import ChangeEvent, ChecklistStatus, Intake, NutritionProfile

CATEGORY_TITLES = {
    "home": "Things people try at home",
    "nutrition": "Nutrition and supplements",
    "clinical": "Treatments a clinician gives",
    "lifestyle": "Lifestyle",
}

UNDO_KEY = "nutrition_undo"

# Kinds of entry this app can bin and restore: URL segment -> (model, row template).
BINNABLE: dict[str, tuple[type[Entry], str]] = {
    "intakes": (Intake, "nutrition/intake_row.html"),
    "changes": (ChangeEvent, "nutrition/change_row.html"),
}


def _pop_undo(request: AuthenticatedHttpRequest) -> dict[str, str] | None:
    """The just-deleted entry to offer "Undo" for, shown once."""
    undo: dict[str, str] | None = request.session.pop(UNDO_KEY, None)
    return undo


def _save(form: Any, action: Callable[[], Any]) -> Any:
    """Run a write for a valid form; map the schema's refusals back onto the form's fields."""
    try:
        return action()
    except EntryError as e:
        field = form.form_field(e.field) if hasattr(form, "form_field") else e.field
        form.add_error(field if field in form.fields else None, e.message)
    except ValidationError as e:
        for err in e.errors(include_url=False):
            name = str(err["loc"][0]) if err["loc"] else ""
            field = form.form_field(name) if hasattr(form, "form_field") else name
            form.add_error(field if field in form.fields else None, err["msg"])
    return None


# ---------------------------------------------------------------- evidence


@login_required
def evidence(request: AuthenticatedHttpRequest) -> HttpResponse:
    groups: dict[str, list[Any]] = {c: [] for c in CATEGORY_TITLES}
    for t in treatments().values():
        groups.setdefault(t.category, []).append(t)
    own = Treatment.objects.filter(owner=person_of(request)).order_by("name")
    ctx = {
        "groups": [(c, CATEGORY_TITLES.get(c, c.title()), ts) for c, ts in groups.items() if ts],
        "own": own,
    }
    return render(request, "nutrition/evidence.html", ctx)


# ---------------------------------------------------------------- nutrition


def _bars(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with a bar width (capped at 100% so an overshoot cannot break the layout)."""
    return [{**r, "bar": min(r["percent"], 100.0), "over": r["percent"] > 100} for r in rows]


def _references() -> list[dict[str, Any]]:
    """Each reference value and upper limit with its sources, for "where numbers come from"."""
    refs = reference_intakes()
    out: list[dict[str, Any]] = [
        {"title": f"{LABELS[n]}: daily {r.kind}", "note": "", "sources": r.sources}
        for n, r in refs.nutrients.items()
    ]
    for ul in refs.upper_limits.values():
        title = f"{LABELS[ul.nutrient]}: upper limit ({ul.applies_to} intake)"
        out.append({"title": title, "note": ul.note, "sources": ul.sources})
    return out


def _nutrition_context(
    request: AuthenticatedHttpRequest, person: Person, **forms: Any
) -> dict[str, Any]:
    day = person.today()
    profile = profile_of(person)
    todays = list(intakes_for(person).filter(local_date=day).order_by("-at", "-id"))
    # Supplement treatment logs count toward the totals too (read once for the week).
    treatments = treatment_records(person, week_start(day), day)
    todays_records = [i.as_record() for i in todays] + [t for t in treatments if t["date"] == day]
    today_totals = day_totals(todays_records, profile)
    week = week_summary(person, day, profile, treatments)
    query = request.GET.get("q", "")
    stored = NutritionProfile.for_person(person)
    return {
        "day": day,
        "nutrition_undo": _pop_undo(request),
        "intakes": todays,
        "today": _bars(today_totals[0]["nutrients"]) if today_totals else [],
        "warning": today_totals[0]["magnesium_warning"] if today_totals else None,
        "supplemental_mg": today_totals[0]["supplemental_magnesium_mg"] if today_totals else 0,
        "week": week,
        "week_bars": _bars(week.average_rows),
        "limit": magnesium_limit(profile),
        "basis": profile.basis,
        "references": _references(),
        "query": query,
        "food_form": forms.get("food_form")
        or FoodIntakeForm(foods=search_foods(query) or list(foods().values())),
        "supplement_form": forms.get("supplement_form") or SupplementForm(),
        "profile_form": forms.get("profile_form")
        or ProfileForm(initial={"age": stored.age, "sex": stored.sex}),
    }


def _post_nutrition(request: AuthenticatedHttpRequest, person: Person) -> tuple[bool, Any]:
    """Handle one of the page's forms; returns (saved, the bound form by its context name)."""
    which = request.POST.get("form")
    if which == "food":
        form: Any = FoodIntakeForm(request.POST, foods=list(foods().values()))
        name = "food_form"
    elif which == "supplement":
        form = SupplementForm(request.POST)
        name = "supplement_form"
    elif which == "profile":
        form = ProfileForm(request.POST)
        if form.is_valid():
            NutritionProfile.objects.update_or_create(
                person=person,
                defaults={
                    "age": form.cleaned_data["age"],
                    "sex": form.cleaned_data["sex"] or "",
                    "updated": now(),
                },
            )
            messages.success(request, "Saved: your details for the reference values.")
            return True, {}
        return False, {"profile_form": form}
    else:
        raise Http404("No such form")
    if form.is_valid():
        if intake := _save(form, lambda: log_intake(person, form.to_data())):
            messages.success(request, f"Saved: {intake.summary()}")
            return True, {}
    return False, {name: form}


# A panel page's (POST handler, context, its URL name, the page's template, the panel's).
PanelPage = tuple[
    Callable[[AuthenticatedHttpRequest, Person], tuple[bool, dict[str, Any]]],
    Callable[..., dict[str, Any]],
    str,
    str,
    str,
]


def _panel_page(request: AuthenticatedHttpRequest, page: PanelPage) -> HttpResponse:
    """A page of forms in one panel that htmx swaps whole: a saved form goes back to the page
    (htmx: the fresh panel); a refused one is shown again with its errors."""
    post, context, url_name, template, panel = page
    person = person_of(request)
    bound: dict[str, Any] = {}
    if request.method == "POST":
        saved, bound = post(request, person)
        if saved and not is_htmx(request):
            return redirect(url_name)
    return page_or_fragment(request, template, panel, context(request, person, **bound))


@login_required
def nutrition(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _panel_page(request, NUTRITION_PAGE)


@login_required
def food_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The food picker filtered by ?q= (htmx); without htmx, the page with the filter."""
    query = request.GET.get("q", "")
    if not is_htmx(request):
        return redirect(reverse("nutrition:nutrition") + "?" + request.GET.urlencode())
    found = search_foods(query)
    form = FoodIntakeForm(foods=found or list(foods().values()))
    ctx = {"food_form": form, "query": query, "none_found": bool(query) and not found}
    return fragment(request, "nutrition/food_select.html", ctx)


# ---------------------------------------------------------------- bin and undo


def _binnable(kind: str) -> tuple[type[Entry], str]:
    if kind not in BINNABLE:
        raise Http404("No such kind of entry")
    return BINNABLE[kind]


def _back(kind: str) -> str:
    return reverse("nutrition:nutrition" if kind == "intakes" else "nutrition:lifestyle")


@login_required
@require_POST
def delete(request: AuthenticatedHttpRequest, kind: str, code: str) -> HttpResponse:
    model, _ = _binnable(kind)
    entry = owned_or_404(person_of(request), model.objects.live(), code)
    entry.move_to_bin()
    if is_htmx(request):
        restore_url = reverse("nutrition:restore", args=[kind, entry.code])
        return fragment(request, "binned_row.html", {"entry": entry, "restore_url": restore_url})
    # The next page of this app offers "Deleted … Undo" once (see _pop_undo).
    summary = entry.summary()
    request.session[UNDO_KEY] = {"kind": kind, "code": str(entry.code), "summary": summary}
    return redirect(_back(kind))


@login_required
@require_POST
def restore(request: AuthenticatedHttpRequest, kind: str, code: str) -> HttpResponse:
    model, row_template = _binnable(kind)
    entry = model.objects.filter(
        person=person_of(request), code=code, deleted_at__isnull=False
    ).first()
    if entry is None:
        raise Http404("Nothing to restore")
    with transaction.atomic():
        entry.restore()
    if is_htmx(request):
        return fragment(request, row_template, {"entry": entry, "kind": kind})
    messages.success(request, f"Restored: {entry.summary()}")
    return redirect(_back(kind))


# ---------------------------------------------------------------- lifestyle


def _lifestyle_context(
    request: AuthenticatedHttpRequest, person: Person, **forms: Any
) -> dict[str, Any]:
    day = person.today()
    rows = habit_rows(person, day)
    return {
        "day": day,
        "nutrition_undo": _pop_undo(request),
        "items": checklist(person),
        "changes": list(changes_for(person).order_by("-local_date", "-id")),
        "change_form": forms.get("change_form")
        or ChangeForm(initial={"local_date": day, "category": ChangeEvent.Category.OTHER}),
        "habits_form": forms.get("habits_form") or HabitsForm(initial={"day": day}, rows=rows),
        "statuses": ChecklistStatus.Status.choices,
    }


def _post_lifestyle(request: AuthenticatedHttpRequest, person: Person) -> tuple[bool, Any]:
    which = request.POST.get("form")
    if which == "change":
        form: Any = ChangeForm(request.POST)
        if form.is_valid():
            if change := _save(form, lambda: record_change(person, form.to_data())):
                since = f"{change.local_date:%A} {change.local_date.day} {change.local_date:%B %Y}"
                messages.success(request, f"Recorded: {change.summary()} from {since}")
                return True, {}
        return False, {"change_form": form}
    if which == "habits":
        # Bind once to learn the day, then again with that day's habit rows.
        probe = HabitsForm(request.POST, rows=[])
        day = probe.cleaned_data["day"] if probe.is_valid() else person.today()
        form = HabitsForm(request.POST, rows=habit_rows(person, day))
        if form.is_valid():
            try:
                with transaction.atomic():
                    n = save_habits(person, day, form.values())
            except (EntryError, ValidationError, IntegrityError) as e:
                form.add_error(None, f"Not saved: {e}")
            else:
                messages.success(request, f"Saved {n} habit(s) for {day:%A} {day.day} {day:%B}.")
                return True, {}
        return False, {"habits_form": form}
    raise Http404("No such form")


NUTRITION_PAGE: PanelPage = (
    _post_nutrition,
    _nutrition_context,
    "nutrition:nutrition",
    "nutrition/nutrition.html",
    "nutrition/panel.html",
)
LIFESTYLE_PAGE: PanelPage = (
    _post_lifestyle,
    _lifestyle_context,
    "nutrition:lifestyle",
    "nutrition/lifestyle.html",
    "nutrition/lifestyle_panel.html",
)


@login_required
def lifestyle(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _panel_page(request, LIFESTYLE_PAGE)


@login_required
@require_POST
def checklist_status(request: AuthenticatedHttpRequest, item: str) -> HttpResponse:
    person = person_of(request)
    if item not in ergonomics():
        raise Http404("No such checklist item")
    form = ChecklistForm(request.POST)
    if form.is_valid():
        ChecklistStatus.set(person, item, form.cleaned_data["status"], person.today())
    elif is_htmx(request):
        return HttpResponse("Choose one of the options.", status=422)
    else:
        messages.error(request, "Choose one of the options for that item.")
    if is_htmx(request):
        ctx = {"item": checklist_item(person, item), "statuses": ChecklistStatus.Status.choices}
        return fragment(request, "nutrition/checklist_item.html", ctx)
    return redirect(reverse("nutrition:lifestyle") + f"#item-{item}")
