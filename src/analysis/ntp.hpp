// Language-modelling quality (METHODS.md section 7): the mean next-token
// cross-entropy over all predicted tokens of the corpus,
//   loss = Σ_s nll_sum[s] / Σ_s n_tokens[s]   (nats per token),
// from the /ntp datasets of an attention file. Ranks split the sentences and
// the two sums are reduced to rank 0.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <string>

namespace lmgaze::analysis {

struct NtpResult {  // complete on rank 0
  std::string model_name;
  double nll_sum = 0;
  int64_t tokens = 0;
  double loss = 0;
};

// InputError when the file predicts no token at all.
NtpResult run_ntp(const std::string& model_path, MPI_Comm comm);

}  // namespace lmgaze::analysis
