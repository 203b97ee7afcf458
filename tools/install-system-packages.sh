#!/usr/bin/env bash
# Debian packages the project needs: a CJK font for pictures with Chinese labels (the main job
# draws one) and, with `all`, Chromium + its driver for the browser tests. Installs only what is
# missing; needs root (or sudo) for apt-get.  Usage: install-system-packages.sh [fonts|all|bench]
set -euo pipefail
what=${1:-all}
missing=()
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk fontconfig)
if [ "$what" = bench ]; then
  [ -x /usr/bin/time ] || missing+=(time)  # GNU time measures the contenders' peak RSS
fi
if [ "$what" = all ]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing Debian packages: ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then
  apt_get=(apt-get)
elif command -v sudo >/dev/null 2>&1; then
  apt_get=(sudo apt-get)
else
  echo "error: need root to install ${missing[*]} (apt-get install ${missing[*]})" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${apt_get[@]}" update -qq
"${apt_get[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
