#!/usr/bin/env bash
# A stand-in for nf that tests the Slurm plumbing without a build: it implements only
#   nf-stub.sh batch run MANIFEST --out DIR    prints the SLURM_* variables and its shard, then "runs" every
#                                              count-th manifest line from its index: DIR/line-<n>/done.json
#   nf-stub.sh batch merge DIR                 writes DIR/table.md; exit 1 when a manifest line has no done.json
# Use: apps/deploy/slurm/local-cluster.sh apps/deploy/slurm/nf-stub.sh MANIFEST OUT_DIR
set -euo pipefail
[ "${1:-}" = batch ] || { echo "nf-stub: only 'batch run' and 'batch merge'" >&2; exit 2; }
case "${2:-}" in
  run)
    manifest="$3"; out="$5"
    env | grep '^SLURM_\(ARRAY\|JOB_ID\|JOB_NAME\|CPUS\|NODELIST\|RESTART\)' | sort | sed 's/^/nf-stub:   /'
    index=$((SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN)); count="$SLURM_ARRAY_TASK_COUNT"
    echo "nf-stub: shard $index/$count of $(wc -l < "$manifest") jobs"
    n=0
    while IFS= read -r line; do
      if [ $((n % count)) -eq "$index" ]; then
        mkdir -p "$out/line-$n"
        echo "{\"line\": $n, \"host\": \"$(hostname)\", \"shard\": $index}" > "$out/line-$n/done.json"
        echo "nf-stub: ran line $n: $line"
      fi
      n=$((n + 1))
    done < "$manifest"
    cp "$manifest" "$out/manifest.jsonl"
    ;;
  merge)
    out="$3"; total=$(wc -l < "$out/manifest.jsonl"); missing=0
    { echo "| job | status |"; echo "|---|---|"
      for ((n = 0; n < total; n++)); do
        if [ -f "$out/line-$n/done.json" ]; then echo "| line-$n | done |"; else echo "| line-$n | missing |"; missing=$((missing + 1)); fi
      done; } > "$out/table.md"
    cat "$out/table.md"
    echo "nf-stub: $((total - missing)) of $total done"
    [ "$missing" -eq 0 ]
    ;;
  *) echo "nf-stub: only 'batch run' and 'batch merge'" >&2; exit 2 ;;
esac
