"""Start-up stays light: the CLI and `django.setup()` load no numerical library (STYLE.md §7).

Each check runs in a fresh interpreter, since this test process has long imported NumPy.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from spasmtrack.core import nof1

HEAVY = ("scipy", "statsmodels", "pandas", "matplotlib", "numpy")
# Other libraries only some commands need (reports, FHIR, push, QR codes, HTTP): none at start.
OTHER = ("lxml", "fontTools", "PIL", "cryptography", "requests", "segno", "pywebpush")
# The API's validation libraries: only API, page-form and import paths need them.
SCHEMAS = ("ninja", "pydantic")

PROBE = """
import json, os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "spasmtrack.settings"
import spasmtrack.cli
after_cli = sorted(m for m in {heavy!r} if m in sys.modules)
import django
django.setup()
after_setup = sorted(m for m in {heavy!r} if m in sys.modules)
print(json.dumps({{"cli": after_cli, "setup": after_setup}}))
"""


def _probe(tmp_path: Path, heavy: tuple[str, ...] = HEAVY) -> dict[str, list[str]]:
    env = {**os.environ, "SPASMTRACK_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    code = PROBE.format(heavy=heavy)
    r = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1])


def test_it_imports_no_numerical_library_for_the_cli_or_django_setup(tmp_path: Path) -> None:
    loaded = _probe(tmp_path)
    assert loaded == {"cli": [], "setup": []}


def test_it_imports_no_other_heavy_library_for_the_cli_or_django_setup(tmp_path: Path) -> None:
    loaded = _probe(tmp_path, OTHER)
    assert loaded == {"cli": [], "setup": []}


def test_it_imports_neither_ninja_nor_pydantic_for_the_cli_or_django_setup(tmp_path: Path) -> None:
    loaded = _probe(tmp_path, SCHEMAS)
    assert loaded == {"cli": [], "setup": []}


SCHEMA_PROBE = """
import os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "spasmtrack.settings"
import django
django.setup()
from spasmtrack.diary.entries import RESOURCES
for res in RESOURCES.values():  # what `spasmtrack log` and import validate an entry with
    res.schema_in.model_validate(dict(res.sample))
print(sorted(m for m in ("ninja", "pydantic") if m in sys.modules))
RESOURCES["checkins"].schema_out  # a read shape: ninja's Schema
print(sorted(m for m in ("ninja", "pydantic") if m in sys.modules))
"""


def test_it_validates_entries_with_pydantic_alone_and_reads_them_with_ninja(
    tmp_path: Path,
) -> None:
    # The input schemas are plain pydantic, so the probe for ninja above can fail: the read
    # shapes load it.
    env = {**os.environ, "SPASMTRACK_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    r = subprocess.run(
        [sys.executable, "-c", SCHEMA_PROBE], env=env, capture_output=True, text=True
    )
    assert r.stdout.split("\n")[:2] == ["['pydantic']", "['ninja', 'pydantic']"], r.stderr


def test_it_detects_a_numerical_import_when_there_is_one(tmp_path: Path) -> None:
    # The probe itself must be able to fail: the n-of-1 analysis does load SciPy.
    env = {**os.environ, "SPASMTRACK_DATA_DIR": str(tmp_path)}
    code = "import sys; from spasmtrack.core.nof1 import analyse; print('scipy' in sys.modules)"
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert r.stdout.strip() == "True", r.stderr


@pytest.mark.parametrize("name", nof1.__all__)
def test_it_resolves_every_lazy_nof1_name(name: str) -> None:
    assert getattr(nof1, name) is not None
    assert name in dir(nof1)


def test_it_lists_each_lazy_nof1_name_once() -> None:
    assert sorted(nof1._MODULE_OF) == sorted(nof1.__all__)
    with pytest.raises(AttributeError):
        nof1.no_such_name  # noqa: B018


# One command in a fresh process: which of the apps' cli modules and of Rich it imported.
COMMAND_PROBE = """
import json, sys
from spasmtrack.cli import app
try:
    app({argv!r})
except SystemExit:
    pass
print(json.dumps(sorted(m for m in sys.modules if m.endswith(".cli") and m != "spasmtrack.cli"
    or m.split(".")[0] == "rich" or m == "typer.rich_utils")))
"""


def _imported_by(tmp_path: Path, *argv: str, stdin: str = "") -> list[str]:
    env = {**os.environ, "SPASMTRACK_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    code = COMMAND_PROBE.format(argv=list(argv))
    r = subprocess.run(
        [sys.executable, "-c", code], env=env, input=stdin, capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr
    return list(json.loads(r.stdout.strip().splitlines()[-1]))


def test_its_help_imports_no_command_module_and_not_rich(tmp_path: Path) -> None:
    assert _imported_by(tmp_path, "--help") == []
    assert _imported_by(tmp_path) == []  # no arguments: the same help


def test_a_command_imports_its_own_module_only(tmp_path: Path) -> None:
    peg = json.dumps({"pain": 6, "enjoyment": 5, "activity": 7})
    assert _imported_by(tmp_path, "score", "peg", stdin=peg) == ["spasmtrack.questionnaires.cli"]
    assert _imported_by(tmp_path, "trp", "--help") == ["spasmtrack.trigger_points.cli"]


def test_a_mistake_imports_no_command_module_and_not_rich(tmp_path: Path) -> None:
    assert _imported_by(tmp_path, "no-such-command") == []
    assert _imported_by(tmp_path, "score", "no-such-kind") == ["spasmtrack.questionnaires.cli"]


TRP_PROBE = """
from typer.testing import CliRunner
from django.apps import apps
from spasmtrack.cli import app
r = CliRunner().invoke(app, ["trp", "find", "calf_left", "--json"])
assert r.exit_code == 0, r.output
print(apps.ready)
"""


@pytest.mark.parametrize(
    ("accounts", "django_set_up"), [(None, False), (0, False), (2, False), (1, True)]
)
def test_it_sets_up_django_for_trp_find_only_when_sqlite_cannot_give_the_prior(
    tmp_path: Path, accounts: int | None, django_set_up: bool
) -> None:
    # (one account in a database without the diary's tables: Django reads the prior)
    if accounts is not None:
        with sqlite3.connect(tmp_path / "spasmtrack.sqlite3") as conn:
            conn.execute("CREATE TABLE auth_user (id integer primary key)")
            conn.executemany("INSERT INTO auth_user VALUES (?)", [(i,) for i in range(accounts)])
        conn.close()
    env = {**os.environ, "SPASMTRACK_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    r = subprocess.run(
        [sys.executable, "-c", TRP_PROBE], env=env, capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == str(django_set_up)


ONE_ACCOUNT = """
import os
os.environ["DJANGO_SETTINGS_MODULE"] = "spasmtrack.settings"
import django
django.setup()
from django.contrib.auth.models import User
from django.core.management import call_command
call_command("migrate", verbosity=0)
from spasmtrack.accounts.models import Person
from spasmtrack.diary.entries import RESOURCES, create_entry
person = Person.objects.for_user(User.objects.create_user("alice"))
tp = {"muscle": "gastrocnemius", "side": "left", "tenderness": 6}
create_entry(person, RESOURCES["trigger-points"], tp)
"""

PRIOR_PROBE = """
from typer.testing import CliRunner
from django.apps import apps
from spasmtrack.cli import app
r = CliRunner().invoke(app, ["trp", "find", "calf_left"])
assert r.exit_code == 0, r.output
print("1 recorded trigger point(s) count as a prior" in r.stdout, apps.ready)
"""


@pytest.fixture(scope="module")
def one_account(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of a data directory with a migrated SQLite database holding one
    account, with one trigger point recorded."""
    env = {**os.environ, "SPASMTRACK_DATA_DIR": str(tmp_path_factory.mktemp("one-account"))}
    env.pop("DATABASE_URL", None)
    made = subprocess.run(
        [sys.executable, "-c", ONE_ACCOUNT], env=env, capture_output=True, text=True, timeout=300
    )
    assert made.returncode == 0, made.stderr
    return env


def _last_line(code: str, env: dict[str, str]) -> str:
    """The last line `code` prints in a fresh interpreter (which must succeed) in `env`."""
    r = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 0, r.stderr
    return r.stdout.strip().splitlines()[-1]


def test_it_reads_the_only_accounts_prior_from_sqlite_without_django(
    one_account: dict[str, str],
) -> None:
    assert _last_line(PRIOR_PROBE, one_account) == "True False"  # the prior, and no Django


LOG_PROBE = """
import sys
from typer.testing import CliRunner
from spasmtrack.cli import app
r = CliRunner().invoke(app, ["log", "left calf cramp 6/10 for 10 min", "--yes"])
assert r.exit_code == 0 and "Saved 1 entry" in r.stdout, r.output
print(sorted(m for m in ("ninja", "pydantic") if m in sys.modules))
"""


def test_its_log_saves_an_entry_without_importing_ninja(one_account: dict[str, str]) -> None:
    assert _last_line(LOG_PROBE, one_account) == "['pydantic']"


@pytest.mark.django_db
def test_it_skips_migrate_only_when_every_migration_file_is_applied() -> None:
    from django.db import connection

    from spasmtrack.cli_kit import migrations_pending as _migrations_pending

    assert _migrations_pending() is False
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = 'diary'")
    assert _migrations_pending() is True


def test_it_marks_insights_findings_without_loading_the_trial_analysis(tmp_path: Path) -> None:
    # Insights' findings only read the trials' list; the analysis and the power check (with
    # scipy.stats, half a second) load when an experiment is analysed or planned.
    env = {**os.environ, "SPASMTRACK_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    code = (
        "import os, sys; os.environ['DJANGO_SETTINGS_MODULE'] = 'spasmtrack.settings'; "
        "import django; django.setup(); "
        "import spasmtrack.trials.findings, spasmtrack.trials.days, spasmtrack.trials.design; "
        "names = ['spasmtrack.core.nof1.model', 'spasmtrack.core.nof1.power']; "
        "print([m for m in names if m in sys.modules]); "
        "from spasmtrack.trials.days import analysis; from spasmtrack.core.nof1 import analyse; "
        "from spasmtrack.trials.design import check_power; "
        "from spasmtrack.core.nof1 import power_warning; "
        "print([m for m in names if m in sys.modules])"
    )
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    loaded = "['spasmtrack.core.nof1.model', 'spasmtrack.core.nof1.power']"
    assert r.stdout.split("\n")[:2] == ["[]", loaded], r.stderr
