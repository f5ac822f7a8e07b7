// Pre-tokenizers: the second step of a tokenizer.json pipeline. Each cuts
// the pieces of text it is given into smaller pieces (BPE never merges across
// a piece), the way Hugging Face's pre-tokenizer of the same "type" does;
// some also change the text (ByteLevel spells bytes as characters, Metaspace
// turns " " into "▁"). Empty pieces are dropped.
//
//   Split           matches of a String or Regex pattern, with a behavior:
//                   Removed, Isolated, MergedWithPrevious, MergedWithNext,
//                   Contiguous; `invert` splits on what does not match
//   ByteLevel       optional " " prefix, GPT-2's regex (use_regex), then each
//                   byte spelled as its character of GPT-2's byte alphabet
//   Metaspace       " " -> replacement, prefix per prepend_scheme
//                   (always / first / never), split before each replacement
//   Digits          numbers apart (individual_digits: one digit per piece)
//   Whitespace      runs of \w and of other non-space characters, spaces removed
//   WhitespaceSplit split at white space, which is removed
//   Punctuation     punctuation characters apart (behavior, default Isolated)
//   BertPreTokenizer  WhitespaceSplit, then Punctuation
//   CharDelimiterSplit  split at `delimiter`, which is removed
//   Sequence        the listed pre-tokenizers in order
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tokenizer/normalized_text.hpp"
#include "tokenizer/regex.hpp"

namespace lmgaze {

enum class SplitBehavior { kRemoved, kIsolated, kMergedWithPrevious, kMergedWithNext, kContiguous };

// A stretch of a piece and whether the pattern matched it; the stretches of
// one piece tile it.
struct PatternMatch {
  size_t begin = 0, end = 0;
  bool is_match = false;
};

// Hugging Face's find_matches: the matches of `regex` and the gaps between them.
std::vector<PatternMatch> regex_matches(const Regex& regex, const std::string& text);
// Every character for which `pred` holds is a match of its own.
std::vector<PatternMatch> char_matches(const std::string& text,
                                       const std::function<bool(char32_t)>& pred);
// Cuts `piece` at `matches` as `behavior` says and appends the non-empty parts to `out`.
void split_piece(const NormalizedText& piece, std::vector<PatternMatch> matches,
                 SplitBehavior behavior, std::vector<NormalizedText>& out);

class PreTokenizer {
 public:
  virtual ~PreTokenizer() = default;
  // Replaces `pieces` by their parts.
  virtual void pre_tokenize(std::vector<NormalizedText>& pieces) const = 0;
};

class SequencePreTokenizer : public PreTokenizer {
 public:
  explicit SequencePreTokenizer(std::vector<std::unique_ptr<PreTokenizer>> steps)
      : steps_(std::move(steps)) {}
  void pre_tokenize(std::vector<NormalizedText>& pieces) const override;

 private:
  std::vector<std::unique_ptr<PreTokenizer>> steps_;
};

class SplitPreTokenizer : public PreTokenizer {
 public:
  SplitPreTokenizer(Regex pattern, SplitBehavior behavior, bool invert)
      : pattern_(std::move(pattern)), behavior_(behavior), invert_(invert) {}
  void pre_tokenize(std::vector<NormalizedText>& pieces) const override;

 private:
  Regex pattern_;
  SplitBehavior behavior_;
  bool invert_;
};

// GPT-2's pattern, which ByteLevel uses when use_regex is true.
extern const char* const kGpt2Pattern;

class ByteLevelPreTokenizer : public PreTokenizer {
 public:
  ByteLevelPreTokenizer(bool add_prefix_space, bool use_regex);
  void pre_tokenize(std::vector<NormalizedText>& pieces) const override;

 private:
  bool add_prefix_space_;
  bool use_regex_;
  Regex regex_;
  std::array<std::string, 256> alphabet_;
};

enum class PrependScheme { kAlways, kFirst, kNever };

class MetaspacePreTokenizer : public PreTokenizer {
 public:
  MetaspacePreTokenizer(std::string replacement, PrependScheme scheme, bool split)
      : replacement_(std::move(replacement)), scheme_(scheme), split_(split) {}
  void pre_tokenize(std::vector<NormalizedText>& pieces) const override;

 private:
  std::string replacement_;  // one character
  PrependScheme scheme_;
  bool split_;
};

class DigitsPreTokenizer : public PreTokenizer {
 public:
  explicit DigitsPreTokenizer(bool individual_digits) : individual_(individual_digits) {}
  void pre_tokenize(std::vector<NormalizedText>& pieces) const override;

 private:
  bool individual_;
};

class WhitespacePreTokenizer : public PreTokenizer {
 public:
  WhitespacePreTokenizer();
  void pre_tokenize(std::vector<NormalizedText>& pieces) const override;

 private:
  Regex regex_;
};

class WhitespaceSplitPreTokenizer : public PreTokenizer {
 public:
  void pre_tokenize(std::vector<NormalizedText>& pieces) const override;
};

class PunctuationPreTokenizer : public PreTokenizer {
 public:
  explicit PunctuationPreTokenizer(SplitBehavior behavior) : behavior_(behavior) {}
  void pre_tokenize(std::vector<NormalizedText>& pieces) const override;

 private:
  SplitBehavior behavior_;
};

class BertPreTokenizer : public PreTokenizer {
 public:
  void pre_tokenize(std::vector<NormalizedText>& pieces) const override;
};

class CharDelimiterPreTokenizer : public PreTokenizer {
 public:
  explicit CharDelimiterPreTokenizer(char32_t delimiter) : delimiter_(delimiter) {}
  void pre_tokenize(std::vector<NormalizedText>& pieces) const override;

 private:
  char32_t delimiter_;
};

}  // namespace lmgaze
