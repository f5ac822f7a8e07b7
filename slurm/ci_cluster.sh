#!/usr/bin/env bash
# A real one-node Slurm cluster on this machine, for CI and for trying the
# sbatch scripts: Debian's slurm-wlm and munge, slurmctld and slurmd on
# localhost, one partition "ci" with this host as its only node.
#
#   bash slurm/ci_cluster.sh          install what is missing, configure, start, wait until idle
#   bash slurm/ci_cluster.sh status   sinfo, exit 0 when the node is idle or allocated
#   bash slurm/ci_cluster.sh stop     stop the daemons this script started (by their pid files)
#
# Needs root (apt-get, daemons). Idempotent: a cluster that is already up is
# left as it is. No cgroups (ProctrackType=proctrack/linuxproc, TaskPlugin=task/none),
# so it works in containers and VMs without a cgroup hierarchy. Jobs run as root.
#
# Environment: LMGAZE_SLURM_CPUS (default: nproc) CPUs of the node;
# LMGAZE_SLURM_CONF_DIR (default /etc/slurm) where slurm.conf goes;
# LMGAZE_SLURM_TIMEOUT (default 60) seconds to wait for the node to become idle.
set -euo pipefail

action=${1:-start}
conf_dir=${LMGAZE_SLURM_CONF_DIR:-/etc/slurm}
state_dir=/var/lib/slurm
log_dir=/var/log/slurm
run_dir=/run/slurm
cpus=${LMGAZE_SLURM_CPUS:-$(nproc)}
timeout=${LMGAZE_SLURM_TIMEOUT:-60}
host=$(hostname -s)

say() { echo "ci_cluster: $*"; }
die() {
  echo "ci_cluster: $*" >&2
  exit 1
}

node_state() { sinfo -h -N -n "$host" -o %T 2>/dev/null | head -1; }

pid_alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop_daemon() {  # pidfile name
  if pid_alive "$1"; then
    local pid
    pid=$(cat "$1")
    kill -TERM "$pid"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    say "stopped $2 (pid $pid)"
  fi
}

case "$action" in
  status)
    sinfo || exit 1
    case "$(node_state)" in idle* | alloc* | mix* | completing*) exit 0 ;; *) exit 1 ;; esac
    ;;
  stop)
    stop_daemon "$run_dir/slurmd.pid" slurmd
    stop_daemon "$run_dir/slurmctld.pid" slurmctld
    stop_daemon /run/munge/munged.pid munged
    exit 0
    ;;
  start) ;;
  *) die "usage: bash slurm/ci_cluster.sh [start|status|stop]" ;;
esac

[ "$(id -u)" -eq 0 ] || die "needs root (installs slurm-wlm and munge, starts daemons)"

# ---- packages ---------------------------------------------------------------------------
missing=()
for p in slurm-wlm slurmctld slurmd slurm-client munge; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# ---- munge -----------------------------------------------------------------------------
if [ ! -s /etc/munge/munge.key ]; then
  mungekey --create --keyfile=/etc/munge/munge.key
fi
chown munge:munge /etc/munge /etc/munge/munge.key
chmod 0700 /etc/munge
chmod 0400 /etc/munge/munge.key
mkdir -p /run/munge /var/lib/munge /var/log/munge
chown munge:munge /run/munge /var/lib/munge /var/log/munge
chmod 0755 /run/munge
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  stop_daemon /run/munge/munged.pid munged
  runuser -u munge -- /usr/sbin/munged --pid-file=/run/munge/munged.pid
  for _ in $(seq 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.2; done
  munge -n | unmunge >/dev/null || die "munged does not answer (see /var/log/munge/munged.log)"
  say "munged started"
fi

# ---- slurm.conf ------------------------------------------------------------------------
mkdir -p "$conf_dir" "$state_dir/slurmctld" "$state_dir/slurmd" "$log_dir" "$run_dir"
conf="$conf_dir/slurm.conf"
new_conf=$(
  cat <<EOF
# Written by lmgaze slurm/ci_cluster.sh: a one-node cluster on localhost for CI.
ClusterName=lmgaze-ci
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$state_dir/slurmctld
SlurmdSpoolDir=$state_dir/slurmd
SlurmctldPidFile=$run_dir/slurmctld.pid
SlurmdPidFile=$run_dir/slurmd.pid
SlurmctldLogFile=$log_dir/slurmctld.log
SlurmdLogFile=$log_dir/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
# No cgroups: plain process tracking, no task containment, no accounting.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
# A requeued job (lmgaze's scripts requeue themselves at the time limit) may start again at once.
JobRequeue=1
SlurmctldTimeout=30
SlurmdTimeout=60
InactiveLimit=0
MinJobAge=300
KillWait=30
Waittime=0
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=ci Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
EOF
)
if [ ! -f "$conf" ] || [ "$(cat "$conf")" != "$new_conf" ]; then
  printf '%s\n' "$new_conf" >"$conf"
  say "wrote $conf (node $host, $cpus CPUs)"
  # A changed configuration needs fresh daemons.
  stop_daemon "$run_dir/slurmd.pid" slurmd
  stop_daemon "$run_dir/slurmctld.pid" slurmctld
fi

# ---- daemons ---------------------------------------------------------------------------
if ! pid_alive "$run_dir/slurmctld.pid"; then
  /usr/sbin/slurmctld -f "$conf" || die "slurmctld did not start (see $log_dir/slurmctld.log)"
  say "slurmctld started"
fi
for _ in $(seq 50); do scontrol ping >/dev/null 2>&1 && break; sleep 0.2; done
scontrol ping | grep -q UP || die "slurmctld does not answer (see $log_dir/slurmctld.log)"
if ! pid_alive "$run_dir/slurmd.pid"; then
  /usr/sbin/slurmd -f "$conf" || die "slurmd did not start (see $log_dir/slurmd.log)"
  say "slurmd started"
fi

# ---- wait for the node ---------------------------------------------------------------
deadline=$((SECONDS + timeout))
while :; do
  state=$(node_state)
  case "$state" in
    idle* | alloc* | mix* | completing*) break ;;
    down* | drain* | fail*)
      # Left over from an earlier run (a killed slurmd, a configuration change).
      scontrol update NodeName="$host" State=RESUME >/dev/null 2>&1 || true
      ;;
  esac
  if [ $SECONDS -ge $deadline ]; then
    sinfo -N -l >&2 || true
    tail -5 "$log_dir/slurmd.log" >&2 || true
    die "node $host is '$state', not idle, after ${timeout}s"
  fi
  sleep 1
done
say "node $host is $state"
sinfo
