#include "io/sentence_table.hpp"

#include "common/error.hpp"
#include "common/tril.hpp"

namespace lmgaze {

SentenceTable SentenceTable::from_corpus(const Corpus& corpus) {
  SentenceTable t;
  for (const auto& s : corpus.sentences) {
    t.article.push_back(s.article);
    t.index.push_back(s.index);
    t.n_words.push_back(s.n_words());
  }
  t.pair_offset = tril_offsets(t.n_words);
  return t;
}

SentenceTable SentenceTable::read(const h5::File& file) {
  SentenceTable t;
  t.article = file.read_vector<int32_t>("/sentences/article");
  t.index = file.read_vector<int32_t>("/sentences/index");
  t.n_words = file.read_vector<int32_t>("/sentences/n_words");
  t.pair_offset = file.read_vector<int64_t>("/sentences/pair_offset");
  if (t.article.size() != t.n_words.size() || t.index.size() != t.n_words.size() ||
      t.pair_offset.size() != t.n_words.size() + 1 || t.pair_offset != tril_offsets(t.n_words))
    throw InputError(file.path(), "inconsistent /sentences tables");
  return t;
}

void SentenceTable::write(h5::File& file) const {
  file.write_vector<int32_t>("/sentences/article", article);
  file.write_vector<int32_t>("/sentences/index", index);
  file.write_vector<int32_t>("/sentences/n_words", n_words);
  file.write_vector<int64_t>("/sentences/pair_offset", pair_offset);
}

std::string SentenceTable::name(size_t s) const {
  return "(" + std::to_string(article[s]) + ", " + std::to_string(index[s]) + ")";
}

void SentenceTable::require_same(const SentenceTable& other, const std::string& this_file,
                                 const std::string& other_file) const {
  const std::string both = this_file + " and " + other_file;
  if (size() != other.size())
    throw InputError(both + ": different sentence counts (" + std::to_string(size()) + " vs " +
                     std::to_string(other.size()) + ")");
  for (size_t s = 0; s < size(); ++s) {
    if (article[s] != other.article[s] || index[s] != other.index[s])
      throw InputError(both + ": sentence " + std::to_string(s) + " is " + name(s) +
                       " in one and " + other.name(s) + " in the other");
    if (n_words[s] != other.n_words[s])
      throw InputError(both + ": sentence " + name(s) + " has " + std::to_string(n_words[s]) +
                       " words in one and " + std::to_string(other.n_words[s]) + " in the other");
  }
}

}  // namespace lmgaze
