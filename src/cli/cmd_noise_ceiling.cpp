// lmgaze noise-ceiling: how well a group's own mean predicts each reader
// (METHODS.md section 5; analysis/noise_ceiling.hpp).
//
//   DIR/noise_ceiling.csv   group, subject, r2
//   DIR/noise_ceiling.json  inputs, options, mean, sem, n, missing data
//   DIR/noise_ceiling_split_half.csv (--split-half B)  group, n_readers, splits,
//       r_half_mean, reliability_mean, reliability_sd (analysis/split_half.hpp)
#include <mpi.h>

#include <iomanip>
#include <iostream>

#include "analysis/noise_ceiling.hpp"
#include "analysis/split_half.hpp"
#include "analysis/table.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "common/error.hpp"

namespace lmgaze::cli {

int run_noise_ceiling(const Args& args) {
  const CommandSpec spec{
      "noise-ceiling",
      "noise-ceiling --human H.h5 --group G [--leave-one-out] [--exclude S,..] --out DIR",
      "Per reader: OLS (with intercept) of the reader's tril saccade matrices on the group-mean\n"
      "matrices over the sentences the reader has; R² per reader, and the ceiling = mean R².\n"
      "The group mean of a sentence averages the readers with data there and, as in METHODS.md,\n"
      "includes the reader; --leave-one-out averages the other readers only. Needs >= 2 readers.\n"
      "--split-half B also estimates the reliability of the group mean (METHODS.md 10): B seeded\n"
      "random splits into halves, Pearson r of the half-means, Spearman-Brown 2r / (1 + r)."};
  po::options_description opts;
  opts.add_options()("human", po::value<std::string>()->required(), "human store")(
      "group", po::value<std::string>()->required(), "reader group, e.g. L1")(
      "view", po::value<std::string>()->default_value("count"), "count | duration")(
      "exclude", po::value<std::string>()->default_value(""),
      "comma-separated subjects of the group to leave out")("leave-one-out", po::bool_switch(),
                                                            "group mean without the reader itself")(
      "split-half", po::value<int>()->default_value(0),
      "B >= 1: also the split-half reliability over B random splits")(
      "seed", po::value<uint64_t>()->default_value(1), "seed of the split-half splits")(
      "out", po::value<std::string>()->required(), "output directory");
  const auto vm = parse_options(spec, opts, args);
  if (!vm) return 0;
  analysis::NoiseCeilingOptions o;
  const std::string human = (*vm)["human"].as<std::string>();
  o.group = (*vm)["group"].as<std::string>();
  o.view = (*vm)["view"].as<std::string>();
  o.exclude = analysis::split_list((*vm)["exclude"].as<std::string>());
  o.leave_one_out = (*vm)["leave-one-out"].as<bool>();
  const std::string out = (*vm)["out"].as<std::string>();

  const int splits = (*vm)["split-half"].as<int>();
  if (splits < 0) throw InputError("lmgaze noise-ceiling: --split-half must be at least 1");
  analysis::SplitHalfOptions sh;
  sh.group = o.group;
  sh.view = o.view;
  sh.exclude = o.exclude;
  sh.splits = splits;
  sh.seed = (*vm)["seed"].as<uint64_t>();

  const HumanStore store(human);
  const analysis::NoiseCeilingResult r = analysis::run_noise_ceiling(store, o, MPI_COMM_WORLD);
  analysis::SplitHalfResult half;
  if (splits > 0) half = analysis::run_split_half(store, sh, MPI_COMM_WORLD);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (rank != 0) return 0;
  analysis::OutputSet set;  // the tables and sidecar appear together

  using analysis::Table;
  const std::string mean_how = o.leave_one_out ? "without the reader" : "including the reader";
  Table rows({"group", "subject", "r2"});
  rows.comment(analysis::command_line(spec.name, args));
  rows.comment("view " + o.view + ", group mean " + mean_how + ", excluded [" +
               (*vm)["exclude"].as<std::string>() + "]");
  for (size_t k = 0; k < r.readers.subjects.size(); ++k)
    rows.add({o.group, r.readers.subjects[k], Table::num(r.r2[k])});
  rows.write(out + "/noise_ceiling.csv");
  if (splits > 0) {
    Table t({"group", "n_readers", "splits", "r_half_mean", "reliability_mean", "reliability_sd"});
    t.comment(analysis::command_line(spec.name, args));
    t.comment("split-half: seed " + std::to_string(sh.seed) +
              ", halves of n/2 (rounded down) and the rest, Pearson r of the half-means over "
              "word pairs, reliability = Spearman-Brown 2r / (1 + r)");
    t.add({o.group, Table::integer(static_cast<long long>(half.readers.subjects.size())),
           Table::integer(splits), Table::num(half.r_half_mean), Table::num(half.reliability_mean),
           Table::num(half.reliability_sd)});
    t.write(out + "/noise_ceiling_split_half.csv");
  }
  nlohmann::json side = analysis::sidecar_header(spec.name, size);
  side["command_line"] = analysis::command_line(spec.name, args);
  side["human"] = {{"path", human},
                   {"group", o.group},
                   {"view", o.view},
                   {"simulated", r.readers.simulated},
                   {"excluded_in_store", r.readers.store_excluded},
                   {"excluded_here", r.readers.excluded}};
  side["options"] = {{"leave_one_out", o.leave_one_out}};
  if (splits > 0)
    side["split_half"] = {{"splits", splits},
                          {"seed", sh.seed},
                          {"r_half_mean", half.r_half_mean},
                          {"reliability_mean", half.reliability_mean},
                          {"reliability_sd", half.reliability_sd}};
  side["noise_ceiling"] = {{"mean", r.ceiling.mean}, {"sem", r.ceiling.sem}, {"n", r.ceiling.n}};
  side["missing"] = {{"reader_sentences", r.missing.reader_sentences}, {"pairs", r.missing.pairs}};
  side["definitions"] = {
      {"r2", "OLS with intercept of tril(S_r) on tril(group mean), over the reader's sentences"},
      {"group_mean", "per sentence, the mean of the readers with data there, " + mean_how}};
  analysis::write_json(out + "/noise_ceiling.json", side);
  set.commit();
  std::cout << std::setprecision(6) << "noise ceiling " << o.group << " (" << o.view
            << ", group mean " << mean_how << "): mean " << r.ceiling.mean << ", sem "
            << r.ceiling.sem << ", n " << r.ceiling.n << "\n";
  if (splits > 0)
    std::cout << "split-half reliability of the group mean (" << splits << " splits, seed "
              << sh.seed << "): " << half.reliability_mean << " (sd " << half.reliability_sd
              << "), half-mean r " << half.r_half_mean << "\n";
  if (r.readers.simulated) std::cout << "note: the human data are SIMULATED\n";
  return 0;
}

}  // namespace lmgaze::cli
