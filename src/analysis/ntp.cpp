#include "analysis/ntp.hpp"

#include <cmath>
#include <vector>

#include "analysis/inputs.hpp"
#include "common/error.hpp"
#include "io/attention_file.hpp"
#include "mpi/reduce.hpp"

namespace lmgaze::analysis {

NtpResult run_ntp(const std::string& model_path, MPI_Comm comm) {
  const AttentionReader model(model_path);
  NtpResult result;
  result.model_name = model.meta().model_name;
  const mpi::Range mine = my_sentences(model.sentences(), comm);
  const std::vector<double> nll = model.nll_sum();
  const std::vector<int64_t> tokens = model.ntp_tokens();
  if (nll.size() != model.sentences().size() || tokens.size() != nll.size())
    throw InputError(model.path(), "/ntp datasets do not match the sentence count");
  const SentenceTable& sent = model.sentences();
  std::vector<double> sum(1, 0.0);
  std::vector<int64_t> count(3, 0);  // tokens, bytes, words
  for (size_t s = mine.begin; s < mine.end; ++s) {
    if (!std::isfinite(nll[s]) || nll[s] < 0 || tokens[s] < 0)
      throw InputError(model.path(), "sentence " + model.sentences().name(s) +
                                         ": bad next-token loss or token count");
    sum[0] += nll[s];
    count[0] += tokens[s];
    if (sent.has_text()) count[1] += sent.n_bytes(s);
    count[2] += sent.n_words[s];
  }
  mpi::reduce_sum(sum, comm);
  mpi::allreduce_sum(count, comm);
  if (count[0] == 0)
    throw InputError(model.path(), "no predicted tokens: next-token loss undefined");
  result.nll_sum = sum[0];
  result.tokens = count[0];
  result.loss = sum[0] / static_cast<double>(count[0]);
  result.words = count[2];
  result.nats_per_word = sum[0] / static_cast<double>(count[2]);
  if (sent.has_text()) {
    result.bytes = count[1];
    result.bits_per_byte = sum[0] / std::log(2.0) / static_cast<double>(count[1]);
  }
  return result;
}

}  // namespace lmgaze::analysis
