// Added tokens: strings the tokenizer turns into one fixed id wherever they
// occur in the text, before any normalizer, pre-tokenizer or BPE sees it
// (Hugging Face's AddedVocabulary).
//
// Two passes, as Hugging Face makes them:
//   1. tokens with normalized = false (all special tokens in today's files,
//      and e.g. Gemma's "\n", "\t", "<b>") are found in the original text;
//   2. the normalizer runs on each stretch between them, and tokens with
//      normalized = true are found in the normalized stretches (spelled as
//      the normalizer spells them).
// Matching is leftmost-longest over all tokens of a pass (Aho-Corasick with
// MatchKind::LeftmostLongest): the earliest match wins, the longest of those
// starting there. single_word, lstrip and rstrip behave as Hugging Face's.
//
// Ids follow Hugging Face's rule when it reads added_tokens: a content that is
// in the model's vocabulary keeps the vocabulary's id, any other gets the next
// free id after the vocabulary; the "id" written in the file is only checked.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "tokenizer/normalized_text.hpp"

namespace lmgaze {

class Normalizer;

struct AddedToken {
  int id = 0;
  std::string content;
  bool special = false;
  bool normalized = false;
  bool single_word = false;
  bool lstrip = false;
  bool rstrip = false;
};

// A stretch of text: an added token (id set) or text still to tokenize.
struct TextPiece {
  NormalizedText text;
  std::optional<int> added_id;
};

class AddedVocabulary {
 public:
  AddedVocabulary() = default;
  // `tokens` with their final ids; `normalizer` (may be null) spells the
  // normalized = true ones for matching.
  AddedVocabulary(std::vector<AddedToken> tokens, const Normalizer* normalizer);

  // The two passes above: added tokens cut out, other stretches normalized.
  std::vector<TextPiece> split(const std::string& text, const Normalizer* normalizer) const;

  const std::vector<AddedToken>& tokens() const { return tokens_; }
  const AddedToken* find_id(int id) const;

 private:
  // A byte trie over the contents of one pass.
  struct Trie {
    struct Node {
      std::vector<std::pair<unsigned char, int>> children;  // sorted by byte
      int token = -1;                                       // index into tokens_
    };
    std::vector<Node> nodes{Node{}};
    void add(const std::string& key, int token);
    bool empty() const { return nodes.size() == 1; }
    // Longest key starting at text[pos]: (token index, length), or (-1, 0).
    std::pair<int, size_t> longest_at(const std::string& text, size_t pos) const;
  };
  // Hugging Face's find_matches: stretches [begin, end) tiling `text`, each
  // an added token (index into tokens_) or -1.
  struct Match {
    size_t begin, end;
    int token;
  };
  std::vector<Match> find_matches(const std::string& text, const Trie& trie) const;
  void split_pass(const TextPiece& piece, const Trie& trie, std::vector<TextPiece>& out) const;

  std::vector<AddedToken> tokens_;
  std::unordered_map<int, size_t> by_id_;  // id -> index into tokens_
  Trie raw_;                               // normalized = false: matched in the original text
  Trie normalized_;                        // normalized = true: matched after normalization
};

}  // namespace lmgaze
