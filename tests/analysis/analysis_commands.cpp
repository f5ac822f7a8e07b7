// The command table of lmgaze_analysis_cli, the test build of the lmgaze
// front end: src/cli/main.cpp and the analysis commands' own cmd_*.cpp files,
// exactly as in the lmgaze executable, but without the model runtime (no
// LibTorch), so the analysis tests run wherever the analysis library builds.
#include "cli/commands.hpp"

namespace lmgaze::cli {

const std::vector<Subcommand>& subcommands() {
  static const std::vector<Subcommand> table = {
      {"divergence", "Jensen-Shannon divergence of two attention files", run_divergence},
      {"resemblance", "R² of readers' saccades on each layer's heads", run_resemblance},
      {"noise-ceiling", "R² of each reader on the group mean", run_noise_ceiling},
      {"trivial", "reliance on the FIRST/SELF/PREV patterns", run_trivial},
      {"ntp", "mean next-token cross-entropy", run_ntp},
  };
  return table;
}

}  // namespace lmgaze::cli
