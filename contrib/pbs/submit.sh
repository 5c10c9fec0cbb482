#!/bin/bash
# Submits a cablesim run as a PBS Pro job array of PARTS parts and a merge after it:
#   contrib/pbs/submit.sh SCENARIO.yaml PARTS OUTDIR OUTPUT.h5
# (Torque: the array option is -t, the index $PBS_ARRAYID, the dependency afterokarray.)
set -eu
if [ $# -ne 4 ]; then
    echo "usage: $0 SCENARIO.yaml PARTS OUTDIR OUTPUT.h5" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
vars="SCENARIO=$1,PARTS=$2,OUTDIR=$3,SCRIPTDIR=$here,CABLESIM=${CABLESIM:-cablesim}"
jid=$(qsub -J "0-$(($2 - 1))" -v "$vars" "$here/parts.pbs")
qsub -W "depend=afterany:$jid" -v "PARTS=$2,OUTDIR=$3,OUTPUT=$4,CABLESIM=${CABLESIM:-cablesim}" \
    "$here/merge.pbs"
echo "array $jid; merge after it"
