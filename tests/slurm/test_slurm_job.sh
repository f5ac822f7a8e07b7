#!/usr/bin/env bash
# The toy-zoo job on a real Slurm cluster, end to end:
#
#   bash tests/slurm/test_slurm_job.sh LMGAZE SOURCE_DIR SHARED_DIR [job|requeue]
#
# Starts (or reuses) the one-node cluster of slurm/ci_cluster.sh and submits
# slurm/job.sbatch with jobs/toyzoo.ini.
#   job      `sbatch --wait` (srun or mpirun, as the script picks); then the checks.
#   requeue  with mpirun; once two extraction stages are done the batch shell gets the
#            time-limit signal (USR1, as --signal=B:USR1@300 would send it): lmgaze
#            stops after its stage, the job requeues itself, the second start resumes
#            (done stages skipped) and finishes; then the checks.
# Checks: Slurm says COMPLETED, every table of the manifest is done and present,
# every attention file is complete, nothing is left half-written, the report is
# there with its figures and says the readers are simulated, and the log is beside
# the outputs. Exit 77 (ctest SKIP) when not root or no cluster can be started,
# unless LMGAZE_SLURM_REQUIRED=1.
set -uo pipefail
lmgaze=$(realpath "$1")
src=$(realpath "$2")
shared=$(realpath "$3")
mode=${4:-job}
required=${LMGAZE_SLURM_REQUIRED:-0}

fail() {
  echo "FAIL: $*"
  exit 1
}
unavailable() {
  [ "$required" = 1 ] && fail "$* (LMGAZE_SLURM_REQUIRED=1)"
  echo "SKIP: $*"
  exit 77
}

[ "$(id -u)" -eq 0 ] || unavailable "not root: cannot start a Slurm cluster here"
[ -d "$shared/models/toy-m" ] || unavailable "no toy models under $shared/models"
if ! bash "$src/slurm/ci_cluster.sh" status >/dev/null 2>&1; then
  bash "$src/slurm/ci_cluster.sh" || unavailable "cannot start the one-node Slurm cluster"
fi

work=$(mktemp -d /tmp/lmgaze_slurm_XXXXXX)
out=$work/out
# sbatch passes the environment on: the job file reads LMGAZE_OUT and LMGAZE_SHARED,
# the scripts LMGAZE.
export LMGAZE_OUT=$out LMGAZE_SHARED=$shared LMGAZE=$lmgaze
start=$SECONDS
job_script=$src/slurm/job.sbatch
job_file=$src/jobs/toyzoo.ini
slurm_output() {
  echo "---- Slurm output (last 40 lines)"
  tail -n 40 "$work"/slurm-*.out 2>/dev/null
  echo "----"
}

if [ "$mode" = job ]; then
  echo "sbatch --wait $job_script $job_file  (OUT $out)"
  sbatch --wait --time=00:25:00 --job-name=lmgaze-ci-toyzoo --output="$work/slurm-%j.out" \
    "$job_script" "$job_file" >"$work/sbatch.txt" 2>&1
  rc=$?
  cat "$work/sbatch.txt"
  jobid=$(sed -n 's/^Submitted batch job \([0-9]*\).*/\1/p' "$work/sbatch.txt")
  slurm_output
  echo "job $jobid: sbatch --wait exit $rc after $((SECONDS - start)) s"
  [ "$rc" -eq 0 ] || fail "the Slurm job failed (exit $rc)"
  [ -n "$jobid" ] || fail "no job id from sbatch"
else
  export LMGAZE_LAUNCHER=mpirun
  jobid=$(sbatch --parsable --time=00:25:00 --job-name=lmgaze-ci-requeue \
    --output="$work/slurm-%j.out" "$job_script" "$job_file") || fail "sbatch refused the job"
  jobid=${jobid%%;*}
  echo "job $jobid submitted (OUT $out); waiting for two extraction stages"
  log="$out/logs/job.$jobid.log"
  while n=$(grep -c 'done  extract/' "$log" 2>/dev/null); [ "${n:-0}" -lt 2 ]; do
    [ $((SECONDS - start)) -lt 600 ] || fail "no extraction stage done after 600 s"
    squeue -h -j "$jobid" 2>/dev/null | grep -q . || { slurm_output; fail "job $jobid ended early"; }
    sleep 0.5
  done
  echo "sending the time-limit signal (USR1) to the batch shell of job $jobid"
  scancel --signal=USR1 --batch "$jobid" || fail "scancel --signal=USR1 failed"
  # Requeued jobs wait Slurm's requeue delay (about 2 minutes) before starting again.
  while squeue -h -j "$jobid" 2>/dev/null | grep -q .; do
    [ $((SECONDS - start)) -lt 1200 ] || fail "job $jobid still queued after 1200 s"
    sleep 3
  done
  slurm_output
  echo "job $jobid left the queue after $((SECONDS - start)) s"
  grep -q "requeueing job $jobid" "$log" || fail "$log: the job did not requeue itself"
  grep -q "(restart 1)" "$log" || fail "$log: no second start after the requeue"
  grep -q "skipped" "$log" || fail "$log: the second start did not skip the done stages"
fi
state=$(scontrol show job -o "$jobid" 2>/dev/null | tr ' ' '\n' | sed -n 's/^JobState=//p')
[ -z "$state" ] || [ "$state" = COMPLETED ] || fail "job $jobid is $state, not COMPLETED"
# The log beside the outputs.
log="$out/logs/job.$jobid.log"
[ -s "$log" ] || fail "no log at $log"
grep -q "lmgaze run finished with exit code 0" "$log" || fail "$log does not say the run finished"
grep -q "ranks on 1 node" "$log" || fail "$log does not state the rank layout"

# Every table the manifest lists is done and present; every attention file complete.
python3 - "$out" <<'PY' || fail "outputs incomplete (see above)"
import json, os, re, subprocess, sys
out = sys.argv[1]

def complete(path):  # the attention file's `complete` attribute, read with h5dump (hdf5-tools)
    r = subprocess.run(["h5dump", "-a", "/complete", path], capture_output=True, text=True)
    m = re.search(r"\(0\):\s*(\d+)", r.stdout)
    return m is not None and int(m.group(1)) == 1

m = json.load(open(os.path.join(out, "manifest.json")))
bad = []
for t in m["tables"]:
    if not t.get("done"):
        bad.append("not done: " + t["stage"])
    for role, path in t.get("files", {}).items():
        p = os.path.join(out, path)
        if not os.path.isfile(p) or os.path.getsize(p) == 0:
            bad.append(f"missing {role} of {t['stage']}: {path}")
for a in m.get("attention", []):
    if not complete(os.path.join(out, a["path"])):
        bad.append("attention not complete: " + a["path"])
kinds = {t["kind"] for t in m["tables"]}
for k in ["ntp", "resemblance", "divergence", "trivial_model", "stats_paired", "stats_fit"]:
    if k not in kinds:
        bad.append("no table of kind " + k)
print(f"manifest: {len(m['tables'])} tables, {len(m.get('attention', []))} attention files")
for b in bad:
    print("  " + b)
sys.exit(1 if bad else 0)
PY
leftover=$(find "$out" -name '*.partial' | head -5)
[ -z "$leftover" ] || fail "half-written files left: $leftover"

# The report.
index="$out/report/index.md"
[ -s "$index" ] || fail "no report at $index"
grep -q "SIMULATED READERS" "$index" || fail "the report does not say the readers are simulated"
grep -q "significantly in [0-9]* of [0-9]* layers, raises it in [0-9]*" "$index" ||
  fail "the report does not word the tuning test"
n_png=0
for png in "$out"/report/figures/*.png; do
  [ -s "$png" ] && [ "$(head -c 4 "$png" | tail -c 3)" = PNG ] || fail "bad figure $png"
  [ -s "${png%.png}.svg" ] || fail "no SVG beside $png"
  n_png=$((n_png + 1))
done
[ "$n_png" -ge 6 ] || fail "only $n_png figures"
[ -s "$out/report/tables/resemblance.csv" ] || fail "no resemblance table in the report"
echo "PASS ($mode): Slurm job $jobid, $n_png figures, $((SECONDS - start)) s; output in $out"
rm -rf "$work"
