"""Forms of the finder (a body map) and of "I found a tender spot here"."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from spasmtrack.core.body.muscles import all_muscles
from spasmtrack.diary.forms import NRS_CHOICES, BodyMapForm
from spasmtrack.diary.widgets import BodyMapField, BodyMapWidget
from spasmtrack.trigger_points.services import DEFAULT_TENDERNESS

# A region named by a plain id (a `?regions=calf_left` link) counts as the worst pain, as the
# finder treats a plain list of regions.
PLAIN_ID_INTENSITY = 10


def muscle_choices() -> list[tuple[str, str]]:
    return [(m.id, m.name) for m in all_muscles().values()]


class FinderMapWidget(BodyMapWidget):
    """The body map widget that also reads `?regions=a&regions=b` (plain region ids: links
    from elsewhere, and the vocabulary of `spasmtrack trp find`) besides the map's JSON."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> dict[str, int] | str:
        raw = data.getlist(name) if hasattr(data, "getlist") else [data.get(name) or ""]
        raw = [r.strip() for r in raw if r and r.strip()]
        if not raw or (len(raw) == 1 and raw[0].startswith("{")):
            return super().value_from_datadict(data, files, name)
        return dict.fromkeys(raw, PLAIN_ID_INTENSITY)


class FinderForm(BodyMapForm):
    """Painful areas with their intensities, which the finder uses as the drawing's weights.

    GET form (results can be bookmarked); the slider is optional because plain-id links have
    none. Areas tapped at intensity 0 ("none") are left out.
    """

    regions = BodyMapField(
        label="Set the slider, then tap each area that hurts",
        widget=FinderMapWidget,
    )
    bodymap_intensity = forms.IntegerField(
        min_value=0, max_value=10, required=False, label="How strong?"
    )

    def clean_regions(self) -> dict[str, int]:
        painful = {r: v for r, v in self.cleaned_data["regions"].items() if v > 0}
        if not painful:
            raise ValidationError("Set the slider above 0, then tap each area where it hurts.")
        return painful


TRP_STATUS_CHOICES = [
    ("active", "Active: it hurts on its own"),
    ("latent", "Latent: tender only when pressed"),
    ("resolved", "Resolved: I can no longer find it"),
]


class TenderSpotForm(forms.Form):
    """One tap records a trigger point found by the person (tenderness default 5); active
    unless "Tender again today" says it is now latent or resolved."""

    muscle = forms.ChoiceField(choices=muscle_choices)
    side = forms.ChoiceField(choices=[("left", "Left"), ("right", "Right"), ("midline", "Middle")])
    tenderness = forms.TypedChoiceField(choices=NRS_CHOICES, coerce=int, initial=DEFAULT_TENDERNESS)
    status = forms.ChoiceField(choices=TRP_STATUS_CHOICES, required=False, initial="active")
    next = forms.CharField(required=False, max_length=2000)

    def clean_status(self) -> str:
        return self.cleaned_data.get("status") or "active"
