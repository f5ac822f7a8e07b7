// What the report shows, read from a run's tables (the manifest says where
// they are). Nothing here computes a statistic: every number is one the
// analysis and stats stages wrote; the report only selects, joins and words them.
#pragma once

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "report/manifest.hpp"

namespace lmgaze::report {

// A value per layer (or per part) with its standard error.
struct Point {
  int index = 0;
  double mean = 0, sem = 0;
};

struct DivergenceSeries {
  std::string kind;       // reference | tuning | scaling | prefix
  std::string a, b;       // models as the table names them (b may be "model.condition")
  std::string model;      // prefix: the model; otherwise the second model
  std::string condition;  // prefix: the condition
  std::string mode;       // layer | part
  std::string heads;      // average | per-head
  std::vector<Point> values;
  std::string file;
};

// A bootstrap percentile interval as the analysis wrote it; NaN when the run has none.
struct Interval {
  double low = std::numeric_limits<double>::quiet_NaN();
  double high = std::numeric_limits<double>::quiet_NaN();
  bool defined() const { return !std::isnan(low) && !std::isnan(high); }
};

struct ResemblanceRow {
  int layer = 0;
  double mean_r2 = 0, sem_r2 = 0, mean_r2_cv = 0, noise_ceiling = 0, resemblance = 0;
  Interval interval;  // of mean_r2 (layers) or of resemblance (best), from the bootstrap table
};
struct HeadR2 {  // resemblance_heads.csv: mean over readers of the R² on one head alone
  int layer = 0, head = 0;
  double mean_r2 = 0;
};
// The cross-validated companion of a resemblance (resemblance_cv_summary.csv and
// resemblance_cv_folds.csv, METHODS.md 10): the layer is chosen inside each fold,
// so the score is not the in-sample best of many layers.
struct CvResemblance {
  bool present = false;  // the manifest lists the tables
  int k = 0;             // folds
  double mean_r2_cv = std::numeric_limits<double>::quiet_NaN();
  double cv_noise_ceiling = std::numeric_limits<double>::quiet_NaN();
  double cv_resemblance = std::numeric_limits<double>::quiet_NaN();
  std::vector<int> fold_layers;  // the layer each fold chose (-1: none)
};
struct ResemblanceSeries {
  std::string model, store, group;
  std::vector<ResemblanceRow> layers;  // without the "max" row
  ResemblanceRow best;                 // the "max" row (best layer in `layer`)
  std::vector<HeadR2> heads;           // empty when the manifest lists no heads table
  CvResemblance cv;                    // present when the manifest lists the cv tables
  long resamples = 0;                  // bootstrap resamples of readers; 0: no bootstrap table
  std::string seed;                    // of the bootstrap, as recorded
  std::string file;
};

struct TrivialSeries {  // a model: reliance per layer (mean over heads)
  std::string model;
  std::vector<Point> layers;
  std::string file;
};

struct HumanReliance {  // one group of one store: reliance per reader
  std::string store, group;
  std::vector<std::pair<std::string, double>> readers;  // subject, R²
  double mean = 0, sem = 0;
  long n = 0;
  std::string file;
};

// noise_ceiling_split_half.csv: reliability of the group mean over random
// splits of the readers into halves (Spearman-Brown), METHODS.md 10.
struct SplitHalf {
  bool present = false;
  long n_readers = 0, splits = 0;
  double r_half_mean = 0, reliability_mean = 0, reliability_sd = 0;
};
struct NoiseCeiling {
  std::string store, group;
  double mean = 0, sem = 0;  // the paper's ceiling: each reader on the group mean
  long n = 0;
  SplitHalf split_half;
};

// resemblance_pca_summary.csv: the fixed-capacity variant (`resemblance --pca-k`).
struct PcaResemblance {
  std::string model, store, group;
  long k = 0, folds = 0;
  double mean_r2_cv = 0, cv_noise_ceiling = 0, resemblance = 0;
  std::string file;
};

// resemblance_<measure>_summary.csv: a reading measure on each layer's heads (METHODS.md 11).
struct MeasureLayer {
  int layer = 0;
  long readers = 0;
  double mean_r2 = 0;
  double mean_r2_cv = std::numeric_limits<double>::quiet_NaN();
};
struct MeasureSeries {
  std::string model, store, group, measure;
  std::vector<MeasureLayer> layers;
  std::string file;
};

struct TuningLayer {
  std::string layer;
  long n = 0;
  double mean_a = 0, mean_b = 0, mean_diff = 0, t = 0, df = 0, p = 0, p_bonferroni = 0;
  bool significant = false;
};
struct TuningTest {  // paired t per layer: tuned (b) vs base (a)
  std::string tuned, base, store, group, value;
  std::vector<TuningLayer> layers;
  double alpha = 0.05;
  int higher = 0, lower = 0;
  std::string file;
};

struct GroupTest {  // independent t of reader reliance, group b vs group a
  std::string store, a, b;
  std::string test;  // the row used in words: "welch" when present, else the first
  long n_a = 0, n_b = 0;
  double mean_a = 0, mean_b = 0, mean_diff = 0, t = 0, df = 0, p = 0;
  double permutation_p = -1;  // the permutation row's p; -1 when the table has none
  std::vector<std::vector<std::string>> rows;  // every row as written (student, welch, permutation)
  std::vector<std::string> header;
  std::string file;
};

struct FitPoint {
  std::string model;
  double x = 0, y = 0;
};
struct Fit {
  std::string what;  // scaling | ntp
  std::string store, group;
  std::string x, y;  // column names
  long n = 0;
  double slope = 0, slope_se = 0, intercept = 0, r = 0, r_squared = 0, t = 0, df = 0, p = 0;
  Interval slope_interval;  // bootstrap over readers (`stats fit --bootstrap`); NaN without
  long resamples = 0;
  std::string seed;
  std::vector<FitPoint> points;
  std::string file;
};

struct NtpRow {
  std::string model;
  double loss = 0;
  long tokens = 0;
  double bits_per_byte = std::numeric_limits<double>::quiet_NaN();  // NaN: not in the table
  double nats_per_word = std::numeric_limits<double>::quiet_NaN();
};

struct Agreement {  // group-mean stores: R² of one group's mean on another's
  std::string store, a, b;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::string file;
};

struct Study {
  Manifest manifest;
  std::vector<DivergenceSeries> divergence;
  std::vector<ResemblanceSeries> resemblance;
  std::vector<TrivialSeries> trivial;
  std::vector<HumanReliance> human_reliance;
  std::vector<NoiseCeiling> ceilings;
  std::vector<TuningTest> tuning;
  std::vector<GroupTest> group_tests;
  std::vector<Fit> fits;
  std::vector<NtpRow> ntp;
  std::vector<Agreement> agreement;
  std::vector<PcaResemblance> pca;
  std::vector<MeasureSeries> measures;
  std::vector<std::string> missing;  // tables the manifest lists as not done, or absent files

  const TrivialSeries* trivial_of(const std::string& model) const;
  const NoiseCeiling* ceiling_of(const std::string& store, const std::string& group) const;
  const ResemblanceSeries* resemblance_of(const std::string& model, const std::string& store,
                                          const std::string& group) const;
  bool simulated(const std::string& store) const;
};

// Reads every finished table the manifest lists: the kinds of TableInfo, and
// resemblance_pca and resemblance_measure (field "measure"); a resemblance entry
// may list cv_summary and cv_folds, a noise_ceiling entry split_half. A table listed as done whose
// file is missing, or whose columns are not the expected ones, is an InputError
// naming the file; tables not done yet are listed in Study::missing.
Study read_study(const Manifest& manifest);

}  // namespace lmgaze::report
