#!/usr/bin/env python3
"""Peak GPU memory of each process while a command runs, sampled by nvidia-smi.

  gpu_memory.py --label TEXT > FILE &  ...;  kill -TERM $!; wait $!

Samples `nvidia-smi --query-compute-apps=pid,used_memory` every 200 ms
until SIGTERM or SIGINT, then prints one JSON line: per process its pid, its
MPI rank (OMPI_COMM_WORLD_RANK from /proc/PID/environ, read while it runs;
null when it is no MPI rank) and its peak MiB, sorted by rank. Without
nvidia-smi it prints {"available": false}. A sample misses allocations that
live less than 200 ms; the peaks of a model's weights and of the micro-batches
that follow last longer.
"""
import argparse
import json
import shutil
import signal
import subprocess
import sys


class Stop(Exception):
    pass


def rank_of(pid):
    try:
        with open("/proc/%d/environ" % pid, "rb") as f:
            for item in f.read().split(b"\0"):
                if item.startswith(b"OMPI_COMM_WORLD_RANK="):
                    return int(item.split(b"=", 1)[1])
    except (OSError, ValueError):
        pass
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--label", required=True)
    ap.add_argument("--interval-ms", type=int, default=200)
    args = ap.parse_args()
    if not shutil.which("nvidia-smi"):
        print(json.dumps({"label": args.label, "available": False}))
        return

    def stop(*_):
        raise Stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    peak, rank = {}, {}
    smi = subprocess.Popen(["nvidia-smi", "--query-compute-apps=pid,used_memory",
                            "--format=csv,noheader,nounits", "-lms", str(args.interval_ms)],
                           stdout=subprocess.PIPE, text=True)
    try:
        for line in smi.stdout:
            parts = [p.strip() for p in line.split(",")]
            if len(parts) != 2 or not parts[0].isdigit() or not parts[1].isdigit():
                continue
            pid, mib = int(parts[0]), int(parts[1])
            peak[pid] = max(peak.get(pid, 0), mib)
            if rank.get(pid) is None:
                rank[pid] = rank_of(pid)
    except Stop:
        pass
    finally:
        smi.terminate()
    procs = [{"pid": p, "rank": rank.get(p), "peak_mib": m} for p, m in peak.items()]
    procs.sort(key=lambda d: (d["rank"] is None, d["rank"] if d["rank"] is not None else 0, d["pid"]))
    print(json.dumps({"label": args.label, "available": True, "processes": procs}))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
