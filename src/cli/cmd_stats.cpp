// lmgaze stats paired | groups | fit: the significance tests of METHODS.md
// section 8 on the CSV tables the analysis commands write.
//
// Each parses its options into the typed call of src/stats (paired_analysis,
// groups_analysis, fit_analysis), which prints n, the statistic, its degrees
// of freedom and the two-sided p and, with --out, writes the CSV.
#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "stats/fit_analysis.hpp"
#include "stats/groups_analysis.hpp"
#include "stats/paired_analysis.hpp"

namespace lmgaze::cli {
namespace {

std::vector<std::string> strings(const po::variables_map& vm, const std::string& name) {
  return vm.count(name) ? vm[name].as<std::vector<std::string>>() : std::vector<std::string>();
}

std::string text(const po::variables_map& vm, const std::string& name) {
  return vm.count(name) ? vm[name].as<std::string>() : std::string();
}

// Adds --filter, --filter-<a> and --filter-<b> to `options`.
void add_filter_options(po::options_description& options, const std::string& a,
                        const std::string& b) {
  options.add_options()("filter", po::value<std::vector<std::string>>()->composing(),
                        "column=value: keep only the rows where column equals value, in every "
                        "table (repeatable; all must hold)")(
      ("filter-" + a).c_str(), po::value<std::vector<std::string>>()->composing(),
      ("column=value for the --" + a + " table only (repeatable)").c_str())(
      ("filter-" + b).c_str(), po::value<std::vector<std::string>>()->composing(),
      ("column=value for the --" + b + " table only (repeatable)").c_str());
}

}  // namespace

// ---- stats paired ------------------------------------------------------------------------

int run_stats_paired(const Args& args) {
  const CommandSpec spec{
      "stats paired",
      "stats paired --a A.csv --b B.csv [--key layer] [--value r2] [--alpha 0.05] [--out F.csv]",
      "Per layer, a paired t-test over the readers that both tables have (e.g. a base model's\n"
      "resemblance.csv as --a and its instruction-tuned model's as --b). Differences are b - a:\n"
      "t > 0 means b is higher. A layer is significant when p < alpha / (number of layers)\n"
      "(Bonferroni); the significant layers with b higher and with b lower are counted.\n"
      "Readers missing from one table, or with an empty/NaN value in either, are skipped;\n"
      "rows whose layer is 'max' (a summary row) are ignored.\n"
      "--out columns: <key>, n, mean_a, mean_b, mean_diff, t, df, p, p_bonferroni,\n"
      "significant (1/0), direction (higher|lower|equal: b relative to a)."};
  po::options_description options;
  options.add_options()("a", po::value<std::string>()->required(), "first CSV table (baseline)")(
      "b", po::value<std::string>()->required(), "second CSV table (compared against a)")(
      "key", po::value<std::string>()->default_value("layer"), "column: one test per value")(
      "subject", po::value<std::string>()->default_value("subject"),
      "column that pairs rows of a and b (the reader id)")(
      "value", po::value<std::string>()->default_value("r2"), "column of the numbers compared")(
      "alpha", po::value<double>()->default_value(0.05, "0.05"),
      "family-wise level, divided by the number of layers")(
      "out", po::value<std::string>(), "also write the per-layer table to this CSV");
  add_filter_options(options, "a", "b");
  const auto vm = parse_options(spec, options, args);
  if (!vm) return 0;
  stats::PairedOptions o;
  o.a = (*vm)["a"].as<std::string>();
  o.b = (*vm)["b"].as<std::string>();
  o.columns.key = (*vm)["key"].as<std::string>();
  o.columns.subject = (*vm)["subject"].as<std::string>();
  o.columns.value = (*vm)["value"].as<std::string>();
  o.alpha = (*vm)["alpha"].as<double>();
  o.out = text(*vm, "out");
  o.filter = strings(*vm, "filter");
  o.filter_a = strings(*vm, "filter-a");
  o.filter_b = strings(*vm, "filter-b");
  stats::paired_analysis(o, std::cout);
  return 0;
}

// ---- stats groups ------------------------------------------------------------------------

int run_stats_groups(const Args& args) {
  const CommandSpec spec{
      "stats groups",
      "stats groups --a A.csv --b B.csv [--value r2] [--filter-a col=val] [--out F.csv]",
      "Independent two-sample t-test of mean(b) - mean(a) over the rows of two tables (e.g.\n"
      "the L1 and the L2 readers' trivial.csv), both with Student's pooled variance and with\n"
      "Welch's separate variances (Welch-Satterthwaite df). Rows with an empty/NaN value are\n"
      "skipped. One table holding both groups: --a T.csv --b T.csv --filter-a source=L1\n"
      "--filter-b source=L2.\n"
      "Beside them a permutation test of the same difference (METHODS.md 10): the pooled values\n"
      "reassigned to groups of the same sizes --permutations times (seeded), two-sided\n"
      "p = (1 + #|diff*| >= |diff|) / (1 + permutations).\n"
      "--out columns: test (student|welch|permutation), n_a, n_b, mean_a, mean_b, sd_a, sd_b,\n"
      "mean_diff, t, df, p (t and df empty for the permutation row)."};
  po::options_description options;
  options.add_options()("a", po::value<std::string>()->required(), "CSV table of sample a")(
      "b", po::value<std::string>()->required(), "CSV table of sample b")(
      "value", po::value<std::string>()->default_value("r2"), "column of the numbers compared")(
      "permutations", po::value<long>()->default_value(10000),
      "label permutations of the permutation test")("seed", po::value<uint64_t>()->default_value(1),
                                                    "seed of the permutations")(
      "out", po::value<std::string>(), "also write the tests to this CSV");
  add_filter_options(options, "a", "b");
  const auto vm = parse_options(spec, options, args);
  if (!vm) return 0;
  stats::GroupsOptions o;
  o.a = (*vm)["a"].as<std::string>();
  o.b = (*vm)["b"].as<std::string>();
  o.value = (*vm)["value"].as<std::string>();
  o.permutations = (*vm)["permutations"].as<long>();
  o.seed = (*vm)["seed"].as<uint64_t>();
  o.out = text(*vm, "out");
  o.filter = strings(*vm, "filter");
  o.filter_a = strings(*vm, "filter-a");
  o.filter_b = strings(*vm, "filter-b");
  stats::groups_analysis(o, std::cout);
  return 0;
}

// ---- stats fit ---------------------------------------------------------------------------

int run_stats_fit(const Args& args) {
  const CommandSpec spec{
      "stats fit",
      "stats fit (--csv F.csv --x COL --y COL | --x FILE:COL --y FILE:COL [--join KEY]"
      " | --x 1,2,3 --y 4,5,6) [--log10-x] [--out F.csv]",
      "Least-squares line y = intercept + slope * x, Pearson r, and the test of r = 0\n"
      "(t = r sqrt((n-2)/(1-r^2)), df = n - 2, two-sided p). The points come from\n"
      "  --csv points.csv --x log10_params --y resemblance   two columns of one table (simplest);\n"
      "  --x A.csv:loss --y B.csv:resemblance --join model   two tables, rows paired by a key\n"
      "                                                      column (without --join: the same "
      "file,\n"
      "                                                      row by row);\n"
      "  --x 7,13,30,65 --y 0.41,0.44,0.47,0.52               literal lists of equal length.\n"
      "Points with an empty/NaN x or y are skipped. --log10-x fits against log10(x), e.g.\n"
      "resemblance against log10(parameter count).\n"
      "--out columns: x, y, n, slope, slope_se, intercept, intercept_se, r, r_squared, t, df, p.\n"
      "--bootstrap R1.csv,R2.csv,...: resemblance_bootstrap_replicates.csv tables (`lmgaze\n"
      "resemblance --bootstrap B --seed S`, the same seed and readers for every model); with\n"
      "--csv and a `model` column, each resample's slope of the models' --y column gives a\n"
      "95% percentile interval: --out adds slope_low, slope_high, resamples, seed."};
  po::options_description options;
  options.add_options()("csv", po::value<std::string>(),
                        "one table holding both columns; --x and --y are then column names")(
      "x", po::value<std::string>()->required(), "x: COLUMN (with --csv), FILE:COLUMN, or 1,2,3")(
      "y", po::value<std::string>()->required(), "y: COLUMN (with --csv), FILE:COLUMN, or 1,2,3")(
      "join", po::value<std::string>(), "column that pairs the rows of two different files")(
      "log10-x", po::bool_switch(), "use log10(x) (every x must be > 0)")(
      "out", po::value<std::string>(), "also write the fit to this CSV")(
      "bootstrap", po::value<std::string>(),
      "replicate tables of the models (comma-separated): percentile interval of the slope");
  add_filter_options(options, "x", "y");
  const auto vm = parse_options(spec, options, args);
  if (!vm) return 0;
  stats::FitOptions o;
  o.csv = text(*vm, "csv");
  o.x = (*vm)["x"].as<std::string>();
  o.y = (*vm)["y"].as<std::string>();
  o.join = text(*vm, "join");
  o.log10_x = (*vm)["log10-x"].as<bool>();
  o.out = text(*vm, "out");
  o.bootstrap = text(*vm, "bootstrap");
  o.filter = strings(*vm, "filter");
  o.filter_x = strings(*vm, "filter-x");
  o.filter_y = strings(*vm, "filter-y");
  stats::fit_analysis(o, std::cout);
  return 0;
}

}  // namespace lmgaze::cli
