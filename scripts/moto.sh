#!/usr/bin/env bash
# Local AWS emulator (moto) for the integration tests, in a project-local virtual environment.
#
#   scripts/moto.sh install        create .venv/ and install scripts/requirements-dev.txt (idempotent)
#   scripts/moto.sh serve [PORT]   install if needed, then run moto in the foreground on 127.0.0.1
#                                  (export MOTO_ENDPOINT=http://127.0.0.1:PORT and jest reuses it)
#
# Why a venv here rather than a global pip install: a fresh clone (and CI) must get the exact pinned
# versions with no manual step, without touching the machine's Python.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
requirements="$root/scripts/requirements-dev.txt"
marker="$venv/.requirements.sha256"
python="${PYTHON:-python3}"

# What the marker records: the exact requirements and the interpreter they were installed for.
wanted_stamp() {
  { cat "$requirements"; "$python" -c 'import sys; print(sys.version)'; } | sha256sum | cut -d' ' -f1
}

installed() {
  [[ -f "$marker" && "$(cat "$marker")" == "$(wanted_stamp)" ]] &&
    "$venv/bin/python" -c 'import importlib.util as u, sys; sys.exit(u.find_spec("moto") is None)' 2>/dev/null
}

install() {
  if installed; then
    return 0
  fi
  # Serialise concurrent installs (two test runs at once); the lock lives outside .venv so that a
  # broken venv can be recreated while the lock is held.
  local lock="${TMPDIR:-/tmp}/ecr-janitor-venv.$(printf '%s' "$root" | sha256sum | cut -c1-16).lock"
  exec 9>"$lock"
  flock 9
  if installed; then
    return 0
  fi
  local started=$SECONDS
  echo "moto.sh: first run: installing the local AWS emulator and the template linter" \
    "($(grep -Ev '^\s*(#|$)' "$requirements" | tr '\n' ' '| sed 's/ $//')) from PyPI into $venv;" \
    "this happens once per clone and takes 1 to 3 minutes" >&2
  rm -f "$marker"
  if ! "$venv/bin/python" -c 'import sys' 2>/dev/null; then
    echo "moto.sh: creating the virtual environment" >&2
    "$python" -m venv --clear "$venv"
  fi
  # pip's own progress, one line per package it fetches, so the minute is not silent; its errors
  # (on stderr) pass through as they are.
  "$venv/bin/python" -m pip install --disable-pip-version-check --progress-bar off -r "$requirements" |
    sed -u -n -E 's/^(Collecting [^ ]+).*/moto.sh: pip: \1/p; s/^(Successfully installed).*/moto.sh: pip: \1 the packages/p' >&2
  "$venv/bin/python" -c 'import moto.server' # fail here, not in the first test, if the install is broken
  wanted_stamp >"$marker"
  echo "moto.sh: installed in $((SECONDS - started)) s" >&2
}

case "${1:-install}" in
  install)
    install
    ;;
  serve)
    install
    exec "$venv/bin/python" -m moto.server -H 127.0.0.1 -p "${2:-5000}"
    ;;
  *)
    echo "usage: scripts/moto.sh [install | serve [PORT]]" >&2
    exit 2
    ;;
esac
