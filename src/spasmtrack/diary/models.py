"""The diary: everything a person logs. All instants are UTC; "a day" is a stored local date."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any, Self, TypeVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.timezone import now

from spasmtrack.accounts.models import Person
from spasmtrack.core.body.regions import all_regions
from spasmtrack.indexes import by_day, newest_first, one_live


def region_label(region_id: str) -> str:
    r = all_regions().get(region_id)
    return r.label if r else region_id


def _value(obj: Any, name: str) -> Any:
    """`name` as values() reads it from a row: a related row's field after "__"."""
    for part in name.split("__"):
        obj = getattr(obj, part)
    return obj


def _duration(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min"
    return f"{seconds / 3600:.1f} h"


NRS = [MinValueValidator(0), MaxValueValidator(10)]

CHECKIN_ITEMS = (
    "overall_pain",
    "spasm_burden",
    "sleep_quality",
    "fatigue",
    "brain_fog",
    "stress",
    "mood",
)
# "How much did I do today" (0 rested all day - 10 the most I ever do): optional, read by
# Insights' pacing ("boom and bust") when there are no steps. Not one of the ITEMS above,
# which are how the day felt (reports, FHIR and share pages list those).
ACTIVITY = "activity"
EMPTY_CHECKIN = "a check-in needs at least one rating or a note: nothing was saved"


def checkin_is_empty(values: Any) -> bool:
    """No rating and no note (a mapping or an object): nothing to save, and no day that
    should count as checked in. Pages and the API refuse such a check-in."""
    row = (
        values if isinstance(values, dict) else {k: getattr(values, k, None) for k in _CHECKIN_KEYS}
    )
    return (
        all(row.get(k) is None for k in (*CHECKIN_ITEMS, ACTIVITY))
        and not str(row.get("notes") or "").strip()
    )


_CHECKIN_KEYS = (*CHECKIN_ITEMS, ACTIVITY, "notes")


_M = TypeVar("_M", bound=models.Model)


class DayRangeQuerySet(models.QuerySet[_M]):
    """For rows with a `local_date`: the person's own calendar days, both ends included."""

    def between(self, since: date | None, until: date | None) -> Self:
        qs = self
        if since:
            qs = qs.filter(local_date__gte=since)
        if until:
            qs = qs.filter(local_date__lte=until)
        return qs


class EntryQuerySet(DayRangeQuerySet[_M]):
    def live(self) -> Self:
        """Entries not in the bin (a deleted entry stays restorable until purged)."""
        return self.filter(deleted_at__isnull=True)


class Entry(models.Model):
    """What every diary entry has: an owner, a public code, a local day, a bin."""

    person = models.ForeignKey(Person, models.CASCADE)
    code = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    local_date = models.DateField()
    notes = models.TextField(blank=True, default="")
    created = models.DateTimeField(default=now)
    # Last change of any kind (edit, bin, restore); experiments use it to see late edits.
    updated = models.DateTimeField(default=now)
    # Bumped by every content edit (diary.entries.update_entry): the API's ETag / If-Match
    # and the edit page's "changed elsewhere" check compare it.
    version = models.PositiveIntegerField(default=1)
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = EntryQuerySet.as_manager()

    # Entries of an instant ("at"/"started_at") derive their day from it; the others
    # (check-in, habit, rating) are given a day directly.
    instant_field: str | None = None

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.instant_field and not self.local_date:
            self.local_date = self.person.local_date(getattr(self, self.instant_field))
        if not self._state.adding:
            self.updated = now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "updated"}
        super().save(*args, **kwargs)

    def move_to_bin(self) -> None:
        self.deleted_at = now()
        self.save(update_fields=("deleted_at",))

    def restore(self) -> None:
        self.deleted_at = None
        self.save(update_fields=("deleted_at",))

    # What summary() reads, as values() names the columns (a related row's field after "__"):
    # History reads these alone, no model instances, and gives them to summary_of.
    shown: tuple[str, ...] = ()

    def summary(self) -> str:
        """One line for History and messages; each kind of entry says its own (summary_of)."""
        return self.summary_of({name: _value(self, name) for name in self.shown})

    @classmethod
    def summary_of(cls, row: Mapping[str, Any]) -> str:
        """summary() of the entry whose `shown` columns are `row`."""
        raise NotImplementedError


class MuscleEvent(Entry):
    class Kind(models.TextChoices):
        SPASM = "spasm", "Spasm"
        TWITCH = "twitch", "Twitch"

    kind = models.CharField(max_length=6, choices=Kind.choices)
    started_at = models.DateTimeField(default=now)
    duration_s = models.PositiveIntegerField(null=True, blank=True)
    intensity = models.PositiveSmallIntegerField(validators=NRS)
    regions = models.JSONField(default=list)  # region ids; the side is part of the id
    suspected_trigger = models.CharField(max_length=200, blank=True, default="")
    trigger_habit = models.ForeignKey("Habit", models.SET_NULL, null=True, blank=True)

    instant_field = "started_at"
    shown = ("kind", "intensity", "regions", "duration_s", "suspected_trigger")

    class Meta:
        indexes = [by_day("muscleevent"), newest_first("muscleevent", "started_at")]

    @classmethod
    def summary_of(cls, row: Mapping[str, Any]) -> str:
        where = ", ".join(region_label(r) for r in row["regions"])
        kind = _KIND_LABELS.get(row["kind"], row["kind"])  # as get_kind_display()
        parts = [kind, f"{row['intensity']}/10", where]
        if row["duration_s"] is not None:
            parts.append(_duration(row["duration_s"]))
        if row["suspected_trigger"]:
            parts.append(f"after {row['suspected_trigger']}")
        return " · ".join(parts)

    def __str__(self) -> str:
        return f"{self.kind} {self.intensity}/10 at {self.started_at:%Y-%m-%d %H:%M}"


_KIND_LABELS: dict[str, str] = dict(MuscleEvent.Kind.choices)


class PainDrawing(Entry):
    at = models.DateTimeField(default=now)
    regions = models.JSONField(default=dict)  # {region id: intensity 0-10}

    instant_field = "at"
    shown = ("regions",)

    class Meta:
        # (pain drawings are read by day for heatmaps and the WPI prefill)
        indexes = [by_day("paindrawing"), newest_first("paindrawing", "at")]

    @classmethod
    def summary_of(cls, row: Mapping[str, Any]) -> str:
        regions = row["regions"]
        worst = max(regions.values(), default=0)
        return f"Pain drawing · {len(regions)} areas · worst {worst}/10"

    def __str__(self) -> str:
        return f"pain drawing of {len(self.regions)} regions on {self.local_date}"


class DailyCheckin(Entry):
    """One per person per local day; every item 0-10 and skippable."""

    ITEMS: tuple[str, ...] = CHECKIN_ITEMS

    overall_pain = models.PositiveSmallIntegerField(null=True, blank=True, validators=NRS)
    spasm_burden = models.PositiveSmallIntegerField(null=True, blank=True, validators=NRS)
    sleep_quality = models.PositiveSmallIntegerField(null=True, blank=True, validators=NRS)
    fatigue = models.PositiveSmallIntegerField(null=True, blank=True, validators=NRS)
    brain_fog = models.PositiveSmallIntegerField(null=True, blank=True, validators=NRS)
    stress = models.PositiveSmallIntegerField(null=True, blank=True, validators=NRS)
    mood = models.PositiveSmallIntegerField(null=True, blank=True, validators=NRS)
    activity = models.PositiveSmallIntegerField(null=True, blank=True, validators=NRS)

    shown = (*CHECKIN_ITEMS, ACTIVITY)

    class Meta:
        constraints = [one_live("one_checkin_per_day", "person", "local_date")]
        indexes = [newest_first("checkin", "local_date")]

    @classmethod
    def summary_of(cls, row: Mapping[str, Any]) -> str:
        labels = {
            "overall_pain": "pain",
            "spasm_burden": "spasms",
            "sleep_quality": "sleep",
            "fatigue": "tiredness",
            "brain_fog": "fog",
            "stress": "stress",
            "mood": "mood",
        }
        done = [f"{labels[i]} {row[i]}" for i in cls.ITEMS if row[i] is not None]
        if row[ACTIVITY] is not None:
            done.append(f"did {row[ACTIVITY]}")
        return "Check-in · " + (", ".join(done) or "no ratings")

    def __str__(self) -> str:
        return f"check-in {self.local_date}"


class Catalogue(models.Model):
    """Shared catalogue rows (owner empty) plus each person's own additions."""

    key = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)
    unit = models.CharField(max_length=20, blank=True, default="")
    owner = models.ForeignKey(Person, models.CASCADE, null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def custom(self) -> bool:
        return self.owner_id is not None

    @classmethod
    def add_custom(cls, owner: Person, **fields: Any) -> Self:
        """A person's own catalogue entry; its key is unique and never reused."""
        return cls._default_manager.create(
            owner=owner, key=f"custom-{uuid.uuid4().hex[:12]}", **fields
        )


class Treatment(Catalogue):
    class Category(models.TextChoices):
        HOME = "home", "Home"
        NUTRITION = "nutrition", "Nutrition"
        CLINICAL = "clinical", "Clinical"
        LIFESTYLE = "lifestyle", "Lifestyle"

    category = models.CharField(max_length=10, choices=Category.choices)


class Habit(Catalogue):
    class Kind(models.TextChoices):
        YES_NO = "yes_no", "Yes / no"
        NUMBER = "number", "Number"

    kind = models.CharField(max_length=6, choices=Kind.choices, default=Kind.YES_NO)
    category = models.CharField(max_length=20, default="lifestyle")


class TreatmentLog(Entry):
    treatment = models.ForeignKey(Treatment, models.PROTECT)
    at = models.DateTimeField(default=now)
    amount = models.FloatField(null=True, blank=True)
    unit = models.CharField(max_length=20, blank=True, default="")
    duration_s = models.PositiveIntegerField(null=True, blank=True)
    pain_before = models.PositiveSmallIntegerField(null=True, blank=True, validators=NRS)
    pain_after = models.PositiveSmallIntegerField(null=True, blank=True, validators=NRS)
    # The clinician who recorded it in the patient's diary (through a grant); empty: the person.
    recorded_by = models.ForeignKey(
        Person, models.SET_NULL, null=True, blank=True, related_name="recorded_treatments"
    )

    instant_field = "at"
    shown = ("treatment__name", "amount", "unit", "duration_s", "pain_before", "pain_after")

    class Meta:
        indexes = [by_day("treatmentlog"), newest_first("treatmentlog", "at")]

    @classmethod
    def summary_of(cls, row: Mapping[str, Any]) -> str:
        parts = [row["treatment__name"]]
        if row["amount"] is not None:
            parts.append(f"{row['amount']:g} {row['unit']}".strip())
        if row["duration_s"]:
            parts.append(_duration(row["duration_s"]))
        before, after = row["pain_before"], row["pain_after"]
        if before is not None and after is not None:
            parts.append(f"pain {before} → {after}")
        return " · ".join(parts)

    def __str__(self) -> str:
        return f"{self.treatment} at {self.at:%Y-%m-%d %H:%M}"


class HabitLog(Entry):
    """A habit on a day: value 1/0 for yes/no habits, else the number in the habit's unit."""

    habit = models.ForeignKey(Habit, models.PROTECT)
    value = models.FloatField(default=1)

    shown = ("habit__name", "habit__kind", "habit__unit", "value")

    class Meta:
        constraints = [one_live("one_habit_value_per_day", "person", "habit", "local_date")]
        indexes = [newest_first("habitlog", "local_date")]

    @classmethod
    def summary_of(cls, row: Mapping[str, Any]) -> str:
        name, value = row["habit__name"], row["value"]
        if row["habit__kind"] == Habit.Kind.YES_NO:
            return f"{name}: {'yes' if value else 'no'}"
        return f"{name}: {value:g} {row['habit__unit']}".strip()

    def __str__(self) -> str:
        return f"{self.habit} = {self.value:g} on {self.local_date}"


class SymptomRating(Entry):
    """A custom or imported symptom on its own scale (0..scale_max)."""

    name = models.CharField(max_length=100)
    value = models.FloatField()
    scale_max = models.FloatField(default=10)

    shown = ("name", "value", "scale_max")

    class Meta:
        constraints = [one_live("one_rating_per_symptom_day", "person", "name", "local_date")]
        indexes = [newest_first("symptomrating", "local_date")]

    @classmethod
    def summary_of(cls, row: Mapping[str, Any]) -> str:
        return f"{row['name']} {row['value']:g}/{row['scale_max']:g}"

    def __str__(self) -> str:
        return f"{self.name} {self.value:g}/{self.scale_max:g} on {self.local_date}"


class TriggerPoint(Entry):
    class Side(models.TextChoices):
        LEFT = "left", "Left"
        RIGHT = "right", "Right"
        MIDLINE = "midline", "Midline"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active (refers pain now)"
        LATENT = "latent", "Latent (tender, no spontaneous pain)"
        RESOLVED = "resolved", "Resolved (no longer found)"

    class FoundBy(models.TextChoices):
        SELF = "self", "Me"
        CLINICIAN = "clinician", "A clinician"

    muscle = models.CharField(max_length=60)
    side = models.CharField(max_length=7, choices=Side.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    tenderness = models.PositiveSmallIntegerField(validators=NRS)
    found_by = models.CharField(max_length=9, choices=FoundBy.choices, default=FoundBy.SELF)
    at = models.DateTimeField(default=now)
    # The clinician who recorded it in the patient's diary (through a grant); empty: the person.
    recorded_by = models.ForeignKey(
        Person, models.SET_NULL, null=True, blank=True, related_name="recorded_trigger_points"
    )

    instant_field = "at"
    shown = ("muscle", "side", "status", "tenderness")

    class Meta:
        indexes = [newest_first("triggerpoint", "at")]

    @classmethod
    def summary_of(cls, row: Mapping[str, Any]) -> str:
        muscle = row["muscle"].replace("_", " ")
        return (
            f"Trigger point · {muscle} ({row['side']}) · {row['status']} · "
            f"tender {row['tenderness']}/10"
        )

    def __str__(self) -> str:
        return f"{self.muscle} ({self.side}) {self.status} {self.tenderness}/10"
