#include "tokenizer/added_tokens.hpp"

#include <algorithm>

#include "tokenizer/normalizers.hpp"
#include "tokenizer/unicode.hpp"

namespace lmgaze {
namespace {

// The character that ends text[0, pos), or none.
std::optional<char32_t> char_before(const std::string& text, size_t pos) {
  if (pos == 0) return std::nullopt;
  size_t start = pos - 1;
  while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
  return decode_utf8(text, start).code_point;
}

// Where the white space that ends text[0, pos) begins.
size_t trailing_space_start(const std::string& text, size_t pos) {
  while (pos > 0) {
    size_t start = pos - 1;
    while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
    if (!is_white_space(decode_utf8(text, start).code_point)) break;
    pos = start;
  }
  return pos;
}

// Where the white space that starts text[pos, ...) ends.
size_t leading_space_end(const std::string& text, size_t pos) {
  while (pos < text.size()) {
    const Utf8Char u = decode_utf8(text, pos);
    if (!is_white_space(u.code_point)) break;
    pos += u.n_bytes;
  }
  return pos;
}

}  // namespace

void AddedVocabulary::Trie::add(const std::string& key, int token) {
  int node = 0;
  for (unsigned char b : key) {
    auto& children = nodes[node].children;
    auto it = std::lower_bound(children.begin(), children.end(), b,
                               [](const auto& child, unsigned char v) { return child.first < v; });
    if (it != children.end() && it->first == b) {
      node = it->second;
    } else {
      const int next = static_cast<int>(nodes.size());
      children.insert(it, {b, next});
      nodes.push_back(Node{});
      node = next;
    }
  }
  if (nodes[node].token < 0) nodes[node].token = token;  // the first of equal contents wins
}

std::pair<int, size_t> AddedVocabulary::Trie::longest_at(const std::string& text,
                                                         size_t pos) const {
  std::pair<int, size_t> best{-1, 0};
  int node = 0;
  for (size_t i = pos; i < text.size(); ++i) {
    const auto& children = nodes[node].children;
    const auto b = static_cast<unsigned char>(text[i]);
    auto it = std::lower_bound(children.begin(), children.end(), b,
                               [](const auto& child, unsigned char v) { return child.first < v; });
    if (it == children.end() || it->first != b) break;
    node = it->second;
    if (nodes[node].token >= 0) best = {nodes[node].token, i + 1 - pos};
  }
  return best;
}

AddedVocabulary::AddedVocabulary(std::vector<AddedToken> tokens, const Normalizer* normalizer)
    : tokens_(std::move(tokens)) {
  // Hugging Face's trie lists the special tokens first, then the others.
  std::vector<int> order(tokens_.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  std::stable_partition(order.begin(), order.end(), [&](int i) { return tokens_[i].special; });
  for (size_t i = 0; i < tokens_.size(); ++i) by_id_.emplace(tokens_[i].id, i);
  for (int i : order) {
    const AddedToken& t = tokens_[i];
    if (t.content.empty()) continue;
    if (!t.normalized) {
      raw_.add(t.content, i);
    } else {
      NormalizedText spelled = NormalizedText::from_original(t.content, 0, t.content.size());
      if (normalizer) normalizer->normalize(spelled);
      if (!spelled.empty()) normalized_.add(spelled.text(), i);
    }
  }
}

const AddedToken* AddedVocabulary::find_id(int id) const {
  const auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &tokens_[it->second];
}

std::vector<AddedVocabulary::Match> AddedVocabulary::find_matches(const std::string& text,
                                                                  const Trie& trie) const {
  std::vector<Match> out;
  if (text.empty() || trie.empty()) {
    if (!text.empty()) out.push_back({0, text.size(), -1});
    return out;
  }
  // The non-overlapping leftmost-longest matches, then Hugging Face's filters.
  size_t start_offset = 0;
  for (size_t pos = 0; pos < text.size();) {
    const auto [token, length] = trie.longest_at(text, pos);
    if (token < 0) {
      ++pos;
      continue;
    }
    size_t start = pos, stop = pos + length;
    pos = stop;
    const AddedToken& t = tokens_[token];
    if (t.single_word) {
      const auto before = char_before(text, start);
      const bool start_space = !before || !is_word_char(*before);
      const bool stop_space =
          stop == text.size() || !is_word_char(decode_utf8(text, stop).code_point);
      if (!start_space || !stop_space) continue;
    }
    if (t.lstrip) start = std::max(trailing_space_start(text, start), start_offset);
    if (t.rstrip) stop = leading_space_end(text, stop);
    start = std::max(start, start_offset);
    if (start_offset < start) out.push_back({start_offset, start, -1});
    out.push_back({start, stop, token});
    start_offset = stop;
    pos = std::max(pos, stop);
  }
  if (start_offset < text.size()) out.push_back({start_offset, text.size(), -1});
  return out;
}

void AddedVocabulary::split_pass(const TextPiece& piece, const Trie& trie,
                                 std::vector<TextPiece>& out) const {
  for (const Match& m : find_matches(piece.text.text(), trie)) {
    if (m.end <= m.begin) continue;
    TextPiece p{piece.text.slice(m.begin, m.end), std::nullopt};
    if (m.token >= 0) p.added_id = tokens_[m.token].id;
    out.push_back(std::move(p));
  }
}

std::vector<TextPiece> AddedVocabulary::split(const std::string& text,
                                              const Normalizer* normalizer) const {
  std::vector<TextPiece> first;
  split_pass({NormalizedText::from_original(text, 0, text.size()), std::nullopt}, raw_, first);
  std::vector<TextPiece> out;
  out.reserve(first.size());
  for (TextPiece& p : first) {
    if (p.added_id) {
      out.push_back(std::move(p));
      continue;
    }
    if (normalizer) normalizer->normalize(p.text);
    split_pass(p, normalized_, out);
  }
  return out;
}

}  // namespace lmgaze
