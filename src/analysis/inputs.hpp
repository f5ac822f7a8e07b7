// What every analysis driver needs from its input files: labels, the readers
// of a group (after explicit exclusions), per-rank reads, missing-data masks.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "human/human_store.hpp"
#include "io/sentence_table.hpp"
#include "mpi/partition.hpp"

namespace lmgaze::analysis {

// A file's name in tables: no directory, no ".h5" ("runs/llama7b.h5" -> "llama7b").
std::string file_label(const std::string& path);

// This rank's sentences: contiguous, balanced by word pairs (mpi/partition.hpp).
mpi::Range my_sentences(const SentenceTable& sentences, MPI_Comm comm);

// The readers of one group and view that an analysis uses.
struct ReaderSelection {
  std::string group;
  std::string view;                   // "count" | "duration"
  std::vector<std::string> subjects;  // kept readers, in store order
  std::vector<size_t> rows;           // their rows in the store's group
  std::vector<std::string> excluded;  // left out on request (--exclude)
  bool simulated = false;             // the store's `simulated` flag
  std::string store_excluded;         // the store's `excluded` attribute (left out at import)
};

// InputError for an unknown group or view, or an excluded name not in the group.
ReaderSelection select_readers(const HumanStore& store, const std::string& group,
                               const std::string& view, const std::vector<std::string>& exclude);

// Kept readers' values for sentences [s_begin, s_end): [readers][pairs] row-major, NaN = missing.
std::vector<double> read_readers(const HumanStore& store, const ReaderSelection& readers,
                                 size_t s_begin, size_t s_end);

// How much reader data is missing: (reader, sentence) cells and the pairs they hold.
struct MissingSummary {
  int64_t reader_sentences = 0;
  int64_t pairs = 0;
};
MissingSummary summarize_missing(const std::vector<uint8_t>& missing,
                                 const SentenceTable& sentences, size_t n_readers);

// InputError naming the first reader with no data for any sentence.
void require_reader_data(const std::vector<uint8_t>& missing, const SentenceTable& sentences,
                         const ReaderSelection& readers, const std::string& store_path);

// InputError naming the first reader whose values (over the sentences it has)
// are all equal, e.g. a lower triangle of zeros (forward saccades only): its
// R² is 0/0, and a mean over the other readers would drop it in silence.
// `values`: this rank's [readers][pairs] of sentences [s_begin, s_end);
// `missing`: the gathered [readers][sentences] mask. Collective over `comm`.
void require_reader_variance(const std::vector<double>& values, const std::vector<uint8_t>& missing,
                             const SentenceTable& sentences, size_t s_begin, size_t s_end,
                             const ReaderSelection& readers, const std::string& store_path,
                             MPI_Comm comm);

// Marks in has[r] which of the readers have every value of local pairs
// [a, e) (no NaN): a reader lacks a sentence when any of its values there is
// NaN. values: [n_readers][pairs] row-major. Returns how many have it.
int readers_with_data(const std::vector<double>& values, size_t n_readers, size_t pairs, size_t a,
                      size_t e, std::vector<uint8_t>& has);

// Float attention [rows][cols] -> double, with an InputError naming file,
// layer and sentence for a negative or non-finite value.
void check_attention(const std::vector<float>& values, const SentenceTable& sentences,
                     size_t s_begin, size_t s_end, int layer, const std::string& path);

}  // namespace lmgaze::analysis
