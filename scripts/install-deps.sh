#!/usr/bin/env bash
# Installs the Debian 12 packages Helmsman needs to build, test and run.
# Idempotent: only missing packages are installed. Needs root (or sudo), no stdin.
# --list prints the packages, one a line, and installs nothing (for check-deps).
set -euo pipefail

packages=(
  build-essential cmake pkg-config ccache
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev qt6-qpa-plugins libgl-dev
  libquickfix-dev libxml2-dev
  libsqlite3-dev sqlite3
  libspdlog-dev libfmt-dev
  nlohmann-json3-dev libargon2-dev libssl-dev
  libtorch-dev python3-torch
  xvfb xauth fonts-dejavu-core
  lintian
)

if [ "${1:-}" = "--list" ]; then
  printf '%s\n' "${packages[@]}"
  exit 0
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  as_root=(sudo -n)
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq </dev/null
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
