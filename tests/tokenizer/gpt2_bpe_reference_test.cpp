// GPT-2's vocab.json + merges.txt through the layered pipeline against an
// independent Python implementation of OpenAI's encoder
// (tests/reference/gpt2_bpe_reference.py, regex module for the pattern), on
// the varied sentences of tests/data/tokenizer_sentences.txt and the 1400 of
// tests/data/tokenizer_corpus.json. Ids must be identical. (The hand-written
// GPT-2 tokenizer this pipeline replaced gave these ids and byte ranges too.)
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "tokenizer/bpe_files.hpp"

namespace lmgaze {
namespace {

const std::string kModelDir = std::string(LMGAZE_SHARED_DIR) + "/models/gpt2-toy/";
const std::string kSourceDir = LMGAZE_SOURCE_DIR;

// Runs `command` and returns its stdout; fails the test on a non-zero exit.
std::string run(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) return "";
  std::string out;
  char buffer[65536];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe.get())) > 0) out.append(buffer, n);
  const int status = pclose(pipe.release());
  EXPECT_EQ(status, 0) << "command failed: " << command;
  return out;
}

class Gpt2BpeReference : public ::testing::TestWithParam<std::string> {};

TEST_P(Gpt2BpeReference, IdsMatchOpenAiAlgorithm) {
  const std::string command =
      "/usr/bin/python3 " + kSourceDir + "/tests/reference/gpt2_bpe_reference.py " + kModelDir +
      "vocab.json " + kModelDir + "merges.txt " + kSourceDir + "/tests/data/" + GetParam();
  const auto reference = nlohmann::json::parse(run(command));
  ASSERT_GE(reference.size(), 40u);

  const auto tokenizer = read_bpe_files(kModelDir + "vocab.json", kModelDir + "merges.txt");
  for (const auto& entry : reference) {
    const std::string text = entry.at("text").get<std::string>();
    std::vector<int> ids;
    for (const Token& t : tokenizer->encode(text)) ids.push_back(t.id);
    EXPECT_EQ(ids, entry.at("ids").get<std::vector<int>>()) << "sentence: " << text;
  }
}

INSTANTIATE_TEST_SUITE_P(Corpora, Gpt2BpeReference,
                         ::testing::Values("tokenizer_sentences.txt", "tokenizer_corpus.json"),
                         [](const auto& info) {
                           return std::string(info.param == "tokenizer_sentences.txt" ? "Sentences"
                                                                                      : "Corpus");
                         });

}  // namespace
}  // namespace lmgaze
