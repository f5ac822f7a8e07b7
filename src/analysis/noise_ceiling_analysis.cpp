#include "analysis/noise_ceiling_analysis.hpp"

#include <iomanip>
#include <nlohmann/json.hpp>

#include "analysis/split_half.hpp"
#include "analysis/table.hpp"
#include "common/strings.hpp"
#include "human/human_store.hpp"

namespace lmgaze::analysis {

std::vector<OptionProblem> validate(const NoiseCeilingAnalysisOptions& options,
                                    const NoiseCeilingFacts& facts) {
  std::vector<OptionProblem> problems;
  if (options.split_half < 0)
    problems.push_back({"split-half", "the number of splits is at least 1 (0: none)"});
  const long kept = facts.n_readers - static_cast<long>(options.compute.exclude.size());
  if (facts.n_readers >= 0 && kept < 2)
    problems.push_back({"group", "a noise ceiling needs at least 2 readers; group " +
                                     options.compute.group + " has " + std::to_string(kept)});
  return problems;
}

NoiseCeilingResult noise_ceiling_analysis(const NoiseCeilingAnalysisOptions& options, MPI_Comm comm,
                                          std::ostream& log) {
  refuse_first(validate(options, {}));
  const NoiseCeilingOptions& o = options.compute;
  const std::string& human = options.human_path;
  const std::string& out = options.out_dir;
  const int splits = options.split_half;
  SplitHalfOptions sh;
  sh.group = o.group;
  sh.view = o.view;
  sh.exclude = o.exclude;
  sh.splits = splits;
  sh.seed = options.seed;
  const HumanStore store(human);
  const NoiseCeilingResult r = run_noise_ceiling(store, o, comm);
  SplitHalfResult half;
  if (splits > 0) half = run_split_half(store, sh, comm);
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  if (rank != 0) return {};
  OutputSet set;  // the tables and sidecar appear together

  const std::string mean_how = o.leave_one_out ? "without the reader" : "including the reader";
  Table rows({"group", "subject", "r2"});
  rows.comment(options.command_line);
  rows.comment("view " + o.view + ", group mean " + mean_how + ", excluded [" +
               join(o.exclude, ",") + "]");
  for (size_t k = 0; k < r.readers.subjects.size(); ++k)
    rows.add({o.group, r.readers.subjects[k], Table::num(r.r2[k])});
  rows.write(out + "/noise_ceiling.csv");
  if (splits > 0) {
    Table t({"group", "n_readers", "splits", "r_half_mean", "reliability_mean", "reliability_sd"});
    t.comment(options.command_line);
    t.comment("split-half: seed " + std::to_string(sh.seed) +
              ", halves of n/2 (rounded down) and the rest, Pearson r of the half-means over "
              "word pairs, reliability = Spearman-Brown 2r / (1 + r)");
    t.add({o.group, Table::integer(static_cast<long long>(half.readers.subjects.size())),
           Table::integer(splits), Table::num(half.r_half_mean), Table::num(half.reliability_mean),
           Table::num(half.reliability_sd)});
    t.write(out + "/noise_ceiling_split_half.csv");
  }
  nlohmann::json side = sidecar_header("noise-ceiling", size);
  side["command_line"] = options.command_line;
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
  write_json(out + "/noise_ceiling.json", side);
  set.commit();
  const auto precision = log.precision();
  log << std::setprecision(6) << "noise ceiling " << o.group << " (" << o.view << ", group mean "
      << mean_how << "): mean " << r.ceiling.mean << ", sem " << r.ceiling.sem << ", n "
      << r.ceiling.n << "\n";
  if (splits > 0)
    log << "split-half reliability of the group mean (" << splits << " splits, seed " << sh.seed
        << "): " << half.reliability_mean << " (sd " << half.reliability_sd << "), half-mean r "
        << half.r_half_mean << "\n";
  if (r.readers.simulated) log << "note: the human data are SIMULATED\n";
  log.precision(precision);
  return r;
}

}  // namespace lmgaze::analysis
