#!/bin/sh
# Generates ./configure and the automake build-aux files.
set -e
cd "$(dirname "$0")"
mkdir -p m4 build-aux
autoreconf --force --install --verbose
