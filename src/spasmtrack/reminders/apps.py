from __future__ import annotations

from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "spasmtrack.reminders"
    label = "reminders"
    # An experiment's calendar file rings at the person's chosen time (trials.views.ics).
    experiment_alarm = "spasmtrack.reminders.calendar:experiment_alarm"
