// The text corpus (METHODS.md section 1).
//
// Plain text: articles separated by one blank line, one sentence per line,
// words separated by single spaces. Sentence s of article a is (a, s), both
// 0-based. Words are the whitespace split of the line as given, so a word
// keeps its punctuation ("reading," is one word).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lmgaze {

// The most words a sentence may have. Reading Brain's longest has 16; a
// "sentence" of more than 1000 words is a file that is not one sentence per
// line, and its n x n matrices (8 MB per reader at 1000) would only exhaust
// memory. Checked for texts and for --sentences CSVs.
inline constexpr int kMaxSentenceWords = 1000;

struct WordSpan {
  size_t begin = 0;  // byte offset of the word's first byte in Sentence::text
  size_t end = 0;    // one past its last byte
};

struct Sentence {
  int article = 0;
  int index = 0;  // position of the sentence inside its article
  long line = 0;  // 1-based line in the source file, for error messages
  std::string text;
  std::vector<std::string> words;
  std::vector<WordSpan> spans;  // spans[w] locates words[w] inside text

  int n_words() const { return static_cast<int>(words.size()); }
};

struct Corpus {
  std::string source;  // file it was read from
  std::vector<Sentence> sentences;

  std::vector<int> n_words() const;
  std::vector<int64_t> pair_offsets() const;  // tril_offsets(n_words())
  int n_articles() const;
};

// Reads and validates a corpus file; throws InputError naming file and line
// for an empty file, a line with leading, trailing or doubled spaces, two
// blank lines in a row, or a blank first line, and file, line and column for
// bytes that are not UTF-8 and for characters a sentence cannot hold: any
// control character (tab, NUL, vertical tab, form feed, a CR that does not end
// a CRLF line), any whitespace other than U+0020 (no-break space, U+2000 to
// U+200A, ideographic space, ...), zero-width characters, U+FFFD. LF and CRLF
// line ends and a leading byte-order mark are accepted.
Corpus read_corpus(const std::string& path);

// Same, from a string (tests, embedded demo text); `source` names it in errors.
Corpus parse_corpus(const std::string& text, const std::string& source);

// Splits one sentence into words; throws InputError on bad spacing.
Sentence make_sentence(const std::string& text, int article, int index, long line,
                       const std::string& source);

}  // namespace lmgaze
