// Synthetic inputs for the analysis tests: attention files written with
// AttentionWriter, human stores written directly with h5::File following the
// store layout of src/human/human_store.hpp (so the tests also check that
// contract), and a runner for the command-line front end under mpirun.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "io/sentence_table.hpp"

namespace lmgaze::testing {

// n_words per sentence; sentences numbered within articles of 5.
SentenceTable make_table(const std::vector<int>& n_words);

// Attention file with random causal rows (each row sums to 1 - leak, as if a
// BOS column had been dropped). `tweak(layer, head_values[n_heads][n_pairs])`
// may edit the values before they are written (e.g. duplicate a head).
void write_attention(const std::string& path, const SentenceTable& table, int n_layers, int n_heads,
                     uint32_t seed,
                     const std::function<void(int, std::vector<float>&)>& tweak = nullptr);

struct GroupSpec {
  std::string name;
  std::vector<std::string> subjects;
  std::vector<double> count;  // [subjects][pairs], NaN = missing
};

// Random saccade counts (0..3, mostly 0) for `n_subjects` readers; reader r
// lacks the sentences listed in missing[r] (NaN).
GroupSpec random_group(const std::string& name, const SentenceTable& table, int n_subjects,
                       uint32_t seed, const std::vector<std::vector<int>>& missing = {});

void write_store(const std::string& path, const SentenceTable& table,
                 const std::vector<GroupSpec>& groups);

// A fresh empty directory under the build tree for one test process
// (name_PID, so that ctest -j runs do not collide).
std::string scratch_dir(const std::string& name);

// Output of tests/reference/SCRIPT run with ARGS by the reference Python
// (LMGAZE_REFERENCE_PYTHON); empty when it fails.
std::string run_reference(const std::string& script, const std::string& args);

// The study the reference comparisons of CV and fixed-capacity resemblance
// share: DIR/M.h5, 5 layers × 4 heads over 15 sentences (seed 11), and
// DIR/H.h5, group L1 of 6 readers who follow head 1 of layer 3 plus noise
// (sd 0.15, seed 5), with sentences 1 and 4 of reader 2 and 7 of reader 4
// missing. Returns the sentence table.
SentenceTable write_head_following_study(const std::string& dir);

struct RunResult {
  int exit_code = 0;
  std::string out, err;
};
// Runs the lmgaze front end with `args` (lmgaze_analysis_cli, see
// CMakeLists.txt); ranks = 0 runs it directly (a singleton MPI job), ranks >= 1
// under mpirun -np ranks.
RunResult run_lmgaze(const std::string& args, int ranks = 0);

// A CSV written by lmgaze: `#` comments dropped, header and rows split on commas.
struct Csv {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};
Csv read_csv(const std::string& path);

// Empty string if equal: same header and row count, same text in every
// non-numeric field, numbers within `rel` relative plus 1e-14 absolute (for
// values that are zero up to rounding).
std::string compare_csv(const Csv& a, const Csv& b, double rel);

}  // namespace lmgaze::testing
