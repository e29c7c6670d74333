#!/usr/bin/env bash
# Install the Debian packages Jiangcai needs, only those missing (safe to run repeatedly).
set -euo pipefail

PACKAGES=(
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0  # WeasyPrint, fast font subsetting
  fonts-noto-cjk fontconfig                                            # Chinese serif/sans; fc-match finds the face
  poppler-utils                                                        # pdftoppm: certificate PDFs to PNG
  chromium                                                             # browser tests (Playwright)
  postgresql-client                                                    # pg_dump / pg_restore: flask ops backup
  wrk                                                                  # load generator of bench/verify_throughput.py
  python3-venv
)
# node and npm install axe-core for the accessibility browser tests (make setup runs `npm ci`). Debian's
# `nodejs` and `npm` packages, unless some other node (NodeSource's nodejs bundles npm) already provides them.
command -v node >/dev/null || PACKAGES+=(nodejs)
command -v npm >/dev/null || PACKAGES+=(npm)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
echo "Installing Debian packages: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
