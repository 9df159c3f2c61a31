"""The periodic work behind reminders: queue what is due, then claim and send it.

Any number of workers may run side by side (`spasmtrack reminders --loop` on several hosts,
plus the thread in each `spasmtrack serve` worker), on SQLite or PostgreSQL, with no broker:

- `queue_due(now)` computes what is due for everybody who wants push or e-mail and inserts one
  `Delivery` per (person, key, channel). The unique constraint makes a second scheduler's
  insert a no-op, so two ticks never queue a reminder twice.
- `handle_one_batch(worker)` claims up to `BATCH` pending rows in one transaction (PostgreSQL:
  `SELECT … FOR UPDATE SKIP LOCKED`, so concurrent workers take different rows without
  waiting; SQLite: the IMMEDIATE transaction serialises claimers) and stamps them with the
  worker's id and a lease (`claim_until`). The UPDATE is filtered on "still pending and
  unclaimed or lease expired", so even without row locks two workers cannot both win a row.
- Each claimed row is sent, then marked sent by a filtered UPDATE (`claimed_by = me`), in
  groups of at most `MARK_EVERY` rows or `MARK_SECONDS` (one commit per group, not per row). A
  worker killed between claim and mark leaves its lease to expire (`LEASE`); another worker
  then claims and sends the unmarked rows again. That makes push and e-mail **at-least-once**:
  after a crash between the channel accepting a message and its row being marked, the message
  goes out twice. We prefer a rare duplicate to a lost reminder, and soften it: a push carries
  the reminder key as its notification `tag` and `Topic`, so a second copy replaces the first
  on the phone; an e-mail carries a Message-ID made from the delivery, so mail systems that
  drop duplicate Message-IDs (e.g. Gmail) show it once. Today and the calendar need no delivery
  (computed when shown / alarms kept by the calendar app).
"""

from __future__ import annotations

import gc
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils.timezone import now as _now

from spasmtrack.core.reminders import Due, due
from spasmtrack.reminders import facts as reminder_facts
from spasmtrack.reminders.channels import SENDERS, PermanentFailure, Sender
from spasmtrack.reminders.models import Delivery

log = logging.getLogger("spasmtrack.reminders")

BATCH = 50
LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 5
# Sent rows are marked in small groups (one commit each), not one by one.
MARK_EVERY = 10
MARK_SECONDS = 0.5
TEST_KIND = "test"


def worker_id() -> str:
    """A name for this worker unique across hosts and processes (kept with each claim)."""
    return f"{socket.gethostname()[:20]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def url_for(d: Due) -> str:
    """Where a reminder takes the person (a path on this site)."""
    if d.kind == "checkin":
        return reverse("diary:checkin")
    if d.kind == "pain_after":
        return reverse("reminders:pain_after", args=[d.subject])
    if d.kind == "experiment":
        return reverse("trials:detail", args=[d.subject])
    return reverse("questionnaires:fill", args=[d.kind])


def channels_of(r: reminder_facts.Reminded) -> list[str]:
    out: list[str] = []
    if r.by_push:
        out.append(Delivery.Channel.PUSH)
    if r.by_email:
        out.append(Delivery.Channel.EMAIL)
    return out


def compute_due(now: datetime) -> list[tuple[reminder_facts.Reminded, Due]]:
    """What is due at `now` for everybody who wants push or e-mail (reads only).

    The garbage collector is paused meanwhile: a tick makes some 100,000 small acyclic
    objects (tuples, frozensets), and the collections their allocation triggers would
    traverse every object of the process again and again, for nothing to collect. That took
    more time than the work itself at 10,000 people (bench/reminders.py)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return [
            (r, d)
            for r in reminder_facts.load(reminder_facts.wanting_delivery, now)
            for d in due(r.plan, r.facts, now)
        ]
    finally:
        if paused:
            gc.enable()


def queue_due(now: datetime | None = None) -> int:
    """Queue a Delivery for each due reminder and channel not queued before; returns how many
    new ones. Safe to run concurrently (see the module docstring)."""
    now = now or _now()
    found = compute_due(now)
    if not found:
        return 0
    current = set(Delivery.objects.filter(until__gt=now).values_list("person_id", "key", "channel"))
    urls: dict[tuple[str, str], str] = {}
    new = []
    for s, d in found:
        for channel in channels_of(s):
            if (s.person_id, d.key, channel) in current:
                continue
            url = urls.get((d.kind, d.subject)) or urls.setdefault((d.kind, d.subject), url_for(d))
            new.append(
                Delivery(
                    person_id=s.person_id,
                    key=d.key,
                    kind=d.kind,
                    channel=channel,
                    due_at=d.at,
                    until=d.until,
                    title=d.title,
                    body=d.body,
                    url=url,
                    created=now,
                )
            )
    Delivery.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    return len(new)


def _claimable(now: datetime) -> Q:
    return Q(status=Delivery.Status.PENDING, due_at__lte=now) & (
        Q(claim_until__isnull=True) | Q(claim_until__lt=now)
    )


def claim(worker: str, now: datetime, limit: int = BATCH) -> list[Delivery]:
    """Take up to `limit` due rows for `worker` (lease `LEASE`); [] when nothing is left."""
    lease = now + LEASE
    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(_claimable(now))
            .order_by("due_at", "id")
            .values_list("id", flat=True)[:limit]
        )
        if not ids:
            return []
        Delivery.objects.filter(_claimable(now), id__in=ids).update(
            claimed_by=worker, claim_until=lease, attempts=F("attempts") + 1
        )
    return list(
        Delivery.objects.filter(id__in=ids, claimed_by=worker, claim_until=lease)
        .select_related("person__user")
        .order_by("due_at", "id")
    )


def _finish(d: Delivery, worker: str, **fields: object) -> bool:
    """Record the outcome if the claim is still ours (a slow worker whose lease expired and
    was taken over must not overwrite the newer claim's result)."""
    return bool(
        Delivery.objects.filter(id=d.id, claimed_by=worker, claim_until=d.claim_until).update(
            **fields
        )
    )


def still_due_keys(deliveries: list[Delivery], now: datetime) -> set[tuple[int, str]]:
    """(person id, key) of the claimed reminders that are still due: a check-in saved or a
    pain-after filled in since queueing cancels the reminder. One bulk read per batch."""
    if not deliveries:
        return set()
    scope = reminder_facts.people({d.person_id for d in deliveries})
    return {
        (r.person_id, d.key)
        for r in reminder_facts.load(scope, now)
        for d in due(r.plan, r.facts, now)
    }


def handle_one_batch(
    worker: str, senders: Mapping[str, Sender] | None = None, now: datetime | None = None
) -> int:
    """Claim and send one batch; returns how many rows were handled (0: nothing to do)."""
    senders = senders or SENDERS
    now = now or _now()
    batch = claim(worker, now)
    if not batch:
        return 0
    live = still_due_keys([d for d in batch if d.kind != TEST_KIND], now)
    sent: list[int] = []
    flushed = time.monotonic()

    def flush() -> None:
        # One UPDATE (one commit) for the rows sent since the last one, still only where the
        # claim is ours. A crash loses at most these marks: at most MARK_EVERY sends, or
        # MARK_SECONDS of them, go out again (at-least-once).
        nonlocal flushed
        if sent:
            lease = batch[0].claim_until
            Delivery.objects.filter(id__in=sent, claimed_by=worker, claim_until=lease).update(
                status=Delivery.Status.SENT, sent_at=_now(), claim_until=None
            )
            sent.clear()
        flushed = time.monotonic()

    for d in batch:
        # A test reminder (Reminders page) is sent whatever is due.
        if d.until <= now or (d.kind != TEST_KIND and (d.person_id, d.key) not in live):
            _finish(d, worker, status=Delivery.Status.STALE, claim_until=None)
            continue
        try:
            senders[d.channel](d)
        except PermanentFailure as e:
            _finish(d, worker, status=Delivery.Status.FAILED, last_error=str(e)[:300])
        except Exception as e:  # a channel's trouble (network, SMTP) must not stop the worker
            log.warning("reminder %s by %s failed: %s", d.key, d.channel, e)
            fields: dict[str, object] = {"last_error": f"{type(e).__name__}: {e}"[:300]}
            if d.attempts >= MAX_ATTEMPTS:
                fields["status"] = Delivery.Status.FAILED
            # Otherwise the lease runs out and any worker retries it then.
            _finish(d, worker, **fields)
        else:
            sent.append(d.id)
            if len(sent) >= MARK_EVERY or time.monotonic() - flushed >= MARK_SECONDS:
                flush()
    flush()
    return len(batch)


def tick(
    worker: str,
    senders: Mapping[str, Sender] | None = None,
    stop: threading.Event | None = None,
) -> tuple[int, int]:
    """One round: queue what is due, then send until nothing claimable is left (or `stop` is
    set: the batch in hand is finished, the rest left for the next worker). Returns
    (queued, handled)."""
    queued = queue_due()
    handled = 0
    while not (stop is not None and stop.is_set()) and (n := handle_one_batch(worker, senders)):
        handled += n
    return queued, handled


def run_loop(
    stop: threading.Event,
    interval: float = 30.0,
    worker: str | None = None,
    senders: Mapping[str, Sender] | None = None,
) -> None:
    """Tick every `interval` seconds until `stop` is set (SIGTERM sets it in the CLI)."""
    from django.db import close_old_connections

    worker = worker or worker_id()
    while not stop.is_set():
        try:
            close_old_connections()
            tick(worker, senders, stop)
        except Exception:  # a database hiccup: log, wait, try again
            log.exception("reminder tick failed")
        stop.wait(interval)
