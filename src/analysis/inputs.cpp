#include "analysis/inputs.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>

#include "common/error.hpp"

namespace lmgaze::analysis {

std::string file_label(const std::string& path) {
  std::filesystem::path p(path);
  std::string name = p.filename().string();
  if (name.size() > 3 && name.compare(name.size() - 3, 3, ".h5") == 0) name.resize(name.size() - 3);
  return name;
}

mpi::Range my_sentences(const SentenceTable& sentences, MPI_Comm comm) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  return mpi::weighted_range(sentences.pair_offset, size, rank);
}

ReaderSelection select_readers(const HumanStore& store, const std::string& group,
                               const std::string& view, const std::vector<std::string>& exclude) {
  ReaderSelection sel;
  sel.group = group;
  sel.view = view;
  const auto& all = store.subjects(group);  // InputError for an unknown group
  if (view != "count" && view != "duration")
    throw InputError(store.path(), "unknown view '" + view + "' (count or duration)");
  if (!store.has_view(group, view))
    throw InputError(store.path(), "group " + group + " has no '" + view + "' view");
  for (const auto& name : exclude)
    if (std::find(all.begin(), all.end(), name) == all.end())
      throw InputError(store.path(),
                       "cannot exclude '" + name + "': no such subject in group " + group);
  sel.simulated = store.simulated();
  try {
    sel.store_excluded = store.attribute("excluded");
  } catch (const InputError&) {
    sel.store_excluded = "(not recorded)";
  }
  for (size_t i = 0; i < all.size(); ++i) {
    if (std::find(exclude.begin(), exclude.end(), all[i]) != exclude.end()) {
      sel.excluded.push_back(all[i]);
      continue;
    }
    sel.subjects.push_back(all[i]);
    sel.rows.push_back(i);
  }
  return sel;
}

std::vector<double> read_readers(const HumanStore& store, const ReaderSelection& readers,
                                 size_t s_begin, size_t s_end) {
  const auto& sent = store.sentences();
  const auto pairs = static_cast<size_t>(sent.pair_offset[s_end] - sent.pair_offset[s_begin]);
  if (pairs == 0 || readers.rows.empty()) return std::vector<double>(readers.rows.size() * pairs);
  const size_t n_all = store.subjects(readers.group).size();
  std::vector<double> block = store.read(readers.group, readers.view, 0, n_all, s_begin, s_end);
  bool every_reader_in_order = readers.rows.size() == n_all;
  for (size_t k = 0; k < readers.rows.size() && every_reader_in_order; ++k)
    every_reader_in_order = readers.rows[k] == k;
  if (every_reader_in_order) return block;  // nobody excluded: no copy
  std::vector<double> out(readers.rows.size() * pairs);
  for (size_t k = 0; k < readers.rows.size(); ++k)
    std::copy_n(block.begin() + static_cast<long>(readers.rows[k] * pairs), pairs,
                out.begin() + static_cast<long>(k * pairs));
  return out;
}

MissingSummary summarize_missing(const std::vector<uint8_t>& missing,
                                 const SentenceTable& sentences, size_t n_readers) {
  MissingSummary m;
  const size_t n_sent = sentences.size();
  for (size_t r = 0; r < n_readers; ++r)
    for (size_t s = 0; s < n_sent; ++s)
      if (missing[r * n_sent + s]) {
        ++m.reader_sentences;
        m.pairs += sentences.pair_offset[s + 1] - sentences.pair_offset[s];
      }
  return m;
}

void require_reader_data(const std::vector<uint8_t>& missing, const SentenceTable& sentences,
                         const ReaderSelection& readers, const std::string& store_path) {
  const size_t n_sent = sentences.size();
  for (size_t r = 0; r < readers.subjects.size(); ++r) {
    bool any = false;
    for (size_t s = 0; s < n_sent && !any; ++s) any = !missing[r * n_sent + s];
    if (!any)
      throw InputError(store_path, "subject " + readers.subjects[r] + " of group " + readers.group +
                                       " has no " + readers.view +
                                       " data for any sentence (leave it out with --exclude " +
                                       readers.subjects[r] + ")");
  }
}

void require_reader_variance(const std::vector<double>& values, const std::vector<uint8_t>& missing,
                             const SentenceTable& sentences, size_t s_begin, size_t s_end,
                             const ReaderSelection& readers, const std::string& store_path,
                             MPI_Comm comm) {
  const size_t n = readers.subjects.size(), n_sent = sentences.size();
  const int64_t p0 = sentences.pair_offset[s_begin];
  const auto pairs = static_cast<size_t>(sentences.pair_offset[s_end] - p0);
  // [readers] lowest and highest value over the sentences each reader has.
  std::vector<double> lo(n, std::numeric_limits<double>::infinity());
  std::vector<double> hi(n, -std::numeric_limits<double>::infinity());
  for (size_t r = 0; r < n; ++r)
    for (size_t s = s_begin; s < s_end; ++s) {
      if (missing[r * n_sent + s]) continue;
      for (int64_t i = sentences.pair_offset[s]; i < sentences.pair_offset[s + 1]; ++i) {
        const double v = values[r * pairs + static_cast<size_t>(i - p0)];
        lo[r] = std::min(lo[r], v);
        hi[r] = std::max(hi[r], v);
      }
    }
  MPI_Allreduce(MPI_IN_PLACE, lo.data(), static_cast<int>(n), MPI_DOUBLE, MPI_MIN, comm);
  MPI_Allreduce(MPI_IN_PLACE, hi.data(), static_cast<int>(n), MPI_DOUBLE, MPI_MAX, comm);
  for (size_t r = 0; r < n; ++r) {
    if (hi[r] > lo[r]) continue;
    char value[32];
    std::snprintf(value, sizeof value, "%g", lo[r]);
    throw InputError(store_path, "subject " + readers.subjects[r] + " of group " + readers.group +
                                     ": every " + readers.view + " value is " + value +
                                     " (no variance, e.g. forward saccades only), so its R² is "
                                     "undefined; leave it out with --exclude " +
                                     readers.subjects[r]);
  }
}

void check_attention(const std::vector<float>& values, const SentenceTable& sentences,
                     size_t s_begin, size_t s_end, int layer, const std::string& path) {
  const int64_t p0 = sentences.pair_offset[s_begin];
  const auto pairs = static_cast<size_t>(sentences.pair_offset[s_end] - p0);
  if (pairs == 0) return;
  // One branch-free pass that vectorizes (NaN fails both comparisons, inf the
  // second); the value is located only when there is one.
  unsigned bad = 0;
  for (const float v : values) bad |= !(v >= 0) | !(v <= std::numeric_limits<float>::max());
  if (!bad) return;
  for (size_t i = 0; i < values.size(); ++i) {
    const float v = values[i];
    if (std::isfinite(v) && v >= 0) continue;
    const auto pair = static_cast<int64_t>(i % pairs) + p0;
    size_t s = s_begin;
    while (sentences.pair_offset[s + 1] <= pair) ++s;
    throw InputError(path, "layer " + std::to_string(layer) + ", head " +
                               std::to_string(i / pairs) + ", sentence " + sentences.name(s) +
                               ": attention value " + std::to_string(v) +
                               " is negative or not finite");
  }
}

int readers_with_data(const std::vector<double>& values, size_t n_readers, size_t pairs, size_t a,
                      size_t e, std::vector<uint8_t>& has) {
  int present = 0;
  for (size_t r = 0; r < n_readers; ++r) {
    bool ok = true;
    for (size_t i = a; i < e && ok; ++i) ok = !std::isnan(values[r * pairs + i]);
    has[r] = ok;
    present += ok;
  }
  return present;
}

}  // namespace lmgaze::analysis
