#include "align/token_words.hpp"

#include <stdexcept>

#include "common/error.hpp"

namespace lmgaze {
namespace {

constexpr int kPrefix = -1;   // owner of the instruction prefix's bytes
constexpr int kNoOwner = -2;  // whitespace: owned by nobody

bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// Owner of every byte of `text`: a word index, kPrefix or kNoOwner.
std::vector<int> byte_owners(const std::string& text, const std::vector<WordSpan>& word_spans,
                             size_t sentence_begin) {
  if (sentence_begin > text.size()) {
    throw std::invalid_argument("map_tokens_to_words: sentence_begin beyond the text");
  }
  std::vector<int> owner(text.size(), kNoOwner);
  for (size_t b = 0; b < sentence_begin; ++b) {
    if (!is_ascii_space(text[b])) owner[b] = kPrefix;
  }
  size_t previous_end = sentence_begin;
  for (size_t w = 0; w < word_spans.size(); ++w) {
    const size_t begin = sentence_begin + word_spans[w].begin;
    const size_t end = sentence_begin + word_spans[w].end;
    if (begin >= end || begin < previous_end || end > text.size()) {
      throw std::invalid_argument("map_tokens_to_words: word span " + std::to_string(w) +
                                  " is empty, out of order or outside the text");
    }
    for (size_t b = begin; b < end; ++b) owner[b] = static_cast<int>(w);
    previous_end = end;
  }
  return owner;
}

// Printable token text for error messages: control bytes as \xNN.
std::string quoted(const std::string& text, const Token& t) {
  static const char* kHex = "0123456789abcdef";
  std::string s = "'";
  for (size_t b = t.begin; b < t.end; ++b) {
    const auto c = static_cast<unsigned char>(text[b]);
    if (c < 0x20 || c == 0x7F) {
      s += "\\x";
      s += kHex[c >> 4];
      s += kHex[c & 0xF];
    } else {
      s += static_cast<char>(c);
    }
  }
  return s + "'";
}

std::string owner_name(int owner) {
  return owner == kPrefix ? "the prefix" : "word " + std::to_string(owner);
}

// "words 3 and 4", "the prefix and word 0".
std::string owners_name(int first, int second) {
  if (first >= 0 && second >= 0) {
    return "words " + std::to_string(first) + " and " + std::to_string(second);
  }
  return owner_name(first) + " and " + owner_name(second);
}

}  // namespace

std::vector<int> map_tokens_to_words(const std::vector<Token>& tokens, const std::string& text,
                                     const std::vector<WordSpan>& word_spans, size_t sentence_begin,
                                     const std::string& sentence_name) {
  const std::vector<int> owner = byte_owners(text, word_spans, sentence_begin);

  // next_owner[b]: owner of the first owned byte at or after b (kNoOwner at the end).
  std::vector<int> next_owner(text.size() + 1, kNoOwner);
  for (size_t b = text.size(); b-- > 0;) {
    next_owner[b] = owner[b] != kNoOwner ? owner[b] : next_owner[b + 1];
  }

  std::vector<int> token_word(tokens.size());
  for (size_t t = 0; t < tokens.size(); ++t) {
    const Token& tok = tokens[t];
    if (tok.begin > tok.end || tok.end > text.size()) {
      throw std::invalid_argument("map_tokens_to_words: token " + std::to_string(t) +
                                  " lies outside the text");
    }
    const auto where = [&] {
      return sentence_name + ": token " + std::to_string(t) + " " + quoted(text, tok);
    };
    int assigned = kNoOwner;
    for (size_t b = tok.begin; b < tok.end; ++b) {
      if (owner[b] == kNoOwner || owner[b] == assigned) continue;
      if (assigned != kNoOwner) {
        throw InputError(where() + " spans " + owners_name(assigned, owner[b]));
      }
      assigned = owner[b];
    }
    // Whitespace only, or zero-width: the owner of what follows.
    if (assigned == kNoOwner) assigned = next_owner[tok.begin];
    if (assigned == kNoOwner) throw InputError(where() + " comes after the last word");
    if (t > 0 && assigned < token_word[t - 1]) {
      throw InputError(where() + " belongs to " + owner_name(assigned) +
                       " but follows a token of " + owner_name(token_word[t - 1]));
    }
    token_word[t] = assigned;
  }

  std::vector<bool> has_token(word_spans.size(), false);
  for (int w : token_word) {
    if (w >= 0) has_token[w] = true;
  }
  for (size_t w = 0; w < word_spans.size(); ++w) {
    if (!has_token[w]) {
      const size_t begin = sentence_begin + word_spans[w].begin;
      throw InputError(sentence_name + ": word " + std::to_string(w) + " '" +
                       text.substr(begin, word_spans[w].end - word_spans[w].begin) +
                       "' gets no token");
    }
  }
  return token_word;
}

}  // namespace lmgaze
