from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from spasmtrack.accounts.models import Person
from spasmtrack.core.demo import demo_days
from spasmtrack.diary.catalogue import sync_catalogue
from spasmtrack.diary.entries import RESOURCES, create_entry

DEMO_USER = "demo"
DEMO_PASSWORD = "demo-password"  # a synthetic account on a local machine; say so in the README


@transaction.atomic
def create_demo(days: int, seed: int, tz: str) -> int:
    """Create the demo person and their synthetic diary; refuses if `demo` exists."""
    if User.objects.filter(username=DEMO_USER).exists():
        raise ValueError("account 'demo' already exists")
    if not 1 <= days <= 3650:
        raise ValueError("--days must be between 1 and 3650")
    sync_catalogue()  # the demo logs catalogue treatments and habits by key
    user = User.objects.create_user(DEMO_USER, password=DEMO_PASSWORD)
    person = Person.objects.create(user=user, tz=tz)
    n = 0
    for d in demo_days(days, seed, person.today(), tz):
        create_entry(person, RESOURCES["checkins"], {"local_date": d.day, **d.checkin})
        for e in d.events:
            create_entry(person, RESOURCES["muscle-events"], e)
        for t in d.treatments:
            create_entry(person, RESOURCES["treatment-logs"], t)
        for habit, value in d.habits.items():
            create_entry(
                person,
                RESOURCES["habit-logs"],
                {"habit": habit, "local_date": d.day, "value": value},
            )
        n += 1 + len(d.events) + len(d.treatments) + len(d.habits)
    from spasmtrack.diary.demo_pages import fill_pages  # every other page: drawings, trials…

    return n + fill_pages(person, days, seed)
