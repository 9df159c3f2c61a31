from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from typer.testing import CliRunner

from spasmtrack.cli import app
from spasmtrack.diary.entries import RESOURCES, create_entry

runner = CliRunner()

pytestmark = pytest.mark.django_db(transaction=True)
ITEM_KEYS = {"factor", "outcome", "lag_days", "effect", "ci95", "q_value", "n_with", "n_without"}


def _alice_with_diary() -> None:
    r = runner.invoke(app, ["user", "add", "alice", "--password-stdin"], input="a-long-pass-1\n")
    assert r.exit_code == 0, r.output
    from django.contrib.auth.models import User

    from spasmtrack.accounts.models import Person
    from spasmtrack.diary.catalogue import sync_catalogue

    sync_catalogue()
    person = Person.objects.for_user(User.objects.get(username="alice"))
    for i in range(40):
        day = date(2025, 9, 1) + timedelta(days=i)
        heat = i % 2 == 0
        create_entry(
            person,
            RESOURCES["muscle-events"],
            {
                "kind": "spasm",
                "started_at": f"{day}T10:00:00Z",
                "intensity": (3 if heat else 7) + i % 3 - 1,
                "regions": ["calf_left"],
            },
        )
        # A habit every day: every day counts as fully logged, so no-heat days are "no".
        create_entry(
            person,
            RESOURCES["habit-logs"],
            {"habit": "hours_slept", "local_date": day, "value": 6.0 + (i * 7) % 5 / 2},
        )
        if heat:
            create_entry(
                person, RESOURCES["treatment-logs"], {"treatment": "heat", "at": f"{day}T18:00Z"}
            )


def test_it_prints_json_with_the_four_groups() -> None:
    _alice_with_diary()
    r = runner.invoke(app, ["insights", "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert {"helps", "aggravates", "no_clear_effect", "not_enough_data"} <= set(data)
    assert data["helps"] and set(data["helps"][0]) >= ITEM_KEYS
    assert data["helps"][0]["factor"] == "heat"


def test_it_prints_sentences_first_then_counts() -> None:
    _alice_with_diary()
    r = runner.invoke(app, ["insights", "--user", "alice", "--since", "2025-09-01"])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    first_sentence = next(i for i, line in enumerate(lines) if "On days with heat" in line)
    counts = next(i for i, line in enumerate(lines) if "showed no clear effect" in line)
    assert first_sentence < counts
    assert "not medical advice" in r.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "2025-13-01"], "--since: '2025-13-01' is not a date (use YYYY-MM-DD)"),
        (["--until", "soon"], "--until: 'soon' is not a date"),
        (["--since", "2025-10-01", "--until", "2025-09-01"], "--since must be on or before"),
    ],
)
def test_it_refuses_bad_dates_with_exit_code_2(args: list[str], message: str) -> None:
    r = runner.invoke(app, ["insights", *args])
    assert r.exit_code == 2
    assert message in r.output and "Traceback" not in r.output


def test_it_says_what_a_finished_experiment_said() -> None:
    _alice_with_diary()
    from django.contrib.auth.models import User

    from spasmtrack.accounts.models import Person
    from spasmtrack.diary.models import Treatment
    from spasmtrack.trials.models import Trial

    person = Person.objects.for_user(User.objects.get(username="alice"))
    trial = Trial.objects.create(
        person=person, title="Heat test", treatment_b=Treatment.objects.get(key="heat"),
        outcome="max_spasm_intensity", start=date(2025, 9, 1), period_days=5, blocks=4,
    )  # fmt: skip
    data = json.loads(runner.invoke(app, ["insights", "--json"]).output)
    marks = [i["experiment"] for i in data["helps"] if "max spasm intensity" in i["outcomes"]]
    assert marks and marks[0]["trial"] == str(trial.code)
    assert all("experiment" in i for g in ("helps", "aggravates") for i in data[g])
    text = runner.invoke(app, ["insights"]).output
    assert "by your experiment “Heat test”." in text
