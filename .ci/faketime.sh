#!/usr/bin/env bash
# Installs Debian's libfaketime, which the clock-skew test preloads into a child node (LD_PRELOAD + FAKETIME) to
# run it a minute ahead of the database. Idempotent: does nothing when the library is present.
set -euo pipefail

if ls /usr/lib/*/faketime/libfaketime.so.1 >/dev/null 2>&1; then
  echo "faketime.sh: libfaketime already installed"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -q
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q libfaketime
