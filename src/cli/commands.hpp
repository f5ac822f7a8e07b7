// Every subcommand of the lmgaze executable: name, one-line summary, entry.
// Each entry parses its own options (cli/options.hpp) and returns the exit
// code; errors a user can fix are thrown as InputError and reported by main.
#pragma once

#include <string>
#include <vector>

namespace lmgaze::cli {

using Args = std::vector<std::string>;

struct Subcommand {
  const char* name;
  const char* summary;
  // Null in the front end for a command that runs a model: main.cpp hands it
  // over to the executable that holds the model runtime.
  int (*run)(const Args& args);
};

// One line per subcommand, in the order `lmgaze --help` lists them.
int run_extract(const Args& args);
int run_stats_paired(const Args&), run_stats_groups(const Args&), run_stats_fit(const Args&);
int run_human_import(const Args& args);
int run_human_summary(const Args& args);
int run_human_measures(const Args& args);
int run_human_mean(const Args& args);
int run_human_simulate(const Args& args);
int run_divergence(const Args& args);
int run_resemblance(const Args& args);
int run_noise_ceiling(const Args& args);
int run_trivial(const Args& args);
int run_ntp(const Args& args);
int run_report(const Args& args);
int run_run(const Args& args), run_plan(const Args& args), run_check(const Args& args);

const std::vector<Subcommand>& subcommands();

}  // namespace lmgaze::cli
