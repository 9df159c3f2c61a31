"""Intakes (foods and supplements), the person's nutrition profile, the ergonomics checklist
and recorded lifestyle changes.

Intakes and changes are diary entries (`diary.models.Entry`): they have a public code, a
stored local day and a bin for undo, exactly like muscle events. The nutrient arithmetic is in
`spasmtrack.core.nutrition`; models only hand it plain records (`Intake.as_record`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.timezone import now

from spasmtrack.accounts.models import Person
from spasmtrack.diary.entries import require_plausible
from spasmtrack.diary.models import Entry
from spasmtrack.indexes import by_day

# (the catalogue and core.nutrition are imported where used: models load at every django.setup())

# Reference values in the catalogue start at 19 (adults); younger people get no comparison.
ADULT_AGE = 19


class Intake(Entry):
    """A food (by catalogue id, in grams or servings) or a supplement (by nutrient)."""

    class Unit(models.TextChoices):
        GRAM = "g", "grams"
        SERVING = "serving", "servings"
        MG = "mg", "mg"
        UG = "µg", "µg"
        IU = "IU", "IU"

    class Nutrient(models.TextChoices):
        MAGNESIUM = "magnesium", "Magnesium"
        CALCIUM = "calcium", "Calcium"
        POTASSIUM = "potassium", "Potassium"
        VITAMIN_D = "vitamin_d", "Vitamin D"

    at = models.DateTimeField(default=now)
    food_id = models.CharField(max_length=60, blank=True, default="")  # id in foods.json
    nutrient = models.CharField(max_length=10, choices=Nutrient.choices, blank=True, default="")
    amount = models.FloatField(validators=[MinValueValidator(0)])
    unit = models.CharField(max_length=7, choices=Unit.choices)
    supplemental = models.BooleanField(default=False)

    instant_field = "at"

    class Meta:
        indexes = [by_day("intake")]  # (totals, the nutrition page, insights factors)
        constraints = [
            # Either a food or a supplement nutrient, never both and never neither.
            models.CheckConstraint(
                condition=(~models.Q(food_id="") & models.Q(nutrient=""))
                | (models.Q(food_id="") & ~models.Q(nutrient="")),
                name="intake_food_xor_nutrient",
            )
        ]

    @property
    def food_name(self) -> str:
        from spasmtrack.core.catalogue import foods

        food = foods().get(self.food_id)
        return food.name if food else self.food_id

    def as_record(self) -> dict[str, Any]:
        """This intake as a `core.nutrition.Intake` record."""
        record: dict[str, Any] = {"date": self.local_date, "amount": self.amount, "unit": self.unit}
        if self.food_id:
            record["food_id"] = self.food_id
        else:
            record["nutrient"] = self.nutrient
        record["supplemental"] = self.supplemental
        return record

    def nutrients(self) -> dict[str, float]:
        """Nutrient amounts in canonical units (mg; µg for vitamin D)."""
        from spasmtrack.core.nutrition import intake_nutrients

        return intake_nutrients(self.as_record())[0]

    def summary(self) -> str:
        from spasmtrack.core.catalogue import foods

        if self.food_id:
            food = foods().get(self.food_id)
            if self.unit == self.Unit.SERVING and food:
                plural = "serving" if self.amount == 1 else "servings"
                grams = self.amount * food.serving.grams
                return f"{self.food_name} · {self.amount:g} {plural} ({grams:.0f} g)"
            return f"{self.food_name} · {self.amount:g} {self.unit}"
        kind = "supplement" if self.supplemental else "(not a supplement)"
        return f"{self.get_nutrient_display()} {kind} · {self.amount:g} {self.unit}"

    def __str__(self) -> str:
        return f"{self.summary()} on {self.local_date}"


class NutritionProfile(models.Model):
    """Optional age and sex, used only to pick reference values (adult defaults otherwise)."""

    class Sex(models.TextChoices):
        UNSAID = "", "Prefer not to say"
        FEMALE = "female", "Female"
        MALE = "male", "Male"

    person = models.OneToOneField(Person, models.CASCADE, related_name="nutrition_profile")
    age = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(ADULT_AGE), MaxValueValidator(120)]
    )
    sex = models.CharField(max_length=6, choices=Sex.choices, blank=True, default="")
    updated = models.DateTimeField(default=now)

    def __str__(self) -> str:
        return f"nutrition profile of {self.person}"

    @classmethod
    def for_person(cls, person: Person) -> NutritionProfile:
        """The person's profile; an unsaved blank one (adult defaults) if never set."""
        found = cls.objects.filter(person=person).first()
        return found if found is not None else cls(person=person)

    @property
    def sex_or_none(self) -> str | None:
        return self.sex or None


class ChecklistStatus(models.Model):
    """Where a person stands on one ergonomics checklist item (no row = not looked at)."""

    class Status(models.TextChoices):
        NOT_LOOKED = "not_looked", "Not looked at"
        DONE = "done", "Done"
        NOT_RELEVANT = "not_relevant", "Not relevant"

    person = models.ForeignKey(Person, models.CASCADE)
    item = models.CharField(max_length=60)  # id in ergonomics.json
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_LOOKED)
    local_date = models.DateField()  # the person's day when the status was last set
    updated = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "item"], name="one_status_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.status} ({self.local_date})"

    @classmethod
    def set(cls, person: Person, item: str, status: str, day: date) -> ChecklistStatus:
        """Record the status of a known checklist item (KeyError for an unknown item)."""
        from spasmtrack.core.catalogue import ergonomics

        if item not in ergonomics():
            raise KeyError(item)
        require_plausible(person, local_date=day)
        row, _ = cls.objects.update_or_create(
            person=person,
            item=item,
            defaults={"status": status, "local_date": day, "updated": now()},
        )
        return row


class ChangeEvent(Entry):
    """Something the person changed on a day ("new pillow"), to compare before and after."""

    class Category(models.TextChoices):
        SLEEP = "sleep", "Sleep (pillow, mattress, routine)"
        WORKSTATION = "workstation", "Desk and workstation"
        ACTIVITY = "activity", "Activity and exercise"
        DIET = "diet", "Food and drink"
        TREATMENT = "treatment", "Treatment or therapy"
        FOOTWEAR = "footwear", "Shoes and posture aids"
        OTHER = "other", "Something else"

    title = models.CharField(max_length=120)
    category = models.CharField(max_length=11, choices=Category.choices, default=Category.OTHER)

    class Meta:
        indexes = [by_day("changeevent")]  # (the lifestyle page, the before/after insight)

    def summary(self) -> str:
        return f"{self.title} ({self.get_category_display().split(' (')[0].lower()})"

    def __str__(self) -> str:
        return f"{self.title} on {self.local_date}"
