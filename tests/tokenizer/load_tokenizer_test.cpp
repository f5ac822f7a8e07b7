// load_tokenizer picks the tokenizer from the files of a checkpoint directory.
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "test_files.hpp"
#include "tokenizer/tokenizer.hpp"

namespace lmgaze {
namespace {

const std::string kModels = std::string(LMGAZE_SHARED_DIR) + "/models/";

TEST(LoadTokenizer, SentencePieceForLlama) {
  const auto tok = load_tokenizer(kModels + "toy-m");
  EXPECT_EQ(tok->kind(), "sentencepiece");
  EXPECT_EQ(tok->vocab_size(), 2000);
  EXPECT_EQ(tok->bos_id(), std::optional<int>(1));
}

TEST(LoadTokenizer, Gpt2Bpe) {
  const auto tok = load_tokenizer(kModels + "gpt2-toy");
  EXPECT_EQ(tok->kind(), "gpt2-bpe");
  EXPECT_EQ(tok->vocab_size(), 50257);
  EXPECT_FALSE(tok->bos_id().has_value());
}

TEST(LoadTokenizer, NoTokenizerNamesTheDirectory) {
  testing::ScratchDir dir;
  dir.write("config.json", "{}");
  try {
    load_tokenizer(dir.path().string());
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), dir.path().string());
    EXPECT_NE(e.problem().find("tokenizer.model"), std::string::npos);
  }
}

TEST(LoadTokenizer, HalfAGpt2TokenizerNamesTheMissingFile) {
  testing::ScratchDir dir;
  dir.write("vocab.json", "{}");
  try {
    load_tokenizer(dir.path().string());
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), (dir.path() / "merges.txt").string());
  }
}

TEST(LoadTokenizer, MissingDirectory) {
  EXPECT_THROW(load_tokenizer(kModels + "no-such-model"), InputError);
}

}  // namespace
}  // namespace lmgaze
