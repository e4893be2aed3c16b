#!/usr/bin/env bash
# Installs the third-party proxy servers the proxy module's tests run as child processes:
# tinyproxy (HTTP CONNECT + BasicAuth), microsocks (SOCKS5 user/password), dante-server (danted: SOCKS4/SOCKS5).
# Idempotent: does nothing when every binary is already present. The tests start their own instances on
# free 127.0.0.1 ports, so the system daemons the packages auto-start are stopped and disabled here.
set -euo pipefail

have_all() {
  command -v tinyproxy >/dev/null 2>&1 \
    && command -v microsocks >/dev/null 2>&1 \
    && { command -v danted >/dev/null 2>&1 || [ -x /usr/sbin/danted ]; }
}

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

if have_all; then
  echo "proxies.sh: tinyproxy, microsocks and danted already installed"
else
  # Keep packages from starting their daemons during install (policy-rc.d is the Debian convention).
  policy=/usr/sbin/policy-rc.d
  created_policy=false
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
    $SUDO chmod +x "$policy"
    created_policy=true
  fi
  trap '[ "$created_policy" = true ] && $SUDO rm -f "$policy"' EXIT
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends tinyproxy microsocks dante-server
fi

# Stop and disable any system instance that may have started anyway; the tests never use them.
for svc in tinyproxy danted microsocks; do
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    $SUDO systemctl disable --now "$svc" >/dev/null 2>&1 || true
  elif command -v service >/dev/null 2>&1; then
    $SUDO service "$svc" stop >/dev/null 2>&1 || true
  fi
done

command -v tinyproxy && tinyproxy -v || true
command -v microsocks || true
{ command -v danted || echo /usr/sbin/danted; } && (danted -v 2>&1 || /usr/sbin/danted -v 2>&1) | head -1 || true
have_all
