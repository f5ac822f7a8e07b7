// The regular expressions of tokenizer.json, run with ICU.
//
// Hugging Face `tokenizers` compiles every pattern of a tokenizer.json (Split
// and Replace "Regex" patterns, the ByteLevel pre-tokenizer's GPT-2 pattern)
// with Oniguruma in its Ruby syntax. ICU's regex engine has the same
// backtracking semantics (leftmost alternative first) and supports \p{..},
// lookahead and lookbehind and (?i:...), but a few escapes mean other things;
// translate_oniguruma() rewrites those so the ICU pattern matches what the
// Oniguruma one matches:
//   \s \S   White_Space (ICU's own \s lacks U+000B and U+0085)
//   \w \W   letter, mark, number, connector punctuation (Oniguruma's \w)
//   \h \H   hexadecimal digit (ICU: horizontal space)
//   \v      U+000B (ICU: any vertical space)
//   \b \B   boundaries of the \w above
//   \p{^X}  \P{X}
//   (?m)    Ruby's "dot matches newline" is ICU's (?s)
// and ^ $ are line anchors, with only \n ending a line, as in Ruby.
// A pattern ICU cannot compile is an InputError naming it.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace lmgaze {

// The ICU pattern with the meaning of an Oniguruma (Ruby syntax) pattern.
std::string translate_oniguruma(const std::string& pattern);

class Regex {
 public:
  // `pattern` in Oniguruma syntax; `where` names it in errors
  // ("tokenizer.json pre_tokenizer Split"). Throws InputError.
  Regex(const std::string& pattern, const std::string& where);
  // A literal string (the "String" patterns of tokenizer.json).
  static Regex literal(const std::string& text, const std::string& where);
  ~Regex();
  Regex(Regex&&) noexcept;
  Regex& operator=(Regex&&) noexcept;

  const std::string& pattern() const { return pattern_; }

  // Byte ranges [begin, end) of the successive matches in UTF-8 `text`, as
  // the onig crate's find_iter gives them: each search starts where the last
  // match ended, and an empty match right at the end of the previous match
  // is skipped (the search moves on by one character).
  std::vector<std::pair<size_t, size_t>> find_all(const std::string& text) const;

 private:
  Regex() = default;
  struct Compiled;
  std::string pattern_;
  std::string literal_;  // non-empty: plain substring search instead of ICU
  std::unique_ptr<Compiled> compiled_;
};

}  // namespace lmgaze
