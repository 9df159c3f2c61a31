"""The body map as a Django form widget: both views, a hidden JSON value and the intensity
slider, progressively enhanced by static/js/bodymap.js; a plain list of regions stays
available (inside <details>) for anyone who prefers it or has no JavaScript."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.safestring import mark_safe

from spasmtrack.core.body.bodymap import render_bodymap
from spasmtrack.core.body.regions import all_regions, groups


class BodyMapWidget(forms.Widget):
    template_name = "diary/bodymap_widget.html"

    class Media:
        css = {"all": ["css/bodymap.css"]}
        js = ["js/bodymap.js"]

    def __init__(self, *, intensity_label: str = "How strong? 0 = none, 10 = worst") -> None:
        super().__init__()
        self.intensity_label = intensity_label
        self.intensity = 5  # set per request by the form: the person's last-used intensity

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        ctx = super().get_context(name, value, attrs)
        selected = value if isinstance(value, dict) else {}
        safe = {
            k: v
            for k, v in selected.items()
            if k in all_regions() and isinstance(v, int) and 0 <= v <= 10
        }
        ctx["widget"].update(
            {
                "front": mark_safe(render_bodymap("front", selected=safe, id_prefix=f"{name}f")),
                "back": mark_safe(render_bodymap("back", selected=safe, id_prefix=f"{name}b")),
                "json": json.dumps(safe),
                "groups": [(g.replace("_", " ").capitalize(), rs) for g, rs in groups().items()],
                "selected": set(safe),
                "intensity_label": self.intensity_label,
                "intensity": self.intensity,
            }
        )
        return ctx

    def value_from_datadict(self, data: Any, files: Any, name: str) -> dict[str, int] | str:
        """{region: intensity}: from the map's JSON, plus any ticked in the plain list (at
        the slider's intensity)."""
        raw = data.get(name) or "{}"
        try:
            chosen = json.loads(raw)
        except json.JSONDecodeError:
            return raw  # reported by the field as invalid
        if not isinstance(chosen, dict):
            return raw
        try:
            level = int(data.get("bodymap_intensity", ""))
        except ValueError:
            level = None
        for rid in data.getlist(f"{name}_list") if hasattr(data, "getlist") else []:
            if rid not in chosen and level is not None:
                chosen[rid] = level
        return chosen


class BodyMapField(forms.Field):
    """Cleans to {region id: intensity 0-10}; unknown ids and bad intensities are errors."""

    widget = BodyMapWidget

    def to_python(self, value: Any) -> dict[str, int]:
        if value in (None, "", {}):
            return {}
        if not isinstance(value, dict):
            raise ValidationError("The body map sent something unreadable; please tap again.")
        if bad := [k for k in value if k not in all_regions()]:
            raise ValidationError(f"Unknown body region(s): {', '.join(bad)}")
        out = {}
        for k, v in value.items():
            if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= 10:
                raise ValidationError(f"Intensity for {all_regions()[k].label} must be 0-10.")
            out[k] = v
        return out

    def validate(self, value: dict[str, int]) -> None:
        if self.required and not value:
            raise ValidationError("Tap where it is on the body map (or pick from the list).")


def intensity_field() -> forms.IntegerField:
    """The slider drawn inside the body map widget (the field only validates it)."""
    return forms.IntegerField(min_value=0, max_value=10, label="How strong?")
