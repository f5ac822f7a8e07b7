// load_tokenizer picks the tokenizer from the files of a checkpoint directory
// as transformers' AutoTokenizer does, unless told which.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "common/error.hpp"
#include "support/input_error.hpp"
#include "test_files.hpp"
#include "tokenizer/tokenizer.hpp"

namespace lmgaze {
namespace {

namespace fs = std::filesystem;
const std::string kModels = std::string(LMGAZE_SHARED_DIR) + "/models/";

using test::error_of;

TEST(LoadTokenizer, SentencePieceForLlama) {
  const auto tok = load_tokenizer(kModels + "toy-m");
  EXPECT_EQ(tok->kind(), "sentencepiece");
  EXPECT_EQ(tok->vocab_size(), 2000);
  EXPECT_EQ(tok->bos_id(), std::optional<int>(1));
  EXPECT_EQ(tok->files(), (std::vector<std::string>{kModels + "toy-m/tokenizer.model"}));
}

TEST(LoadTokenizer, Gpt2BpeFiles) {
  const auto tok = load_tokenizer(kModels + "gpt2-toy");
  EXPECT_EQ(tok->kind(), "bpe-files");
  EXPECT_EQ(tok->vocab_size(), 50257);
  EXPECT_FALSE(tok->bos_id().has_value());
}

TEST(LoadTokenizer, TokenizerJsonFirstThenTokenizerModelThenBpeFiles) {
  // A directory with all three, as some checkpoints ship them.
  testing::ScratchDir dir;
  const std::string qwen = testing::shared_tokenizer_dir("qwen3");
  fs::copy_file(qwen + "/tokenizer.json", dir.path() / "tokenizer.json");
  fs::copy_file(kModels + "toy-m/tokenizer.model", dir.path() / "tokenizer.model");
  fs::copy_file(kModels + "gpt2-toy/vocab.json", dir.path() / "vocab.json");
  fs::copy_file(kModels + "gpt2-toy/merges.txt", dir.path() / "merges.txt");
  const std::string d = dir.path().string();
  EXPECT_EQ(load_tokenizer(d)->kind(), "tokenizer-json");
  EXPECT_EQ(load_tokenizer(d, TokenizerFormat::kJson)->kind(), "tokenizer-json");
  EXPECT_EQ(load_tokenizer(d, TokenizerFormat::kSentencePiece)->kind(), "sentencepiece");
  EXPECT_EQ(load_tokenizer(d, TokenizerFormat::kBpeFiles)->kind(), "bpe-files");
  fs::remove(dir.path() / "tokenizer.json");
  EXPECT_EQ(load_tokenizer(d)->kind(), "sentencepiece");
  fs::remove(dir.path() / "tokenizer.model");
  EXPECT_EQ(load_tokenizer(d)->kind(), "bpe-files");
}

TEST(LoadTokenizer, TokenizerJsonAloneAndWithItsConfig) {
  const auto tok = load_tokenizer(testing::shared_tokenizer_dir("mistral"));
  EXPECT_EQ(tok->kind(), "tokenizer-json");
  ASSERT_EQ(tok->files().size(), 2u);  // tokenizer.json and tokenizer_config.json
  EXPECT_EQ(fs::path(tok->files()[1]).filename(), "tokenizer_config.json");
  EXPECT_EQ(tok->bos_id(), std::optional<int>(1));
}

TEST(LoadTokenizer, AskedForFilesThatAreNotThere) {
  const std::string d = kModels + "gpt2-toy";
  EXPECT_NE(error_of([&] { load_tokenizer(d, TokenizerFormat::kJson); }).find("no tokenizer.json"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              load_tokenizer(d, TokenizerFormat::kSentencePiece);
            }).find("no tokenizer.model"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              load_tokenizer(kModels + "toy-m", TokenizerFormat::kBpeFiles);
            }).find("no vocab.json"),
            std::string::npos);
}

TEST(LoadTokenizer, FormatNames) {
  EXPECT_EQ(parse_tokenizer_format("auto", "--tokenizer"), TokenizerFormat::kAuto);
  EXPECT_EQ(parse_tokenizer_format("json", "--tokenizer"), TokenizerFormat::kJson);
  EXPECT_EQ(parse_tokenizer_format("sentencepiece", "--tokenizer"),
            TokenizerFormat::kSentencePiece);
  EXPECT_EQ(parse_tokenizer_format("bpe-files", "--tokenizer"), TokenizerFormat::kBpeFiles);
  EXPECT_EQ(error_of([] { parse_tokenizer_format("spm", "--tokenizer"); }),
            "--tokenizer spm: expected auto, json, sentencepiece or bpe-files");
}

TEST(LoadTokenizer, NoTokenizerNamesTheDirectory) {
  testing::ScratchDir dir;
  dir.write("config.json", "{}");
  try {
    load_tokenizer(dir.path().string());
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), dir.path().string());
    EXPECT_NE(e.problem().find("tokenizer.json"), std::string::npos);
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

TEST(LoadTokenizer, HashCoversTheFilesAndChangesWithThem) {
  testing::ScratchDir dir;
  fs::copy_file(kModels + "gpt2-toy/vocab.json", dir.path() / "vocab.json");
  fs::copy_file(kModels + "gpt2-toy/merges.txt", dir.path() / "merges.txt");
  const std::string a = hash_tokenizer_files(*load_tokenizer(dir.path().string()));
  EXPECT_EQ(a.rfind("sha256:", 0), 0u);
  EXPECT_EQ(a.size(), 7u + 64u);
  EXPECT_EQ(a, hash_tokenizer_files(*load_tokenizer(kModels + "gpt2-toy")));
  // One more merge line that changes nothing of the vocabulary.
  std::ofstream(dir.path() / "merges.txt", std::ios::app) << "\n";
  EXPECT_NE(a, hash_tokenizer_files(*load_tokenizer(dir.path().string())));
}

}  // namespace
}  // namespace lmgaze
