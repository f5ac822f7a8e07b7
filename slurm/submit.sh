#!/usr/bin/env bash
# Submits an lmgaze job to Slurm with its Slurm log beside the outputs (OUT/logs/).
#
#   bash slurm/submit.sh JOBFILE [KIND] [sbatch options...]
#
# KIND: job (default: every stage in one allocation), extract, analyses, report,
# nightly, or chain (extract -> analyses -> report as three jobs, each starting
# when the previous one succeeded; sbatch options apply to the extract job).
# Prints the Slurm job id(s).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"
job=${1:?usage: bash slurm/submit.sh JOBFILE [job|extract|analyses|report|nightly|chain] [sbatch options...]}
kind=${2:-job}
shift $(($# < 2 ? $# : 2))
[ -f "$job" ] || lmgaze_die "$job: no such job file"
job=$(cd "$(dirname "$job")" && pwd)/$(basename "$job")
out=$(lmgaze_job_out "$job")
# nightly.sbatch writes under its own root (see there).
[ "$kind" = nightly ] && out=${LMGAZE_NIGHTLY_ROOT:-$(cd "$here/.." && pwd)/out/nightly/$(lmgaze_job_name "$job")}
mkdir -p "$out/logs"

submit() {  # KIND [sbatch options...]
  local k=$1
  shift
  sbatch --parsable --output="$out/logs/$k.%j.log" "$@" "$here/$k.sbatch" "$job"
}

case "$kind" in
  job | extract | analyses | report | nightly) submit "$kind" "$@" ;;
  chain)
    e=$(submit extract "$@")
    a=$(submit analyses --dependency=afterok:"$e")
    r=$(submit report --dependency=afterok:"$a")
    echo "$e $a $r"
    ;;
  *) lmgaze_die "unknown kind '$kind' (job, extract, analyses, report, nightly, chain)" ;;
esac
