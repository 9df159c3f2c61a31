"""`{% export_formats as formats %}`: the downloads offered on a page, from the format
registry (so the Settings page lists a new format without an edit of its own)."""

from __future__ import annotations

from django import template

from spasmtrack.interop.formats import ExportFormat, page_exports

register = template.Library()


@register.simple_tag
def export_formats() -> list[ExportFormat]:
    return page_exports()
