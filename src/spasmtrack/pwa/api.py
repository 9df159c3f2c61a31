"""No JSON API of its own: the outbox posts to the pages' own forms (see outbox.js)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["pwa"])
