#include "stats/fit_analysis.hpp"

#include <cmath>
#include <cstdlib>
#include <memory>
#include <optional>

#include "common/error.hpp"
#include "common/strings.hpp"
#include "stats/bootstrap_slope.hpp"
#include "stats/provenance.hpp"
#include "stats/tables.hpp"

namespace lmgaze::stats {

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

// Where the points come from, decided by the options alone.
enum class Source { literal, one_csv, one_file, joined };

Source source_of(const FitOptions& o, const Axis& ax, const Axis& ay) {
  const bool with_csv = !o.csv.empty();
  const bool any_filter = !o.filter.empty() || !o.filter_x.empty() || !o.filter_y.empty();
  const bool side_filters = !o.filter_x.empty() || !o.filter_y.empty();
  if (ax.literal != ay.literal)
    throw InputError("--x and --y must both be lists of numbers or both name columns");
  if (ax.literal) {
    if (!o.join.empty() || any_filter)
      throw InputError("--join and --filter apply to tables, not to lists of numbers");
    if (ax.values.size() != ay.values.size())
      throw InputError("--x has " + std::to_string(ax.values.size()) + " numbers but --y has " +
                       std::to_string(ay.values.size()));
    return Source::literal;
  }
  if (with_csv) {
    if (!o.join.empty())
      throw InputError("--join pairs two files; with --csv the rows are the points");
    if (side_filters)
      throw InputError("with --csv use --filter (one table), not --filter-x/--filter-y");
    return Source::one_csv;
  }
  if (ax.file == ay.file && o.join.empty()) {
    if (side_filters)
      throw InputError("x and y come from one file: use --filter, not --filter-x/--filter-y");
    return Source::one_file;
  }
  if (o.join.empty())
    throw InputError("--x and --y come from different files (" + ax.file + ", " + ay.file +
                     "): give --join KEY, a column both have (e.g. model), to pair their rows");
  return Source::joined;
}

}  // namespace

void FitOptions::validate() const {
  const Axis ax = parse_axis("x", x, !csv.empty());
  const Axis ay = parse_axis("y", y, !csv.empty());
  parse_filters(filter);
  parse_filters(filter_x);
  parse_filters(filter_y);
  source_of(*this, ax, ay);
  if (!bootstrap.empty() && csv.empty())
    throw InputError("--bootstrap needs the points in one --csv table with a model column");
}

std::string FitOptions::command_line() const {
  return CommandLine("stats fit")
      .optional("csv", csv)
      .option("x", x)
      .option("y", y)
      .optional("join", join)
      .flag("log10-x", log10_x)
      .optional("out", out)
      .optional("bootstrap", bootstrap)
      .each("filter", filter)
      .each("filter-x", filter_x)
      .each("filter-y", filter_y)
      .str();
}

LineFit fit_analysis(const FitOptions& options, std::ostream& log) {
  options.validate();
  const bool with_csv = !options.csv.empty();
  const Axis ax = parse_axis("x", options.x, with_csv);
  const Axis ay = parse_axis("y", options.y, with_csv);
  auto fx = parse_filters(options.filter), fy = fx;
  for (const auto& f : parse_filters(options.filter_x)) fx.push_back(f);
  for (const auto& f : parse_filters(options.filter_y)) fy.push_back(f);

  std::vector<std::unique_ptr<CsvTable>> tables;
  Points p;
  std::string x_label = ax.spec, y_label = ay.spec;
  switch (source_of(options, ax, ay)) {
    case Source::literal:
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
      break;
    case Source::one_csv:
      tables.push_back(std::make_unique<CsvTable>(read_csv(options.csv)));
      p = points_by_row(select_rows(*tables[0], fx), ax.column, ay.column);
      x_label = ax.column;
      y_label = ay.column;
      break;
    case Source::one_file:
      tables.push_back(std::make_unique<CsvTable>(read_csv(ax.file)));
      p = points_by_row(select_rows(*tables[0], fx), ax.column, ay.column);
      break;
    case Source::joined:
      tables.push_back(std::make_unique<CsvTable>(read_csv(ax.file)));
      tables.push_back(std::make_unique<CsvTable>(read_csv(ay.file)));
      p = points_joined(select_rows(*tables[0], fx), ax.column, select_rows(*tables[1], fy),
                        ay.column, options.join);
      break;
  }
  if (options.log10_x) {
    for (size_t i = 0; i < p.x.size(); ++i) {
      if (!(p.x[i] > 0))
        throw InputError(p.x_origin[i] + ": --log10-x: x = " + short_number(p.x[i]) +
                         " is not positive");
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
  if (!options.bootstrap.empty()) {
    if (!with_csv || !tables[0]->has_column("model"))
      throw InputError("--bootstrap needs the points in one --csv table with a model column");
    reps = read_replicates(split_list(options.bootstrap), ay.column);
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
      xs.push_back(options.log10_x ? std::log10(x) : x);
      ys.push_back(it->second);
    }
    boot = bootstrap_slope(xs, ys);
  }

  log << "least-squares line y = intercept + slope * x\n"
      << "  x = " << x_label << describe_filters(fx) << "\n"
      << "  y = " << y_label << describe_filters(fy) << "\n";
  if (p.missing || p.unmatched_x || p.unmatched_y)
    log << "skipped: " << p.missing << " points with a missing value, " << p.unmatched_x
        << " x rows and " << p.unmatched_y << " y rows without a partner\n";
  log << "n = " << f.n << "  slope = " << short_number(f.slope) << " (se "
      << short_number(f.slope_se, 4) << ")  intercept = " << short_number(f.intercept) << " (se "
      << short_number(f.intercept_se, 4) << ")\n"
      << "r = " << short_number(f.r) << "  r^2 = " << short_number(f.r_squared)
      << "  t = " << short_number(f.t, 5) << "  df = " << short_number(f.df)
      << "  p = " << short_number(f.p, 4) << "\n";
  if (boot)
    log << "slope 95% bootstrap interval [" << short_number(boot->low) << ", "
        << short_number(boot->high) << "] (" << reps.resamples << " resamples of readers, seed "
        << reps.seed << ")\n";

  if (!options.out.empty()) {
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
    write_csv(options.out, provenance(options.command_line(), inputs), header, {row});
  }
  return f;
}

}  // namespace lmgaze::stats
