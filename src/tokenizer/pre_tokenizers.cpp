#include "tokenizer/pre_tokenizers.hpp"

#include <algorithm>

#include "tokenizer/byte_alphabet.hpp"
#include "tokenizer/unicode.hpp"

namespace lmgaze {

const char* const kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

std::vector<PatternMatch> regex_matches(const Regex& regex, const std::string& text) {
  if (text.empty()) return {{0, 0, false}};
  std::vector<PatternMatch> out;
  size_t prev = 0;
  for (const auto& [begin, end] : regex.find_all(text)) {
    if (prev != begin) out.push_back({prev, begin, false});
    out.push_back({begin, end, true});
    prev = end;
  }
  if (prev != text.size()) out.push_back({prev, text.size(), false});
  return out;
}

std::vector<PatternMatch> char_matches(const std::string& text,
                                       const std::function<bool(char32_t)>& pred) {
  if (text.empty()) return {{0, 0, false}};
  std::vector<PatternMatch> out;
  size_t last_offset = 0;
  for (size_t pos = 0; pos < text.size();) {
    const Utf8Char u = decode_utf8(text, pos);
    if (pred(u.code_point)) {
      if (last_offset < pos) out.push_back({last_offset, pos, false});
      out.push_back({pos, pos + u.n_bytes, true});
      last_offset = pos + u.n_bytes;
    }
    pos += u.n_bytes;
  }
  if (last_offset < text.size()) out.push_back({last_offset, text.size(), false});
  return out;
}

// Hugging Face's NormalizedString::split, behavior by behavior.
void split_piece(const NormalizedText& piece, std::vector<PatternMatch> matches,
                 SplitBehavior behavior, std::vector<NormalizedText>& out) {
  struct Cut {
    size_t begin, end;
    bool remove;
  };
  std::vector<Cut> cuts;
  cuts.reserve(matches.size());
  switch (behavior) {
    case SplitBehavior::kIsolated:
      for (const auto& m : matches) cuts.push_back({m.begin, m.end, false});
      break;
    case SplitBehavior::kRemoved:
      for (const auto& m : matches) cuts.push_back({m.begin, m.end, m.is_match});
      break;
    case SplitBehavior::kContiguous: {
      bool previous_match = false;
      for (const auto& m : matches) {
        if (m.is_match == previous_match && !cuts.empty())
          cuts.back().end = m.end;
        else
          cuts.push_back({m.begin, m.end, false});
        previous_match = m.is_match;
      }
      break;
    }
    case SplitBehavior::kMergedWithPrevious: {
      bool previous_match = false;
      for (const auto& m : matches) {
        if (m.is_match && !previous_match && !cuts.empty())
          cuts.back().end = m.end;
        else
          cuts.push_back({m.begin, m.end, false});
        previous_match = m.is_match;
      }
      break;
    }
    case SplitBehavior::kMergedWithNext: {
      bool previous_match = false;
      for (auto it = matches.rbegin(); it != matches.rend(); ++it) {
        if (it->is_match && !previous_match && !cuts.empty())
          cuts.back().begin = it->begin;
        else
          cuts.push_back({it->begin, it->end, false});
        previous_match = it->is_match;
      }
      std::reverse(cuts.begin(), cuts.end());
      break;
    }
  }
  for (const Cut& c : cuts)
    if (!c.remove && c.end > c.begin) out.push_back(piece.slice(c.begin, c.end));
}

namespace {

// Applies `split` to every piece and replaces the pieces by the results.
template <class F>
void split_each(std::vector<NormalizedText>& pieces, F split) {
  std::vector<NormalizedText> out;
  out.reserve(pieces.size());
  for (const NormalizedText& p : pieces) split(p, out);
  pieces.swap(out);
}

std::vector<PatternMatch> inverted(std::vector<PatternMatch> m) {
  for (auto& x : m) x.is_match = !x.is_match;
  return m;
}

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

void SequencePreTokenizer::pre_tokenize(std::vector<NormalizedText>& pieces) const {
  for (const auto& step : steps_) step->pre_tokenize(pieces);
}

void SplitPreTokenizer::pre_tokenize(std::vector<NormalizedText>& pieces) const {
  split_each(pieces, [&](const NormalizedText& p, std::vector<NormalizedText>& out) {
    auto m = regex_matches(pattern_, p.text());
    split_piece(p, invert_ ? inverted(std::move(m)) : std::move(m), behavior_, out);
  });
}

ByteLevelPreTokenizer::ByteLevelPreTokenizer(bool add_prefix_space, bool use_regex)
    : add_prefix_space_(add_prefix_space),
      use_regex_(use_regex),
      regex_(kGpt2Pattern, "ByteLevel pre-tokenizer"),
      alphabet_(byte_level_alphabet()) {}

void ByteLevelPreTokenizer::pre_tokenize(std::vector<NormalizedText>& pieces) const {
  split_each(pieces, [&](const NormalizedText& piece, std::vector<NormalizedText>& out) {
    NormalizedText p = piece;
    if (add_prefix_space_ && !starts_with(p.text(), " ")) {
      NormalizedText::Builder b(p);
      b.insert(0, " ");
      b.keep(0, p.size());
      p = b.finish();
    }
    if (use_regex_)
      split_piece(p, regex_matches(regex_, p.text()), SplitBehavior::kIsolated, out);
    else if (!p.empty())
      out.push_back(std::move(p));
  });
  // Every byte spelled as its character; each keeps the alignment of its byte.
  for (NormalizedText& p : pieces) {
    NormalizedText::Builder b(p);
    for (size_t i = 0; i < p.size(); ++i)
      b.replace(i, i + 1, alphabet_[static_cast<unsigned char>(p.text()[i])]);
    p = b.finish();
  }
}

void MetaspacePreTokenizer::pre_tokenize(std::vector<NormalizedText>& pieces) const {
  split_each(pieces, [&](const NormalizedText& piece, std::vector<NormalizedText>& out) {
    NormalizedText::Builder b(piece);
    for (size_t i = 0; i < piece.size(); ++i) {
      if (piece.text()[i] == ' ')
        b.replace(i, i + 1, replacement_);
      else
        b.keep(i, i + 1);
    }
    NormalizedText p = b.finish();
    const bool prepend = !p.empty() && !starts_with(p.text(), replacement_) &&
                         (scheme_ == PrependScheme::kAlways ||
                          (scheme_ == PrependScheme::kFirst && p.original_begin() == 0));
    if (prepend) {
      NormalizedText::Builder pb(p);
      pb.insert(0, replacement_);
      pb.keep(0, p.size());
      p = pb.finish();
    }
    if (!split_) {
      if (!p.empty()) out.push_back(std::move(p));
      return;
    }
    const char32_t r = decode_utf8(replacement_, 0).code_point;
    split_piece(p, char_matches(p.text(), [r](char32_t c) { return c == r; }),
                SplitBehavior::kMergedWithNext, out);
  });
}

void DigitsPreTokenizer::pre_tokenize(std::vector<NormalizedText>& pieces) const {
  split_each(pieces, [&](const NormalizedText& p, std::vector<NormalizedText>& out) {
    split_piece(p, char_matches(p.text(), is_number),
                individual_ ? SplitBehavior::kIsolated : SplitBehavior::kContiguous, out);
  });
}

WhitespacePreTokenizer::WhitespacePreTokenizer()
    : regex_(R"(\w+|[^\w\s]+)", "Whitespace pre-tokenizer") {}

void WhitespacePreTokenizer::pre_tokenize(std::vector<NormalizedText>& pieces) const {
  split_each(pieces, [&](const NormalizedText& p, std::vector<NormalizedText>& out) {
    split_piece(p, inverted(regex_matches(regex_, p.text())), SplitBehavior::kRemoved, out);
  });
}

void WhitespaceSplitPreTokenizer::pre_tokenize(std::vector<NormalizedText>& pieces) const {
  split_each(pieces, [&](const NormalizedText& p, std::vector<NormalizedText>& out) {
    split_piece(p, char_matches(p.text(), is_white_space), SplitBehavior::kRemoved, out);
  });
}

void PunctuationPreTokenizer::pre_tokenize(std::vector<NormalizedText>& pieces) const {
  split_each(pieces, [&](const NormalizedText& p, std::vector<NormalizedText>& out) {
    split_piece(p, char_matches(p.text(), is_punctuation), behavior_, out);
  });
}

void BertPreTokenizer::pre_tokenize(std::vector<NormalizedText>& pieces) const {
  WhitespaceSplitPreTokenizer().pre_tokenize(pieces);
  PunctuationPreTokenizer(SplitBehavior::kIsolated).pre_tokenize(pieces);
}

void CharDelimiterPreTokenizer::pre_tokenize(std::vector<NormalizedText>& pieces) const {
  split_each(pieces, [&](const NormalizedText& p, std::vector<NormalizedText>& out) {
    const char32_t d = delimiter_;
    split_piece(p, char_matches(p.text(), [d](char32_t c) { return c == d; }),
                SplitBehavior::kRemoved, out);
  });
}

}  // namespace lmgaze
