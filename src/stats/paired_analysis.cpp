#include "stats/paired_analysis.hpp"

#include "common/error.hpp"
#include "stats/provenance.hpp"

namespace lmgaze::stats {

void PairedOptions::validate() const {
  if (!(alpha > 0 && alpha < 1)) throw InputError("--alpha must be between 0 and 1");
  parse_filters(filter);
  parse_filters(filter_a);
  parse_filters(filter_b);
}

std::string PairedOptions::command_line() const {
  return CommandLine("stats paired")
      .option("a", a)
      .option("b", b)
      .option("key", columns.key)
      .option("subject", columns.subject)
      .option("value", columns.value)
      .option("alpha", alpha)
      .optional("out", out)
      .each("filter", filter)
      .each("filter-a", filter_a)
      .each("filter-b", filter_b)
      .str();
}

LayerwiseComparison paired_analysis(const PairedOptions& options, std::ostream& log) {
  options.validate();
  const PairedColumns& columns = options.columns;
  auto fa = parse_filters(options.filter), fb = fa;
  for (const auto& f : parse_filters(options.filter_a)) fa.push_back(f);
  for (const auto& f : parse_filters(options.filter_b)) fb.push_back(f);

  const CsvTable ta = read_csv(options.a);
  const CsvTable tb = read_csv(options.b);
  const TableRows ra = select_rows(ta, fa), rb = select_rows(tb, fb);
  require_same_group(ra, rb);
  const LayerwiseComparison c = compare_layerwise(ra, rb, columns, options.alpha);
  const size_t m = c.layers.size();

  log << "paired t-test of " << columns.value << " per " << columns.key << ", over "
      << columns.subject << "s in both tables; differences are b - a\n"
      << "  a = " << ta.path << describe_filters(fa) << "\n"
      << "  b = " << tb.path << describe_filters(fb) << "\n";
  log << printf_string("%8s %5s %12s %12s %12s %10s %5s %11s %11s  %s\n", columns.key.c_str(), "n",
                       "mean_a", "mean_b", "mean_diff", "t", "df", "p", "p_bonf", "sig");
  std::vector<std::vector<std::string>> rows;
  for (const auto& l : c.layers) {
    const PairedTTest& t = l.test;
    const char* direction = t.mean_diff > 0 ? "higher" : t.mean_diff < 0 ? "lower" : "equal";
    log << printf_string("%8s %5ld %12s %12s %12s %10s %5s %11s %11s  %s\n", l.key.c_str(), t.n,
                         short_number(t.mean_a).c_str(), short_number(t.mean_b).c_str(),
                         short_number(t.mean_diff).c_str(), short_number(t.t, 5).c_str(),
                         short_number(t.df).c_str(), short_number(t.p, 4).c_str(),
                         short_number(l.p_bonferroni, 4).c_str(), l.significant ? direction : "");
    rows.push_back({l.key, std::to_string(t.n), csv_number(t.mean_a), csv_number(t.mean_b),
                    csv_number(t.mean_diff), csv_number(t.t), csv_number(t.df), csv_number(t.p),
                    csv_number(l.p_bonferroni), l.significant ? "1" : "0", direction});
  }
  if (c.unpaired || c.missing)
    log << "skipped: " << c.unpaired << " (" << columns.key << ", " << columns.subject
        << ") rows in only one table, " << c.missing << " pairs with a missing value\n";
  log << "b is significantly higher than a in " << c.higher << " of " << m << " " << columns.key
      << "s, lower in " << c.lower << " (Bonferroni, alpha = " << short_number(options.alpha) << "/"
      << m << ")\n";

  if (!options.out.empty()) {
    std::vector<std::string> comments = provenance(options.command_line(), {&ta, &tb});
    comments.insert(comments.begin() + 1, "mean_diff and t are b - a; significant: p < alpha/" +
                                              std::to_string(m) + " = " + csv_number(c.threshold) +
                                              "; higher " + std::to_string(c.higher) + ", lower " +
                                              std::to_string(c.lower));
    write_csv(options.out, comments,
              {columns.key, "n", "mean_a", "mean_b", "mean_diff", "t", "df", "p", "p_bonferroni",
               "significant", "direction"},
              rows);
  }
  return c;
}

}  // namespace lmgaze::stats
