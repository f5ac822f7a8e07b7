#include "human/mean.hpp"

#include <cmath>
#include <limits>

#include "common/error.hpp"
#include "human/human_store.hpp"

namespace lmgaze::human {
namespace {

// [n_subjects, n_pairs] -> [1, n_pairs]: NaN-skipping mean over rows.
std::vector<double> nan_mean_rows(const std::vector<double>& v, size_t rows, size_t cols) {
  std::vector<double> sum(cols, 0.0), n(cols, 0.0);
  for (size_t r = 0; r < rows; ++r)
    for (size_t c = 0; c < cols; ++c) {
      const double x = v[r * cols + c];
      if (std::isnan(x)) continue;
      sum[c] += x;
      n[c] += 1;
    }
  for (size_t c = 0; c < cols; ++c)
    sum[c] = n[c] > 0 ? sum[c] / n[c] : std::numeric_limits<double>::quiet_NaN();
  return sum;
}

}  // namespace

void mean_store(const std::string& in_path, const std::string& out_path) {
  const HumanStore in(in_path);
  const SentenceTable& t = in.sentences();
  const size_t n_sent = t.size();
  const auto n_pairs = static_cast<size_t>(t.n_pairs());
  StoreMeta meta;
  meta.text_kind = in.attribute("text_kind");
  meta.text_source = in.attribute("text_source");
  meta.data_kind = in.attribute("data_kind");
  meta.data_source = in.attribute("data_source");
  meta.simulated = in.simulated();
  meta.excluded = in.attribute("excluded");
  meta.mean_of = in_path;
  std::vector<GroupData> groups;
  for (const auto& name : in.groups()) {
    const size_t rows = in.subjects(name).size();
    GroupData g;
    g.name = name;
    g.subjects = {"mean"};
    auto mean_view = [&](const char* view) {
      return in.has_view(name, view)
                 ? nan_mean_rows(in.read(name, view, 0, rows, 0, n_sent), rows, n_pairs)
                 : std::vector<double>();
    };
    const auto count = in.read(name, "count", 0, rows, 0, n_sent);
    g.count = nan_mean_rows(count, rows, n_pairs);
    g.upper_count = mean_view("upper_count");
    if (in.has_view(name, "duration")) {
      g.duration = mean_view("duration");
      g.upper_duration = mean_view("upper_duration");
    }
    g.mean_n_readers.assign(n_sent, 0);
    for (size_t s = 0; s < n_sent; ++s)
      for (size_t r = 0; r < rows; ++r)
        if (!std::isnan(count[r * n_pairs + static_cast<size_t>(t.pair_offset[s])]))
          ++g.mean_n_readers[s];
    groups.push_back(std::move(g));
  }
  write_store(out_path, t, meta, groups);
}

void MeanOptions::validate() const {
  if (store.empty() || out.empty())
    throw InputError("lmgaze human mean: usage: lmgaze human mean HUMAN.h5 --out MEAN.h5");
}

void group_means(const MeanOptions& options, std::ostream& log) {
  options.validate();
  mean_store(options.store, options.out);
  log << "wrote " << options.out << ": group means of " << options.store << "\n";
}

}  // namespace lmgaze::human
