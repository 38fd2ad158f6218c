#!/usr/bin/env bash
# Installs what the service needs, skipping whatever is already there.
#   scripts/install.sh run    Python packages, npm packages, WeasyPrint's libraries
#   scripts/install.sh test   the above plus PostgreSQL, Redis and Chromium
set -euo pipefail
cd "$(dirname "$0")/.."
purpose=${1:-run}

debian_packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation)
# The interpreter: Debian's python3 unless PYTHON names another. It has libpython linked into
# the executable; a python3 built from source without --enable-optimizations and with a shared
# libpython (pyenv's default, which may come first on PATH) took 1.4 times as long to build a
# calendar feed, side by side. Production's image (python:3.11-slim) is an optimised build too.
if [ -z "${PYTHON:-}" ]; then
  debian_packages+=(python3 python3-venv)
fi
if [ "$purpose" = test ] || [ "$purpose" = bench ]; then
  debian_packages+=(postgresql redis-server chromium poppler-utils docker-compose)
fi

missing=()
for package in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "Please install these Debian packages: ${missing[*]}" >&2
    exit 1
  fi
  echo "Installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python=${PYTHON:-/usr/bin/python3}
# A .venv made from another interpreter (an earlier checkout's) is made again.
base_prefix() { "$1" -c 'import sys; print(sys.base_prefix)'; }
if [ -x .venv/bin/python ] && [ "$(base_prefix .venv/bin/python)" != "$(base_prefix "$python")" ]; then
  echo "Making .venv again with $python"
  rm -rf .venv
fi
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
# Reinstall only when the lock file changes.
if ! cmp -s requirements.lock .venv/installed.lock; then
  .venv/bin/pip install --quiet --disable-pip-version-check -r requirements.lock
  cp requirements.lock .venv/installed.lock
fi

if ! cmp -s package-lock.json node_modules/.installed-lock.json 2>/dev/null; then
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.installed-lock.json
fi
