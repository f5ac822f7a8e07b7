// `lmgaze extract` end to end with a tokenizer.json checkpoint: a tiny
// random LLaMA-architecture model with the real Llama 3 tokenizer.json and
// its vocab_size (128 256 rows), whose config.json names bos_token_id 128000
// that the tokenizer does not add (the early Llama 3 trap). The attention
// file records the tokenizer's kind, the hash of its files and the BOS rule;
// the token ids are the tokenizer's; --bos yes adds config.json's BOS.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/corpus.hpp"
#include "distributed/random_checkpoint.hpp"
#include "io/attention_file.hpp"
#include "io/hdf5.hpp"
#include "support/run_command.hpp"
#include "tokenizer/test_files.hpp"
#include "tokenizer/tokenizer.hpp"

namespace lmgaze {
namespace {

namespace fs = std::filesystem;
using test::run_command;

const std::string kDemoText = std::string(LMGAZE_SOURCE_DIR) + "/data/text/demo.txt";

class ExtractTokenizerJson : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = test::scratch_dir("extract_tokenizer_json");
    model_ = (dir_ / "llama3-tiny").string();
    testing::TinyModel shape;
    shape.model_type = "llama";
    shape.n_layers = 2, shape.n_heads = 2, shape.n_kv_heads = 1;
    shape.hidden = 16, shape.intermediate = 32;
    shape.vocab_size = 128256, shape.max_positions = 256;
    shape.tie_word_embeddings = true;
    testing::write_random_checkpoint(shape, model_, testing::shared_tokenizer_dir("llama3"));
    // As Meta's config.json: BOS 128000, EOS 128001.
    const std::string config = (fs::path(model_) / "config.json").string();
    nlohmann::json c = nlohmann::json::parse(test::read_file(config));
    c["bos_token_id"] = 128000;
    c["eos_token_id"] = 128001;
    std::ofstream(config, std::ios::trunc) << c.dump(2);
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }

  static test::CommandResult extract(const std::string& out, const std::string& extra = "",
                                     const std::string& text = kDemoText) {
    return run_command(test::lmgaze_binary() + " extract --quiet --model " + model_ + " --text " +
                       text + " --out " + out + " " + extra);
  }
  static std::string out(const std::string& name) { return (dir_ / name).string(); }

  static fs::path dir_;
  static std::string model_;
};
fs::path ExtractTokenizerJson::dir_;
std::string ExtractTokenizerJson::model_;

TEST_F(ExtractTokenizerJson, RecordsTokenizerAndTheTokenizersIds) {
  const auto r = extract(out("auto.h5"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // The trap is named, once, even with --quiet.
  EXPECT_NE(r.output.find("warning: llama3-tiny: config.json names bos_token_id 128000, but the "
                          "tokenizer adds no BOS"),
            std::string::npos)
      << r.output;

  AttentionReader a(out("auto.h5"));
  EXPECT_EQ(a.meta().tokenizer, "tokenizer-json");
  const auto tok = load_tokenizer(model_);
  EXPECT_EQ(a.meta().tokenizer_hash, hash_tokenizer_files(*tok));
  EXPECT_EQ(a.meta().bos_rule,
            "auto: tokenizer.json post_processor ByteLevel (PreTrainedTokenizerFast): no BOS");

  // /tokens/ids: each sentence exactly as the tokenizer encodes it, no BOS.
  const h5::File f = h5::File::open_read(out("auto.h5"));
  const auto ids = f.read_vector<int64_t>("/tokens/ids");
  const auto offset = f.read_vector<int64_t>("/tokens/offset");
  const Corpus corpus = read_corpus(kDemoText);
  ASSERT_EQ(offset.size(), corpus.sentences.size() + 1);
  for (size_t s = 0; s < corpus.sentences.size(); ++s) {
    std::vector<int64_t> expected;
    for (const Token& t : tok->encode(corpus.sentences[s].text)) expected.push_back(t.id);
    EXPECT_EQ(std::vector<int64_t>(ids.begin() + offset[s], ids.begin() + offset[s + 1]), expected)
        << "sentence " << s;
  }
}

TEST_F(ExtractTokenizerJson, BosYesPutsConfigBosFirst) {
  const auto r = extract(out("yes.h5"), "--bos yes");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("warning"), std::string::npos) << r.output;
  AttentionReader a(out("yes.h5"));
  EXPECT_EQ(a.meta().bos_rule.rfind("yes: config.json bos_token_id 128000", 0), 0u);
  const h5::File f = h5::File::open_read(out("yes.h5"));
  const auto ids = f.read_vector<int64_t>("/tokens/ids");
  const auto offset = f.read_vector<int64_t>("/tokens/offset");
  const auto word = f.read_vector<int32_t>("/tokens/word");
  for (size_t s = 0; s + 1 < offset.size(); ++s) {
    EXPECT_EQ(ids[offset[s]], 128000);
    EXPECT_EQ(word[offset[s]], -1);  // BOS belongs to no word
  }
}

TEST_F(ExtractTokenizerJson, SpecialTokenTextAndBadOptionsAreRefused) {
  const std::string text = out("special.txt");
  std::ofstream(text) << "A plain sentence.\n<|begin_of_text|> is not for readers.\n";
  auto r = extract(out("special.h5"), "", text);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("special.txt:2"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("'<|begin_of_text|>' is the text of a special token (id 128000)"),
            std::string::npos)
      << r.output;
  EXPECT_FALSE(fs::exists(out("special.h5")));
  r = extract(out("bad.h5"), "--bos sometimes");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("--bos sometimes: expected auto, yes or no"), std::string::npos);
  r = extract(out("bad.h5"), "--tokenizer sentencepiece");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("no tokenizer.model here"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace lmgaze
