#include "analysis/trivial.hpp"

#include <cmath>

#include "analysis/moments.hpp"
#include "analysis/trivial_patterns.hpp"
#include "common/error.hpp"
#include "io/attention_file.hpp"
#include "mpi/reduce.hpp"

namespace lmgaze::analysis {
namespace {

// Design of sentences [s_begin, s_end): pairs × 4, columns 1, FIRST, SELF, PREV.
Eigen::MatrixXd pattern_design(const SentenceTable& sent, size_t s_begin, size_t s_end) {
  const std::vector<int> words(sent.n_words.begin() + static_cast<long>(s_begin),
                               sent.n_words.begin() + static_cast<long>(s_end));
  const std::vector<double> pat = trivial_patterns(words);
  const auto pairs = static_cast<Eigen::Index>(pat.size() / kTrivialPatterns);
  Eigen::MatrixXd x(pairs, kTrivialPatterns + 1);
  x.col(0).setOnes();
  if (pairs > 0)
    x.rightCols(kTrivialPatterns) = Eigen::Map<const Eigen::MatrixXd>(pat.data(), pairs, 3);
  return x;
}

}  // namespace

TrivialResult run_trivial_model(const std::string& model_path, MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  TrivialResult result;
  const AttentionReader model(model_path);
  result.model_name = model.meta().model_name;
  result.n_layers = model.n_layers();
  result.n_heads = model.n_heads();
  const SentenceTable& sent = model.sentences();
  const mpi::Range mine = my_sentences(sent, comm);
  const MomentPlan plan(sent, mine.begin, mine.end, 1, result.n_heads, {});
  const Eigen::MatrixXd x = pattern_design(sent, mine.begin, mine.end);
  Moments moments(kTrivialPatterns, plan);
  for (int l = 0; l < result.n_layers; ++l) {
    const std::vector<float> att =
        mine.empty() ? std::vector<float>() : model.read_layer(l, mine.begin, mine.end);
    check_attention(att, sent, mine.begin, mine.end, l, model.path());
    const Eigen::MatrixXd y =
        Eigen::Map<const Eigen::MatrixXf>(att.data(), x.rows(), result.n_heads).cast<double>();
    moments.clear();
    moments.accumulate(plan, x, y);
    mpi::reduce_sum(moments.data(), comm);
    if (rank != 0) continue;
    const std::vector<OlsFit> fits = moments.fit_all();
    for (int h = 0; h < result.n_heads; ++h) {
      TrivialRow row;
      row.layer = l;
      row.head = h;
      row.fit = fits[static_cast<size_t>(h)];
      result.rows.push_back(row);
    }
  }
  return result;
}

TrivialResult run_trivial_human(const std::string& human_path, const std::string& group,
                                const std::string& view, const std::vector<std::string>& exclude,
                                MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  TrivialResult result;
  const HumanStore store(human_path);
  result.readers = select_readers(store, group, view, exclude);
  const int n = static_cast<int>(result.readers.subjects.size());
  if (n < 1) throw InputError(store.path(), "group " + group + " has no readers left to fit");
  const SentenceTable& sent = store.sentences();
  const mpi::Range mine = my_sentences(sent, comm);
  const std::vector<double> values = read_readers(store, result.readers, mine.begin, mine.end);
  std::vector<uint8_t> missing(static_cast<size_t>(n) * sent.size(), 0);
  Eigen::MatrixXd y;
  load_targets(values, sent, mine.begin, mine.end, n, y, missing);
  mpi::allreduce_max(missing, comm);
  require_reader_data(missing, sent, result.readers, store.path());
  require_reader_variance(values, missing, sent, mine.begin, mine.end, result.readers, store.path(),
                          comm);
  result.missing = summarize_missing(missing, sent, static_cast<size_t>(n));
  const MomentPlan plan(sent, mine.begin, mine.end, 1, n, missing);
  Moments moments(kTrivialPatterns, plan);
  moments.accumulate(plan, pattern_design(sent, mine.begin, mine.end), y);
  mpi::reduce_sum(moments.data(), comm);
  if (rank != 0) return result;
  const std::vector<OlsFit> fits = moments.fit_all();
  for (int r = 0; r < n; ++r) {
    TrivialRow row;
    row.subject = r;
    row.fit = fits[static_cast<size_t>(r)];
    result.rows.push_back(row);
  }
  return result;
}

}  // namespace lmgaze::analysis
