#!/usr/bin/env bash
# Install the Debian packages the tests need when they are missing:
# fonts and HarfBuzz's subsetter for fast WeasyPrint invoices, pdftotext and
# pdftoppm to read invoices back, Chromium for the browser journeys, the
# colour emoji font the demo pictures are drawn from, wrk for `make bench`'s
# load, and the PostgreSQL and Redis servers when the machine has none.
# Given package names, installs only those (`make run` asks for the font).
set -euo pipefail

if [ $# -gt 0 ]; then
  wanted=("$@")
else
  wanted=(libharfbuzz-subset0 poppler-utils chromium fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-color-emoji wrk)
  command -v pg_ctlcluster >/dev/null 2>&1 || command -v pg_ctl >/dev/null 2>&1 \
    || wanted+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || wanted+=(redis-server)
fi

missing=()
for package in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing Debian packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
