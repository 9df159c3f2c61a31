"""Add Person.day_start ("my day starts at").

Accounts that exist when this runs get 00:00, their calendar days: that is how their stored
days were computed, so no entry moves to another day and a 01:30 spasm logged tomorrow counts
for the same day as one logged yesterday would have. They can move their day start in
Settings (entries already saved keep their day, as after a time-zone change). Accounts made
afterwards get the new default, 04:00.
"""

import datetime

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_idempotent_requests"),
    ]

    operations = [
        # Existing rows are filled with the column default of the AddField: midnight.
        migrations.AddField(
            model_name="person",
            name="day_start",
            field=models.TimeField(default=datetime.time(0, 0)),
        ),
        # From now on a new person starts their day at 04:00.
        migrations.AlterField(
            model_name="person",
            name="day_start",
            field=models.TimeField(default=datetime.time(4, 0)),
        ),
    ]
