#!/bin/sh
# run.sh SRCDIR RUNS [SEED]: run each libFuzzer target RUNS executions, one process,
# from the seed corpus (tests/fuzz/corpus/NAME, the fixtures and the example); new
# inputs go to a scratch corpus, a finding to tests/fuzz/crash-* (or leak-*,
# timeout-*) and a non-zero exit. `make fuzz FUZZ_RUNS=10000000` is the long run.
# One plain process, not -jobs=1: with -jobs libFuzzer forks a worker that logs to
# ./fuzz-0.log, which two targets at once would share.
set -u
srcdir=$1
runs=$2
seed=${3:-1}
status=0
work=$(mktemp -d "${TMPDIR:-/tmp}/migtree-fuzz-XXXXXX")
trap 'rm -rf "$work"' EXIT
for t in parse config; do
	mkdir -p "$work/$t"
	echo "fuzz_$t: $runs executions, seed $seed"
	tests/fuzz/fuzz_$t -runs="$runs" -seed="$seed" -timeout=10 \
		-rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 \
		-artifact_prefix=tests/fuzz/ "$work/$t" "$srcdir/tests/fuzz/corpus/$t" \
		"$srcdir/tests/fixtures" "$srcdir/examples" || status=1
done
exit $status
