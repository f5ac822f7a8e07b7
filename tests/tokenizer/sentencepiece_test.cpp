// The SentencePiece wrapper on the shared toy tokenizer.model: ids are
// SentencePiece's own, the dummy prefix is applied, and the byte ranges are
// the ones documented in sentencepiece_tokenizer.hpp.
#include <gtest/gtest.h>
#include <sentencepiece_processor.h>

#include "common/error.hpp"
#include "tokenizer/sentencepiece_tokenizer.hpp"

namespace lmgaze {
namespace {

const std::string kModel = std::string(LMGAZE_SHARED_DIR) + "/models/toy-m/tokenizer.model";

class SentencePieceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tokenizer_ = new SentencePieceTokenizer(kModel);
    processor_ = new sentencepiece::SentencePieceProcessor();
    ASSERT_TRUE(processor_->Load(kModel).ok());
  }
  static void TearDownTestSuite() {
    delete tokenizer_;
    delete processor_;
  }
  static std::vector<std::string> pieces(const std::string& text) {
    std::vector<std::string> out;
    for (const Token& t : tokenizer_->encode(text)) out.push_back(processor_->IdToPiece(t.id));
    return out;
  }
  static SentencePieceTokenizer* tokenizer_;
  static sentencepiece::SentencePieceProcessor* processor_;
};
SentencePieceTokenizer* SentencePieceTest::tokenizer_ = nullptr;
sentencepiece::SentencePieceProcessor* SentencePieceTest::processor_ = nullptr;

const std::vector<std::string> kTexts = {
    "Hello world",
    "Please translate this sentence into German: The cat sat on the mat.",
    "In 1961 the Brown corpus had about 1,000,000 words.",
    "naïve 日本 😀 ok",
    "Don't stop; it's \"quoted\" (and bracketed).",
    "ﬁne ½ Ｆull",
    "Привет мир",
};

TEST_F(SentencePieceTest, Properties) {
  EXPECT_EQ(tokenizer_->vocab_size(), 2000);
  EXPECT_EQ(tokenizer_->bos_id(), std::optional<int>(1));
  EXPECT_EQ(tokenizer_->kind(), "sentencepiece");
}

TEST_F(SentencePieceTest, IdsAreSentencePiecesOwn) {
  for (const std::string& text : kTexts) {
    std::vector<int> ids;
    for (const Token& t : tokenizer_->encode(text)) ids.push_back(t.id);
    EXPECT_EQ(ids, processor_->EncodeAsIds(text)) << text;
  }
}

TEST_F(SentencePieceTest, DummyPrefixMarksTheFirstWord) {
  EXPECT_EQ(pieces("Hello world"), (std::vector<std::string>{"▁He", "ll", "o", "▁world"}));
  // The same word inside a sentence and at its start gets the same pieces.
  EXPECT_EQ(pieces("world"), (std::vector<std::string>{"▁world"}));
  const auto tokens = tokenizer_->encode("Hello world");
  EXPECT_EQ(tokens[0].begin, 0u);  // the dummy "▁" has no source bytes
  EXPECT_EQ(tokens[0].end, 2u);
  EXPECT_EQ(tokens[3].begin, 5u);  // a real space belongs to the piece it starts
  EXPECT_EQ(tokens[3].end, 11u);
}

TEST_F(SentencePieceTest, OffsetsTileSingleSpacedText) {
  for (const std::string& text : kTexts) {
    size_t expected_begin = 0;
    for (const Token& t : tokenizer_->encode(text)) {
      EXPECT_EQ(t.begin, expected_begin) << text;
      EXPECT_LE(t.begin, t.end);
      expected_begin = t.end;
    }
    EXPECT_EQ(expected_begin, text.size()) << text;
  }
}

TEST_F(SentencePieceTest, ByteFallbackLeadingBytesAreZeroWidth) {
  // "naïve 日本 😀 ok": ï = C3 AF at [2,4), 日 at [7,10), 本 at [10,13), 😀 at [14,18).
  struct Expected {
    std::string piece;
    size_t begin, end;
  };
  const std::vector<Expected> expected = {
      {"▁n", 0, 1},       {"a", 1, 2},        {"<0xC3>", 2, 2},   {"<0xAF>", 2, 4},
      {"ve", 4, 6},       {"▁", 6, 7},        {"<0xE6>", 7, 7},   {"<0x97>", 7, 7},
      {"<0xA5>", 7, 10},  {"<0xE6>", 10, 10}, {"<0x9C>", 10, 10}, {"<0xAC>", 10, 13},
      {"▁", 13, 14},      {"<0xF0>", 14, 14}, {"<0x9F>", 14, 14}, {"<0x98>", 14, 14},
      {"<0x80>", 14, 18}, {"▁o", 18, 20},     {"k", 20, 21}};
  const auto tokens = tokenizer_->encode("naïve 日本 😀 ok");
  ASSERT_EQ(tokens.size(), expected.size());
  for (size_t i = 0; i < tokens.size(); ++i) {
    EXPECT_EQ(processor_->IdToPiece(tokens[i].id), expected[i].piece) << i;
    EXPECT_EQ(tokens[i].begin, expected[i].begin) << i;
    EXPECT_EQ(tokens[i].end, expected[i].end) << i;
  }
}

TEST_F(SentencePieceTest, LoneSpacePieceBeforeDigits) {
  // The model splits digits: "▁" stands alone before them and covers the space.
  const auto tokens = tokenizer_->encode("In 1961");
  EXPECT_EQ(pieces("In 1961"), (std::vector<std::string>{"▁In", "▁", "1", "9", "6", "1"}));
  EXPECT_EQ(tokens[1].begin, 2u);
  EXPECT_EQ(tokens[1].end, 3u);
}

TEST(SentencePieceLoad, BadModelIsInputErrorNamingTheFile) {
  const std::string path = std::string(LMGAZE_SHARED_DIR) + "/models/gpt2-toy/vocab.json";
  try {
    SentencePieceTokenizer tok(path);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), path);
  }
}

}  // namespace
}  // namespace lmgaze
