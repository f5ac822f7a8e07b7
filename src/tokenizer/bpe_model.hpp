// The BPE engine: one implementation for every byte-pair-encoding tokenizer
// lmgaze reads (tokenizer.json "BPE" models and GPT-2's vocab.json +
// merges.txt), the algorithm of Hugging Face `tokenizers` (models/bpe):
//
//   1. The piece is cut into characters; each is looked up in the vocabulary
//      (with continuing_subword_prefix on all but the first, end_of_word_suffix
//      on the last). A character not in the vocabulary becomes its
//      byte-fallback pieces "<0xNN>" when byte_fallback is set and all of them
//      exist, else the unknown token (consecutive ones fused into one when
//      fuse_unk is set), else it is dropped, as Hugging Face drops it.
//   2. Merges are applied by rank: a min-heap of (rank, position) over the
//      adjacent pairs that have a merge; the lowest rank, leftmost first, is
//      merged, and the pairs it forms with its neighbours are pushed.
//   3. With ignore_merges, a piece that is itself in the vocabulary is one
//      token, whatever the merges would make of it (Llama 3).
//
// Ranks are positions in the merge list; a pair listed twice takes its later
// rank, as in Hugging Face's merge map. BPE dropout is not supported (readers
// refuse it). Results per piece are cached; text repeats its words.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace lmgaze {

struct BpeMerge {
  int left = 0;
  int right = 0;
  int merged = 0;
};

struct BpeOptions {
  std::optional<std::string> unk_token;
  std::optional<std::string> continuing_subword_prefix;
  std::optional<std::string> end_of_word_suffix;
  bool fuse_unk = false;
  bool byte_fallback = false;
  bool ignore_merges = false;
};

class BpeModel {
 public:
  using Vocab = std::unordered_map<std::string, int>;

  // `merges` in rank order, already resolved to ids (readers name their
  // errors by file and line). An unknown token missing from the vocabulary
  // is an InputError naming `where` when a text needs it, as in Hugging Face.
  BpeModel(Vocab vocab, const std::vector<BpeMerge>& merges, BpeOptions options,
           const std::string& where);

  struct Piece {
    int id;
    uint32_t begin;  // bytes [begin, begin + length) of the input piece
    uint32_t length;
  };
  // The tokens of one pre-tokenized piece, in order; they tile the piece
  // except where characters were dropped (no vocabulary entry, no unk).
  std::vector<Piece> tokenize(const std::string& piece) const;

  const Vocab& vocab() const { return vocab_; }
  int max_id() const { return max_id_; }  // -1 when the vocabulary is empty
  std::optional<int> id_of(const std::string& token) const;

  // A merge's halves and result as ids, or the first of them (left, right,
  // merged) that is not in `vocab`: what a reader reports. `prefix_len`:
  // length of continuing_subword_prefix, cut from the right half's spelling.
  struct ResolvedMerge {
    std::optional<BpeMerge> merge;
    std::string missing;  // the token not in the vocabulary
  };
  static ResolvedMerge resolve_merge(const Vocab& vocab, const std::string& left,
                                     const std::string& right, size_t prefix_len);

 private:
  std::vector<Piece> merge_word(const std::string& word) const;

  static uint64_t pair_key(int left, int right) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) |
           static_cast<uint32_t>(right);
  }

  Vocab vocab_;
  int max_id_ = -1;
  struct RankAndResult {
    int rank;
    int merged;
  };
  std::unordered_map<uint64_t, RankAndResult> merges_;  // pair_key(left, right)
  BpeOptions options_;
  std::optional<int> unk_id_;
  std::string where_;                  // the file, for errors while encoding
  std::vector<int> byte_fallback_id_;  // [256] id of "<0xNN>", -1 when absent

  // Bounded so that a huge corpus of distinct pieces cannot grow it forever;
  // long pieces (a whole SentencePiece-style sentence) are not cached.
  static constexpr size_t kMaxCacheEntries = 1 << 16;
  static constexpr size_t kMaxCachedPiece = 256;
  mutable std::mutex cache_mutex_;
  mutable std::unordered_map<std::string, std::vector<Piece>> cache_;
};

}  // namespace lmgaze
