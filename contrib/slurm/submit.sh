#!/bin/bash
# Submits a cablesim run as a Slurm job array of PARTS parts and a merge that starts when every
# part has succeeded (and is cancelled if one fails for good):
#   contrib/slurm/submit.sh SCENARIO.yaml PARTS OUTDIR OUTPUT.h5 [sbatch options...]
set -eu
if [ $# -lt 4 ]; then
    echo "usage: $0 SCENARIO.yaml PARTS OUTDIR OUTPUT.h5 [sbatch options...]" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
scenario=$1 parts=$2 outdir=$3 output=$4
shift 4
export SCENARIO="$scenario" PARTS="$parts" OUTDIR="$outdir" OUTPUT="$output"
jid=$(sbatch --parsable --array="0-$((parts - 1))" --export=ALL "$@" "$here/parts.sbatch")
jid=${jid%%;*}
sbatch --parsable --dependency="afterok:$jid" --kill-on-invalid-dep=yes --export=ALL "$@" \
    "$here/merge.sbatch"
echo "array $jid; merge waits for it"
