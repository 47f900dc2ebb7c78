#!/bin/sh
# Benchmark the Firejail -> OCI converter on the whole /etc/firejail corpus
# (1,209 profiles on Debian's firejail 0.9.72).  Target: converting the
# corpus (front-end parsing plus profile -> spec) in under one second.  The
# corpus test parses with a brig_fj_cache (one process, many profiles: each
# included file is read and lexed once) and globs on the fixture tree of
# tests/unit/test-firejail-convert-fixture.h.  Also times `brig firejail
# convert` end to end on a few profiles against this machine's real file
# tree.
#
# Usage: bench/firejail.sh [BUILDDIR]     (default: the source tree)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top}
corpus="$build/tests/unit/test-firejail-convert-corpus"

if [ ! -d /etc/firejail ]; then
	echo "bench/firejail.sh: /etc/firejail not present (install firejail)" >&2
	exit 1
fi
# Always through make: a stale binary would time old code.
make -C "$build" tests/unit/test-firejail-convert-corpus >/dev/null

for run in 1 2 3; do
	line=$("$corpus" | grep '^# corpus conversion time:')
	conv=$(echo "$line" | sed -n 's/.*time: \([0-9.]*\) s (parse \([0-9.]*\) s.*/\1 \2/p')
	total=$(echo "$conv" | awk '{printf "%.3f", $1 + $2}')
	echo "run $run: parse + convert $total s; ${line#\# }"
done

if [ -x "$build/brig" ]; then
	for p in firefox curl libreoffice; do
		start=$(date +%s%N)
		"$build/brig" firejail convert --home /home/bench "$p" >/dev/null 2>&1
		end=$(date +%s%N)
		echo "brig firejail convert $p (real tree, end to end): $(((end - start) / 1000000)) ms"
	done
fi
