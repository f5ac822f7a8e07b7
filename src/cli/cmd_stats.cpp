// lmgaze stats paired | groups | fit: the significance tests of METHODS.md
// section 8 on the CSV tables the analysis commands write.
//
// Each prints n, the statistic, its degrees of freedom and the two-sided p to
// stdout and, with --out, writes a CSV whose `#` header comments record the
// command line and the inputs' own header comments. Differences are b − a
// throughout (stats/ttest.hpp). The tests themselves live in src/stats/.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analysis/inputs.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "common/error.hpp"
#include "stats/bootstrap_slope.hpp"
#include "stats/csv.hpp"
#include "stats/permutation.hpp"
#include "stats/regression.hpp"
#include "stats/tables.hpp"
#include "stats/ttest.hpp"

namespace lmgaze::cli {
namespace {

using namespace lmgaze::stats;

// "%.*g" of a double.
std::string num(double v, int digits = 6) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

std::vector<std::string> strings(const po::variables_map& vm, const std::string& name) {
  return vm.count(name) ? vm[name].as<std::vector<std::string>>() : std::vector<std::string>();
}

std::vector<ColumnFilter> filters(const po::variables_map& vm, const std::string& name) {
  std::vector<ColumnFilter> out;
  for (const auto& spec : strings(vm, name)) out.push_back(parse_filter(spec));
  return out;
}

// "lmgaze stats paired --a A.csv --b B.csv --key layer ...": every option's
// value as used (defaults included), in the order --help lists them.
std::string command_line(const CommandSpec& spec, const po::options_description& options,
                         const po::variables_map& vm) {
  std::string line = "lmgaze " + spec.name;
  for (const auto& opt : options.options()) {
    const std::string& name = opt->long_name();
    if (!vm.count(name)) continue;
    const boost::any& value = vm[name].value();
    if (const auto* s = boost::any_cast<std::string>(&value)) {
      line += " --" + name + " " + *s;
    } else if (const auto* d = boost::any_cast<double>(&value)) {
      line += " --" + name + " " + csv_number(*d);
    } else if (const auto* b = boost::any_cast<bool>(&value)) {
      if (*b) line += " --" + name;
    } else if (const auto* list = boost::any_cast<std::vector<std::string>>(&value)) {
      for (const auto& item : *list) line += " --" + name + " " + item;
    }
  }
  return line;
}

// The output's header comments: how it was made, then each input's own comments.
std::vector<std::string> provenance(const std::string& command,
                                    const std::vector<const CsvTable*>& inputs) {
  std::vector<std::string> comments = {command};
  for (size_t k = 0; k < inputs.size(); ++k) {
    if (k > 0 && inputs[k]->path == inputs[0]->path) continue;  // --a T.csv --b T.csv
    for (const auto& c : inputs[k]->comments) comments.push_back(inputs[k]->path + ": " + c);
  }
  return comments;
}

std::string describe_filters(const std::vector<ColumnFilter>& fs) {
  std::string s;
  for (const auto& f : fs) s += (s.empty() ? " [" : ", ") + f.column + "=" + f.value;
  return s.empty() ? s : s + "]";
}

void append(std::vector<ColumnFilter>& to, const std::vector<ColumnFilter>& from) {
  to.insert(to.end(), from.begin(), from.end());
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
  const double alpha = (*vm)["alpha"].as<double>();
  if (!(alpha > 0 && alpha < 1)) throw InputError("--alpha must be between 0 and 1");
  PairedColumns columns;
  columns.key = (*vm)["key"].as<std::string>();
  columns.subject = (*vm)["subject"].as<std::string>();
  columns.value = (*vm)["value"].as<std::string>();
  auto fa = filters(*vm, "filter"), fb = fa;
  append(fa, filters(*vm, "filter-a"));
  append(fb, filters(*vm, "filter-b"));

  const CsvTable ta = read_csv((*vm)["a"].as<std::string>());
  const CsvTable tb = read_csv((*vm)["b"].as<std::string>());
  const TableRows ra = select_rows(ta, fa), rb = select_rows(tb, fb);
  require_same_group(ra, rb);
  const LayerwiseComparison c = compare_layerwise(ra, rb, columns, alpha);
  const size_t m = c.layers.size();

  std::cout << "paired t-test of " << columns.value << " per " << columns.key << ", over "
            << columns.subject << "s in both tables; differences are b - a\n"
            << "  a = " << ta.path << describe_filters(fa) << "\n"
            << "  b = " << tb.path << describe_filters(fb) << "\n";
  std::printf("%8s %5s %12s %12s %12s %10s %5s %11s %11s  %s\n", columns.key.c_str(), "n", "mean_a",
              "mean_b", "mean_diff", "t", "df", "p", "p_bonf", "sig");
  std::vector<std::vector<std::string>> rows;
  for (const auto& l : c.layers) {
    const PairedTTest& t = l.test;
    const char* direction = t.mean_diff > 0 ? "higher" : t.mean_diff < 0 ? "lower" : "equal";
    std::printf("%8s %5ld %12s %12s %12s %10s %5s %11s %11s  %s\n", l.key.c_str(), t.n,
                num(t.mean_a).c_str(), num(t.mean_b).c_str(), num(t.mean_diff).c_str(),
                num(t.t, 5).c_str(), num(t.df).c_str(), num(t.p, 4).c_str(),
                num(l.p_bonferroni, 4).c_str(), l.significant ? direction : "");
    rows.push_back({l.key, std::to_string(t.n), csv_number(t.mean_a), csv_number(t.mean_b),
                    csv_number(t.mean_diff), csv_number(t.t), csv_number(t.df), csv_number(t.p),
                    csv_number(l.p_bonferroni), l.significant ? "1" : "0", direction});
  }
  if (c.unpaired || c.missing)
    std::cout << "skipped: " << c.unpaired << " (" << columns.key << ", " << columns.subject
              << ") rows in only one table, " << c.missing << " pairs with a missing value\n";
  std::cout << "b is significantly higher than a in " << c.higher << " of " << m << " "
            << columns.key << "s, lower in " << c.lower << " (Bonferroni, alpha = " << num(alpha)
            << "/" << m << ")\n";

  if (vm->count("out")) {
    std::vector<std::string> comments = provenance(command_line(spec, options, *vm), {&ta, &tb});
    comments.insert(comments.begin() + 1, "mean_diff and t are b - a; significant: p < alpha/" +
                                              std::to_string(m) + " = " + csv_number(c.threshold) +
                                              "; higher " + std::to_string(c.higher) + ", lower " +
                                              std::to_string(c.lower));
    write_csv((*vm)["out"].as<std::string>(), comments,
              {columns.key, "n", "mean_a", "mean_b", "mean_diff", "t", "df", "p", "p_bonferroni",
               "significant", "direction"},
              rows);
  }
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
  const std::string value = (*vm)["value"].as<std::string>();
  auto fa = filters(*vm, "filter"), fb = fa;
  append(fa, filters(*vm, "filter-a"));
  append(fb, filters(*vm, "filter-b"));

  const CsvTable ta = read_csv((*vm)["a"].as<std::string>());
  const CsvTable tb = read_csv((*vm)["b"].as<std::string>());
  const Sample sa = column_sample(select_rows(ta, fa), value);
  const Sample sb = column_sample(select_rows(tb, fb), value);
  const long permutations = (*vm)["permutations"].as<long>();
  if (permutations < 1) throw InputError("lmgaze stats groups: --permutations must be at least 1");
  const uint64_t seed = (*vm)["seed"].as<uint64_t>();
  std::vector<TwoSampleTTest> tests;
  for (Variance v : {Variance::pooled, Variance::welch}) {
    try {
      tests.push_back(two_sample_t_test(sa.values, sb.values, v));
    } catch (const InputError& e) {
      throw InputError(e.problem() + " (column " + value + " of " + ta.path + describe_filters(fa) +
                       " and " + tb.path + describe_filters(fb) + ")");
    }
  }

  std::cout << "two-sample t-test of " << value << ", mean(b) - mean(a)\n"
            << "  a = " << ta.path << describe_filters(fa) << ": n = " << sa.values.size()
            << (sa.missing ? " (" + std::to_string(sa.missing) + " missing skipped)" : "") << "\n"
            << "  b = " << tb.path << describe_filters(fb) << ": n = " << sb.values.size()
            << (sb.missing ? " (" + std::to_string(sb.missing) + " missing skipped)" : "") << "\n";
  std::printf("%-8s %5s %5s %12s %12s %12s %10s %9s %11s\n", "test", "n_a", "n_b", "mean_a",
              "mean_b", "mean_diff", "t", "df", "p");
  std::vector<std::vector<std::string>> rows;
  for (const auto& t : tests) {
    const char* name = t.variance == Variance::pooled ? "student" : "welch";
    std::printf("%-8s %5ld %5ld %12s %12s %12s %10s %9s %11s\n", name, t.n_a, t.n_b,
                num(t.mean_a).c_str(), num(t.mean_b).c_str(), num(t.mean_diff).c_str(),
                num(t.t, 5).c_str(), num(t.df).c_str(), num(t.p, 4).c_str());
    rows.push_back({name, std::to_string(t.n_a), std::to_string(t.n_b), csv_number(t.mean_a),
                    csv_number(t.mean_b), csv_number(t.sd_a), csv_number(t.sd_b),
                    csv_number(t.mean_diff), csv_number(t.t), csv_number(t.df), csv_number(t.p)});
  }
  const PermutationTest perm = permutation_test(sa.values, sb.values, permutations, seed);
  std::printf("%-8s %5ld %5ld %12s %12s %12s %10s %9s %11s   (%ld permutations, seed %llu)\n",
              "permute", perm.n_a, perm.n_b, num(tests[0].mean_a).c_str(),
              num(tests[0].mean_b).c_str(), num(perm.mean_diff).c_str(), "", "",
              num(perm.p, 4).c_str(), perm.permutations, static_cast<unsigned long long>(seed));
  rows.push_back({"permutation", std::to_string(perm.n_a), std::to_string(perm.n_b),
                  csv_number(tests[0].mean_a), csv_number(tests[0].mean_b),
                  csv_number(tests[0].sd_a), csv_number(tests[0].sd_b), csv_number(perm.mean_diff),
                  "", "", csv_number(perm.p)});

  if (vm->count("out")) {
    std::vector<std::string> comments = provenance(command_line(spec, options, *vm), {&ta, &tb});
    comments.insert(comments.begin() + 1, "mean_diff and t are mean(b) - mean(a); permutation: " +
                                              std::to_string(permutations) +
                                              " permutations, seed " + std::to_string(seed));
    write_csv(
        (*vm)["out"].as<std::string>(), comments,
        {"test", "n_a", "n_b", "mean_a", "mean_b", "sd_a", "sd_b", "mean_diff", "t", "df", "p"},
        rows);
  }
  return 0;
}

// ---- stats fit ---------------------------------------------------------------------------

namespace {

// --x / --y: a column of --csv, FILE:COLUMN, or a literal comma-separated list.
struct Axis {
  std::string spec;
  bool literal = false;
  std::vector<double> values;  // literal
  std::string file, column;    // otherwise
};

Axis parse_axis(const std::string& option, const std::string& spec, bool with_csv) {
  Axis a;
  a.spec = spec;
  if (with_csv) {
    a.column = spec;
    return a;
  }
  // A list of numbers?
  bool numbers = !spec.empty();
  size_t start = 0;
  while (numbers && start <= spec.size()) {
    size_t comma = spec.find(',', start);
    if (comma == std::string::npos) comma = spec.size();
    const std::string item = spec.substr(start, comma - start);
    char* end = nullptr;
    const double v = std::strtod(item.c_str(), &end);
    numbers = !item.empty() && end == item.c_str() + item.size();
    a.values.push_back(v);
    start = comma + 1;
  }
  if (numbers) {
    a.literal = true;
    return a;
  }
  a.values.clear();
  const size_t colon = spec.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == spec.size())
    throw InputError("--" + option + " '" + spec +
                     "': expected FILE:COLUMN, a list of numbers like 7,13,30, or a column name "
                     "with --csv (see --help)");
  a.file = spec.substr(0, colon);
  a.column = spec.substr(colon + 1);
  return a;
}

}  // namespace

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
  const bool with_csv = vm->count("csv") > 0;
  const Axis ax = parse_axis("x", (*vm)["x"].as<std::string>(), with_csv);
  const Axis ay = parse_axis("y", (*vm)["y"].as<std::string>(), with_csv);
  const bool log10_x = (*vm)["log10-x"].as<bool>();
  const std::string join = vm->count("join") ? (*vm)["join"].as<std::string>() : "";
  auto fx = filters(*vm, "filter"), fy = fx;
  append(fx, filters(*vm, "filter-x"));
  append(fy, filters(*vm, "filter-y"));
  const bool any_filter = vm->count("filter") || vm->count("filter-x") || vm->count("filter-y");

  std::vector<std::unique_ptr<CsvTable>> tables;
  Points p;
  std::string x_label, y_label;
  if (ax.literal != ay.literal)
    throw InputError("--x and --y must both be lists of numbers or both name columns");
  if (ax.literal) {
    if (!join.empty() || any_filter)
      throw InputError("--join and --filter apply to tables, not to lists of numbers");
    if (ax.values.size() != ay.values.size())
      throw InputError("--x has " + std::to_string(ax.values.size()) + " numbers but --y has " +
                       std::to_string(ay.values.size()));
    for (size_t i = 0; i < ax.values.size(); ++i) {
      if (std::isnan(ax.values[i]) || std::isnan(ay.values[i])) {
        ++p.missing;
        continue;
      }
      p.x.push_back(ax.values[i]);
      p.y.push_back(ay.values[i]);
      p.x_origin.push_back("--x item " + std::to_string(i + 1));
    }
    x_label = "x";
    y_label = "y";
  } else if (with_csv) {
    if (!join.empty())
      throw InputError("--join pairs two files; with --csv the rows are the points");
    if (vm->count("filter-x") || vm->count("filter-y"))
      throw InputError("with --csv use --filter (one table), not --filter-x/--filter-y");
    tables.push_back(std::make_unique<CsvTable>(read_csv((*vm)["csv"].as<std::string>())));
    p = points_by_row(select_rows(*tables[0], fx), ax.column, ay.column);
    x_label = ax.column;
    y_label = ay.column;
  } else if (ax.file == ay.file && join.empty()) {
    if (vm->count("filter-x") || vm->count("filter-y"))
      throw InputError("x and y come from one file: use --filter, not --filter-x/--filter-y");
    tables.push_back(std::make_unique<CsvTable>(read_csv(ax.file)));
    p = points_by_row(select_rows(*tables[0], fx), ax.column, ay.column);
    x_label = ax.spec;
    y_label = ay.spec;
  } else {
    if (join.empty())
      throw InputError("--x and --y come from different files (" + ax.file + ", " + ay.file +
                       "): give --join KEY, a column both have (e.g. model), to pair their rows");
    tables.push_back(std::make_unique<CsvTable>(read_csv(ax.file)));
    tables.push_back(std::make_unique<CsvTable>(read_csv(ay.file)));
    p = points_joined(select_rows(*tables[0], fx), ax.column, select_rows(*tables[1], fy),
                      ay.column, join);
    x_label = ax.spec;
    y_label = ay.spec;
  }
  if (log10_x) {
    for (size_t i = 0; i < p.x.size(); ++i) {
      if (!(p.x[i] > 0))
        throw InputError(p.x_origin[i] + ": --log10-x: x = " + num(p.x[i]) + " is not positive");
      p.x[i] = std::log10(p.x[i]);
    }
    x_label = "log10(" + x_label + ")";
  }
  LineFit f;
  try {
    f = fit_line(p.x, p.y);
  } catch (const InputError& e) {
    throw InputError(e.problem() + " (x = " + x_label + ", y = " + y_label + ")");
  }

  // The slope's bootstrap interval: the same resamples of readers for every model.
  std::optional<SlopeInterval> boot;
  Replicates reps;
  if (vm->count("bootstrap")) {
    if (!with_csv || !tables[0]->has_column("model"))
      throw InputError("--bootstrap needs the points in one --csv table with a model column");
    reps = read_replicates(analysis::split_list((*vm)["bootstrap"].as<std::string>()), ay.column);
    const CsvTable& t = *tables[0];
    std::vector<double> xs;
    std::vector<std::vector<double>> ys;
    for (const CsvRow* row : select_rows(t, fx).rows) {
      double x = t.number(*row, t.column(ax.column));
      if (std::isnan(x) || std::isnan(t.number(*row, t.column(ay.column)))) continue;
      const std::string& model = row->fields[t.column("model")];
      const auto it = reps.by_model.find(model);
      if (it == reps.by_model.end())
        throw InputError(t.path, row->line,
                         "model " + model + " is in none of the --bootstrap tables");
      xs.push_back(log10_x ? std::log10(x) : x);
      ys.push_back(it->second);
    }
    boot = bootstrap_slope(xs, ys);
  }

  std::cout << "least-squares line y = intercept + slope * x\n"
            << "  x = " << x_label << describe_filters(fx) << "\n"
            << "  y = " << y_label << describe_filters(fy) << "\n";
  if (p.missing || p.unmatched_x || p.unmatched_y)
    std::cout << "skipped: " << p.missing << " points with a missing value, " << p.unmatched_x
              << " x rows and " << p.unmatched_y << " y rows without a partner\n";
  std::cout << "n = " << f.n << "  slope = " << num(f.slope) << " (se " << num(f.slope_se, 4)
            << ")  intercept = " << num(f.intercept) << " (se " << num(f.intercept_se, 4) << ")\n"
            << "r = " << num(f.r) << "  r^2 = " << num(f.r_squared) << "  t = " << num(f.t, 5)
            << "  df = " << num(f.df) << "  p = " << num(f.p, 4) << "\n";
  if (boot)
    std::cout << "slope 95% bootstrap interval [" << num(boot->low) << ", " << num(boot->high)
              << "] (" << reps.resamples << " resamples of readers, seed " << reps.seed << ")\n";

  if (vm->count("out")) {
    std::vector<const CsvTable*> inputs;
    for (const auto& t : tables) inputs.push_back(t.get());
    std::vector<std::string> header = {
        "x", "y",         "n", "slope", "slope_se", "intercept", "intercept_se",
        "r", "r_squared", "t", "df",    "p"};
    std::vector<std::string> row = {x_label,
                                    y_label,
                                    std::to_string(f.n),
                                    csv_number(f.slope),
                                    csv_number(f.slope_se),
                                    csv_number(f.intercept),
                                    csv_number(f.intercept_se),
                                    csv_number(f.r),
                                    csv_number(f.r_squared),
                                    csv_number(f.t),
                                    csv_number(f.df),
                                    csv_number(f.p)};
    if (boot) {
      header.insert(header.end(), {"slope_low", "slope_high", "resamples", "seed"});
      row.insert(row.end(), {csv_number(boot->low), csv_number(boot->high),
                             std::to_string(reps.resamples), reps.seed});
    }
    write_csv((*vm)["out"].as<std::string>(), provenance(command_line(spec, options, *vm), inputs),
              header, {row});
  }
  return 0;
}

}  // namespace lmgaze::cli
