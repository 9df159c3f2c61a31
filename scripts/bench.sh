#!/usr/bin/env bash
# Runs every benchmark in bench/, one after the other (they print their own ratios against a
# baseline measured in the same run). Takes about 15 minutes on a 2-core machine; run one with
# `.venv/bin/python bench/NAME.py --help` instead when you only need that figure.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
status=0
for b in cli_start trp_finder quicklog bodymap insights nof1 flaredown_import flaredown_db_import history_page \
         insights_page log_write crash_safety soak; do
  [ -f "bench/$b.py" ] || continue
  echo; echo "===== bench/$b.py"
  $PY "bench/$b.py" || status=1
done
exit $status
