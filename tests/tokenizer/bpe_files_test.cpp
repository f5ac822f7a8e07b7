// The "bpe-files" reader: GPT-2's vocab.json + merges.txt as a configuration
// of the layered pipeline, on the shared gpt2-toy files (the real GPT-2
// vocabulary), and its validation of vocab.json / merges.txt.
#include "tokenizer/bpe_files.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "test_files.hpp"
#include "tokenizer/byte_alphabet.hpp"

namespace lmgaze {
namespace {

const std::string kDir = std::string(LMGAZE_SHARED_DIR) + "/models/gpt2-toy/";

const Tokenizer& shared_tokenizer() {
  static const auto tokenizer = read_bpe_files(kDir + "vocab.json", kDir + "merges.txt");
  return *tokenizer;
}

std::vector<int> ids(const std::vector<Token>& tokens) {
  std::vector<int> out;
  for (const Token& t : tokens) out.push_back(t.id);
  return out;
}

TEST(ByteAlphabet, MatchesGpt2) {
  const auto a = byte_level_alphabet();
  EXPECT_EQ(a['A'], "A");
  EXPECT_EQ(a[' '], "\xC4\xA0");   // U+0120 'Ġ'
  EXPECT_EQ(a['\n'], "\xC4\x8A");  // U+010A 'Ċ'
  EXPECT_EQ(a[0], "\xC4\x80");     // U+0100
  EXPECT_EQ(a[0xAD], "\xC5\x83");  // soft hyphen is unprintable: U+0143
  EXPECT_EQ(a[0xE9], "\xC3\xA9");  // é stands for itself
}

TEST(BpeFilesGpt2, Properties) {
  const auto& tok = shared_tokenizer();
  EXPECT_EQ(tok.vocab_size(), 50257);
  EXPECT_EQ(tok.ordinary_vocab_size(), 50257);
  EXPECT_FALSE(tok.bos_id().has_value());
  EXPECT_EQ(tok.kind(), "bpe-files");
  EXPECT_EQ(tok.files(), (std::vector<std::string>{kDir + "vocab.json", kDir + "merges.txt"}));
}

TEST(BpeFilesGpt2, KnownIds) {
  // Ids of the published GPT-2 tokenizer.
  EXPECT_EQ(ids(shared_tokenizer().encode("Hello world")), (std::vector<int>{15496, 995}));
  EXPECT_EQ(ids(shared_tokenizer().encode(" the")), (std::vector<int>{262}));
  EXPECT_TRUE(shared_tokenizer().encode("").empty());
}

TEST(BpeFilesGpt2, EndOfTextIsOneSpecialTokenAsInGpt2Tokenizer) {
  // GPT2Tokenizer(Fast) from vocab.json + merges.txt alone splits out
  // "<|endoftext|>" (its unk, bos and eos) before BPE: "a" = 64, "b" = 65.
  const auto tokens = shared_tokenizer().encode("a<|endoftext|>b");
  EXPECT_EQ(ids(tokens), (std::vector<int>{64, 50256, 65}));
  EXPECT_EQ(tokens[1].begin, 1u);
  EXPECT_EQ(tokens[1].end, 14u);
  EXPECT_EQ(shared_tokenizer().special_token(50256), std::optional<std::string>("<|endoftext|>"));
  EXPECT_FALSE(shared_tokenizer().special_token(64).has_value());
  // Without the bars it is ordinary text, cut by BPE.
  EXPECT_GT(shared_tokenizer().encode("<endoftext>").size(), 1u);
}

TEST(BpeFilesGpt2, OffsetsTileTheTextAndSpellEachToken) {
  std::ifstream in(kDir + "vocab.json");
  const auto vocab = nlohmann::json::parse(in);
  std::vector<std::string> spelling(vocab.size());
  for (const auto& [token, id] : vocab.items()) spelling[id.get<int>()] = token;
  const auto alphabet = byte_level_alphabet();

  const std::string text = "Naïve 日本 😀 readers' 1961\tcafé  —  ok\n";
  size_t expected_begin = 0;
  for (const Token& t : shared_tokenizer().encode(text)) {
    EXPECT_EQ(t.begin, expected_begin);
    ASSERT_LT(t.begin, t.end);
    EXPECT_EQ(byte_level_spelling(text.substr(t.begin, t.end - t.begin), alphabet), spelling[t.id]);
    expected_begin = t.end;
  }
  EXPECT_EQ(expected_begin, text.size());
}

TEST(BpeFilesGpt2, CacheGivesTheSameAnswer) {
  const std::string text = "the the the theory thematic the";
  EXPECT_EQ(ids(shared_tokenizer().encode(text)), ids(shared_tokenizer().encode(text)));
}

// A tiny valid vocabulary: the 256 byte tokens plus "ab" (id 256).
std::string tiny_vocab() {
  nlohmann::json v;
  const auto alphabet = byte_level_alphabet();
  for (int b = 0; b < 256; ++b) v[alphabet[b]] = b;
  v["ab"] = 256;
  return v.dump();
}

TEST(BpeFilesErrors, TinyVocabularyMerges) {
  testing::ScratchDir dir;
  const auto tok = read_bpe_files(dir.write("vocab.json", tiny_vocab()),
                                  dir.write("merges.txt", "#version: 0.2\na b\n"));
  EXPECT_EQ(tok->vocab_size(), 257);
  const auto tokens = tok->encode("abab");
  EXPECT_EQ(ids(tokens), (std::vector<int>{256, 256}));
  EXPECT_EQ(tokens[1].begin, 2u);
  EXPECT_EQ(tokens[1].end, 4u);
}

TEST(BpeFilesSpecialTokens, TokenizerConfigNamesThemWithIds) {
  testing::ScratchDir dir;
  // added_tokens_decoder as transformers 4.34+ writes it: "<pad>" beyond the
  // vocabulary at id 300; eos named by string, so it takes the next id after
  // the largest added one (the fast tokenizer's rule); no "<|endoftext|>" in vocab.
  const auto tok = read_bpe_files(
      dir.write("vocab.json", tiny_vocab()), dir.write("merges.txt", "a b\n"),
      dir.write("tokenizer_config.json",
                R"({"added_tokens_decoder": {"300": {"content": "<pad>", "special": true,
                   "normalized": false}}, "eos_token": "<eos>", "model_max_length": 1024})"));
  EXPECT_EQ(ids(tok->encode("ab<pad>ab<eos>")), (std::vector<int>{256, 300, 256, 301}));
  EXPECT_EQ(tok->special_token(300), std::optional<std::string>("<pad>"));
  EXPECT_EQ(tok->special_token(301), std::optional<std::string>("<eos>"));
  // Without a config, the tiny vocabulary has no "<|endoftext|>" and no specials.
  const auto plain =
      read_bpe_files(dir.write("v2.json", tiny_vocab()), dir.write("m2.txt", "a b\n"));
  EXPECT_GT(plain->encode("<|endoftext|>").size(), 1u);
}

TEST(BpeFilesSpecialTokens, ConfigIdDisagreeingWithVocabIsRefused) {
  testing::ScratchDir dir;
  const std::string config =
      dir.write("tokenizer_config.json", R"({"added_tokens_decoder": {"5": {"content": "ab"}}})");
  try {
    read_bpe_files(dir.write("vocab.json", tiny_vocab()), dir.write("merges.txt", "a b\n"), config);
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), config + ": added token \"ab\" has id 5, vocab.json says 256");
  }
}

// The InputError message for building a tokenizer from these files.
std::string error_of(const std::string& vocab, const std::string& merges) {
  testing::ScratchDir dir;
  try {
    read_bpe_files(dir.write("vocab.json", vocab), dir.write("merges.txt", merges));
  } catch (const InputError& e) {
    // Strip the scratch directory so the expectations stay readable.
    std::string what = e.what();
    const std::string prefix = dir.path().string() + "/";
    return what.rfind(prefix, 0) == 0 ? what.substr(prefix.size()) : what;
  }
  return "no error";
}

TEST(BpeFilesErrors, VocabErrorsNameTheFile) {
  EXPECT_EQ(error_of("{\"a\": ", "a b\n").rfind("vocab.json: not valid JSON", 0), 0u);
  EXPECT_EQ(error_of("[1, 2]", "a b\n"),
            "vocab.json: expected a non-empty JSON object {token: id}");
  EXPECT_EQ(error_of("{\"a\": \"x\"}", "a b\n"), "vocab.json: id of 'a' is not an integer");
  EXPECT_EQ(error_of("{\"a\": 0}", "a b\n"),
            "vocab.json: missing the single-byte token for byte 0");
  EXPECT_EQ(error_of("{\"a\": 5}", "").rfind("vocab.json: ids must be 0..0", 0), 0u);
}

TEST(BpeFilesErrors, MergesErrorsNameFileAndLine) {
  const std::string vocab = tiny_vocab();
  EXPECT_EQ(error_of(vocab, "#version: 0.2\na b\nab\n"),
            "merges.txt:3: expected two tokens separated by one space, got 'ab'");
  EXPECT_EQ(error_of(vocab, "#version: 0.2\na  b\n"),
            "merges.txt:2: expected two tokens separated by one space, got 'a  b'");
  EXPECT_EQ(error_of(vocab, "#version: 0.2\nzz b\n"),
            "merges.txt:2: merge part 'zz' is not in vocab.json");
  EXPECT_EQ(error_of(vocab, "#version: 0.2\na b\nab c\n"),
            "merges.txt:3: merge result 'abc' is not in vocab.json");
  EXPECT_EQ(error_of(vocab, "#version: 0.2\na b\na b\n"),
            "merges.txt:3: merge 'a b' appears twice");
  EXPECT_EQ(error_of(vocab, "#version: 0.2\n"), "merges.txt: no merges");
}

TEST(BpeFilesErrors, MissingFiles) {
  testing::ScratchDir dir;
  const std::string vocab = dir.write("vocab.json", tiny_vocab());
  const std::string merges = (dir.path() / "merges.txt").string();
  try {
    read_bpe_files(vocab, merges);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), merges);
    EXPECT_EQ(e.problem(), "cannot open file");
  }
}

}  // namespace
}  // namespace lmgaze
