"""Page forms. They only reshape what a person typed into the API's input shape; the
validation that matters (ranges, region ids, one check-in a day) is shared with the API
through `diary.entries.create_entry`/`update_entry`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, cast

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import escape

from spasmtrack.core import event_kind
from spasmtrack.core.body.regions import groups
from spasmtrack.core.days import SkippedTime, resolve_wall_time
from spasmtrack.core.plausible import instant_problem
from spasmtrack.diary.entries import RESOURCES
from spasmtrack.diary.models import ACTIVITY, checkin_is_empty
from spasmtrack.diary.widgets import BodyMapField, intensity_field

NRS_CHOICES = [(i, str(i)) for i in range(11)]


def region_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    return [
        (group.replace("_", " ").capitalize(), [(r.id, r.label) for r in rs])
        for group, rs in groups().items()
    ]


class NrsField(forms.TypedChoiceField):
    """A 0-10 rating as a row of big radio buttons; `skip` adds a "Skip" button first, so a
    number tapped by mistake can be taken back (pain after is often not known yet)."""

    def __init__(self, *, required: bool = True, skip: bool = False, **kw: Any) -> None:
        super().__init__(
            choices=[("", "Skip"), *NRS_CHOICES] if skip else NRS_CHOICES,
            coerce=int,
            required=required,
            widget=forms.RadioSelect(attrs={"class": "nrs"}),
            **{"empty_value": None, **kw},
        )


class DayHintInput(forms.DateTimeInput):
    """A datetime-local input with the "counts for Monday 30 November" hint under it, asked of
    diary:day_hint by htmx as the time changes (and once on load: blank means now)."""

    template_name = "diary/day_input.html"

    def __init__(self) -> None:
        super().__init__(attrs={"type": "datetime-local"})

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        ctx = super().get_context(name, value, attrs)
        hint_id = f"{ctx['widget']['attrs'].get('id', name)}-day"
        ctx["widget"]["attrs"].update(
            {
                "hx-get": reverse("diary:day_hint"),
                "hx-trigger": "load, input changed delay:300ms, change",
                "hx-target": f"#{hint_id}",
                "hx-swap": "innerHTML",
                "aria-describedby": hint_id,
            }
        )
        ctx["widget"]["hint_id"] = hint_id
        return ctx


class PlausibleDateTimeField(forms.DateTimeField):
    """A moment an entry can have had (core.plausible): 1900-01-01 up to now, checked here so
    a page never hands an out-of-range time (whose offset cannot even be written) onwards.

    A wall-clock time is read in the current (the person's) time zone through
    core.days.resolve_wall_time: a time that happened twice (clocks went back) is taken as
    the first one and `note` says so; a time the clocks skipped is refused with a message
    naming the jump. (Django's own field refuses both alike.)"""

    widget = DayHintInput

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.note = ""

    def to_python(self, value: Any) -> datetime | None:
        self.note = ""
        if value in self.empty_values:
            return None
        naive: datetime | None
        if isinstance(value, datetime):
            naive = value
        else:
            try:
                naive = parse_datetime(str(value).strip())
            except ValueError:
                raise forms.ValidationError(
                    self.error_messages["invalid"], code="invalid"
                ) from None
            if naive is None:
                naive = forms.fields.BaseTemporalField.to_python(self, value)
        assert naive is not None  # BaseTemporalField raises for what it cannot read
        if naive.tzinfo is not None and naive.utcoffset() is not None:
            return naive
        if not 1 < naive.year < 9999:  # beyond the zone arithmetic: plausible refuses it below
            return naive.replace(tzinfo=UTC)
        try:
            wall = resolve_wall_time(naive, timezone.get_current_timezone())
        except SkippedTime as e:
            raise forms.ValidationError(str(e), code="skipped") from None
        self.note = wall.note
        return wall.instant

    def clean(self, value: Any) -> datetime | None:
        at: datetime | None = super().clean(value)
        if at is not None:
            problem = instant_problem(at, timezone.now(), timezone.get_current_timezone_name())
            if problem:
                raise forms.ValidationError(problem)
        return at


def time_notes(form: forms.Form) -> list[str]:
    """What the form's times were taken to mean, when that needs saying (a repeated hour)."""
    return [
        f.note for f in form.fields.values() if isinstance(f, PlausibleDateTimeField) and f.note
    ]


class KeepsUnchangedInstants(forms.Form):
    """An edit form re-shows a saved instant as a wall-clock time; saved again unchanged it
    keeps the exact saved instant (the second 02:30 stays the second one)."""

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        for name, field in self.fields.items():
            saved = self.initial.get(name)
            if not isinstance(field, PlausibleDateTimeField) or not isinstance(saved, datetime):
                continue
            typed = d.get(name)
            if typed is not None and saved.tzinfo is not None:
                local = timezone.localtime(saved)
                if typed.replace(tzinfo=None) == local.replace(tzinfo=None, fold=0):
                    d[name] = saved
                    field.note = ""
        return d


class CarriesFields(forms.Form):
    """An entry form that also shows its kind's carried model fields (`Resource.carried`:
    plain fields the form does not lay out itself), each as Django's form field for it, after
    the form's own; `carried_data()` and `carried_initial(entry)` move their values."""

    resource = ""  # the kind's name in RESOURCES

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        for field in RESOURCES[self.resource].carried:
            self.fields[field.name] = field.formfield()

    def carried_data(self) -> dict[str, Any]:
        """The carried fields for the API's input shape (left out: an empty non-null one,
        which then takes the model's default)."""
        out = {}
        for field in RESOURCES[self.resource].carried:
            value = self.cleaned_data.get(field.name)
            if value is not None or field.null:
                out[field.name] = value
        return out

    @classmethod
    def carried_names(cls) -> set[str]:
        return {f.name for f in RESOURCES[cls.resource].carried}

    @classmethod
    def carried_initial(cls, entry: Any) -> dict[str, Any]:
        return {f.name: getattr(entry, f.name) for f in RESOURCES[cls.resource].carried}


def _aware(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


class BodyMapForm(KeepsUnchangedInstants):
    """A form with a body map: the slider's default is the person's last-used intensity."""

    needs = ("last_intensity",)  # what the edit page passes in (see diary.views.FORM_NEEDS)

    def __init__(self, *args: Any, last_intensity: int = 5, **kw: Any) -> None:
        super().__init__(*args, **kw)
        level = self.initial.get("bodymap_intensity", last_intensity)
        if self.is_bound:
            level = self.data.get("bodymap_intensity", level)
        self.fields["regions"].widget.intensity = level


class MuscleEventForm(CarriesFields, BodyMapForm):
    resource = "muscle-events"
    kind = forms.ChoiceField(
        choices=[("spasm", "Spasm"), ("twitch", "Twitch")],
        widget=forms.RadioSelect(attrs={"class": "choice"}),
        help_text=escape(event_kind.explanation()),
    )
    # Set by the buttons under the gentle "spasm or twitch?" question: the type picked there.
    kind_confirmed = forms.ChoiceField(
        choices=[("", ""), ("spasm", "Spasm"), ("twitch", "Twitch")],
        required=False,
        widget=forms.HiddenInput,
    )
    regions = BodyMapField(label="Where? Tap the body map")
    bodymap_intensity = intensity_field()
    started_at = PlausibleDateTimeField(
        required=False,
        label="When did it start? (blank = now)",
    )
    duration_min = forms.IntegerField(
        required=False, min_value=0, max_value=7 * 24 * 60, label="How long, in minutes? (optional)"
    )
    suspected_trigger = forms.CharField(
        required=False, max_length=200, label="What might have set it off? (optional)"
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        if d.get("kind_confirmed"):
            d["kind"] = d["kind_confirmed"]
        return d

    def kind_question(self) -> str | None:
        """The gentle question to ask before saving (once; None once a type was picked)."""
        d = self.cleaned_data
        if d.get("kind_confirmed") or "kind" not in d or "bodymap_intensity" not in d:
            return None
        minutes = d.get("duration_min")
        seconds = minutes * 60 if minutes is not None else None
        return event_kind.kind_question(d["kind"], seconds, d["bodymap_intensity"])

    def to_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        minutes = d.get("duration_min")
        return {
            "kind": d["kind"],
            "regions": list(d["regions"]),
            "intensity": d["bodymap_intensity"],
            "started_at": _aware(d.get("started_at")),
            "duration_s": minutes * 60 if minutes is not None else None,
            "suspected_trigger": d.get("suspected_trigger", ""),
            "notes": d.get("notes", ""),
            **self.carried_data(),
        }

    @classmethod
    def initial_from(cls, entry: Any) -> dict[str, Any]:
        return {
            **cls.carried_initial(entry),
            "kind": entry.kind,
            "regions": dict.fromkeys(entry.regions, entry.intensity),
            "bodymap_intensity": entry.intensity,
            "started_at": entry.started_at,
            "duration_min": entry.duration_s // 60 if entry.duration_s is not None else None,
            "suspected_trigger": entry.suspected_trigger,
            "notes": entry.notes,
        }


class PainDrawingForm(CarriesFields, BodyMapForm):
    resource = "pain-drawings"
    regions = BodyMapField(label="Where does it hurt? Set the slider, then tap each area")
    bodymap_intensity = intensity_field()
    at = PlausibleDateTimeField(
        required=False,
        label="When? (blank = now)",
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def to_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        own = {"regions": d["regions"], "at": _aware(d.get("at")), "notes": d.get("notes") or ""}
        return {**own, **self.carried_data()}

    @classmethod
    def initial_from(cls, entry: Any) -> dict[str, Any]:
        return {
            **cls.carried_initial(entry),
            "regions": entry.regions,
            "at": entry.at,
            "notes": entry.notes,
            "bodymap_intensity": max(entry.regions.values(), default=5),
        }


class CheckinForm(CarriesFields):
    resource = "checkins"
    local_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Day")
    overall_pain = NrsField(required=False, label="Overall pain (0 none – 10 worst)")
    spasm_burden = NrsField(required=False, label="Spasms today (0 none – 10 constant)")
    sleep_quality = NrsField(required=False, label="Sleep quality (0 very poor – 10 great)")
    fatigue = NrsField(required=False, label="Tiredness (0 none – 10 exhausted)")
    brain_fog = NrsField(required=False, label="Brain fog (0 clear – 10 very foggy)")
    stress = NrsField(required=False, label="Stress (0 calm – 10 overwhelmed)")
    mood = NrsField(required=False, label="Mood (0 very low – 10 very good)")
    activity = NrsField(
        required=False,
        skip=True,
        label="How much did you do today? (0 rested all day – 10 the most you ever do)",
        help_text="Optional. Insights learns your usual range and shows whether days well "
        "above it are followed by worse ones.",
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        if not self.errors and checkin_is_empty({k: v if v != "" else None for k, v in d.items()}):
            raise forms.ValidationError(
                "Nothing to save yet: tap at least one number or write a note. "
                "An empty check-in is not saved."
            )
        return d

    def to_data(self) -> dict[str, Any]:
        carried = self.carried_data()
        d = {k: v for k, v in self.cleaned_data.items() if k not in self.carried_names()}
        for k, v in d.items():
            if v == "":
                d[k] = None
        d["notes"] = d.get("notes") or ""
        return {**d, **carried}

    @classmethod
    def initial_from(cls, entry: Any) -> dict[str, Any]:
        fields = ("local_date", *entry.ITEMS, ACTIVITY, "notes")
        return {**{f: getattr(entry, f) for f in fields}, **cls.carried_initial(entry)}


class TreatmentLogForm(CarriesFields, KeepsUnchangedInstants):
    resource = "treatment-logs"

    treatment = forms.ChoiceField(label="What did you try?", required=False)
    new_treatment = forms.CharField(
        required=False, max_length=120, label="Not in the list? Name your own (optional)"
    )
    new_category = forms.ChoiceField(
        required=False,
        label="What kind is it?",
        choices=[
            ("home", "Something at home"),
            ("nutrition", "Food or supplement"),
            ("clinical", "From a clinician"),
            ("lifestyle", "A change in habits"),
        ],
    )
    at = PlausibleDateTimeField(
        required=False,
        label="When? (blank = now)",
    )
    amount = forms.FloatField(required=False, min_value=0, label="Amount (optional)")
    unit = forms.CharField(required=False, max_length=20, label="Unit (e.g. mg, min)")
    duration_min = forms.IntegerField(
        required=False, min_value=0, max_value=24 * 60, label="For how many minutes? (optional)"
    )
    pain_before = NrsField(required=False, skip=True, label="Pain before (0 none – 10 worst)")
    pain_after = NrsField(required=False, skip=True, label="Pain after (0 none – 10 worst)")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    needs = ("treatments",)

    def __init__(self, *args: Any, treatments: list[tuple[str, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        cast(forms.ChoiceField, self.fields["treatment"]).choices = [
            ("", "– choose –"),
            *treatments,
        ]

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        if not d.get("treatment") and not d.get("new_treatment", "").strip():
            self.add_error("treatment", "Choose what you tried, or name your own below.")
        return d

    def to_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        minutes = d.get("duration_min")
        return {
            "treatment": d["treatment"],
            "at": _aware(d.get("at")),
            "amount": d.get("amount"),
            "unit": d.get("unit") or "",
            "duration_s": minutes * 60 if minutes else None,
            "pain_before": d.get("pain_before"),
            "pain_after": d.get("pain_after"),
            "notes": d.get("notes") or "",
            **self.carried_data(),
        }

    @classmethod
    def initial_from(cls, entry: Any) -> dict[str, Any]:
        return {
            **cls.carried_initial(entry),
            "treatment": entry.treatment.key,
            "at": entry.at,
            "amount": entry.amount,
            "unit": entry.unit,
            "duration_min": entry.duration_s // 60 if entry.duration_s else None,
            "pain_before": entry.pain_before,
            "pain_after": entry.pain_after,
            "notes": entry.notes,
        }


def history_kinds() -> list[tuple[str, str]]:
    """History's kind filter, from the diary descriptors: a kind, or one value of its `kind`."""
    out = [("", "Everything")]
    for name, res in RESOURCES.items():
        out += list(res.kinds) if res.kinds else [(name, res.label)]
    return out


class HistoryFilter(forms.Form):
    kind = forms.ChoiceField(required=False, choices=history_kinds)
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


ONE_DAY = timedelta(days=1)
