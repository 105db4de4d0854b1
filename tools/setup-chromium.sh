#!/usr/bin/env bash
# Makes sure headless Chromium and its ChromeDriver (Debian's packages chromium and chromium-driver)
# are here for the search page's browser test. Installs them when missing and this is root on
# Debian; otherwise says what to install. BGEVL_CHROMIUM / BGEVL_CHROMEDRIVER point elsewhere.
set -euo pipefail
chromium="${BGEVL_CHROMIUM:-/usr/bin/chromium}"
driver="${BGEVL_CHROMEDRIVER:-/usr/bin/chromedriver}"
if [[ -x "$chromium" && -x "$driver" ]]; then
  exit 0
fi
if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
  echo "setup-chromium: installing Debian's chromium and chromium-driver for the browser test" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  apt-get install -y -q --no-install-recommends chromium chromium-driver >&2
  exit 0
fi
echo "setup-chromium: $chromium or $driver is missing; install Debian's chromium and chromium-driver" \
  "(apt-get install chromium chromium-driver) or set BGEVL_CHROMIUM and BGEVL_CHROMEDRIVER" >&2
exit 1
