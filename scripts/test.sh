#!/usr/bin/env bash
# Set up everything the tests need, then run them all. Safe to run again: each step is skipped when done.
#   - a virtual environment .venv/ with badgegen and its test tools;
#   - the official 1EdTech Open Badges validator in its own .venv-validator/ (its pins are old);
#   - axe-core (accessibility rules) from npm, into node_modules/;
#   - the independent Open Badges 3.0 verifier's npm packages, from its lock file, into
#     tests/vc-verifier/node_modules/;
#   - Debian's chromium for the browser tests (installed with apt-get when run as root).
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -k bake` or `--update-golden`.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
  else
    echo "Chromium is missing: run 'sudo apt-get install chromium' (browser tests need it)." >&2
  fi
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"

.venv/bin/python tests/validator/setup_venv.py

if [ ! -f node_modules/axe-core/axe.min.js ]; then
  npm install --no-save --no-package-lock --silent axe-core@4.10 >/dev/null
fi

# Reinstalled only when its lock file changed since the last install (a copy is kept beside it).
if ! cmp -s tests/vc-verifier/package-lock.json tests/vc-verifier/node_modules/.installed-lock.json; then
  npm ci --prefix tests/vc-verifier --silent --no-audit --no-fund >/dev/null
  cp tests/vc-verifier/package-lock.json tests/vc-verifier/node_modules/.installed-lock.json
fi

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
# The GitHub workflows (tests/test_workflows.py checks them too, with the project's own rules).
PATH="$PWD/.venv/bin:$PATH" .venv/bin/actionlint -no-color
.venv/bin/zizmor --offline --no-progress --color never --quiet .github/workflows
exec .venv/bin/python -m pytest "$@"
