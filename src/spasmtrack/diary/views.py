from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timezone import localtime, now
from django.views.decorators.http import require_POST
from pydantic import ValidationError

from spasmtrack.accounts.http import AuthenticatedHttpRequest, is_htmx, person_of
from spasmtrack.accounts.models import Person
from spasmtrack.accounts.owned import owned_or_404
from spasmtrack.core.days import counts_for_text, day_boundary
from spasmtrack.diary import quicklog
from spasmtrack.diary.entries import (
    RESOURCES,
    EntryError,
    Resource,
    StaleEntry,
    create_entry,
    entries_for,
    treatments_for,
    update_entry,
)
from spasmtrack.diary.forms import (
    CheckinForm,
    HistoryFilter,
    MuscleEventForm,
    PainDrawingForm,
    PlausibleDateTimeField,
    TreatmentLogForm,
    time_notes,
)
from spasmtrack.diary.models import DailyCheckin, Entry, MuscleEvent, Treatment, region_label
from spasmtrack.fragments import fragment

# The kinds the pages edit, each with its form (from the diary descriptors).
EDIT_FORMS: dict[str, Any] = {name: r.form for name, r in RESOURCES.items() if r.form}
# History's kind filter value -> (kind of entry, value of its `kind` field or "").
HISTORY_KINDS: dict[str, tuple[str, str]] = {
    **{name: (name, "") for name in RESOURCES},
    **{k: (name, k) for name, r in RESOURCES.items() for k, _ in r.kinds},
}


# History shows whole days, about this many entries a page at most (then "Older entries").
HISTORY_PAGE_ROWS = 200


def _resource(name: str) -> Resource[Entry]:
    if name not in RESOURCES:
        raise Http404("No such kind of entry")
    return RESOURCES[name]


# A row of History and Today as entry_rows.html shows it (built by _rows, no model instance).
Row = dict[str, Any]


def _timeline(
    person: Person, since: Any, until: Any, only: str = "", limit: int | None = None
) -> tuple[list[Row], Any]:
    """Entries of all kinds in a date range, newest first, each a row for entry_rows.html.

    With `limit`, a page of whole days: each kind is read newest first, at most `limit` rows,
    and only days that every kind has read completely are kept (at least one day, whole, and
    otherwise at most `limit` rows in all). Returns (rows, the newest day left out or None).
    """
    lists: list[Row] = []
    cutoff = None  # days on or before it may be incomplete
    only_resource, only_kind = HISTORY_KINDS.get(only, ("", ""))
    for name, res in RESOURCES.items():
        if only and only_resource != name:
            continue
        qs = res.model.objects.filter(person=person).live().between(since, until)
        if only_kind:
            qs = qs.filter(**{"kind": only_kind})  # a muscle event's: the loop's type is Entry
        if limit is not None:
            # Newest first, in the order of the (person, newest, id) index.
            rows = _rows(name, qs.order_by(res.order, "-id")[: limit + 1])
            if len(rows) > limit:
                oldest = rows[-1]["local_date"]
                cutoff = oldest if cutoff is None else max(cutoff, oldest)
        else:
            rows = _rows(name, qs)
        lists += rows
    left_out = None
    if limit is not None and lists:
        days = sorted({r["local_date"] for r in lists}, reverse=True)
        complete = [d for d in days if cutoff is None or d > cutoff]
        if not complete:  # the newest day alone has more than `limit` of a kind: all of it
            return _timeline(person, days[0], days[0], only)[0], days[0] - timedelta(days=1)
        kept: set[date] = set()
        count = 0
        per_day = Counter(r["local_date"] for r in lists)
        for d in complete:  # whole days until the page holds about `limit` rows
            if kept and count + per_day[d] > limit:
                break
            kept.add(d)
            count += per_day[d]
        if len(kept) < len(days):
            left_out = max(d for d in days if d not in kept)
            lists = [r for r in lists if r["local_date"] in kept]
    _name_recorders(lists)
    return sorted(lists, key=_day_order(person), reverse=True), left_out


# A row's links are reversed once per kind of entry with this placeholder, then filled in:
# reversing costs as much as rendering the rest of a row, and a page has hundreds of rows.
_CODE = "00000000-0000-0000-0000-000000000000"


@functools.cache
def _url_of(view: str, resource: str) -> str:
    return reverse(view, args=[resource, _CODE])


@functools.cache
def _columns(resource: str) -> tuple[str, ...]:
    """What a row of `resource` reads: its keys, day and time, who recorded it, and the
    columns its summary shows (a related name joined in the same query)."""
    model = RESOURCES[resource].model
    names = {f.name for f in model._meta.concrete_fields}
    when = model.instant_field or "created"  # the time a row sits at in its day
    recorded = ("recorded_by_id",) if "recorded_by" in names else ()
    return ("id", "code", "local_date", when, *recorded, *model.shown)


def _rows(resource: str, qs: Any) -> list[Row]:
    """The rows entry_rows.html shows for the entries of `qs` (of kind `resource`), read with
    values(): only the columns shown, no model instances."""
    model = RESOURCES[resource].model
    field = model.instant_field
    when = field or "created"
    edit_url = _url_of("diary:edit", resource) if resource in EDIT_FORMS else ""
    delete_url = _url_of("diary:delete", resource)
    days: dict[date, str] = {}  # "M j" of each day, for the rows without a time
    out = []
    for v in qs.values(*_columns(resource)):
        code = str(v["code"])
        day = v["local_date"]
        if field:
            shown_at = f"{localtime(v[when]):%H:%M}"
        else:
            if day not in days:
                days[day] = date_format(day, "M j")
            shown_at = days[day]
        out.append(
            {
                "id": v["id"],
                "resource": resource,
                "code": code,
                "local_date": day,
                "at": v[when],
                "timed": bool(field),
                "recorded_by_id": v.get("recorded_by_id"),
                "recorded_by_label": "",
                "day_heading": "",
                "when": shown_at,
                "text": model.summary_of(v),
                "edit_url": edit_url.replace(_CODE, code),
                "delete_url": delete_url.replace(_CODE, code),
            }
        )
    return out


def _name_recorders(rows: list[Row]) -> None:
    """Who recorded a row, for the few that a clinician recorded: one query for their names
    (joining accounts_person and auth_user on every treatment log made PostgreSQL scan them)."""
    ids = {r["recorded_by_id"] for r in rows if r["recorded_by_id"]}
    if not ids:
        return
    names: dict[int, str] = dict(
        Person.objects.filter(pk__in=ids).values_list("pk", "user__username")
    )
    for r in rows:
        if r["recorded_by_id"]:
            r["recorded_by_label"] = names.get(r["recorded_by_id"], "")


def _day_order(person: Person) -> Callable[[Row], tuple[Any, float, int]]:
    """Sort key: the day a row belongs to, then its time in that day (core.days). An entry
    of a whole day (check-in, habit, rating) sits at the time it was typed, or at the end of
    its day when typed later (yesterday's check-in, typed this morning)."""
    zone, start = person.zone, person.day_start
    starts: dict[Any, datetime] = {}  # day -> its first instant: once per day, not per row

    def key(row: Row) -> tuple[Any, float, int]:
        day = row["local_date"]
        if day not in starts:
            starts[day] = day_boundary(day, zone, start).astimezone(UTC)
        # Both in UTC: aware times that share a zone object would ignore `fold`.
        into = (row["at"].astimezone(UTC) - starts[day]).total_seconds()
        return day, into if row["timed"] else max(0.0, into), row["id"]

    return key


def _saved_text(entry: Any, form: Any, start: str = "Saved: ") -> str:
    """The message after a save: the entry, plus the day it counts for when that is not the
    calendar day of its time, plus what a repeated wall-clock time was taken as."""
    parts = [f"{start}{entry.summary()}"]
    field = entry.instant_field
    if field:
        at = localtime(getattr(entry, field))
        if at.date() != entry.local_date:
            parts.append(counts_for_text(entry.local_date))
    return "; ".join([*parts, *time_notes(form)])


def _save(
    form: Any,
    person: Person,
    res: Resource[Entry],
    entry: Entry | None = None,
    version: int | None = None,
) -> Entry | None:
    """Create or update from a valid form; map refusals back onto the form's fields.
    StaleEntry (the entry changed since `version` was shown) goes to the caller."""
    try:
        if entry is None:
            return create_entry(person, res, form.to_data())
        return update_entry(person, res, entry, form.to_data(), version)
    except EntryError as e:
        form.add_error(e.field if e.field in form.fields else None, e.message)
    except ValidationError as e:
        for err in e.errors(include_url=False):
            field = str(err["loc"][0]) if err["loc"] else None
            form.add_error(field if field in form.fields else None, err["msg"])
    return None


def _logged(
    request: AuthenticatedHttpRequest, form: Any, person: Person, name: str, said: str = ""
) -> HttpResponse | None:
    """Save a valid log form as a new entry of kind `name`: back to Today, saying what was
    saved (or `said`); None when it was refused (the form then shows why)."""
    entry = _save(form, person, RESOURCES[name])
    if entry is None:
        return None
    messages.success(request, said or _saved_text(entry, form))
    return redirect("diary:today")


def _log_page(
    request: AuthenticatedHttpRequest,
    form: Any,
    name: str,
    template: str,
    ctx: dict[str, Any] | None = None,
    said: str = "",
) -> HttpResponse:
    """A page that logs one entry of kind `name`: a valid post is saved (`_logged`), anything
    else shows the form (with `ctx`) again."""
    if request.method == "POST" and form.is_valid():
        if done := _logged(request, form, person_of(request), name, said):
            return done
    return render(request, template, {"form": form, **(ctx or {})})


# The names of the time fields a log form may send to day_hint.
HINT_FIELDS = ("started_at", "at")


@login_required
def day_hint(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The line under a log form's time: which diary day that time counts for, what a repeated
    time was taken as, or why the time cannot be used. A fragment for htmx (GET, no writes)."""
    person = person_of(request)
    raw = next((request.GET[f] for f in HINT_FIELDS if f in request.GET), "")
    field = PlausibleDateTimeField(required=False)
    ctx: dict[str, Any] = {}
    try:
        at = field.clean(raw) or now()
    except DjangoValidationError as e:
        ctx["problem"] = " ".join(e.messages)
    else:
        ctx["counts_for"] = counts_for_text(person.local_date(at))
        ctx["note"] = field.note
    return fragment(request, "diary/day_hint.html", ctx)


@login_required
def today(request: AuthenticatedHttpRequest) -> HttpResponse:
    person = person_of(request)
    day = person.today()
    ctx = {
        "day": day,
        "next": request.get_full_path(),
        "entries": _timeline(person, day, day)[0],
        "checked_in": entries_for(person, RESOURCES["checkins"]).filter(local_date=day).exists(),
    }
    return render(request, "diary/today.html", ctx)


def _last_intensity(person: Person) -> int:
    last = entries_for(person, RESOURCES["muscle-events"]).order_by("-started_at").first()
    return last.intensity if last else 5


@login_required
def log_event(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    if kind not in MuscleEvent.Kind.values:
        raise Http404("No such kind")
    person = person_of(request)
    form = MuscleEventForm(
        request.POST or None, initial={"kind": kind}, last_intensity=_last_intensity(person)
    )
    question = None
    if request.method == "POST" and form.is_valid():
        # A "twitch" that does not fit what was entered gets one gentle question first.
        question = form.kind_question()
        if question is None and (done := _logged(request, form, person, "muscle-events")):
            return done
    ctx = {"form": form, "kind": kind, "kind_question": question}
    return render(request, "diary/log_event.html", ctx)


@login_required
def pain_drawing(request: AuthenticatedHttpRequest) -> HttpResponse:
    person = person_of(request)
    form = PainDrawingForm(request.POST or None, last_intensity=_last_intensity(person))
    return _log_page(request, form, "pain-drawings", "diary/pain_drawing.html")


@login_required
def checkin(request: AuthenticatedHttpRequest) -> HttpResponse:
    person = person_of(request)
    res = RESOURCES["checkins"]
    day = person.today()
    existing = entries_for(person, res).filter(local_date=day).first()
    if existing and request.method != "POST":
        return redirect("diary:edit", resource="checkins", code=existing.code)
    # A post goes on to the form even then: it may be for another day (sent later from the
    # phone's outbox), and one for the same day is refused there with a message, never
    # dropped by a redirect.
    # Prefill from the most recent check-in: on a bad day, changing two sliders beats seven.
    last = entries_for(person, res).order_by("-local_date").first()
    initial = CheckinForm.initial_from(last) if last else {}
    # How much you did is today's, not a state that carries over: never prefilled.
    initial.update({"local_date": day, "notes": "", "activity": None})
    form = CheckinForm(request.POST or None, initial=initial)
    ctx = {"prefilled": last}
    return _log_page(request, form, "checkins", "diary/checkin.html", ctx, "Check-in saved.")


# How many of the person's most used treatments head the list.
MOST_USED = 8


def _treatment_choices(person: Person) -> list[Any]:
    """The treatment list: the person's most used first (by live logs, then the most recent
    use), then every other one A-Z. One query: the counts come as an annotation."""
    mine = Q(treatmentlog__person=person, treatmentlog__deleted_at__isnull=True)
    rows = list(
        treatments_for(person)
        .annotate(
            uses=Count("treatmentlog", filter=mine), last=Max("treatmentlog__at", filter=mine)
        )
        .order_by("name")
    )
    used = sorted((t for t in rows if t.uses), key=lambda t: (-t.uses, -t.last.timestamp()))
    top = used[:MOST_USED]
    if not top:
        return [(t.key, t.name) for t in rows]
    shown = {t.pk for t in top}
    rest = [(t.key, t.name) for t in rows if t.pk not in shown]
    return [("You use most", [(t.key, t.name) for t in top]), ("All others A–Z", rest)]


# What an edit form may ask the page for (a form class lists its `needs`).
FORM_NEEDS: dict[str, Callable[[Person], Any]] = {
    "treatments": _treatment_choices,
    "last_intensity": _last_intensity,
}


@login_required
def log_treatment(request: AuthenticatedHttpRequest) -> HttpResponse:
    person = person_of(request)
    form = TreatmentLogForm(request.POST or None, treatments=_treatment_choices(person))
    if request.method == "POST" and form.is_valid():
        if name := form.cleaned_data.get("new_treatment", "").strip():
            # The person's own treatment: first-class in logs, insights and experiments.
            own = treatments_for(person).filter(owner=person, name__iexact=name).first()
            if own is None:
                category = form.cleaned_data.get("new_category") or "home"
                own = Treatment.add_custom(person, name=name, category=category)
            form.cleaned_data["treatment"] = own.key
    return _log_page(request, form, "treatment-logs", "diary/log_treatment.html")


@login_required
def history(request: AuthenticatedHttpRequest) -> HttpResponse:
    person = person_of(request)
    filters = HistoryFilter(request.GET or None)
    since = until = None
    only = ""
    if filters.is_valid():
        since, until = filters.cleaned_data["since"], filters.cleaned_data["until"]
        only = filters.cleaned_data["kind"]
    if since is None and until is None:
        since = person.today() - timedelta(days=30)
    entries, left_out = _timeline(person, since, until, only, HISTORY_PAGE_ROWS)
    older = None
    if left_out is not None:  # the next page: the same filters, up to the newest day left out
        query = request.GET.copy()
        query["until"] = left_out.isoformat()
        if since is not None:
            query["since"] = since.isoformat()
        older = f"?{query.urlencode()}"
    day = None
    for row in entries:  # a heading above the first entry of each day
        if row["local_date"] != day:
            row["day_heading"] = date_format(row["local_date"], "l j F Y")
        day = row["local_date"]
    ctx = {
        "filters": filters,
        "entries": entries,
        "since": since,
        "older": older,
        "next": request.get_full_path(),
    }
    return render(request, "diary/history.html", ctx)


@login_required
def edit(request: AuthenticatedHttpRequest, resource: str, code: str) -> HttpResponse:
    person = person_of(request)
    res = _resource(resource)
    entry = owned_or_404(person, entries_for(person, res), code)
    form_class = EDIT_FORMS.get(resource)
    if form_class is None:
        raise Http404("This kind of entry is edited through the API")
    kw = {need: FORM_NEEDS[need](person) for need in getattr(form_class, "needs", ())}
    form = form_class(request.POST or None, initial=form_class.initial_from(entry), **kw)
    question = None
    conflict: list[tuple[str, Any, Any]] | None = None
    shown_version: int | None = entry.version
    if request.method == "POST" and form.is_valid():
        if isinstance(form, MuscleEventForm):
            question = form.kind_question()  # asked once, then saved as picked
        try:
            shown_version = int(request.POST.get("version", ""))
        except ValueError:
            shown_version = None  # an old form without the field: save as before
        try:
            if question is None and (saved := _save(form, person, res, entry, shown_version)):
                messages.success(request, _saved_text(saved, form, "Changes saved: "))
                return redirect("diary:history")
        except StaleEntry as e:
            # Saved in another tab or device since this form was opened: show both and
            # let the person decide; saving again (with the new version) keeps theirs.
            entry, shown_version = e.saved, e.saved.version
            conflict = _differences(form, form_class.initial_from(entry))
    ctx = {
        "form": form,
        "entry": entry,
        "resource": resource,
        "is_checkin": isinstance(entry, DailyCheckin),
        "kind_question": question,
        "version": shown_version if shown_version is not None else entry.version,
        "conflict": conflict,
    }
    return render(request, "diary/edit.html", ctx)


def _differences(form: Any, saved: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """(label, saved value, your value) for every field where the two differ."""
    out = []
    for name, field in form.fields.items():
        if name not in saved or name not in form.cleaned_data:
            continue
        mine, theirs = form.cleaned_data[name], saved[name]
        if str(mine if mine is not None else "") != str(theirs if theirs is not None else ""):
            label = str(field.label or name.replace("_", " ").capitalize()).rstrip(":")
            out.append((label, _shown(theirs), _shown(mine)))
    return out


def _shown(value: Any) -> str:
    if value in (None, ""):
        return "–"
    if isinstance(value, dict):
        return ", ".join(f"{region_label(k)} {v}" for k, v in value.items())
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "hour") else str(value)
    return str(value)


@login_required
@require_POST
def delete(request: AuthenticatedHttpRequest, resource: str, code: str) -> HttpResponse:
    res = _resource(resource)
    person = person_of(request)
    entry = owned_or_404(person, entries_for(person, res), code)
    entry.move_to_bin()
    if is_htmx(request):
        restore_url = reverse("diary:restore", args=[resource, entry.code])
        return fragment(request, "binned_row.html", {"entry": entry, "restore_url": restore_url})
    # The next page shows "Deleted … Undo" (see accounts.context.site).
    request.session["undo"] = {"resource": resource, "code": str(code), "summary": entry.summary()}
    return redirect(_next_or_history(request))


def _next_or_history(request: AuthenticatedHttpRequest) -> str:
    """The form's `next` if it is a page of this site (as the sign-in checks), else History."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return reverse("diary:history")


@login_required
@require_POST
def restore(request: AuthenticatedHttpRequest, resource: str, code: str) -> HttpResponse:
    res = _resource(resource)
    entry = res.model.objects.filter(
        person=person_of(request), code=code, deleted_at__isnull=False
    ).first()
    if entry is None:
        raise Http404("Nothing to restore")
    try:
        with transaction.atomic():
            entry.restore()
    except IntegrityError:  # e.g. a new check-in for the same day was saved since
        messages.error(request, "Could not restore: there is already an entry for that day.")
        return redirect("diary:history")
    if is_htmx(request):
        rows = _rows(resource, res.model.objects.filter(pk=entry.pk))
        _name_recorders(rows)
        ctx = {"entries": rows, "next": request.POST.get("next") or reverse("diary:history")}
        return fragment(request, "diary/entry_rows.html", ctx)
    messages.success(request, f"Restored: {entry.summary()}")
    return redirect(_next_or_history(request))


@login_required
@require_POST
def quick_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Understand a one-line log and show each entry it would save, each one removable; save
    only when the person confirms."""
    person = person_of(request)
    text = request.POST.get("text", "").strip()[:500]
    typed_at = _typed_at(request)
    reading = quicklog.read(person, text, typed_at) if text else None
    removed = _removed(request, len(reading.entries) if reading else 0)
    problems = quicklog.problems(reading, removed) if reading else ["Type what happened first."]
    if reading and request.POST.get("confirm") and not problems:
        try:
            saved = quicklog.save_reading(person, reading, removed, typed_at)
        except (EntryError, ValueError, DjangoValidationError) as e:  # refused: nothing saved
            problems = [f"Not saved: {e}"]
        else:
            messages.success(request, "Saved: " + "; ".join(e.summary() for e in saved))
            if is_htmx(request):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = reverse("diary:today")
                return response
            return redirect("diary:today")
    rows = [
        {"index": i, "entry": e, "removed": i in removed}
        for i, e in enumerate(reading.entries if reading else ())
    ]
    left = sum(1 for r in rows if not r["removed"])
    ctx = {"text": text, "reading": reading, "rows": rows, "left": left, "problems": problems}
    if is_htmx(request):
        return fragment(request, "diary/quick_preview.html", ctx)
    return render(request, "diary/quick.html", ctx)


# How long a line may wait in the phone's outbox and still be read against when it was typed.
TYPED_AT_WINDOW = timedelta(days=7)


def _typed_at(request: AuthenticatedHttpRequest) -> datetime | None:
    """When the line was typed, as the phone's outbox sends it (`typed_at`, ISO 8601 with an
    offset), so that "20 min ago" means 20 minutes before that; None (now) for anything
    unreadable, without an offset, in the future or older than TYPED_AT_WINDOW."""
    raw = request.POST.get("typed_at", "").strip().replace("Z", "+00:00")
    try:
        at = datetime.fromisoformat(raw) if raw else None
    except ValueError:
        return None
    if at is None or at.tzinfo is None:
        return None
    current = now()
    return at if current - TYPED_AT_WINDOW <= at <= current + timedelta(minutes=5) else None


def _removed(request: AuthenticatedHttpRequest, n: int) -> set[int]:
    """Entry indexes the person removed ('removed' kept in the form, 'remove' just pressed);
    anything that is not an index of this line is ignored."""
    values = [*request.POST.getlist("removed"), request.POST.get("remove", "")]
    return {int(v) for v in values if v.isdigit() and int(v) < n}
