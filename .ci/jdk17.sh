#!/usr/bin/env bash
# Installs Debian's JDK 17 for client-tests' ReadmeProgramTest, which compiles client/README.md's program with
# a JDK 17 javac (--release 17) and runs it on a Java 17 JVM. Idempotent: does nothing when it is present.
set -euo pipefail

JDK17=/usr/lib/jvm/java-17-openjdk-amd64
if [ -x "$JDK17/bin/javac" ] && [ -x "$JDK17/bin/java" ]; then
  echo "jdk17.sh: $JDK17 already installed"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends openjdk-17-jdk-headless
"$JDK17/bin/javac" -version
