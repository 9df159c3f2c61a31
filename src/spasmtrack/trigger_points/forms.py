"""Forms of the finder and of "I found a tender spot here"."""

from __future__ import annotations

from django import forms

from spasmtrack.core.muscles import all_muscles
from spasmtrack.diary.forms import NRS_CHOICES, region_choices
from spasmtrack.trigger_points.services import DEFAULT_TENDERNESS


def muscle_choices() -> list[tuple[str, str]]:
    return [(m.id, m.name) for m in all_muscles().values()]


class FinderForm(forms.Form):
    regions = forms.MultipleChoiceField(
        choices=region_choices,
        label="Where does it hurt? Tick every area.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tick at least one area where it hurts."},
    )


class TenderSpotForm(forms.Form):
    """One tap records an active trigger point found by the person (tenderness default 5)."""

    muscle = forms.ChoiceField(choices=muscle_choices)
    side = forms.ChoiceField(choices=[("left", "Left"), ("right", "Right"), ("midline", "Middle")])
    tenderness = forms.TypedChoiceField(choices=NRS_CHOICES, coerce=int, initial=DEFAULT_TENDERNESS)
    next = forms.CharField(required=False, max_length=2000)
