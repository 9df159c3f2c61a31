"""Run by tests/accounts/test_day_start_migration.py in a fresh process on its own SQLite
file: migrate to just before accounts 0004, add a person, migrate on, and print (as JSON)
the day start of that person and of one created afterwards."""

from __future__ import annotations

import json

import django


def main() -> None:
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("accounts", "0003_idempotent_requests")]
    # Everything first (the catalogue sync after migrate needs the diary's tables), then back.
    call_command("migrate", verbosity=0)
    call_command("migrate", "accounts", "0003_idempotent_requests", verbosity=0)
    old = MigrationExecutor(connection).loader.project_state(before).apps
    user = old.get_model("auth", "User").objects.create(username="early")
    old.get_model("accounts", "Person").objects.create(user=user, tz="Europe/Berlin")
    call_command("migrate", verbosity=0)

    from django.contrib.auth.models import User

    from spasmtrack.accounts.models import Person

    later = Person.objects.create(user=User.objects.create_user("later"))
    early = Person.objects.get(user__username="early")
    print(json.dumps({"early": early.day_start.isoformat(), "later": later.day_start.isoformat()}))


if __name__ == "__main__":
    main()
