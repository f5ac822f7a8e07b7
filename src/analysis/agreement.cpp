#include "analysis/agreement.hpp"

#include <Eigen/Dense>
#include <cmath>
#include <filesystem>
#include <vector>

#include "analysis/ols.hpp"
#include "analysis/table.hpp"
#include "human/human_store.hpp"

namespace lmgaze::analysis {

namespace {

// Mean over a group's subjects of each pair, NaN where no subject has data: [n_pairs].
std::vector<double> group_mean(const HumanStore& store, const std::string& group,
                               const std::string& view) {
  const size_t n_subjects = store.subjects(group).size();
  const size_t n_sentences = store.sentences().size();
  const std::vector<double> v = store.read(group, view, 0, n_subjects, 0, n_sentences);
  const size_t n_pairs = n_subjects ? v.size() / n_subjects : 0;
  std::vector<double> mean(n_pairs, std::nan(""));
  for (size_t p = 0; p < n_pairs; ++p) {
    double sum = 0;
    int n = 0;
    for (size_t r = 0; r < n_subjects; ++r) {
      const double x = v[r * n_pairs + p];
      if (std::isnan(x)) continue;
      sum += x;
      ++n;
    }
    if (n > 0) mean[p] = sum / n;
  }
  return mean;
}

}  // namespace

void agreement_analysis(const AgreementOptions& options) {
  const std::string &store_path = options.store_path, &a = options.a, &b = options.b,
                    &view = options.view;
  const HumanStore store(store_path);
  OutputSet set;  // the tables and sidecar appear together
  const std::vector<double> y = group_mean(store, a, view), x = group_mean(store, b, view);
  Eigen::Matrix2d xtx = Eigen::Matrix2d::Zero();
  Eigen::Vector2d xty = Eigen::Vector2d::Zero();
  double yy = 0;
  for (size_t p = 0; p < y.size(); ++p) {
    if (std::isnan(x[p]) || std::isnan(y[p])) continue;
    xtx(0, 0) += 1;
    xtx(0, 1) += x[p];
    xtx(1, 1) += x[p] * x[p];
    xty(0) += y[p];
    xty(1) += x[p] * y[p];
    yy += y[p] * y[p];
  }
  xtx(1, 0) = xtx(0, 1);
  const OlsFit fit = ols_from_moments(xtx, xty, yy);
  const double slope = fit.coef.size() ? fit.coef(0) : std::nan("");
  const double r = std::copysign(std::sqrt(fit.r2), slope);

  const std::string store_name = std::filesystem::path(store_path).stem().string();
  Table t({"store", "a", "b", "view", "n_pairs", "r2", "r", "slope", "intercept"});
  t.comment("lmgaze run: agreement of group means, OLS (with intercept) of mean(" + a +
            ") on mean(" + b + ") over every tril pair where both are defined");
  t.comment("store " + store_path + (store.simulated() ? " (SIMULATED readers)" : ""));
  t.add({store_name, a, b, view, Table::integer(static_cast<long long>(fit.n)), Table::num(fit.r2),
         Table::num(r), Table::num(slope), Table::num(fit.intercept)});
  t.write(options.out_dir + "/agreement.csv");
  nlohmann::json side = sidecar_header("run agreement", 1);
  side["human"] = {{"path", store_path},
                   {"simulated", store.simulated()},
                   {"a", {{"group", a}, {"subjects", store.subjects(a)}}},
                   {"b", {{"group", b}, {"subjects", store.subjects(b)}}},
                   {"view", view}};
  side["fit"] = {
      {"n_pairs", fit.n}, {"r2", fit.r2}, {"r", r}, {"slope", slope}, {"intercept", fit.intercept}};
  side["definitions"] = {
      {"group_mean",
       "per pair, the mean over the group's subjects with data (a group-mean "
       "store has one subject, 'mean')"},
      {"r2",
       "OLS with intercept of tril(mean a) on tril(mean b) over all sentences; with one "
       "predictor R² = r², symmetric in a and b"}};
  write_json(options.out_dir + "/agreement.json", side);
  set.commit();
}

}  // namespace lmgaze::analysis
