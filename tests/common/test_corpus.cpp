#include <gtest/gtest.h>

#include "common/corpus.hpp"
#include "common/error.hpp"

namespace lmgaze {
namespace {

TEST(Corpus, ArticlesSentencesWordsAndSpans) {
  Corpus c = parse_corpus("The cat sat.\nIt purred, loudly.\n\nDogs bark.\n", "t.txt");
  ASSERT_EQ(c.sentences.size(), 3u);
  EXPECT_EQ(c.n_articles(), 2);
  EXPECT_EQ(c.sentences[1].article, 0);
  EXPECT_EQ(c.sentences[1].index, 1);
  EXPECT_EQ(c.sentences[2].article, 1);
  EXPECT_EQ(c.sentences[2].index, 0);
  EXPECT_EQ(c.sentences[2].line, 4);
  // Punctuation stays with its word: the whitespace split of the line.
  EXPECT_EQ(c.sentences[1].words, (std::vector<std::string>{"It", "purred,", "loudly."}));
  EXPECT_EQ(c.sentences[1].spans[1].begin, 3u);
  EXPECT_EQ(c.sentences[1].spans[1].end, 10u);
  // 3 + 3 + 2 words: 6 + 6 + 3 pairs.
  EXPECT_EQ(c.pair_offsets(), (std::vector<int64_t>{0, 6, 12, 15}));
}

TEST(Corpus, CrlfAndTrailingBlankLinesAreTolerated) {
  Corpus c = parse_corpus("A b.\r\nC d.\r\n\r\n", "t.txt");
  EXPECT_EQ(c.sentences.size(), 2u);
  EXPECT_EQ(c.sentences[1].words.back(), "d.");
}

void expect_error(const std::string& text, const std::string& where, const std::string& what) {
  try {
    parse_corpus(text, "t.txt");
    FAIL() << "no error for: " << text;
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(where), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
  }
}

TEST(Corpus, BadInputNamesFileAndLine) {
  expect_error("", "t.txt", "no sentence");
  expect_error("\n\n", "t.txt", "no sentence");
  expect_error("\nA b.\n", "t.txt:1", "before the first sentence");
  expect_error("A b.\n\n\nC d.\n", "t.txt:3", "exactly one blank line");
  expect_error("A  b.\n", "t.txt:1", "two spaces");
  expect_error("A b.\n C d.\n", "t.txt:2", "leading or trailing space");
  expect_error("A b.\nC\td.\n", "t.txt:2", "tab");
  expect_error("A b.\n   \nC d.\n", "t.txt:2", "only whitespace");
}

TEST(Corpus, MissingFile) { EXPECT_THROW(read_corpus("/nonexistent/lmgaze.txt"), InputError); }

}  // namespace
}  // namespace lmgaze
