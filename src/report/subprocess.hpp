// Running a helper program (gnuplot) from lmgaze as part of one stage of work.
//
// The helper must neither die of a signal meant for lmgaze nor outlive it:
// - `lmgaze run` stops on its first SIGTERM/SIGINT only after the current
//   stage, and the report stage includes its figures. But signals often go to
//   a whole process group or to every process of a job, not to lmgaze alone:
//   Open MPI's mpirun puts each rank in a process group of its own and signals
//   that group, a terminal sends Ctrl-C to its foreground group, Slurm signals
//   every process of a job step. A helper in lmgaze's group with the default
//   actions would die mid-figure and fail the stage the signal meant to let
//   finish. So the helper gets a process group of its own and ignores SIGTERM
//   and SIGINT.
// - When lmgaze dies (a second signal abandons the stage, or SIGKILL), the
//   kernel kills the helper (PR_SET_PDEATHSIG), so nothing keeps writing into
//   an output directory that the next run will redo.
#pragma once

#include <string>
#include <vector>

namespace lmgaze::report {

// Runs `program` with `args` in directory `dir`, stdin from /dev/null, stdout
// and stderr to `log`, and waits for it. Returns its wait status (waitpid).
// Call it from the thread that lives as long as the work (the helper dies
// with the thread that started it). InputError when it cannot be started.
int run_helper(const std::string& program, const std::vector<std::string>& args,
               const std::string& dir, const std::string& log);

}  // namespace lmgaze::report
