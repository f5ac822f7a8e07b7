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
    std::string joined;
    for (const auto& w : s.words) joined += (joined.empty() ? "" : " ") + w;
    t.text.push_back(std::move(joined));
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
  if (file.exists("/sentences/text")) {
    const std::vector<uint8_t> bytes = file.read_vector<uint8_t>("/sentences/text");
    const std::vector<int64_t> offset = file.read_vector<int64_t>("/sentences/text_offset");
    if (offset.size() != t.n_words.size() + 1 || offset.front() != 0 ||
        offset.back() != static_cast<int64_t>(bytes.size()))
      throw InputError(file.path(), "inconsistent /sentences/text and /sentences/text_offset");
    for (size_t s = 0; s < t.n_words.size(); ++s) {
      if (offset[s + 1] < offset[s])
        throw InputError(file.path(), "/sentences/text_offset decreases at sentence " + t.name(s));
      t.text.emplace_back(bytes.begin() + offset[s], bytes.begin() + offset[s + 1]);
      size_t words = t.text.back().empty() ? 0 : 1;
      for (char c : t.text.back()) words += c == ' ';
      if (static_cast<int>(words) != t.n_words[s])
        throw InputError(file.path(), "sentence " + t.name(s) + ": /sentences/text has " +
                                          std::to_string(words) + " words, n_words says " +
                                          std::to_string(t.n_words[s]));
    }
  }
  return t;
}

void SentenceTable::write(h5::File& file) const {
  file.write_vector<int32_t>("/sentences/article", article);
  file.write_vector<int32_t>("/sentences/index", index);
  file.write_vector<int32_t>("/sentences/n_words", n_words);
  file.write_vector<int64_t>("/sentences/pair_offset", pair_offset);
  if (!has_text()) return;
  std::vector<uint8_t> bytes;
  std::vector<int64_t> offset = {0};
  for (const std::string& s : text) {
    bytes.insert(bytes.end(), s.begin(), s.end());
    offset.push_back(static_cast<int64_t>(bytes.size()));
  }
  file.write_vector<uint8_t>("/sentences/text", bytes);
  file.write_vector<int64_t>("/sentences/text_offset", offset);
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
    if (has_text() && other.has_text() && text[s] != other.text[s])
      throw InputError(both + ": sentence " + name(s) + " reads \"" + text[s] + "\" in one and \"" +
                       other.text[s] + "\" in the other");
  }
}

}  // namespace lmgaze
