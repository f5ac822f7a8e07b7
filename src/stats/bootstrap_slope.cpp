#include "stats/bootstrap_slope.hpp"

#include <cmath>
#include <limits>

#include "common/error.hpp"
#include "common/percentile.hpp"
#include "stats/csv.hpp"

namespace lmgaze::stats {

Replicates read_replicates(const std::vector<std::string>& files, const std::string& column) {
  Replicates out;
  bool first = true;
  for (const std::string& file : files) {
    const CsvTable t = read_csv(file);
    const size_t c_model = t.column("model"), c_resample = t.column("resample"),
                 c_seed = t.column("seed"), c_readers = t.column("readers"),
                 c_value = t.column(column);
    std::map<std::string, std::vector<double>> here;
    std::string seed, readers;
    for (const CsvRow& row : t.rows) {
      const std::string& model = row.fields[c_model];
      if (out.by_model.count(model))
        throw InputError(file, row.line, "model " + model + " is in an earlier replicate table");
      std::vector<double>& values = here[model];
      if (t.number(row, c_resample) != static_cast<double>(values.size()))
        throw InputError(file, row.line,
                         "resample " + row.fields[c_resample] + " where " +
                             std::to_string(values.size()) + " was expected (0, 1, 2, ...)");
      if (seed.empty()) {
        seed = row.fields[c_seed];
        readers = row.fields[c_readers];
      } else if (row.fields[c_seed] != seed || row.fields[c_readers] != readers) {
        throw InputError(file, row.line, "seed or readers differ within the table");
      }
      values.push_back(t.number(row, c_value));
    }
    for (auto& [model, values] : here) {
      const long n = static_cast<long>(values.size());
      if (first) {
        out.seed = seed;
        out.readers = readers;
        out.resamples = n;
        first = false;
      } else if (seed != out.seed || readers != out.readers || n != out.resamples) {
        throw InputError(file, "drawn from other resamples than " + files.front() + " (seed " +
                                   seed + " vs " + out.seed + ", readers " + readers + " vs " +
                                   out.readers + ", " + std::to_string(n) + " vs " +
                                   std::to_string(out.resamples) +
                                   " resamples): the slope needs the same resamples of the same "
                                   "readers for every model");
      }
      out.by_model[model] = std::move(values);
    }
  }
  if (out.by_model.empty())
    throw InputError(files.empty() ? "--bootstrap" : files.front(),
                     "no resamples in the replicate tables");
  return out;
}

SlopeInterval bootstrap_slope(const std::vector<double>& x,
                              const std::vector<std::vector<double>>& y) {
  const size_t m = x.size();
  double mean_x = 0;
  for (double v : x) mean_x += v / static_cast<double>(m);
  double sxx = 0;
  for (double v : x) sxx += (v - mean_x) * (v - mean_x);
  if (m < 2 || !(sxx > 0))
    throw InputError("a bootstrap slope needs at least 2 models with different x");
  SlopeInterval out;
  const size_t resamples = y.front().size();
  for (size_t b = 0; b < resamples; ++b) {
    // slope = Σ (x − x̄) y / Σ (x − x̄)²; Σ (x − x̄) = 0, so ȳ is not needed.
    double sxy = 0;
    for (size_t k = 0; k < m; ++k) sxy += (x[k] - mean_x) * y[k][b];
    out.slopes.push_back(sxy / sxx);
  }
  out.low = percentile(out.slopes, 0.025);
  out.high = percentile(out.slopes, 0.975);
  return out;
}

}  // namespace lmgaze::stats
