#!/usr/bin/env bash
# Install everything the workbench needs on a fresh Debian (bookworm) machine:
# Debian packages (Python, Apertium with its French/Spanish/English pairs, FreeDict
# dictionaries for French and eight languages (alignment evidence), Chromium
# for the browser tests, PostgreSQL for shared projects and its tests), then a virtual environment in .venv with the package.
# Safe to run again: each step is a no-op when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
# FreeDict dictionaries (alignment evidence where no MT exists): French with English,
# German, Spanish, Italian, Dutch, Portuguese, Polish and Russian, both directions where
# Debian 12 has them (no spa-fra, ita-fra or rus-fra: those pairs read fra-XXX backwards).
FREEDICT=(fra-eng eng-fra fra-deu deu-fra fra-spa fra-ita fra-nld nld-fra fra-por por-fra
          fra-pol pol-fra fra-rus)
APT_PACKAGES=(python3 python3-venv python3-pip apertium apertium-fr-es apertium-eng-spa chromium
              postgresql
              "${FREEDICT[@]/#/dict-freedict-}")
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-$(command -v python3.11 || command -v python3)}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $PY"
  "$PY" -m venv .venv
fi
# pip, quiet about index locations this machine lacks; a failed install still stops setup.
pip_install() {
  .venv/bin/python -m pip install -q "$@" 2>&1 | { grep -v "^WARNING: Location" || true; }
}
pip_install --upgrade pip
# Editable, so that the repository's code is what runs; setuptools' long notice about
# editable installs ("BuildBackendWarning: Editable installation") is silenced.
PYTHONWARNINGS="ignore:Editable installation" pip_install -e ".[test]"
# argostranslate without its declared dependencies: they pull stanza, spaCy and
# torch (gigabytes) for sentence splitting that the workbench does itself.
# Its light dependencies are listed in pyproject.toml. Installed last, so that
# pip's resolver does not report the deliberately missing ones as an ERROR.
pip_install --no-deps "argostranslate==1.11.0"
.venv/bin/workbench --version

# The Argos fr→en model (about 100 MB, from the Argos package index) translates better
# than Apertium. Offered when the index can be reached: asked on a terminal, installed
# without asking elsewhere; WORKBENCH_ARGOS=no skips it (the test script does), =yes
# never asks. Offline this is one line, and Apertium does the translating.
argos_choice=${WORKBENCH_ARGOS:-ask}
if [ "$argos_choice" = ask ] && [ -t 0 ] && [ -t 1 ]; then
  read -r -p "setup: download the Argos fr→en model (about 100 MB) if the index is reachable? [Y/n] " answer || answer=n
  case "$answer" in [Nn]*) argos_choice=no ;; esac
fi
if [ "$argos_choice" = no ]; then
  echo "setup: no Argos model asked for; Apertium translates (later: .venv/bin/workbench models install fr en)"
else
  .venv/bin/workbench models install fr en --skip-offline --timeout 15
fi
