// GPT-2 byte-level BPE (the algorithm of OpenAI's encoder.py).
//
// encode(): split the text with the GPT-2 pre-tokenizer, spell each piece's
// bytes in the byte alphabet, then repeatedly merge the adjacent pair with the
// lowest merge rank (all its occurrences, left to right) until no pair has a
// rank. Because BPE never crosses a piece and every token is a run of the
// piece's bytes, each token's byte range is exact. Results per piece are
// cached; natural text repeats its words.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "tokenizer/tokenizer.hpp"

namespace lmgaze {

class Gpt2BpeTokenizer : public Tokenizer {
 public:
  // Throws InputError naming the file (and merges.txt line) on any problem.
  Gpt2BpeTokenizer(const std::string& vocab_path, const std::string& merges_path);

  std::vector<Token> encode(const std::string& text) const override;
  int vocab_size() const override { return vocab_size_; }
  std::optional<int> bos_id() const override { return std::nullopt; }
  std::string kind() const override { return "gpt2-bpe"; }

 private:
  struct Symbol {
    int id;
    size_t n_bytes;
  };
  struct MergeResult {
    int rank;
    int merged;
  };

  static uint64_t pair_key(int left, int right) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) |
           static_cast<uint32_t>(right);
  }
  std::vector<Symbol> bpe(const std::string& piece) const;
  std::vector<Symbol> cached_bpe(const std::string& piece) const;

  int vocab_size_ = 0;
  std::array<int, 256> byte_id_{};                    // id of each single-byte token
  std::unordered_map<uint64_t, MergeResult> merges_;  // pair_key(left, right) -> rank, result

  // Bounded so that a huge corpus of distinct pieces cannot grow it forever.
  static constexpr size_t kMaxCacheEntries = 1 << 17;
  mutable std::mutex cache_mutex_;
  mutable std::unordered_map<std::string, std::vector<Symbol>> cache_;
};

}  // namespace lmgaze
