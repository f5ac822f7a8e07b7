#include "tokenizer/pipeline_tokenizer.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "tokenizer/unicode.hpp"

namespace lmgaze {

PipelineTokenizer::PipelineTokenizer(PipelineParts parts) : parts_(std::move(parts)) {
  int top = parts_.model->max_id();
  for (const AddedToken& t : parts_.added.tokens()) top = std::max(top, t.id);
  vocab_size_ = top + 1;
}

std::optional<std::string> PipelineTokenizer::special_token(int id) const {
  const AddedToken* t = parts_.added.find_id(id);
  if (t && t->special) return t->content;
  return std::nullopt;
}

std::vector<Token> PipelineTokenizer::encode(const std::string& text) const {
  if (const size_t bad = find_invalid_utf8(text); bad != std::string::npos)
    throw InputError("text is not valid UTF-8 (byte " + std::to_string(bad) + ")");
  std::vector<Token> tokens;
  std::vector<NormalizedText> words;
  for (TextPiece& piece : parts_.added.split(text, parts_.normalizer.get())) {
    if (piece.added_id) {
      const ByteSpan s = piece.text.original_span(0, piece.text.size());
      tokens.push_back({*piece.added_id, s.begin, s.end});
      continue;
    }
    words.clear();
    words.push_back(std::move(piece.text));
    if (parts_.pre_tokenizer) parts_.pre_tokenizer->pre_tokenize(words);
    for (const NormalizedText& w : words) {
      if (w.empty()) continue;
      for (const BpeModel::Piece& p : parts_.model->tokenize(w.text())) {
        const ByteSpan s = w.original_span(p.begin, p.begin + p.length);
        tokens.push_back({p.id, s.begin, s.end});
      }
    }
  }
  // Tokens from the same original bytes: all but the last become empty at
  // their start (see the header). Alignments never go backwards, so
  // comparing neighbours from the end is enough.
  for (size_t t = tokens.size(); t-- > 1;) {
    Token& a = tokens[t - 1];
    const Token& b = tokens[t];
    if (a.end > b.begin) a.end = std::max(a.begin, b.begin);
    if (a.begin > b.begin) a.begin = a.end = b.begin;
  }
  return tokens;
}

}  // namespace lmgaze
