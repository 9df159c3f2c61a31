"""The tender-point exam's sites drawn on the body map (static SVG from `core.body.bodymap`).

On the exam page each site shows its number in the order of the exam (a pair shares one
number); on a result page each site shows the person's 0-10 rating.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

from spasmtrack.core.body.bodymap import VIEW_LABELS, VIEWS, render_bodymap
from spasmtrack.core.body.regions import all_regions
from spasmtrack.core.questionnaires import definitions


@dataclass(frozen=True)
class SiteMap:
    view: str
    name: str
    svg: SafeString


def _site_regions() -> dict[str, str]:
    return {i["id"]: i["region"] for i in definitions()["questionnaires"]["mtps"]["items"]}


def site_maps(values: Mapping[str, int], id_prefix: str) -> list[SiteMap]:
    """One static map per view holding a site; `values` maps site id -> the number shown."""
    regions = all_regions()
    by_region = {_site_regions()[site]: v for site, v in values.items()}
    out = []
    for view in VIEWS:
        selected = {r: v for r, v in by_region.items() if regions[r].view == view}
        if selected:
            # core.body.bodymap escapes every text it writes, so its markup is safe to mark safe.
            svg = render_bodymap(view, selected=selected, interactive=False, id_prefix=id_prefix)
            out.append(SiteMap(view, VIEW_LABELS[view], mark_safe(svg)))
    return out


def order_values() -> dict[str, int]:
    """Site id -> its number in the exam order (forehead 1, occiput 2, ..., knee 10)."""
    from spasmtrack.questionnaires.forms import mtps_groups

    return {item["id"]: n for n, _, items in mtps_groups() for item in items}
