from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spasmtrack.cli import app

runner = CliRunner()

pytestmark = pytest.mark.django_db(transaction=True)

CALF = ["calf_left", "heel_left", "knee_back_left"]


def _ranking(*args: str) -> list[dict[str, object]]:
    r = runner.invoke(app, ["trp", "find", *args, "--json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_it_lists_muscles_as_json_with_their_sources() -> None:
    r = runner.invoke(app, ["trp", "muscles", "--json"])
    assert r.exit_code == 0, r.output
    muscles = json.loads(r.stdout)
    assert len(muscles) > 40
    for m in muscles:
        assert {"id", "name", "trp_regions", "essential", "spillover", "sources"} <= set(m)
        assert m["sources"] and all(s["citation"] for s in m["sources"])


def test_it_lists_muscles_and_regions_as_tables() -> None:
    r = runner.invoke(app, ["trp", "muscles"])
    assert r.exit_code == 0 and "upper_trapezius" in r.stdout and "Upper trapezius" in r.stdout
    r = runner.invoke(app, ["trp", "regions"])
    assert r.exit_code == 0 and "calf_left" in r.stdout and "calf (left)" in r.stdout


def test_it_ranks_the_muscles_that_could_refer_the_pain() -> None:
    ranking = _ranking("neck_side_left", "temple_left", "shoulder_top_left")
    assert ranking[0]["muscle"] == "upper_trapezius"
    assert ranking[0]["side"] == "left"
    assert set(ranking[0]["explains"]) == {"neck_side_left", "temple_left", "shoulder_top_left"}
    for c in ranking:
        assert c["side"] in ("left", "right", "both")
        assert 0 <= c["score"] <= 1
    scores = [c["score"] for c in ranking]
    assert scores == sorted(scores, reverse=True)


def test_it_takes_intensities_after_an_equals_sign() -> None:
    assert _ranking("calf_left=3")[0]["explains"] == ["calf_left"]
    r = runner.invoke(app, ["trp", "find", "calf_left=12"])
    assert r.exit_code == 2 and r.stdout == "" and "0-10" in r.stderr


def test_it_refuses_unknown_region_ids_with_exit_2_and_a_hint() -> None:
    r = runner.invoke(app, ["trp", "find", "calf_lft", "neck_side_left", "nose", "--json"])
    assert r.exit_code == 2
    assert r.stdout == ""
    assert "unknown region id(s): calf_lft, nose" in r.stderr
    assert "did you mean calf_left" in r.stderr
    assert "spasmtrack trp regions" in r.stderr


def test_it_prints_a_table_with_self_checks_and_the_combination() -> None:
    regions = ["neck_side_left", "temple_left", "shoulder_top_left", "buttock_left"]
    r = runner.invoke(app, ["trp", "find", *regions, "thigh_outer_left"])
    assert r.exit_code == 0, r.output
    assert "could be referring" in r.stdout and "not a diagnosis" in r.stdout
    assert "Upper trapezius" in r.stdout and "Self-check:" in r.stdout
    assert "Together, Upper trapezius (left side) + Gluteus medius (left side)" in r.stdout
    r = runner.invoke(app, ["trp", "find", "neck_side_left", "temple_left", "shoulder_top_left"])
    assert "Together" not in r.stdout  # one muscle explains all of it


def test_it_works_with_no_account() -> None:
    assert _ranking(*CALF)[0]["muscle"] in ("soleus", "tibialis_posterior")


def test_it_uses_the_only_accounts_trigger_points_as_a_prior() -> None:
    from spasmtrack.diary.entries import RESOURCES, create_entry

    before = [c["muscle"] for c in _ranking(*CALF)]
    r = runner.invoke(app, ["user", "add", "alice", "--password-stdin"], input="a-long-pass-1\n")
    assert r.exit_code == 0, r.output
    from spasmtrack.accounts.models import Person

    person = Person.objects.get(user__username="alice")
    tp = {"muscle": "gastrocnemius", "side": "left", "tenderness": 6}
    create_entry(person, RESOURCES["trigger-points"], tp)
    after = [c["muscle"] for c in _ranking(*CALF)]
    assert after.index("gastrocnemius") < before.index("gastrocnemius")
    assert [c["muscle"] for c in _ranking(*CALF, "--user", "alice")] == after
    r = runner.invoke(app, ["trp", "find", *CALF, "--user", "nobody"])
    assert r.exit_code == 1 and "no account named 'nobody'" in r.stderr


def test_it_runs_without_a_database_and_creates_none(tmp_path: Path) -> None:
    env = {**os.environ, "SPASMTRACK_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    cmd = [sys.executable, "-m", "spasmtrack.cli", "trp", "find", *CALF, "--json"]
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)[0]["explains"]
    assert not list(tmp_path.glob("*.sqlite3*"))


def test_its_sqlite_query_reads_the_same_prior_as_the_orm() -> None:
    # `trp find` reads the only account's prior from SQLite without Django (cli.read_prior);
    # it must be services.personal_prior's: latest status per muscle-side, midline for both
    # sides, no resolved, no binned entry, no unknown muscle, nobody else's.
    from datetime import timedelta

    from django.contrib.auth.models import User
    from django.db import connection
    from django.utils import timezone

    from spasmtrack.accounts.models import Person
    from spasmtrack.diary.entries import RESOURCES, create_entry
    from spasmtrack.diary.models import TriggerPoint
    from spasmtrack.trigger_points.cli import read_prior
    from spasmtrack.trigger_points.services import personal_prior

    if connection.vendor != "sqlite":
        pytest.skip("the query is SQLite's")
    alice = Person.objects.for_user(User.objects.create_user("alice"))
    bob = Person.objects.for_user(User.objects.create_user("bob"))
    trp = RESOURCES["trigger-points"]
    day = timezone.now() - timedelta(days=3)
    for i, (who, muscle, side, status) in enumerate(
        [
            (alice, "gastrocnemius", "left", "active"),
            (alice, "gastrocnemius", "left", "latent"),  # latest: latent
            (alice, "soleus", "right", "active"),
            (alice, "soleus", "right", "resolved"),  # latest: resolved, no prior
            (alice, "multifidi_lumbosacral", "midline", "active"),  # both sides
            (alice, "upper_trapezius", "left", "active"),  # binned below
            (bob, "levator_scapulae", "left", "active"),  # someone else's
        ]
    ):
        at = day + timedelta(hours=i)
        data = {"muscle": muscle, "side": side, "status": status, "tenderness": 5, "at": at}
        create_entry(who, trp, data)
    TriggerPoint.objects.filter(muscle="upper_trapezius").update(deleted_at=timezone.now())
    # recorded before unknown ids were refused
    TriggerPoint.objects.create(person=alice, muscle="gone", side="left", tenderness=3)
    expected = personal_prior(alice)
    assert sorted(expected) == [
        ("gastrocnemius", "left", "latent"),
        ("multifidi_lumbosacral", "both", "active"),
    ]
    connection.ensure_connection()
    assert read_prior(connection.connection, alice.user_id) == expected
    assert read_prior(connection.connection, bob.user_id) == personal_prior(bob)
