"""Start-up stays light: the CLI and `django.setup()` load no numerical library (STYLE.md §7).

Each check runs in a fresh interpreter, since this test process has long imported NumPy.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from spasmtrack.core import nof1

HEAVY = ("scipy", "statsmodels", "pandas", "matplotlib", "numpy")

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


def _probe(tmp_path: object) -> dict[str, list[str]]:
    env = {**os.environ, "SPASMTRACK_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    code = PROBE.format(heavy=HEAVY)
    r = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1])


def test_it_imports_no_numerical_library_for_the_cli_or_django_setup(tmp_path: object) -> None:
    loaded = _probe(tmp_path)
    assert loaded == {"cli": [], "setup": []}


def test_it_detects_a_numerical_import_when_there_is_one(tmp_path: object) -> None:
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
