#include "stats/groups_analysis.hpp"

#include "common/error.hpp"
#include "stats/permutation.hpp"
#include "stats/provenance.hpp"
#include "stats/tables.hpp"
#include "stats/ttest.hpp"

namespace lmgaze::stats {

void GroupsOptions::validate() const {
  parse_filters(filter);
  parse_filters(filter_a);
  parse_filters(filter_b);
  if (permutations < 1) throw InputError("lmgaze stats groups: --permutations must be at least 1");
}

std::string GroupsOptions::command_line() const {
  return CommandLine("stats groups")
      .option("a", a)
      .option("b", b)
      .option("value", value)
      .optional("out", out)
      .each("filter", filter)
      .each("filter-a", filter_a)
      .each("filter-b", filter_b)
      .str();
}

void groups_analysis(const GroupsOptions& options, std::ostream& log) {
  options.validate();
  const std::string& value = options.value;
  auto fa = parse_filters(options.filter), fb = fa;
  for (const auto& f : parse_filters(options.filter_a)) fa.push_back(f);
  for (const auto& f : parse_filters(options.filter_b)) fb.push_back(f);

  const CsvTable ta = read_csv(options.a);
  const CsvTable tb = read_csv(options.b);
  const Sample sa = column_sample(select_rows(ta, fa), value);
  const Sample sb = column_sample(select_rows(tb, fb), value);
  std::vector<TwoSampleTTest> tests;
  for (Variance v : {Variance::pooled, Variance::welch}) {
    try {
      tests.push_back(two_sample_t_test(sa.values, sb.values, v));
    } catch (const InputError& e) {
      throw InputError(e.problem() + " (column " + value + " of " + ta.path + describe_filters(fa) +
                       " and " + tb.path + describe_filters(fb) + ")");
    }
  }

  log << "two-sample t-test of " << value << ", mean(b) - mean(a)\n"
      << "  a = " << ta.path << describe_filters(fa) << ": n = " << sa.values.size()
      << (sa.missing ? " (" + std::to_string(sa.missing) + " missing skipped)" : "") << "\n"
      << "  b = " << tb.path << describe_filters(fb) << ": n = " << sb.values.size()
      << (sb.missing ? " (" + std::to_string(sb.missing) + " missing skipped)" : "") << "\n";
  log << printf_string("%-8s %5s %5s %12s %12s %12s %10s %9s %11s\n", "test", "n_a", "n_b",
                       "mean_a", "mean_b", "mean_diff", "t", "df", "p");
  std::vector<std::vector<std::string>> rows;
  for (const auto& t : tests) {
    const char* name = t.variance == Variance::pooled ? "student" : "welch";
    log << printf_string("%-8s %5ld %5ld %12s %12s %12s %10s %9s %11s\n", name, t.n_a, t.n_b,
                         short_number(t.mean_a).c_str(), short_number(t.mean_b).c_str(),
                         short_number(t.mean_diff).c_str(), short_number(t.t, 5).c_str(),
                         short_number(t.df).c_str(), short_number(t.p, 4).c_str());
    rows.push_back({name, std::to_string(t.n_a), std::to_string(t.n_b), csv_number(t.mean_a),
                    csv_number(t.mean_b), csv_number(t.sd_a), csv_number(t.sd_b),
                    csv_number(t.mean_diff), csv_number(t.t), csv_number(t.df), csv_number(t.p)});
  }
  const PermutationTest perm =
      permutation_test(sa.values, sb.values, options.permutations, options.seed);
  log << printf_string(
      "%-8s %5ld %5ld %12s %12s %12s %10s %9s %11s   (%ld permutations, seed %llu)\n", "permute",
      perm.n_a, perm.n_b, short_number(tests[0].mean_a).c_str(),
      short_number(tests[0].mean_b).c_str(), short_number(perm.mean_diff).c_str(), "", "",
      short_number(perm.p, 4).c_str(), perm.permutations,
      static_cast<unsigned long long>(options.seed));
  rows.push_back({"permutation", std::to_string(perm.n_a), std::to_string(perm.n_b),
                  csv_number(tests[0].mean_a), csv_number(tests[0].mean_b),
                  csv_number(tests[0].sd_a), csv_number(tests[0].sd_b), csv_number(perm.mean_diff),
                  "", "", csv_number(perm.p)});

  if (!options.out.empty()) {
    std::vector<std::string> comments = provenance(options.command_line(), {&ta, &tb});
    comments.insert(comments.begin() + 1, "mean_diff and t are mean(b) - mean(a); permutation: " +
                                              std::to_string(options.permutations) +
                                              " permutations, seed " +
                                              std::to_string(options.seed));
    write_csv(
        options.out, comments,
        {"test", "n_a", "n_b", "mean_a", "mean_b", "sd_a", "sd_b", "mean_diff", "t", "df", "p"},
        rows);
  }
}

}  // namespace lmgaze::stats
