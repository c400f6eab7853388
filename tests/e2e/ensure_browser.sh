#!/bin/sh
# Makes sure the browser tests have a browser: headless Chromium and its driver from the Debian packages.
# Installs them when missing and this runs as root (or with password-less sudo); never fails the build.
# Without them the browser tests are skipped, each with the reason in pytest's summary.
CHROMIUM=/usr/bin/chromium
CHROMEDRIVER=/usr/bin/chromedriver
PACKAGES="chromium chromium-driver"
# A font with Chinese glyphs, so screenshots of the Chinese pages are readable (the tests do not need it).
FONTS="fonts-wqy-zenhei"

if [ -x "$CHROMIUM" ] && [ -x "$CHROMEDRIVER" ]; then
    exit 0
fi

if [ "$(id -u)" = 0 ]; then
    as_root=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root="sudo -n"
else
    echo "browser tests: Chromium is not installed and installing it needs root; they will be skipped." >&2
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "browser tests: Chromium is not installed and there is no apt-get; they will be skipped." >&2
    exit 0
fi

echo "browser tests: installing $PACKAGES (a minute or two, once)"
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
if $as_root apt-get update -qq >"$log" 2>&1 && $as_root apt-get install -y -qq $PACKAGES >>"$log" 2>&1; then
    $as_root apt-get install -y -qq $FONTS >/dev/null 2>&1 || true
else
    tail -n 5 "$log" >&2
    echo "browser tests: installing $PACKAGES failed; they will be skipped." >&2
fi
rm -f "$log"
exit 0
