#!/usr/bin/env bash
# Throughput of `score4j likelihood` (exact and Hutchinson traces) in 2, 8 and 64 dimensions.
# Usage (from the repository root): docs/likelihood/bench.sh [N] [REPEATS]
# SCORE4J names the launcher (default ./score4j); extra JVM options go in SCORE4J_JAVA_OPTS.
set -euo pipefail
N="${1:-1000}"
REPEATS="${2:-3}"
SCORE4J="${SCORE4J:-./score4j}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/score4j-bench.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

declare -A SPEC=([2]="" [8]="--set model.spec=$HERE/gmm8.json" [64]="--set model.spec=$HERE/gmm64.json")
printf '%-4s %-22s %10s %8s %12s\n' D trace "mean NLL" nfe "samples/s"
for d in 2 8 64; do
  # shellcheck disable=SC2086
  "$SCORE4J" sample --solver ode --n "$N" --seed 1 --no-progress ${SPEC[$d]} --out "$WORK/x$d.npy" >/dev/null
  for trace in "exact" "hutchinson --probes 1"; do
    for ((r = 0; r < REPEATS; r++)); do
      # shellcheck disable=SC2086
      out="$("$SCORE4J" likelihood --data "$WORK/x$d.npy" --out "$WORK/nll.npy" --trace $trace ${SPEC[$d]})"
      mean="$(sed -n 's/.*mean NLL \([-0-9.e]*\) nats.*/\1/p' <<<"$out")"
      nfe="$(sed -n 's/.*(nfe \([0-9]*\),.*/\1/p' <<<"$out")"
      rate="$(sed -n 's/.* \([0-9.]*\) samples\/s).*/\1/p' <<<"$out")"
      printf '%-4s %-22s %10s %8s %12s\n' "$d" "$trace" "$mean" "$nfe" "$rate"
    done
  done
done
