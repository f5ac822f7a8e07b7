# Shared by the sbatch scripts of slurm/ (sourced, not run). See slurm/README.md.
#
#   lmgaze_init JOBFILE KIND   finds lmgaze, the job's OUT, the rank layout; starts the log
#   lmgaze_launch ARGS...      runs `lmgaze ARGS` on every rank (srun or mpirun) and waits,
#                              stopping it cleanly on the time-limit signal and requeueing
#
# Environment (all optional):
#   LMGAZE            the lmgaze executable (default: build/lmgaze of this checkout, else PATH)
#   LMGAZE_LAUNCHER   auto | srun | mpirun (auto: srun when Slurm has PMIx, else mpirun)
#   LMGAZE_MAX_REQUEUE  requeues after a time-limit stop before giving up (default 20)
#   LMGAZE_ABANDON_AFTER  seconds after the time-limit signal at which the current stage is
#                     abandoned so the job can requeue before it is killed (default 240;
#                     keep it below the lead time of --signal, 300 s in these scripts)

lmgaze_log() { echo "[$(date '+%F %T')] lmgaze-slurm: $*"; }
lmgaze_die() {
  echo "lmgaze-slurm: $*" >&2
  exit 2
}

# The checkout these scripts belong to. Slurm runs a copy of the batch script
# from its spool directory, so the original path comes from scontrol.
lmgaze_root() {
  if [ -n "${LMGAZE_ROOT:-}" ]; then
    echo "$LMGAZE_ROOT"
    return
  fi
  local script=""
  if [ -n "${SLURM_JOB_ID:-}" ] && command -v scontrol >/dev/null; then
    script=$(scontrol show job -o "$SLURM_JOB_ID" 2>/dev/null | tr ' ' '\n' | sed -n 's/^Command=//p')
  fi
  [ -n "$script" ] && [ -f "$script" ] || script=${BASH_SOURCE[1]:-$0}
  (cd "$(dirname "$script")/.." && pwd)
}

# [job] name of a job file.
lmgaze_job_name() {
  awk '
    /^[[:space:]]*[#;]/ { next }
    /^[[:space:]]*\[/ { sec = $0; gsub(/^[[:space:]]*\[|\][[:space:]]*$/, "", sec); next }
    sec == "job" && $0 ~ /^[[:space:]]*name[[:space:]]*=/ { sub(/^[^=]*=[[:space:]]*/, ""); sub(/[[:space:]]+$/, ""); print; exit }
  ' "$1"
}

# OUT of a job file: [output] dir with ${VAR} / ${VAR:-default} expanded, relative to
# the job file's directory (default out/<name> beside the job file), as jobs/README.md says.
lmgaze_job_out() {
  local job=$1 dir name
  dir=$(awk '
    /^[[:space:]]*[#;]/ { next }
    /^[[:space:]]*\[/ { sec = $0; gsub(/^[[:space:]]*\[|\][[:space:]]*$/, "", sec); next }
    sec == "output" && $0 ~ /^[[:space:]]*dir[[:space:]]*=/ { sub(/^[^=]*=[[:space:]]*/, ""); sub(/[[:space:]]+$/, ""); print; exit }
  ' "$job")
  name=$(lmgaze_job_name "$job")
  [ -n "$dir" ] || dir="out/$name"
  # ${NAME:-default} and ${NAME}, one at a time, left to right.
  while [[ $dir =~ \$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\} ]]; do
    local var=${BASH_REMATCH[1]} def=${BASH_REMATCH[3]} val
    val=${!var:-$def}
    dir=${dir/"${BASH_REMATCH[0]}"/$val}
  done
  case "$dir" in
    /*) ;;
    *) dir="$(cd "$(dirname "$job")" && pwd)/$dir" ;;
  esac
  realpath -m "$dir"
}

# GPUs this node gives the job: Slurm's count, else CUDA_VISIBLE_DEVICES, else 0.
lmgaze_gpus_per_node() {
  local n=${SLURM_GPUS_ON_NODE:-}
  if [ -z "$n" ] && [ -n "${SLURM_GPUS_PER_NODE:-}" ]; then n=${SLURM_GPUS_PER_NODE##*:}; fi
  if [ -z "$n" ] && [ -n "${CUDA_VISIBLE_DEVICES:-}" ]; then
    n=$(echo "$CUDA_VISIBLE_DEVICES" | tr ',' '\n' | grep -c .)
  fi
  echo "${n:-0}"
}

lmgaze_init() {
  LMGAZE_JOBFILE=$1
  LMGAZE_KIND=$2
  # From here on the time-limit signal is caught (a signal before lmgaze starts
  # only requeues): see lmgaze_launch.
  LMGAZE_STOP="" LMGAZE_PID=""
  trap 'lmgaze_stop timelimit' USR1
  trap 'lmgaze_stop term' TERM INT
  [ -n "$LMGAZE_JOBFILE" ] || lmgaze_die "usage: sbatch slurm/$LMGAZE_KIND.sbatch JOBFILE"
  [ -f "$LMGAZE_JOBFILE" ] || lmgaze_die "$LMGAZE_JOBFILE: no such job file"
  LMGAZE_JOBFILE=$(cd "$(dirname "$LMGAZE_JOBFILE")" && pwd)/$(basename "$LMGAZE_JOBFILE")
  LMGAZE_ROOT=$(lmgaze_root)
  if [ -z "${LMGAZE:-}" ]; then
    if [ -x "$LMGAZE_ROOT/build/lmgaze" ]; then LMGAZE=$LMGAZE_ROOT/build/lmgaze; else LMGAZE=lmgaze; fi
  fi
  command -v "$LMGAZE" >/dev/null || lmgaze_die "lmgaze executable '$LMGAZE' not found (set LMGAZE)"
  OUT=$(lmgaze_job_out "$LMGAZE_JOBFILE")
  mkdir -p "$OUT/logs" || lmgaze_die "cannot create $OUT/logs"

  # Logs beside the outputs: everything this script and lmgaze print, per Slurm job.
  # When Slurm already writes its output there (slurm/submit.sh), that is the log;
  # otherwise a copy goes to OUT/logs/KIND.JOBID.log.
  local slurm_out=""
  if [ -n "${SLURM_JOB_ID:-}" ]; then
    slurm_out=$(scontrol show job -o "$SLURM_JOB_ID" 2>/dev/null | tr ' ' '\n' | sed -n 's/^StdOut=//p')
  fi
  if [ -n "$slurm_out" ] && [ "${slurm_out#"$OUT/logs/"}" != "$slurm_out" ]; then
    LMGAZE_LOG=$slurm_out
  else
    LMGAZE_LOG="$OUT/logs/$LMGAZE_KIND.${SLURM_JOB_ID:-local-$$}.log"
    echo "lmgaze-slurm: log $LMGAZE_LOG"
    exec > >(tee -a "$LMGAZE_LOG") 2>&1
  fi

  # Rank layout from the allocation.
  NTASKS=${SLURM_NTASKS:-1}
  NNODES=${SLURM_JOB_NUM_NODES:-1}
  GPUS_PER_NODE=$(lmgaze_gpus_per_node)
  TASKS_PER_NODE=$(((NTASKS + NNODES - 1) / NNODES))
  if [ "$GPUS_PER_NODE" -gt 0 ]; then
    # One GPU per rank: extraction ranks take cuda:<local rank>. The job file decides the
    # device; LMGAZE_DEVICE is there for job files that write device = ${LMGAZE_DEVICE:-cpu}.
    export LMGAZE_DEVICE=${LMGAZE_DEVICE:-cuda}
    [ "$TASKS_PER_NODE" -le "$GPUS_PER_NODE" ] ||
      lmgaze_log "warning: $TASKS_PER_NODE ranks per node but $GPUS_PER_NODE GPUs; CUDA stages will refuse"
  else
    export LMGAZE_DEVICE=${LMGAZE_DEVICE:-cpu}
  fi
  export LMGAZE_RANKS=$NTASKS
  # CPU threads per rank: the CPUs Slurm gives each task.
  export OMP_NUM_THREADS=${OMP_NUM_THREADS:-${SLURM_CPUS_PER_TASK:-1}}
  # Open MPI in containers and CI runs as root; ranks must not spin when they share cores.
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  export OMPI_MCA_mpi_yield_when_idle=${OMPI_MCA_mpi_yield_when_idle:-1}

  local launcher=${LMGAZE_LAUNCHER:-auto}
  if [ "$launcher" = auto ]; then
    launcher=mpirun
    if [ -n "${SLURM_JOB_ID:-}" ] && srun --mpi=list 2>&1 | grep -q pmix; then launcher=srun; fi
  fi
  LMGAZE_LAUNCHER=$launcher
  case "$launcher" in
    srun) LAUNCH=(srun --mpi=pmix --ntasks="$NTASKS" --kill-on-bad-exit=0) ;;
    mpirun) LAUNCH=(mpirun -np "$NTASKS" --bind-to none) ;;
    none) LAUNCH=() ;;
    *) lmgaze_die "LMGAZE_LAUNCHER=$launcher: use auto, srun, mpirun or none" ;;
  esac
  lmgaze_log "job file $LMGAZE_JOBFILE -> $OUT"
  lmgaze_log "slurm job ${SLURM_JOB_ID:-none} (restart ${SLURM_RESTART_COUNT:-0}) on ${SLURM_JOB_NODELIST:-$(hostname)}:" \
    "$NTASKS ranks on $NNODES node(s), $GPUS_PER_NODE GPU(s) per node, $OMP_NUM_THREADS thread(s) per rank," \
    "launcher $LMGAZE_LAUNCHER, device $LMGAZE_DEVICE"
  lmgaze_log "lmgaze: $LMGAZE ($("$LMGAZE" --version 2>/dev/null))"
}

# Runs `lmgaze ARGS...` on every rank and returns its exit status. On the
# time-limit signal (USR1, sent 300 s early by --signal=B:USR1@300) lmgaze is
# asked to stop after its current stage (SIGTERM); LMGAZE_ABANDON_AFTER seconds
# later it is told to abandon the stage (a second SIGTERM); then the job requeues
# itself and the next run resumes. A plain SIGTERM (scancel, preemption) stops
# lmgaze the same way without requeueing.
lmgaze_launch() {
  local rc=143
  if [ -z "$LMGAZE_STOP" ]; then
    "${LAUNCH[@]}" "$LMGAZE" "$@" &
    LMGAZE_PID=$!
    while :; do
      wait "$LMGAZE_PID"
      rc=$?
      kill -0 "$LMGAZE_PID" 2>/dev/null || break  # a trap interrupted wait: wait again
    done
  fi
  trap - USR1 TERM INT
  [ -n "${LMGAZE_WATCHDOG:-}" ] && kill "$LMGAZE_WATCHDOG" 2>/dev/null
  if [ "$LMGAZE_STOP" = timelimit ] && [ -n "${SLURM_JOB_ID:-}" ]; then
    local restarts=${SLURM_RESTART_COUNT:-0}
    if [ "$restarts" -lt "${LMGAZE_MAX_REQUEUE:-20}" ]; then
      lmgaze_log "stopped before the time limit (exit $rc); requeueing job $SLURM_JOB_ID to resume"
      scontrol requeue "$SLURM_JOB_ID" && exit 0
      lmgaze_log "scontrol requeue failed; resubmit the same script to resume"
    else
      lmgaze_log "stopped before the time limit; $restarts requeues already, not requeueing"
    fi
  fi
  return "$rc"
}

# Sends SIGTERM to the lmgaze ranks. With srun every task of the job's steps
# gets it (scancel without --batch/--full leaves this shell alone); with mpirun,
# the ranks on this node, which are mpirun's children (mpirun itself would kill
# them instead of letting them stop cleanly).
lmgaze_signal_ranks() {
  if [ "$LMGAZE_LAUNCHER" = srun ] && [ -n "${SLURM_JOB_ID:-}" ]; then
    scancel --signal=TERM "$SLURM_JOB_ID"
  elif [ "$LMGAZE_LAUNCHER" = mpirun ]; then
    pkill -TERM -P "$LMGAZE_PID" || kill -TERM "$LMGAZE_PID"
  else
    kill -TERM "$LMGAZE_PID"
  fi
}

lmgaze_stop() {
  [ -n "$LMGAZE_STOP" ] && return  # already stopping
  LMGAZE_STOP=$1
  if [ -z "$LMGAZE_PID" ]; then
    lmgaze_log "signal ($1) before lmgaze started: not starting it"
    return
  fi
  if [ "$1" = timelimit ]; then
    lmgaze_log "time limit near: asking lmgaze to stop after the current stage"
    local after=${LMGAZE_ABANDON_AFTER:-240}
    (
      sleep "$after"
      lmgaze_log "still running ${after}s later: abandoning the current stage"
      lmgaze_signal_ranks
    ) &
    LMGAZE_WATCHDOG=$!
  else
    lmgaze_log "signal: asking lmgaze to stop after the current stage"
  fi
  lmgaze_signal_ranks
}
