// The model inputs of a corpus: BOS, prefix, word map, predicted tokens, and
// the checks that run before any weight is loaded.
#include <gtest/gtest.h>

#include <functional>

#include "common/error.hpp"
#include "extract/bos_choice.hpp"
#include "extract/tokenized_corpus.hpp"
#include "support/input_error.hpp"
#include "tokenizer/test_files.hpp"

namespace lmgaze {
namespace {

const std::string kModels = std::string(LMGAZE_SHARED_DIR) + "/models/";

using test::error_of;

TEST(TokenizedCorpus, LlamaPrependsBosAndDropsPrefix) {
  auto tok = load_tokenizer(kModels + "toy-m");
  Corpus c = parse_corpus("The cat sat on the mat.\n", "t.txt");
  auto plain = tokenize_corpus(c, *tok, "", {2000, 256});
  ASSERT_EQ(plain.size(), 1u);
  EXPECT_EQ(plain[0].ids[0], 1);  // BOS
  EXPECT_EQ(plain[0].token_word[0], -1);
  EXPECT_EQ(plain[0].first_word_token, 1);
  // BOS is context: every sentence token is predicted.
  EXPECT_EQ(plain[0].first_predicted(), 1);
  EXPECT_EQ(plain[0].n_predicted(), plain[0].n_sentence_tokens());
  EXPECT_EQ(plain[0].token_word.back(), 5);

  auto prefixed =
      tokenize_corpus(c, *tok, "Please translate this sentence into German:", {2000, 256});
  const auto& p = prefixed[0];
  EXPECT_GT(p.first_word_token, 2);
  for (int t = 0; t < p.first_word_token; ++t) EXPECT_EQ(p.token_word[t], -1);
  for (int t = p.first_word_token; t < p.n_tokens(); ++t) EXPECT_GE(p.token_word[t], 0);
  EXPECT_EQ(p.token_word[p.first_word_token], 0);
  EXPECT_EQ(p.n_predicted(), p.n_sentence_tokens());
}

TEST(TokenizedCorpus, Gpt2WithoutBosCannotPredictItsFirstToken) {
  auto tok = load_tokenizer(kModels + "gpt2-toy");
  Corpus c = parse_corpus("Hello world, again.\n", "t.txt");
  auto t = tokenize_corpus(c, *tok, "", {50257, 128});
  EXPECT_EQ(t[0].first_word_token, 0);
  EXPECT_EQ(t[0].ids[0], 15496);  // "Hello"
  EXPECT_EQ(t[0].first_predicted(), 1);
  EXPECT_EQ(t[0].n_predicted(), t[0].n_tokens() - 1);
  // With a prefix the first sentence token is predicted from the prefix.
  auto p = tokenize_corpus(c, *tok, "Noise words here.", {50257, 128});
  EXPECT_EQ(p[0].n_predicted(), p[0].n_sentence_tokens());
  EXPECT_EQ(p[0].n_sentence_tokens(), t[0].n_sentence_tokens());
}

TEST(TokenizedCorpus, SentenceLongerThanContextNamesFileAndLine) {
  auto tok = load_tokenizer(kModels + "toy-m");
  Corpus c =
      parse_corpus("Short one.\n\nThis sentence is a little longer than four tokens.\n", "t.txt");
  std::string e = error_of([&] { tokenize_corpus(c, *tok, "", {2000, 6}); });
  EXPECT_NE(e.find("t.txt:3"), std::string::npos) << e;
  EXPECT_NE(e.find("(1, 0)"), std::string::npos) << e;
  EXPECT_NE(e.find("context of 6"), std::string::npos) << e;
}

TEST(TokenizedCorpus, IdsOutsideTheModelVocabularyAreRefused) {
  auto tok = load_tokenizer(kModels + "gpt2-toy");
  Corpus c = parse_corpus("Hello world.\n", "t.txt");
  std::string e = error_of([&] { tokenize_corpus(c, *tok, "", {1000, 128}); });
  EXPECT_NE(e.find("outside the model's vocabulary"), std::string::npos) << e;
}

TEST(TokenizedCorpus, TokenizerOfAnotherModelIsRefused) {
  auto gpt2 = load_tokenizer(kModels + "gpt2-toy");
  auto sp = load_tokenizer(kModels + "toy-m");
  EXPECT_NO_THROW(check_tokenizer_matches(*gpt2, 50257, "gpt2-toy"));
  EXPECT_NO_THROW(check_tokenizer_matches(*sp, 2000, "toy-m"));
  EXPECT_NO_THROW(check_tokenizer_matches(*sp, 2064, "padded"));  // padding rows
  EXPECT_NE(error_of([&] { check_tokenizer_matches(*gpt2, 2000, "toy-m"); }).find("vocab_size"),
            std::string::npos);
  EXPECT_NE(error_of([&] { check_tokenizer_matches(*sp, 50257, "gpt2-toy"); }).find("2000 tokens"),
            std::string::npos);
}

// The real checkpoints' vocab_size against their real tokenizers.
TEST(TokenizedCorpus, VocabularyRuleAcceptsRealCheckpoints) {
  const auto llama3 = load_tokenizer(testing::shared_tokenizer_dir("llama3"));
  const auto qwen3 = load_tokenizer(testing::shared_tokenizer_dir("qwen3"));
  const auto mistral = load_tokenizer(testing::shared_tokenizer_dir("mistral"));
  const auto gemma3 = load_tokenizer(testing::shared_tokenizer_dir("gemma3"));
  // Llama 3: 128 000 pieces + 256 added tokens = 128 256 rows.
  EXPECT_EQ(llama3->ordinary_vocab_size(), 128000);
  EXPECT_EQ(llama3->vocab_size(), 128256);
  EXPECT_NO_THROW(check_tokenizer_matches(*llama3, 128256, "llama3", 128000));
  // Qwen3: 151 669 ids in 151 936 rows (267 rows of padding).
  EXPECT_EQ(qwen3->vocab_size(), 151669);
  EXPECT_NO_THROW(check_tokenizer_matches(*qwen3, 151936, "qwen3"));
  // Gemma 3 1B: <image_soft_token> is id 262 144, one past the 262 144 rows.
  EXPECT_EQ(gemma3->vocab_size(), 262145);
  EXPECT_EQ(gemma3->ordinary_vocab_size(), 262144);
  EXPECT_NO_THROW(check_tokenizer_matches(*gemma3, 262144, "gemma3"));
  EXPECT_NO_THROW(check_tokenizer_matches(*mistral, 32000, "mistral"));
}

TEST(TokenizedCorpus, VocabularyRuleCatchesAnotherModelsTokenizer) {
  const auto llama3 = load_tokenizer(testing::shared_tokenizer_dir("llama3"));
  const auto mistral = load_tokenizer(testing::shared_tokenizer_dir("mistral"));
  const auto gemma3 = load_tokenizer(testing::shared_tokenizer_dir("gemma3"));
  // Pieces beyond the rows: a bigger model's tokenizer.
  EXPECT_NE(error_of([&] { check_tokenizer_matches(*llama3, 32000, "m"); }).find("128000 tokens"),
            std::string::npos);
  EXPECT_NE(
      error_of([&] { check_tokenizer_matches(*gemma3, 256000, "m"); }).find("vocab_size is 256000"),
      std::string::npos);
  // Far more rows than ids: a smaller model's tokenizer.
  const std::string e = error_of([&] { check_tokenizer_matches(*mistral, 128256, "m"); });
  EXPECT_NE(e.find("96256 rows beyond its ids"), std::string::npos) << e;
  // BOS must be a row.
  EXPECT_NE(error_of([&] {
              check_tokenizer_matches(*llama3, 128000, "m", 128000);
            }).find("BOS id 128000 is outside"),
            std::string::npos);
}

TEST(TokenizedCorpus, IdsTheTextProducesBeyondTheRowsAreRefused) {
  // Qwen3's "<think>" is an added token that is not special (id 151667).
  const auto qwen3 = load_tokenizer(testing::shared_tokenizer_dir("qwen3"));
  Corpus c = parse_corpus("Some <think> here.\n", "t.txt");
  const std::string e = error_of([&] { tokenize_corpus(c, *qwen3, "", {151660, 512}); });
  EXPECT_NE(e.find("token id 151667 outside the model's vocabulary of 151660"), std::string::npos)
      << e;
  EXPECT_NO_THROW(tokenize_corpus(c, *qwen3, "", {151936, 512}));
}

TEST(TokenizedCorpus, SentencesWithSpecialTokenTextAreRefused) {
  const auto mistral = load_tokenizer(testing::shared_tokenizer_dir("mistral"));
  Corpus c = parse_corpus("One fine line.\nThe <s> tag is here.\n", "t.txt");
  const std::string e = error_of([&] { tokenize_corpus(c, *mistral, "", {32000, 512}); });
  EXPECT_NE(e.find("t.txt:2"), std::string::npos) << e;
  EXPECT_NE(e.find("sentence (0, 1): '<s>' is the text of a special token (id 1)"),
            std::string::npos)
      << e;
  // The prefix may hold them: a chat template's markers are context.
  Corpus ok = parse_corpus("One fine line.\n", "t.txt");
  const auto t = tokenize_corpus(ok, *mistral, "</s> [INST] Read: [/INST]", {32000, 512});
  EXPECT_EQ(t[0].ids[0], 1);  // BOS
  EXPECT_EQ(t[0].ids[1], 2);  // "</s>" in the prefix
  // Added tokens that are not special are text: Gemma's "<b>".
  const auto gemma3 = load_tokenizer(testing::shared_tokenizer_dir("gemma3"));
  Corpus html = parse_corpus("A <b>bold</b> word.\n", "t.txt");
  EXPECT_NO_THROW(tokenize_corpus(html, *gemma3, "", {262144, 512}));
}

TEST(BosChoice, AutoFollowsTheTokenizerAndWarnsOnTheLlama3Trap) {
  const auto llama3 = load_tokenizer(testing::shared_tokenizer_dir("llama3"));
  ConfigTokenIds config;
  config.bos = 128000;
  config.eos = {128001, 128009};
  BosChoice c = choose_bos(*llama3, BosMode::kAuto, config);
  EXPECT_FALSE(c.id);
  EXPECT_EQ(c.rule.rfind("auto: tokenizer.json post_processor ByteLevel", 0), 0u) << c.rule;
  EXPECT_NE(c.warning.find("config.json names bos_token_id 128000, but the tokenizer adds no BOS"),
            std::string::npos)
      << c.warning;
  c = choose_bos(*llama3, BosMode::kYes, config);
  EXPECT_EQ(c.id, std::optional<int>(128000));
  EXPECT_EQ(c.rule.rfind("yes: config.json bos_token_id 128000", 0), 0u) << c.rule;
  EXPECT_TRUE(c.warning.empty());
  c = choose_bos(*llama3, BosMode::kNo, config);
  EXPECT_FALSE(c.id);
  EXPECT_EQ(c.rule.rfind("no: no BOS", 0), 0u);
  // Nothing names a BOS: --bos yes has nothing to add.
  EXPECT_NE(error_of([&] {
              choose_bos(*llama3, BosMode::kYes, ConfigTokenIds{});
            }).find("--bos yes: neither config.json"),
            std::string::npos);
}

TEST(BosChoice, NoWarningWhenTheyAgreeOrBosIsTheSeparator) {
  const auto mistral = load_tokenizer(testing::shared_tokenizer_dir("mistral"));
  ConfigTokenIds config;
  config.bos = 1;
  config.eos = {2};
  BosChoice c = choose_bos(*mistral, BosMode::kAuto, config);
  EXPECT_EQ(c.id, std::optional<int>(1));
  EXPECT_TRUE(c.warning.empty());
  EXPECT_EQ(c.rule,
            "auto: tokenizer_config.json: LlamaTokenizer with add_bos_token true adds <s> (1)");
  // GPT-2: bos_token_id = eos_token_id = <|endoftext|>, a document separator.
  const auto gpt2 = load_tokenizer(kModels + "gpt2-toy");
  ConfigTokenIds sep;
  sep.bos = 50256;
  sep.eos = {50256};
  EXPECT_TRUE(choose_bos(*gpt2, BosMode::kAuto, sep).warning.empty());
  EXPECT_EQ(parse_bos_mode("yes"), BosMode::kYes);
  EXPECT_EQ(error_of([] { parse_bos_mode("maybe"); }), "--bos maybe: expected auto, yes or no");
}

TEST(BosChoice, ConfigTokenIdsAreRead) {
  const ConfigTokenIds c = read_config_token_ids(kModels + "toy-m");
  EXPECT_EQ(c.bos, std::optional<int>(1));
  EXPECT_EQ(c.eos, (std::vector<int>{2}));
}

}  // namespace
}  // namespace lmgaze
