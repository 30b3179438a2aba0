#!/usr/bin/env bash
# Submits a `tessera cosim` regression to Slurm as N shards and a merge:
#   examples/slurm/submit.sh N [tessera cosim arguments...]
#   examples/slurm/submit.sh 16 --seeds 8                 # every built-in DUT, 8 seeds
#   examples/slurm/submit.sh 8 --dut my/dut.toml --seeds 32
# Environment: TESSERA (the binary, default `tessera` on PATH), TESSERA_OUT (results,
# default ./tessera-regression), TESSERA_CACHE_DIR (the Verilated builds: put it on storage
# every node sees), TESSERA_REQUIRE_ALL=0 (the merge does not fail on points never hit).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
n=${1:?"usage: submit.sh N [tessera cosim arguments...]"}
shift
export TESSERA=${TESSERA:-tessera} TESSERA_OUT=${TESSERA_OUT:-$PWD/tessera-regression} TESSERA_SHARDS=$n
mkdir -p "$TESSERA_OUT/logs" "$TESSERA_OUT/junit" "$TESSERA_OUT/coverage"
# Verilate every top once here, so that the N tasks find them in the cache.
"$TESSERA" cosim --list "$@" >/dev/null
array=$(sbatch --parsable --array="1-$n" --export=ALL --output="$TESSERA_OUT/logs/shard-%a.log" \
  "$here/shard.sbatch" "$@")
array=${array%%;*}
merge=$(sbatch --parsable --dependency="afterany:$array" --export=ALL --output="$TESSERA_OUT/logs/merge.log" \
  "$here/merge.sbatch" "$@")
echo "shards: job array $array (1-$n); merge: job ${merge%%;*} after them; results in $TESSERA_OUT"
