#include "cli/commands.hpp"

// The lmgaze front end is built without LibTorch (LMGAZE_MODEL_EXECUTABLE
// names its partner, src/cli/CMakeLists.txt): there the commands that run a
// model have no entry, and main.cpp hands them over to the partner.
#ifdef LMGAZE_MODEL_EXECUTABLE
#define RUNS_A_MODEL(entry) nullptr
#else
#define RUNS_A_MODEL(entry) entry
#endif

namespace lmgaze::cli {

const std::vector<Subcommand>& subcommands() {
  static const std::vector<Subcommand> table = {
      {"extract", "word-level attention and next-token loss of a checkpoint -> HDF5",
       RUNS_A_MODEL(run_extract)},
      {"stats paired", "per-layer paired t-test of two tables (b - a), Bonferroni counts",
       run_stats_paired},
      {"stats groups", "independent two-sample t-test, Student and Welch", run_stats_groups},
      {"stats fit", "least-squares line, Pearson r and its p", run_stats_fit},
      {"human import", "fixations or saccade matrices -> validated human store", run_human_import},
      {"human summary", "readers, coverage, regressions, refixations", run_human_summary},
      {"human measures", "per-word reading measures of a store -> tidy CSV", run_human_measures},
      {"human mean", "group-mean store (subject \"mean\") of a per-reader store", run_human_mean},
      {"human simulate", "fixations CSV of SIMULATED demo readers (L1/L2)", run_human_simulate},
      {"divergence", "Jensen-Shannon divergence of two attention files, by layer or part",
       run_divergence},
      {"resemblance", "R² of readers' saccades on each layer's heads, over the noise ceiling",
       run_resemblance},
      {"noise-ceiling", "R² of each reader on the group mean: the group's noise ceiling",
       run_noise_ceiling},
      {"trivial", "reliance of heads or readers on the FIRST/SELF/PREV patterns", run_trivial},
      {"ntp", "mean next-token cross-entropy of attention files", run_ntp},
      {"report", "tables, gnuplot figures and index.md of a run (OUT/report/)", run_report},
      {"run", "run a job file end to end; skips stages that are done", RUNS_A_MODEL(run_run)},
      {"plan", "a job's stage graph, what is done, GPU memory per stage", RUNS_A_MODEL(run_plan)},
      {"check", "compare a job's tables with stored expected tables", RUNS_A_MODEL(run_check)},
  };
  return table;
}

}  // namespace lmgaze::cli
