#!/usr/bin/env bash
# Installs (as root) or names (otherwise) the Debian/Ubuntu packages RecScope needs:
# Qt's offscreen and xcb platform libraries, Xvfb for headless runs, python3-venv, and a CJK font
# (fonts-noto-cjk) so the Simplified-Chinese interface draws its characters instead of boxes.
# Usage: packaging/system-packages.sh [--packaging] [--check]   exit 0 when everything is present.
# --packaging adds what packaging/build.py uses: strip (binutils), xz, and strace for the isolated
# self-test (no network, traced writes).
set -euo pipefail
PKGS=(python3-venv
  libgl1 libegl1 libfontconfig1 libfreetype6 libglib2.0-0 libdbus-1-3 libxkbcommon0 libx11-6
  libx11-xcb1 libxcb1 xvfb xauth libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0
  libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-render0 libxcb-shape0 libxcb-util1
  libxcb-xkb1 libxcb-xfixes0 libxcb-shm0 libxcb-sync1 fonts-noto-cjk)
if [ "${1:-}" = "--packaging" ]; then PKGS+=(binutils xz-utils strace); shift; fi
command -v dpkg-query >/dev/null || { echo "not a Debian/Ubuntu system: install Qt 6's xcb libraries and Xvfb yourself"; exit 0; }
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# python3-venv is only needed when the system python lacks ensurepip (Debian's split python)
if printf '%s\n' "${missing[@]}" | grep -qx python3-venv && python3 -c "import ensurepip, venv" 2>/dev/null; then
  missing=("${missing[@]/python3-venv}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
[ ${#missing[@]} -eq 0 ] && exit 0
line="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "${1:-}" != "--check" ] && [ "$(id -u)" = 0 ]; then
  echo ">> installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi
if [ "${1:-}" != "--check" ] && command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  echo ">> installing system packages with sudo: ${missing[*]}"
  sudo -n env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi
echo "RecScope needs these system packages. Run as root:"
echo "  sudo $line"
exit 1
