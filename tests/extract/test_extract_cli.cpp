// `lmgaze extract` end to end on the shared trained checkpoints: every number
// against the independent numpy implementation (tests/reference), invariants
// of the word-level matrices, and every kind of bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>

#include "io/attention_file.hpp"
#include "support/run_command.hpp"

namespace lmgaze {
namespace {

namespace fs = std::filesystem;
using test::run_command;

const std::string kShared = LMGAZE_SHARED_DIR;
const std::string kModels = kShared + "/models/";
const std::string kDemoText = std::string(LMGAZE_SOURCE_DIR) + "/data/text/demo.txt";
const std::string kReference =
    std::string(LMGAZE_SOURCE_DIR) + "/tests/reference/extract_reference.py";
const std::string kPrefix = "Please translate this sentence into German:";

class ExtractCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { dir_ = test::scratch_dir("extract"); }
  static std::string out(const std::string& name) { return (dir_ / name).string(); }

  static test::CommandResult extract(const std::string& model_dir, const std::string& text,
                                     const std::string& out_path, const std::string& extra = "") {
    return run_command(test::lmgaze_binary() + " extract --quiet --model " + model_dir +
                       " --text " + text + " --out " + out_path + " " + extra);
  }

  static fs::path dir_;
};
fs::path ExtractCli::dir_;

// Copies a shared checkpoint so a test can damage it.
fs::path copy_model(const std::string& name, const fs::path& to) {
  fs::remove_all(to);
  fs::copy(kModels + name, to, fs::copy_options::recursive);
  for (auto& e : fs::recursive_directory_iterator(to))
    fs::permissions(e.path(), fs::perms::owner_write, fs::perm_options::add);
  fs::permissions(to, fs::perms::owner_write, fs::perm_options::add);
  return to;
}

void rewrite(const fs::path& file, const std::string& from, const std::string& to) {
  std::ifstream in(file);
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t at = s.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  s.replace(at, from.size(), to);
  std::ofstream(file, std::ios::trunc) << s;
}

class ExtractEveryModel : public ExtractCli, public ::testing::WithParamInterface<std::string> {};

// The independent numpy forward + merge on the recorded token ids, with and
// without the instruction prefix: attention within 2e-5, loss within 1e-4.
TEST_P(ExtractEveryModel, MatchesNumpyReferenceWithAndWithoutPrefix) {
  const std::string model = GetParam();
  for (const std::string& prefix : {std::string(), kPrefix}) {
    const std::string path = out(model + (prefix.empty() ? "" : "_prefix") + ".h5");
    auto r = extract(kModels + model, kDemoText, path,
                     prefix.empty() ? "" : "--prefix '" + prefix + "'");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    auto check = run_command("/usr/bin/python3 " + kReference + " --file " + path + " --model " +
                             kModels + model);
    EXPECT_EQ(check.exit_code, 0) << check.output;
    std::cout << check.output;
  }
}

INSTANTIATE_TEST_SUITE_P(SharedModels, ExtractEveryModel,
                         ::testing::Values("toy-s", "toy-m", "toy-l", "toy-m-chat-a",
                                           "toy-m-chat-b", "gpt2-toy"));

TEST_F(ExtractCli, FileDescribesModelAndCorpus) {
  const std::string path = out("toy-m_meta.h5");
  ASSERT_EQ(extract(kModels + "toy-m", kDemoText, path).exit_code, 0);
  AttentionReader r(path);
  EXPECT_EQ(r.meta().model_name, "toy-m");
  EXPECT_EQ(r.meta().model_type, "llama");
  EXPECT_EQ(r.meta().tokenizer, "sentencepiece");
  EXPECT_EQ(r.n_layers(), 4);
  EXPECT_EQ(r.n_heads(), 4);
  EXPECT_EQ(r.sentences().size(), 32u);
  EXPECT_EQ(r.sentences().article.back(), 4);
  // hidden 96, 4 layers, MLP 256, kv 2 heads of 24: 2000*96*2 (embed, head)
  // + 4 * (96*96*2 + 96*48*2 + 3*96*256 + 2*96) + 96.
  EXPECT_EQ(r.meta().n_params,
            2000 * 96 * 2 + 4 * (96 * 96 * 2 + 96 * 48 * 2 + 3 * 96 * 256 + 2 * 96) + 96);
}

// Trained models predict far better than chance (log V nats per token).
// The summary says where the extraction time went; the parts are measured
// inside it, so they cannot add up to more than the whole.
TEST_F(ExtractCli, TimeBreakdownAddsUpToAtMostTheExtraction) {
  const auto r = run_command(test::lmgaze_binary() + " extract --model " + kModels +
                             "toy-m --text " + kDemoText + " --out " + out("times.h5"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::smatch total, parts;
  ASSERT_TRUE(std::regex_search(r.output, total, std::regex(R"(tokens in ([0-9.]+) s)")))
      << r.output;
  ASSERT_TRUE(std::regex_search(
      r.output, parts, std::regex(R"(model ([0-9.]+) s, file ([0-9.]+) s, links ([0-9.]+) s)")))
      << r.output;
  const double whole = std::stod(total[1]), model = std::stod(parts[1]), file = std::stod(parts[2]),
               links = std::stod(parts[3]);
  EXPECT_GT(model, 0.0);
  EXPECT_EQ(links, 0.0);                                       // one rank: no pipeline neighbours
  EXPECT_LE(model + file + links, whole + 0.002) << r.output;  // printed to 1 ms
}

TEST_F(ExtractCli, TrainedModelsHaveLossFarBelowChance) {
  for (auto [model, vocab] :
       {std::pair<std::string, double>{"toy-s", 2000}, {"toy-l", 2000}, {"gpt2-toy", 50257}}) {
    const std::string path = out(model + "_ntp.h5");
    ASSERT_EQ(extract(kModels + model, kDemoText, path).exit_code, 0);
    AttentionReader r(path);
    double nll = 0, n = 0;
    for (double x : r.nll_sum()) nll += x;
    for (int64_t x : r.ntp_tokens()) n += x;
    EXPECT_LT(nll / n, 0.75 * std::log(vocab)) << model;
  }
}

// Without BOS or prefix nothing is dropped, so every word-level row keeps
// the whole probability mass of its tokens' rows: it sums to 1.
TEST_F(ExtractCli, Gpt2RowsSumToOneWhenNothingIsDropped) {
  const std::string path = out("gpt2_rows.h5");
  ASSERT_EQ(extract(kModels + "gpt2-toy", kDemoText, path).exit_code, 0);
  AttentionReader r(path);
  const auto& t = r.sentences();
  for (int l = 0; l < r.n_layers(); ++l) {
    auto w = r.read_layer(l, 0, t.size());
    const int64_t P = t.n_pairs();
    for (int h = 0; h < r.n_heads(); ++h)
      for (size_t s = 0; s < t.size(); ++s)
        for (int i = 0; i < t.n_words[s]; ++i) {
          double sum = 0;
          for (int j = 0; j <= i; ++j) sum += w[h * P + t.pair_offset[s] + i * (i + 1) / 2 + j];
          // Up to 80 tokens per row, each probability within a round-off
          // of 2^-24 relative: the sum is within 80 * 1.2e-7 = 1e-5 of 1.
          ASSERT_NEAR(sum, 1.0, 1e-5) << "layer " << l << " head " << h << " sentence " << s;
        }
  }
}

// Right padding must not change any value: batch 1 and batch 7 agree. BLAS
// blocks a [7, T, C] product differently from a [1, T, C] one, so the two runs
// are made in fp64, where that leaves double round-off (about 1e-15); stored
// as float32, two such values can round to neighbouring floats: one step,
// 2^-24 for attention in [0.5, 1). Loss sums stay double: 2^-53 over
// reductions of V = 2000 terms is 2e-13 relative. A padding leak would be
// orders larger.
TEST_F(ExtractCli, BatchSizeChangesNothing) {
  const std::string a = out("batch1.h5"), b = out("batch7.h5");
  ASSERT_EQ(extract(kModels + "toy-l", kDemoText, a, "--dtype fp64 --batch 1").exit_code, 0);
  ASSERT_EQ(extract(kModels + "toy-l", kDemoText, b, "--dtype fp64 --batch 7").exit_code, 0);
  AttentionReader ra(a), rb(b);
  const double attention_bound = std::ldexp(1.0, -24);
  for (int l = 0; l < ra.n_layers(); ++l) {
    auto x = ra.read_layer(l, 0, ra.sentences().size());
    auto y = rb.read_layer(l, 0, rb.sentences().size());
    ASSERT_EQ(x.size(), y.size());
    for (size_t k = 0; k < x.size(); ++k) ASSERT_NEAR(x[k], y[k], attention_bound);
  }
  auto nx = ra.nll_sum(), ny = rb.nll_sum();
  for (size_t s = 0; s < nx.size(); ++s) EXPECT_NEAR(nx[s], ny[s], 1e-10 * std::abs(nx[s]));
}

// A prefix changes the context, not the words or the sentence's own tokens.
TEST_F(ExtractCli, PrefixKeepsWordsAndSentenceTokens) {
  const std::string a = out("plain.h5"), b = out("prefixed.h5");
  ASSERT_EQ(extract(kModels + "toy-m", kDemoText, a).exit_code, 0);
  ASSERT_EQ(extract(kModels + "toy-m", kDemoText, b, "--prefix '" + kPrefix + "'").exit_code, 0);
  AttentionReader ra(a), rb(b);
  EXPECT_EQ(ra.sentences().n_words, rb.sentences().n_words);
  EXPECT_EQ(ra.sentence_tokens(), rb.sentence_tokens());
  EXPECT_EQ(ra.ntp_tokens(), rb.ntp_tokens());
  EXPECT_EQ(rb.meta().prefix, kPrefix);
}

// Bad input: exit code 2, one line naming the file and the problem, and no
// output file (complete or partial) left behind.
void expect_refused(const test::CommandResult& r, const std::string& out_path,
                    const std::string& names_file, const std::string& problem) {
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(test::count_lines(r.output), 1) << r.output;
  EXPECT_NE(r.output.find(names_file), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(problem), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(out_path));
  EXPECT_FALSE(fs::exists(out_path + ".partial"));
}

// Several conditions in one run: the weights are loaded once (one load line,
// "once for 2 conditions"), and each file equals the file of a run of its own
// condition. fp64, same batches: the same operations on the same values, so
// the only room left is the 2^-40 the bound allows for reduction order.
TEST_F(ExtractCli, ConditionsShareOneLoadAndEqualSeparateRuns) {
  const std::string plain = out("cond_plain.h5"), prefixed = out("cond_prefixed.h5");
  const std::string alone_plain = out("alone_plain.h5"), alone_prefixed = out("alone_prefixed.h5");
  const auto both = run_command(test::lmgaze_binary() + " extract --dtype fp64 --model " + kModels +
                                "toy-m --text " + kDemoText + " --out " + plain +
                                " --prefix '' --out " + prefixed + " --prefix '" + kPrefix + "'");
  ASSERT_EQ(both.exit_code, 0) << both.output;
  ASSERT_EQ(extract(kModels + "toy-m", kDemoText, alone_plain, "--dtype fp64").exit_code, 0);
  ASSERT_EQ(extract(kModels + "toy-m", kDemoText, alone_prefixed,
                    "--dtype fp64 --prefix '" + kPrefix + "'")
                .exit_code,
            0);
  const std::regex load(
      R"(loaded [0-9.]+ GB of weights in [0-9.]+ s \([0-9.]+ GB/s\), once for 2 conditions)");
  size_t loads = 0;
  for (size_t at = both.output.find(" of weights in "); at != std::string::npos;
       at = both.output.find(" of weights in ", at + 1))
    ++loads;
  EXPECT_EQ(loads, 1u) << both.output;
  EXPECT_TRUE(std::regex_search(both.output, load)) << both.output;

  const double bound = std::ldexp(1.0, -40);
  for (const auto& [together, alone] :
       {std::pair{plain, alone_plain}, std::pair{prefixed, alone_prefixed}}) {
    AttentionReader ra(together), rb(alone);
    EXPECT_EQ(ra.meta().prefix, rb.meta().prefix);
    EXPECT_EQ(ra.sentence_tokens(), rb.sentence_tokens());
    EXPECT_EQ(ra.ntp_tokens(), rb.ntp_tokens());
    for (int l = 0; l < ra.n_layers(); ++l) {
      auto x = ra.read_layer(l, 0, ra.sentences().size());
      auto y = rb.read_layer(l, 0, rb.sentences().size());
      ASSERT_EQ(x.size(), y.size());
      for (size_t k = 0; k < x.size(); ++k) ASSERT_NEAR(x[k], y[k], bound) << together << " " << k;
    }
    auto nx = ra.nll_sum(), ny = rb.nll_sum();
    for (size_t s = 0; s < nx.size(); ++s) EXPECT_NEAR(nx[s], ny[s], 1e-12 * std::abs(nx[s]));
  }
  AttentionReader rp(prefixed);
  EXPECT_EQ(rp.meta().prefix, kPrefix);
}

// Every condition's output is checked before the first is extracted: a bad
// pairing, one file named twice, or an input named as an output leaves no
// file at all.
TEST_F(ExtractCli, ConditionsAreCheckedBeforeAnyIsWritten) {
  const std::string a = out("pair_a.h5"), b = out("pair_b.h5");
  const std::string model = " extract --quiet --model " + kModels + "toy-s --text " + kDemoText;
  auto r =
      run_command(test::lmgaze_binary() + model + " --out " + a + " --out " + b + " --prefix ''");
  expect_refused(r, a, "2 --out but 1 --prefix", "one --prefix per --out");
  EXPECT_FALSE(fs::exists(b));
  r = run_command(test::lmgaze_binary() + model + " --out " + a + " --out " +
                  (dir_ / "." / "pair_a.h5").string() + " --prefix '' --prefix 'Read:'");
  expect_refused(r, a, "pair_a.h5", "named by --out twice");
  r = run_command(test::lmgaze_binary() + model + " --out " + a + " --out " + kDemoText +
                  " --prefix '' --prefix 'Read:'");
  expect_refused(r, a, "demo.txt", "input");
}

TEST_F(ExtractCli, BadTextIsRefused) {
  const std::string o = out("bad_text.h5");
  std::ofstream(out("empty.txt")) << "";
  expect_refused(extract(kModels + "toy-s", out("empty.txt"), o), o, "empty.txt", "no sentence");
  std::ofstream(out("blank.txt")) << "One two three.\n\n\nFour five.\n";
  expect_refused(extract(kModels + "toy-s", out("blank.txt"), o), o, "blank.txt:3",
                 "exactly one blank line");
  expect_refused(extract(kModels + "toy-s", out("missing.txt"), o), o, "missing.txt",
                 "cannot open");
}

TEST_F(ExtractCli, TruncatedSafetensorsIsRefused) {
  fs::path m = copy_model("toy-s", dir_ / "truncated");
  fs::resize_file(m / "model.safetensors", fs::file_size(m / "model.safetensors") / 2);
  const std::string o = out("truncated.h5");
  expect_refused(extract(m.string(), kDemoText, o), o, "model.safetensors", "");
}

TEST_F(ExtractCli, MissingSafetensorsIsRefused) {
  fs::path m = copy_model("toy-s", dir_ / "noweights");
  fs::remove(m / "model.safetensors");
  const std::string o = out("noweights.h5");
  expect_refused(extract(m.string(), kDemoText, o), o, "noweights", "safetensors");
}

TEST_F(ExtractCli, HeaderThatLiesAboutDtypeIsRefused) {
  fs::path m = copy_model("toy-s", dir_ / "lying");
  // Every tensor claims F32 while the bytes are F16: sizes no longer add up.
  std::fstream f(m / "model.safetensors", std::ios::in | std::ios::out | std::ios::binary);
  uint64_t n = 0;
  f.read(reinterpret_cast<char*>(&n), 8);
  std::string header(n, '\0');
  f.read(header.data(), n);
  for (size_t at = header.find("\"F16\""); at != std::string::npos; at = header.find("\"F16\""))
    header.replace(at, 5, "\"F32\"");
  f.seekp(8);
  f.write(header.data(), n);
  f.close();
  const std::string o = out("lying.h5");
  expect_refused(extract(m.string(), kDemoText, o), o, "model.safetensors", "");
}

TEST_F(ExtractCli, ShapesThatDisagreeWithConfigAreRefused) {
  fs::path m = copy_model("toy-s", dir_ / "shapes");
  rewrite(m / "config.json", "\"intermediate_size\": 176", "\"intermediate_size\": 180");
  const std::string o = out("shapes.h5");
  expect_refused(extract(m.string(), kDemoText, o), o, "model.safetensors", "");
}

TEST_F(ExtractCli, TokenizerOfAnotherVocabularyIsRefused) {
  fs::path m = copy_model("toy-s", dir_ / "vocab");
  rewrite(m / "config.json", "\"vocab_size\": 2000", "\"vocab_size\": 32000");
  const std::string o = out("vocab.h5");
  expect_refused(extract(m.string(), kDemoText, o), o, "vocab", "vocab_size is 32000");
}

TEST_F(ExtractCli, SentenceLongerThanContextIsRefused) {
  fs::path m = copy_model("toy-s", dir_ / "context");
  rewrite(m / "config.json", "\"max_position_embeddings\": 256", "\"max_position_embeddings\": 12");
  const std::string o = out("context.h5");
  expect_refused(extract(m.string(), kDemoText, o), o, "demo.txt:", "context of 12");
}

TEST_F(ExtractCli, UnknownArchitectureIsRefused) {
  fs::path m = copy_model("toy-s", dir_ / "arch");
  rewrite(m / "config.json", "\"model_type\": \"llama\"", "\"model_type\": \"mamba\"");
  const std::string o = out("arch.h5");
  expect_refused(extract(m.string(), kDemoText, o), o, "config.json",
                 "unsupported model_type 'mamba'");
}

TEST_F(ExtractCli, HelpExplainsEveryOption) {
  auto r = run_command(test::lmgaze_binary() + " extract --help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* opt : {"--model", "--text", "--out", "--prefix", "--dtype", "--device",
                          "--batch", "--order", "--timings", "--job"})
    EXPECT_NE(r.output.find(opt), std::string::npos) << opt;
}

TEST_F(ExtractCli, JobFileSuppliesOptionsAndCommandLineWins) {
  const std::string job = out("job.ini");
  std::ofstream(job) << "text = " << kDemoText << "\n[extract]\nmodel = " << kModels
                     << "toy-s\nout = " << out("from_job.h5") << "\nbatch = 3\n"
                     << "[resemblance]\nunknown_elsewhere = 1\n";
  auto r = run_command(test::lmgaze_binary() + " extract --quiet --job " + job + " --out " +
                       out("from_cli.h5"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(fs::exists(out("from_cli.h5")));
  EXPECT_FALSE(fs::exists(out("from_job.h5")));
}

// Length order changes which sentences share a batch, not where they are
// written: the same file as file order, within the bounds of
// BatchSizeChangesNothing (fp64; one float32 step for attention, 1e-10
// relative for loss sums), the same model input, and less padding.
TEST_F(ExtractCli, LengthOrderChangesNoValueAndPadsLess) {
  const std::string a = out("order_file.h5"), b = out("order_length.h5");
  const std::string common = "--dtype fp64 --batch 7 --prefix 'Read this:' ";
  const auto by_file =
      run_command(test::lmgaze_binary() + " extract --model " + kModels + "toy-l --text " +
                  kDemoText + " --out " + a + " " + common + "--order file");
  const auto by_length = run_command(test::lmgaze_binary() + " extract --model " + kModels +
                                     "toy-l --text " + kDemoText + " --out " + b + " " + common);
  ASSERT_EQ(by_file.exit_code, 0) << by_file.output;
  ASSERT_EQ(by_length.exit_code, 0) << by_length.output;
  AttentionReader ra(a), rb(b);
  const double attention_bound = std::ldexp(1.0, -24);
  for (int l = 0; l < ra.n_layers(); ++l) {
    auto x = ra.read_layer(l, 0, ra.sentences().size());
    auto y = rb.read_layer(l, 0, rb.sentences().size());
    ASSERT_EQ(x.size(), y.size());
    for (size_t k = 0; k < x.size(); ++k) ASSERT_NEAR(x[k], y[k], attention_bound) << k;
  }
  auto nx = ra.nll_sum(), ny = rb.nll_sum();
  for (size_t s = 0; s < nx.size(); ++s) EXPECT_NEAR(nx[s], ny[s], 1e-10 * std::abs(nx[s]));
  EXPECT_EQ(ra.ntp_tokens(), rb.ntp_tokens());
  EXPECT_EQ(ra.sentence_tokens(), rb.sentence_tokens());

  const std::regex padding(R"(in (file|length) order: ([0-9]+) padding tokens)");
  std::smatch f, l;
  ASSERT_TRUE(std::regex_search(by_file.output, f, padding)) << by_file.output;
  ASSERT_TRUE(std::regex_search(by_length.output, l, padding)) << by_length.output;
  EXPECT_EQ(f[1], "file");
  EXPECT_EQ(l[1], "length");
  EXPECT_LT(std::stol(l[2]), std::stol(f[2]));
}

// --timings: one line per micro-batch (32 sentences in batches of 5: 7), and a
// last line whose phases are the sums of the batches' (each printed to 0.01 ms).
TEST_F(ExtractCli, TimingsGiveEveryBatchAndTheirSums) {
  const auto r = run_command(test::lmgaze_binary() + " extract --timings --batch 5 --model " +
                             kModels + "toy-s --text " + kDemoText + " --out " + out("timings.h5"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::regex line(
      R"(timings rank 0 [^:]*: (batch [0-9]+, ([0-9]+) sentences[^:]*|all ([0-9]+) batches): )"
      R"(forward ([0-9.]+) ms, softmax ([0-9.]+) ms, merge ([0-9.]+) ms, copy ([0-9.]+) ms, )"
      R"(write ([0-9.]+) ms)");
  std::vector<double> sum(5, 0.0), total;
  int batches = 0, sentences = 0;
  for (auto it = std::sregex_iterator(r.output.begin(), r.output.end(), line);
       it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    if (m[3].matched) {
      EXPECT_EQ(std::stoi(m[3]), batches);
      for (int k = 0; k < 5; ++k) total.push_back(std::stod(m[4 + k]));
      continue;
    }
    ++batches;
    sentences += std::stoi(m[2]);
    for (int k = 0; k < 5; ++k) sum[k] += std::stod(m[4 + k]);
  }
  EXPECT_EQ(batches, 7) << r.output;
  EXPECT_EQ(sentences, 32);
  ASSERT_EQ(total.size(), 5u) << r.output;
  EXPECT_GT(total[0], 0.0);  // the forward takes time
  EXPECT_GT(total[1], 0.0);  // and so does its softmax
  for (int k = 0; k < 5; ++k) EXPECT_NEAR(total[k], sum[k], 7 * 0.005 + 0.005) << k;
}

// A write that fails on the writer thread is reported as on the main thread:
// one line, exit 2, no output under either name. The demo text three times
// over in one batch makes each layer's block 104 KB (4 heads x 6528 pairs x 4
// bytes), more than HDF5's 64 KB sieve buffer, so it is written at once; with
// a 250 KB file-size limit the layout, model input and layer 0 fit (about
// 200 KB) and the write of layer 1, on the writer thread, fails.
TEST_F(ExtractCli, WriteFailureOnTheWriterThreadIsOneLine) {
  const std::string text = out("demo_x3.txt"), path = out("limited.h5");
  const std::string demo = test::read_file(kDemoText);
  std::ofstream(text) << demo << "\n" << demo << "\n" << demo;
  const auto r = run_command("bash -c 'ulimit -f 250 && exec " + test::lmgaze_binary() +
                             " extract --quiet --batch 96 --order file --model " + kModels +
                             "toy-m --text " + text + " --out " + path + "'");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(test::count_lines(r.output), 1) << r.output;
  EXPECT_EQ(r.output.rfind("lmgaze: " + path + ": cannot write dataset /attention/layer_", 0), 0u)
      << r.output;
  EXPECT_NE(r.output.find("File too large"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(path));
  EXPECT_FALSE(fs::exists(path + ".partial"));
}

}  // namespace
}  // namespace lmgaze
