// /sentences: which sentences a file holds, shared by attention files and
// human stores so that any two files can be checked against each other.
//
//   /sentences/article      int32 [n_sentences]
//   /sentences/index        int32 [n_sentences]   position inside the article
//   /sentences/n_words      int32 [n_sentences]
//   /sentences/pair_offset  int64 [n_sentences+1] start of each sentence's
//                            packed tril in every [*, n_pairs] dataset
//   /sentences/text         uint8 [bytes]         the sentences as UTF-8, each its
//                            words joined by single spaces, back to back
//   /sentences/text_offset  int64 [n_sentences+1] start of each sentence in text
// The text pair is optional (files written before it, synthetic tables): a
// byte array rather than HDF5 strings, because parallel HDF5 cannot write
// variable-length data; a reader splits sentence s on spaces to get its words.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/corpus.hpp"
#include "io/hdf5.hpp"

namespace lmgaze {

struct SentenceTable {
  std::vector<int> article;
  std::vector<int> index;
  std::vector<int> n_words;
  std::vector<int64_t> pair_offset;
  std::vector<std::string> text;  // [n_sentences] words joined by single spaces; empty: unknown

  static SentenceTable from_corpus(const Corpus& corpus);
  static SentenceTable read(const h5::File& file);
  void write(h5::File& file) const;

  size_t size() const { return n_words.size(); }
  int64_t n_pairs() const { return pair_offset.empty() ? 0 : pair_offset.back(); }
  std::string name(size_t s) const;  // "(article, index)" for messages
  bool has_text() const { return !text.empty(); }
  // UTF-8 bytes of sentence s (its words and the single spaces between them).
  int64_t n_bytes(size_t s) const { return static_cast<int64_t>(text[s].size()); }

  // Throws InputError naming both files and the first sentence that differs
  // (count, article/index, word count, or text when both files have it).
  void require_same(const SentenceTable& other, const std::string& this_file,
                    const std::string& other_file) const;
};

}  // namespace lmgaze
