#include "tokenizer/bpe_model.hpp"

#include <algorithm>
#include <queue>

#include "common/error.hpp"
#include "tokenizer/unicode.hpp"

namespace lmgaze {
namespace {

std::string byte_piece_name(int b) {
  static const char* kHex = "0123456789ABCDEF";
  std::string s = "<0x";
  s += kHex[b >> 4];
  s += kHex[b & 0xF];
  s += '>';
  return s;
}

}  // namespace

BpeModel::BpeModel(Vocab vocab, const std::vector<BpeMerge>& merges, BpeOptions options,
                   const std::string& where)
    : vocab_(std::move(vocab)), options_(std::move(options)), where_(where) {
  for (const auto& entry : vocab_) max_id_ = std::max(max_id_, entry.second);
  merges_.reserve(merges.size());
  for (size_t rank = 0; rank < merges.size(); ++rank) {
    const BpeMerge& m = merges[rank];
    // A pair listed again takes its later rank (Hugging Face's merge map).
    merges_[pair_key(m.left, m.right)] = {static_cast<int>(rank), m.merged};
  }
  // Hugging Face looks the unknown token up only when a character needs it,
  // so a file whose unk_token is missing from the vocabulary still loads and
  // encodes every text that has no unknown character.
  if (options_.unk_token) unk_id_ = id_of(*options_.unk_token);
  byte_fallback_id_.assign(256, -1);
  if (options_.byte_fallback)
    for (int b = 0; b < 256; ++b) byte_fallback_id_[b] = id_of(byte_piece_name(b)).value_or(-1);
}

std::optional<int> BpeModel::id_of(const std::string& token) const {
  const auto it = vocab_.find(token);
  if (it == vocab_.end()) return std::nullopt;
  return it->second;
}

BpeModel::ResolvedMerge BpeModel::resolve_merge(const Vocab& vocab, const std::string& left,
                                                const std::string& right, size_t prefix_len) {
  const auto l = vocab.find(left);
  if (l == vocab.end()) return {std::nullopt, left};
  const auto r = vocab.find(right);
  if (r == vocab.end()) return {std::nullopt, right};
  const std::string merged = left + (prefix_len <= right.size() ? right.substr(prefix_len) : "");
  const auto m = vocab.find(merged);
  if (m == vocab.end()) return {std::nullopt, merged};
  return {BpeMerge{l->second, r->second, m->second}, ""};
}

std::vector<BpeModel::Piece> BpeModel::merge_word(const std::string& w) const {
  // Symbols of a doubly linked list, as in Hugging Face's Word.
  struct Symbol {
    int id;
    int prev, next;
    uint32_t begin, end;  // bytes of the piece
    uint32_t len;         // bytes; 0 once merged into its left neighbour
  };
  std::vector<Symbol> symbols;
  symbols.reserve(w.size());
  auto add = [&](int id, uint32_t begin, uint32_t len) {
    const int n = static_cast<int>(symbols.size());
    if (n > 0) symbols.back().next = n;
    symbols.push_back({id, n - 1, -1, begin, begin + len, len});
  };

  struct Unknown {
    bool pending = false;  // an unknown token waits to be added
    int id = 0;
    uint32_t begin = 0, len = 0;
  } unk;
  for (size_t i = 0; i < w.size();) {
    const size_t n = utf8_length(static_cast<unsigned char>(w[i]));
    const bool is_first = i == 0, is_last = i + n >= w.size();
    std::string s = w.substr(i, n);
    const auto byte_len = static_cast<uint32_t>(s.size());
    const auto begin = static_cast<uint32_t>(i);
    if (!is_first && options_.continuing_subword_prefix)
      s = *options_.continuing_subword_prefix + s;
    if (is_last && options_.end_of_word_suffix) s += *options_.end_of_word_suffix;
    i += n;

    if (const auto it = vocab_.find(s); it != vocab_.end()) {
      if (unk.pending) {
        add(unk.id, unk.begin, unk.len);
        unk.pending = false;
      }
      add(it->second, begin, byte_len);
      continue;
    }
    if (options_.byte_fallback) {
      bool all = true;
      for (unsigned char b : s) all = all && byte_fallback_id_[b] >= 0;
      if (all) {
        // Hugging Face adds these without flushing a pending unknown token.
        // (With a subword prefix or suffix there are more pieces than the
        // character has bytes; the extra ones share its last byte.)
        for (size_t k = 0; k < s.size(); ++k)
          add(byte_fallback_id_[static_cast<unsigned char>(s[k])],
              begin + static_cast<uint32_t>(std::min<size_t>(k, byte_len - 1)), 1);
        continue;
      }
    }
    if (options_.unk_token && !unk_id_)
      throw InputError(where_, "unk_token '" + *options_.unk_token +
                                   "' is not in the vocabulary, and the text needs it for '" + s +
                                   "'");
    if (unk_id_) {
      if (unk.pending && options_.fuse_unk) {
        unk.len += byte_len;
      } else {
        if (unk.pending) add(unk.id, unk.begin, unk.len);
        unk = Unknown{true, *unk_id_, begin, byte_len};
      }
    }
    // No byte fallback and no unknown token: the character is dropped.
  }
  if (unk.pending) add(unk.id, unk.begin, unk.len);

  struct Merge {
    int pos, rank, merged;
  };
  auto later = [](const Merge& a, const Merge& b) {
    return a.rank != b.rank ? a.rank > b.rank : a.pos > b.pos;
  };
  std::priority_queue<Merge, std::vector<Merge>, decltype(later)> queue(later);
  for (size_t i = 0; i + 1 < symbols.size(); ++i) {
    const auto it = merges_.find(pair_key(symbols[i].id, symbols[i + 1].id));
    if (it != merges_.end()) queue.push({static_cast<int>(i), it->second.rank, it->second.merged});
  }
  while (!queue.empty()) {
    const Merge top = queue.top();
    queue.pop();
    Symbol& current = symbols[top.pos];
    if (current.len == 0 || current.next == -1) continue;
    const int next_pos = current.next;
    const Symbol right = symbols[next_pos];
    // Skip an entry the merges around it have made stale.
    const auto target = merges_.find(pair_key(current.id, right.id));
    if (target == merges_.end() || target->second.merged != top.merged) continue;

    current.id = top.merged;
    current.len += right.len;
    current.end = right.end;
    current.next = right.next;
    symbols[next_pos].len = 0;
    if (right.next > -1 && right.next < static_cast<int>(symbols.size()))
      symbols[right.next].prev = top.pos;

    if (current.prev >= 0) {
      const auto it = merges_.find(pair_key(symbols[current.prev].id, current.id));
      if (it != merges_.end()) queue.push({current.prev, it->second.rank, it->second.merged});
    }
    if (current.next >= 0 && current.next < static_cast<int>(symbols.size())) {
      const auto it = merges_.find(pair_key(current.id, symbols[current.next].id));
      if (it != merges_.end()) queue.push({top.pos, it->second.rank, it->second.merged});
    }
  }

  std::vector<Piece> pieces;
  pieces.reserve(symbols.size());
  for (const Symbol& s : symbols)
    if (s.len != 0) pieces.push_back({s.id, s.begin, s.end - s.begin});
  return pieces;
}

std::vector<BpeModel::Piece> BpeModel::tokenize(const std::string& piece) const {
  if (piece.empty()) return {};
  if (options_.ignore_merges)
    if (const auto id = id_of(piece)) return {Piece{*id, 0, static_cast<uint32_t>(piece.size())}};
  const bool cacheable = piece.size() <= kMaxCachedPiece;
  if (cacheable) {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    const auto it = cache_.find(piece);
    if (it != cache_.end()) return it->second;
  }
  std::vector<Piece> pieces = merge_word(piece);
  if (cacheable) {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    if (cache_.size() >= kMaxCacheEntries) cache_.clear();
    cache_.emplace(piece, pieces);
  }
  return pieces;
}

}  // namespace lmgaze
