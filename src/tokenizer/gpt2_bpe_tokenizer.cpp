#include "tokenizer/gpt2_bpe_tokenizer.hpp"

#include <limits>

#include "tokenizer/gpt2_bpe_files.hpp"
#include "tokenizer/gpt2_byte_alphabet.hpp"
#include "tokenizer/gpt2_pretokenize.hpp"

namespace lmgaze {

Gpt2BpeTokenizer::Gpt2BpeTokenizer(const std::string& vocab_path, const std::string& merges_path) {
  const Gpt2Vocab vocab = read_gpt2_vocab(vocab_path);
  const std::vector<Gpt2Merge> merges = read_gpt2_merges(merges_path, vocab);
  vocab_size_ = static_cast<int>(vocab.size());
  const auto alphabet = gpt2_byte_alphabet();
  for (int b = 0; b < 256; ++b) byte_id_[b] = vocab.at(alphabet[b]);
  merges_.reserve(merges.size());
  for (size_t rank = 0; rank < merges.size(); ++rank) {
    const Gpt2Merge& m = merges[rank];
    merges_.emplace(pair_key(m.left, m.right), MergeResult{static_cast<int>(rank), m.merged});
  }
}

// Standard BPE: each round finds the best-ranked adjacent pair and merges all
// its occurrences in one left-to-right pass. O(rounds * length) per piece.
std::vector<Gpt2BpeTokenizer::Symbol> Gpt2BpeTokenizer::bpe(const std::string& piece) const {
  std::vector<Symbol> symbols;
  symbols.reserve(piece.size());
  for (unsigned char b : piece) symbols.push_back({byte_id_[b], 1});

  std::vector<Symbol> next;
  while (symbols.size() > 1) {
    int best_rank = std::numeric_limits<int>::max();
    uint64_t best_key = 0;
    int best_merged = -1;
    for (size_t i = 0; i + 1 < symbols.size(); ++i) {
      const auto it = merges_.find(pair_key(symbols[i].id, symbols[i + 1].id));
      if (it != merges_.end() && it->second.rank < best_rank) {
        best_rank = it->second.rank;
        best_key = it->first;
        best_merged = it->second.merged;
      }
    }
    if (best_merged < 0) break;

    next.clear();
    for (size_t i = 0; i < symbols.size();) {
      if (i + 1 < symbols.size() && pair_key(symbols[i].id, symbols[i + 1].id) == best_key) {
        next.push_back({best_merged, symbols[i].n_bytes + symbols[i + 1].n_bytes});
        i += 2;
      } else {
        next.push_back(symbols[i]);
        i += 1;
      }
    }
    symbols.swap(next);
  }
  return symbols;
}

std::vector<Gpt2BpeTokenizer::Symbol> Gpt2BpeTokenizer::cached_bpe(const std::string& piece) const {
  {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    const auto it = cache_.find(piece);
    if (it != cache_.end()) return it->second;
  }
  std::vector<Symbol> symbols = bpe(piece);
  std::lock_guard<std::mutex> lock(cache_mutex_);
  if (cache_.size() >= kMaxCacheEntries) cache_.clear();
  cache_.emplace(piece, symbols);
  return symbols;
}

std::vector<Token> Gpt2BpeTokenizer::encode(const std::string& text) const {
  std::vector<Token> tokens;
  for (const ByteRange& piece : gpt2_pretokenize(text)) {
    size_t begin = piece.begin;
    for (const Symbol& s : cached_bpe(text.substr(piece.begin, piece.end - piece.begin))) {
      tokens.push_back({s.id, begin, begin + s.n_bytes});
      begin += s.n_bytes;
    }
  }
  return tokens;
}

}  // namespace lmgaze
