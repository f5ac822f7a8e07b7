// The tokenizer.json reader on small hand-made files: what it builds from
// each part, the BOS rule (post-processor, or tokenizer_config.json for the
// Llama and Gemma classes), added-token ids, and bad input: malformed JSON,
// unknown types anywhere (refused by name and place, never guessed), regexes
// ICU cannot compile, merges that name unknown pieces.
#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "support/input_error.hpp"
#include "test_files.hpp"
#include "tokenizer/tokenizer_json.hpp"

namespace lmgaze {
namespace {

using Json = nlohmann::json;

// A tiny SentencePiece-style BPE: Prepend "▁" + Replace " " -> "▁", byte fallback.
Json tiny() {
  Json vocab = {{"<unk>", 0},
                {"<s>", 1},
                {"</s>", 2},
                {"\xE2\x96\x81", 3},
                {"a", 4},
                {"b", 5},
                {"ab", 6},
                {"\xE2\x96\x81"
                 "ab",
                 7},
                {"c", 8}};
  for (int b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof name, "<0x%02X>", b);
    vocab[name] = 9 + b;
  }
  return Json{
      {"version", "1.0"},
      {"truncation", nullptr},
      {"padding", nullptr},
      {"added_tokens",
       Json::array({{{"id", 0}, {"content", "<unk>"}, {"special", true}, {"normalized", false}},
                    {{"id", 1}, {"content", "<s>"}, {"special", true}, {"normalized", false}},
                    {{"id", 2}, {"content", "</s>"}, {"special", true}, {"normalized", false}}})},
      {"normalizer",
       {{"type", "Sequence"},
        {"normalizers", Json::array({{{"type", "Prepend"}, {"prepend", "\xE2\x96\x81"}},
                                     {{"type", "Replace"},
                                      {"pattern", {{"String", " "}}},
                                      {"content", "\xE2\x96\x81"}}})}}},
      {"pre_tokenizer", nullptr},
      {"post_processor",
       {{"type", "TemplateProcessing"},
        {"single", Json::array({{{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}},
                                {{"Sequence", {{"id", "A"}, {"type_id", 0}}}}})},
        {"pair", Json::array()},
        {"special_tokens", {{"<s>", {{"id", "<s>"}, {"ids", {1}}, {"tokens", {"<s>"}}}}}}}},
      {"decoder", {{"type", "Sequence"}, {"decoders", Json::array({{{"type", "ByteFallback"}}})}}},
      {"model",
       {{"type", "BPE"},
        {"dropout", nullptr},
        {"unk_token", "<unk>"},
        {"continuing_subword_prefix", nullptr},
        {"end_of_word_suffix", nullptr},
        {"fuse_unk", true},
        {"byte_fallback", true},
        {"vocab", vocab},
        {"merges", Json::array({Json::array({"a", "b"}), Json::array({"\xE2\x96\x81", "ab"})})}}}};
}

struct Files {
  testing::ScratchDir dir;
  std::string json, config;
};

std::unique_ptr<Tokenizer> read(const Json& j, const Json* config = nullptr,
                                Files* keep = nullptr) {
  Files local;
  Files& f = keep ? *keep : local;
  f.json = f.dir.write("tokenizer.json", j.dump());
  f.config = config ? f.dir.write("tokenizer_config.json", config->dump()) : "";
  return read_tokenizer_json(f.json, f.config);
}

std::string error_of(const std::function<void()>& f) { return test::problem_of(f); }

std::string error_of(const Json& j, const Json* config = nullptr) {
  return error_of([&] { read(j, config); });
}

std::vector<int> ids(const Tokenizer& t, const std::string& s) {
  std::vector<int> out;
  for (const Token& tok : t.encode(s)) out.push_back(tok.id);
  return out;
}

TEST(TokenizerJsonReader, SentencePieceStyleBpe) {
  const auto t = read(tiny());
  EXPECT_EQ(t->kind(), "tokenizer-json");
  EXPECT_EQ(t->vocab_size(), 265);
  // "▁ab" merges; "c" alone; "é" and "x" are not pieces: spelled as their bytes.
  EXPECT_EQ(ids(*t, "ab c\xC3\xA9x"), (std::vector<int>{7, 3, 8, 9 + 0xC3, 9 + 0xA9, 9 + 0x78}));
  const auto tokens = t->encode("ab c\xC3\xA9x");
  EXPECT_EQ(tokens[0].begin, 0u);  // the prepended ▁ has no bytes; "ab" has
  EXPECT_EQ(tokens[0].end, 2u);
  EXPECT_EQ(tokens[1].begin, 2u);  // "▁" is the space
  EXPECT_EQ(tokens[1].end, 3u);
  EXPECT_EQ(tokens[3].begin, 4u);  // each byte piece covers its own byte
  EXPECT_EQ(tokens[3].end, 5u);
  EXPECT_EQ(tokens[4].end, 6u);
  EXPECT_EQ(t->special_token(1), std::optional<std::string>("<s>"));
  EXPECT_EQ(t->special_token(7), std::nullopt);
}

TEST(TokenizerJsonReader, AddedTokensAreMatchedLiterallyAndNormalizePerStretch) {
  const auto t = read(tiny());
  // As Hugging Face: the stretch after "<s>" is normalized on its own, so it
  // gets its own prepended "▁".
  EXPECT_EQ(ids(*t, "ab<s>ab"), (std::vector<int>{7, 1, 7}));
  const auto tokens = t->encode("ab<s>ab");
  EXPECT_EQ(tokens[1].begin, 2u);
  EXPECT_EQ(tokens[1].end, 5u);
}

TEST(TokenizerJsonReader, AddedTokenIdsFollowHuggingFace) {
  Json j = tiny();
  // Not in the vocabulary: the next id after it (265), whatever the file says.
  j["added_tokens"].push_back(
      {{"id", 999}, {"content", "<new>"}, {"special", false}, {"normalized", false}});
  j["added_tokens"].push_back(
      {{"id", 1000}, {"content", "<newer>"}, {"special", true}, {"normalized", false}});
  const auto t = read(j);
  EXPECT_EQ(ids(*t, "<new><newer>"), (std::vector<int>{265, 266}));
  EXPECT_EQ(t->vocab_size(), 267);
  EXPECT_EQ(t->ordinary_vocab_size(), 265);
  EXPECT_EQ(t->special_token(265), std::nullopt);
  EXPECT_EQ(t->special_token(266), std::optional<std::string>("<newer>"));
}

TEST(TokenizerJsonReader, ByteLevelWithSplitRegexAndIgnoreMerges) {
  Json j = tiny();
  j["normalizer"] = nullptr;
  j["pre_tokenizer"] = {
      {"type", "Sequence"},
      {"pretokenizers",
       Json::array(
           {{{"type", "Split"},
             {"pattern", {{"Regex", R"((?i:'s)|\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+|\s+)"}}},
             {"behavior", "Isolated"},
             {"invert", false}},
            {{"type", "ByteLevel"},
             {"add_prefix_space", false},
             {"trim_offsets", true},
             {"use_regex", false}}})}};
  Json vocab;
  const std::string chars = "abcS'12345";
  for (size_t i = 0; i < chars.size(); ++i) vocab[std::string(1, chars[i])] = int(i);
  vocab["\xC4\xA0"] = 10;  // Ġ, the space
  vocab["'S"] = 11;
  vocab["abc"] = 12;
  vocab["123"] = 13;
  vocab["ab"] = 14;
  j["model"]["vocab"] = vocab;
  j["model"]["merges"] = Json::array({"a b", "' S"});
  j["model"]["unk_token"] = nullptr;
  j["model"]["byte_fallback"] = false;
  j["model"]["ignore_merges"] = true;
  j["added_tokens"] = Json::array();
  j["post_processor"] = {
      {"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", false}};
  const auto t = read(j);
  // "abc" is a word of the vocabulary: one token though no merge makes it;
  // "12345" is cut in threes; "'S" by the case-insensitive group.
  EXPECT_EQ(ids(*t, "abc'S 12345"), (std::vector<int>{12, 11, 10, 13, 8, 9}));
  EXPECT_FALSE(t->bos_id());
  EXPECT_NE(t->bos_rule().find("post_processor ByteLevel"), std::string::npos);
}

// ---- BOS ----------------------------------------------------------------------

TEST(TokenizerJsonBos, TemplateProcessingAddsItsSpecialToken) {
  const auto t = read(tiny());
  EXPECT_EQ(t->bos_id(), std::optional<int>(1));
  EXPECT_EQ(t->bos_rule(), "tokenizer.json post_processor TemplateProcessing adds <s> (1)");
}

TEST(TokenizerJsonBos, SequenceOfByteLevelAndTemplateAsLlama31) {
  Json j = tiny();
  j["post_processor"] = {
      {"type", "Sequence"},
      {"processors", Json::array({{{"type", "ByteLevel"}}, tiny()["post_processor"]})}};
  EXPECT_EQ(read(j)->bos_id(), std::optional<int>(1));
}

TEST(TokenizerJsonBos, StringTemplateAndEosAfterTheText) {
  Json j = tiny();
  j["post_processor"]["single"] = "<s>:0 $A:0 </s>:0";
  j["post_processor"]["special_tokens"]["</s>"] = {
      {"id", "</s>"}, {"ids", {2}}, {"tokens", {"</s>"}}};
  const auto t = read(j);
  EXPECT_EQ(t->bos_id(), std::optional<int>(1));
  EXPECT_NE(t->bos_rule().find("after the text are not added"), std::string::npos);
}

TEST(TokenizerJsonBos, NoPostProcessorNoBos) {
  Json j = tiny();
  j["post_processor"] = nullptr;
  EXPECT_FALSE(read(j)->bos_id());
}

TEST(TokenizerJsonBos, LlamaAndGemmaClassesFollowAddBosToken) {
  Json no_template = tiny();
  no_template["post_processor"] = nullptr;
  const Json llama = {{"tokenizer_class", "LlamaTokenizerFast"}, {"bos_token", "<s>"}};
  auto t = read(no_template, &llama);  // add_bos_token defaults to true
  EXPECT_EQ(t->bos_id(), std::optional<int>(1));
  EXPECT_EQ(t->bos_rule(),
            "tokenizer_config.json: LlamaTokenizerFast with add_bos_token true adds <s> (1)");
  const Json off = {{"tokenizer_class", "LlamaTokenizer"}, {"add_bos_token", false}};
  EXPECT_FALSE(read(tiny(), &off)->bos_id());  // even over a template that adds it
  const Json gemma = {{"tokenizer_class", "GemmaTokenizer"}, {"bos_token", {{"content", "</s>"}}}};
  EXPECT_EQ(read(tiny(), &gemma)->bos_id(), std::optional<int>(2));
  // Other classes keep tokenizer.json's post-processor.
  const Json other = {{"tokenizer_class", "PreTrainedTokenizerFast"}, {"add_bos_token", false}};
  EXPECT_EQ(read(tiny(), &other)->bos_id(), std::optional<int>(1));
}

// ---- bad input ----------------------------------------------------------------

TEST(TokenizerJsonErrors, MalformedFiles) {
  Files f;
  f.json = f.dir.write("tokenizer.json", "{\"model\": ");
  EXPECT_EQ(error_of([&] { read_tokenizer_json(f.json, ""); }).rfind("not valid JSON", 0), 0u);
  EXPECT_EQ(error_of(Json::array()), "expected a JSON object");
  EXPECT_EQ(error_of(Json{{"version", "1.0"}}), "no \"model\"");
  Json j = tiny();
  j["version"] = "2.0";
  EXPECT_EQ(error_of(j), "unknown tokenizer.json version \"2.0\" (lmgaze reads 1.0)");
  j = tiny();
  j["model"]["vocab"] = Json::array();
  EXPECT_EQ(error_of(j), "model: \"vocab\" must be a JSON object {token: id}");
  j = tiny();
  j["model"]["vocab"]["a"] = "four";
  EXPECT_EQ(error_of(j), "model.vocab: id of 'a' is not a non-negative integer");
  j = tiny();
  j["added_tokens"][1].erase("id");
  EXPECT_EQ(error_of(j), "added_tokens[1]: \"id\" must be an integer");
  j = tiny();
  j["model"]["fuse_unk"] = "yes";
  EXPECT_EQ(error_of(j), "model.fuse_unk: expected true or false");
}

TEST(TokenizerJsonErrors, UnknownTypesAreRefusedByNameAndPlace) {
  Json j = tiny();
  j["model"]["type"] = "Unigram";
  EXPECT_EQ(error_of(j), "model: unknown type 'Unigram' (lmgaze reads: BPE)");
  j = tiny();
  j["model"].erase("type");
  EXPECT_EQ(error_of(j), "model: has no \"type\"");
  j = tiny();
  j["normalizer"]["normalizers"][1]["type"] = "Precompiled";
  EXPECT_EQ(
      error_of(j).rfind("normalizer.normalizers[1]: unknown type 'Precompiled' (lmgaze reads: "
                        "Sequence, Prepend, Replace",
                        0),
      0u)
      << error_of(j);
  j = tiny();
  j["pre_tokenizer"] = {{"type", "UnicodeScripts"}};
  EXPECT_EQ(error_of(j).rfind("pre_tokenizer: unknown type 'UnicodeScripts'", 0), 0u);
  j = tiny();
  j["post_processor"] = {{"type", "Fancy"}};
  EXPECT_EQ(error_of(j).rfind("post_processor: unknown type 'Fancy'", 0), 0u);
  j = tiny();
  j["decoder"]["decoders"][0]["type"] = "Magic";
  EXPECT_EQ(error_of(j).rfind("decoder.decoders[0]: unknown type 'Magic'", 0), 0u);
  j = tiny();
  j["pre_tokenizer"] = {{"type", "Split"}, {"pattern", {{"Regex", "a"}}}, {"behavior", "Glued"}};
  EXPECT_EQ(error_of(j).rfind("pre_tokenizer.behavior: unknown behavior 'Glued'", 0), 0u);
  j = tiny();
  j["normalizer"]["normalizers"][1]["pattern"] = {{"Glob", " "}};
  EXPECT_EQ(error_of(j),
            "normalizer.normalizers[1].pattern: unknown pattern kind (lmgaze reads: "
            "String, Regex)");
  j = tiny();
  j["pre_tokenizer"] = {{"type", "Metaspace"}, {"replacement", "__"}};
  EXPECT_EQ(error_of(j), "pre_tokenizer.replacement: expected exactly one character");
}

TEST(TokenizerJsonErrors, RegexIcuCannotCompile) {
  Json j = tiny();
  j["pre_tokenizer"] = {
      {"type", "Split"}, {"pattern", {{"Regex", "(?(1)a|b)"}}}, {"behavior", "Isolated"}};
  const std::string e = error_of(j);
  EXPECT_EQ(e.rfind("pre_tokenizer.pattern: regex '(?(1)a|b)' cannot be compiled (ICU: ", 0), 0u)
      << e;
}

TEST(TokenizerJsonErrors, MergesNamingUnknownPieces) {
  Json j = tiny();
  j["model"]["merges"].push_back(Json::array({"a", "zz"}));
  EXPECT_EQ(error_of(j), "model.merges[2]: merge names 'zz', which is not in model.vocab");
  j = tiny();
  j["model"]["merges"].push_back(Json::array({"b", "c"}));  // "bc" is not in the vocabulary
  EXPECT_EQ(error_of(j), "model.merges[2]: merge names 'bc', which is not in model.vocab");
  j = tiny();
  j["model"]["merges"].push_back("a b");
  EXPECT_EQ(error_of(j),
            "model.merges[2]: the list mixes \"left right\" strings and "
            "[\"left\", \"right\"] pairs");
  j = tiny();
  j["model"]["merges"] = Json::array({"a b", "a b c"});
  EXPECT_EQ(error_of(j), "model.merges[1]: expected \"left right\", got 'a b c'");
  j = tiny();
  j["model"]["merges"].push_back(42);
  EXPECT_EQ(error_of(j), "model.merges[2]: expected \"left right\" or [\"left\", \"right\"]");
}

TEST(TokenizerJsonErrors, WhatLmgazeDoesNotDo) {
  Json j = tiny();
  j["model"]["dropout"] = 0.1;
  EXPECT_EQ(error_of(j),
            "model.dropout: BPE dropout 0.1 is not supported (it makes tokenization random)");
  j["model"]["dropout"] = 0.0;  // Hugging Face treats 0 as none
  EXPECT_EQ(error_of(j), "");   // read without an error
  j = tiny();
  j["model"]["unk_token"] = "<nope>";
  j["model"]["byte_fallback"] = false;
  // As in Hugging Face: it loads, and encodes text without unknown characters
  // ("▁ab" = 7, "▁" = 3, "c" = 8, as in SentencePieceStyleBpe); a character
  // that needs the unknown token is refused.
  EXPECT_EQ(error_of(j), "");  // read without an error
  EXPECT_EQ(ids(*read(j), "ab c"), (std::vector<int>{7, 3, 8}));
  EXPECT_EQ(error_of([&] { read(j)->encode("ab x"); }),
            "unk_token '<nope>' is not in the vocabulary, and the text needs it for 'x'");
  j = tiny();
  j["post_processor"]["single"] = "<s> <s> $A";
  EXPECT_EQ(error_of(j),
            "post_processor: puts 2 tokens before the text; lmgaze supports one (BOS)");
  const Json llama = {{"tokenizer_class", "LlamaTokenizerFast"}, {"bos_token", "<bos>"}};
  EXPECT_EQ(error_of(tiny(), &llama), "bos_token '<bos>' is not in tokenizer.json's vocabulary");
  const Json prefix = {{"tokenizer_class", "LlamaTokenizerFast"}, {"add_prefix_space", true}};
  EXPECT_NE(error_of(tiny(), &prefix).find("--tokenizer sentencepiece"), std::string::npos);
}

TEST(TokenizerJsonErrors, ErrorsNameTheFile) {
  Json j = tiny();
  j["model"]["type"] = "WordPiece";
  Files f;
  try {
    read(j, nullptr, &f);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), f.json);
  }
}

TEST(TokenizerJsonErrors, TextThatIsNotUtf8) {
  const auto t = read(tiny());
  EXPECT_EQ(error_of([&] { t->encode("ab\xFF"); }), "text is not valid UTF-8 (byte 2)");
}

}  // namespace
}  // namespace lmgaze
