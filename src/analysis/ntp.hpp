// Language-modelling quality (METHODS.md section 7): the mean next-token
// cross-entropy over all predicted tokens of the corpus,
//   loss = Σ_s nll_sum[s] / Σ_s n_tokens[s]   (nats per token),
// from the /ntp datasets of an attention file. Ranks split the sentences and
// the sums are reduced to rank 0.
//
// Loss per token cannot be compared across tokenizers (METHODS.md 10), so
// beside it, from the sentences' text in the file:
//   bits_per_byte = Σ nll_sum / ln 2 / Σ bytes   (bytes of the sentences as
//                   UTF-8, one space between words, no prefix, no line end)
//   nats_per_word = Σ nll_sum / Σ words
// Both are NaN for a file without /sentences/text.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <limits>
#include <string>

namespace lmgaze::analysis {

struct NtpResult {  // complete on rank 0
  std::string model_name;
  double nll_sum = 0;
  int64_t tokens = 0;
  double loss = 0;
  int64_t bytes = 0;  // 0 without /sentences/text
  int64_t words = 0;
  double bits_per_byte = std::numeric_limits<double>::quiet_NaN();
  double nats_per_word = std::numeric_limits<double>::quiet_NaN();
};

// InputError when the file predicts no token at all.
NtpResult run_ntp(const std::string& model_path, MPI_Comm comm);

}  // namespace lmgaze::analysis
