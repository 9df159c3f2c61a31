"""Pages that answer htmx with a fragment: the one way a view renders a part of a page.

`fragment(request, name, ctx)` renders a template on its own (the template is looked up once
per process, as the views' module-level `get_template` constants did); `page_or_fragment`
answers a whole page, or for htmx (`HX-Request`) only the part htmx swaps, which then shows
its own status messages (`htmx` in the context).
"""

from __future__ import annotations

import functools
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import get_template

from spasmtrack.accounts.http import is_htmx


@functools.cache
def _template(name: str) -> Any:
    return get_template(name)


def fragment(request: HttpRequest, name: str, ctx: dict[str, Any]) -> HttpResponse:
    return HttpResponse(_template(name).render(ctx, request))


def page_or_fragment(
    request: HttpRequest, page: str, part: str, ctx: dict[str, Any]
) -> HttpResponse:
    """`page`, or for htmx `part` alone; `ctx["htmx"]` says which."""
    ctx["htmx"] = is_htmx(request)
    if ctx["htmx"]:
        return fragment(request, part, ctx)
    return render(request, page, ctx)
