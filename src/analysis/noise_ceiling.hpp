// Noise ceiling of a reader group (METHODS.md section 5).
//
// For each reader r: y = tril(S_r) of every sentence the reader has, x = the
// group mean tril(S̄) on the same pairs; OLS of y on x with intercept; the
// ceiling is the mean over readers of R². The group mean of a pair averages
// the readers that have data for that sentence.
//   - default (as METHODS.md: "the group mean"): S̄ includes reader r;
//   - leave_one_out: S̄ averages the other readers only; a sentence where no
//     other reader has data is left out of r's regression.
// A reader lacks a sentence when any of its values there is NaN.
#pragma once

#include <mpi.h>

#include <string>
#include <vector>

#include "analysis/inputs.hpp"
#include "analysis/ols.hpp"
#include "analysis/summary.hpp"
#include "human/human_store.hpp"
#include "io/sentence_table.hpp"

namespace lmgaze::analysis {

// Per-reader moments of the ceiling regression: 7 doubles per reader,
// xtx (2×2 column-major: n, Σx, Σx, Σx²), xty (Σy, Σxy), yy (Σy²).
inline constexpr int kCeilingMoments = 7;

// Adds sentences [s_begin, s_end) to `moments` ([n_folds][n_readers][7];
// sentence s in fold s mod n_folds, as the cross-validated resemblance).
// values: [n_readers][pairs of those sentences] row-major, NaN = missing.
void accumulate_noise_ceiling(const std::vector<double>& values, int n_readers,
                              const SentenceTable& sentences, size_t s_begin, size_t s_end,
                              bool leave_one_out, std::vector<double>& moments, int n_folds = 1);

// One fit per reader from the summed moments ([n_readers][7], one fold).
std::vector<OlsFit> noise_ceiling_fits(const std::vector<double>& moments, int n_readers);

// Held-out R² per reader from per-fold moments ([n_folds][n_readers][7]):
// fit on the other folds, score fold k about its training mean,
// R²_cv = 1 − Σ_k SSE_k / Σ_k SST_k (METHODS.md 10); NaN when Σ SST is 0.
std::vector<double> noise_ceiling_r2_cv(const std::vector<double>& moments, int n_readers,
                                        int n_folds);

struct NoiseCeilingOptions {
  std::string group;
  std::string view = "count";
  std::vector<std::string> exclude;
  bool leave_one_out = false;
  // K >= 2: also the cross-validated ceiling of METHODS.md 10 (always against
  // the group mean without the reader, sentence s in fold s mod K).
  int cv_folds = 0;
};

struct NoiseCeilingResult {  // complete on rank 0
  ReaderSelection readers;
  std::vector<double> r2;     // per kept reader; NaN when undefined (no variance)
  MeanSem ceiling;            // over readers with a defined R²
  std::vector<double> r2_cv;  // per kept reader, with cv_folds >= 2
  MeanSem cv_ceiling;         // over readers with a defined R²_cv
  MissingSummary missing;
};

// Needs at least 2 readers (InputError otherwise). Collective over `comm`.
// `values`: this rank's reader values exactly as read_readers returns them
// for these options' readers and this rank's sentences, when the caller has
// read them already (the resemblance has); null: read here.
NoiseCeilingResult run_noise_ceiling(const HumanStore& store, const NoiseCeilingOptions& options,
                                     MPI_Comm comm, const std::vector<double>* values = nullptr);

}  // namespace lmgaze::analysis
