#include <gtest/gtest.h>
#include <mpi.h>

#include <filesystem>
#include <fstream>

#include "common/error.hpp"
#include "io/attention_file.hpp"
#include "io/hdf5.hpp"

namespace lmgaze {
namespace {

namespace fs = std::filesystem;

// HDF5 built with MPI needs MPI initialised, as the lmgaze executable does.
class MpiEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { MPI_Init(nullptr, nullptr); }
  void TearDown() override { MPI_Finalize(); }
};
const auto* const kMpi = ::testing::AddGlobalTestEnvironment(new MpiEnvironment);

std::string temp_path(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("lmgaze_test_io_" + std::to_string(getpid()));
  fs::create_directories(dir);
  return (dir / name).string();
}

SentenceTable two_sentences() {
  SentenceTable t;
  t.article = {0, 1};
  t.index = {0, 0};
  t.n_words = {2, 3};
  t.pair_offset = {0, 3, 9};
  return t;
}

AttentionMeta meta() {
  AttentionMeta m;
  m.model_name = "m";
  m.model_type = "llama";
  m.dtype = "fp32";
  m.n_layers = 2;
  m.n_heads = 2;
  m.n_params = 1234;
  m.prefix = "Please:";
  return m;
}

SentenceTable three_sentences() {
  SentenceTable t;
  t.article = {0, 0, 1};
  t.index = {0, 1, 0};
  t.n_words = {2, 1, 2};
  t.pair_offset = {0, 3, 4, 7};
  return t;
}

// Sentences 0 and 2 of three (pairs 0-2 and 4-6) in one write, as a
// length-ordered batch does; sentence 1 (pair 3) on its own. Every value is
// 100 l + 10 h + pair, so each lands where its number says.
TEST(AttentionFile, ColumnRunsLandInTheirPlaces) {
  const std::string path = temp_path("runs.h5");
  {
    AttentionWriter w(path, meta(), three_sentences());
    for (int l = 0; l < 2; ++l) {
      std::vector<float> runs, middle;  // [2 heads, 6 pairs] and [2 heads, 1 pair]
      for (int h = 0; h < 2; ++h) {
        for (int p : {0, 1, 2, 4, 5, 6}) runs.push_back(float(100 * l + 10 * h + p));
        middle.push_back(float(100 * l + 10 * h + 3));
      }
      w.write_layer_runs(l, {{0, 3}, {4, 3}}, runs.data());
      w.write_layer_runs(l, {{3, 1}}, middle.data());
    }
    w.write_ntp(0, {1, 2, 3}, {1, 1, 1});
    w.write_token_counts(0, {2, 1, 2});
    w.finish();
  }
  AttentionReader r(path);
  for (int l = 0; l < 2; ++l) {
    const std::vector<float> all = r.read_layer(l, 0, 3);  // [2 heads, 7 pairs]
    ASSERT_EQ(all.size(), 14u);
    for (int h = 0; h < 2; ++h)
      for (int p = 0; p < 7; ++p) EXPECT_EQ(all[h * 7 + p], float(100 * l + 10 * h + p));
  }
}

TEST(AttentionFile, OverlappingColumnRunsAreRefused) {
  const std::string path = temp_path("overlap.h5");
  AttentionWriter w(path, meta(), three_sentences());
  std::vector<float> data(2 * 5, 0.f);
  EXPECT_THROW(w.write_layer_runs(0, {{0, 3}, {2, 2}}, data.data()), InputError);
  EXPECT_THROW(w.write_layer_runs(0, {{4, 3}, {0, 2}}, data.data()), InputError);
  EXPECT_THROW(w.write_layer_runs(0, {{5, 3}}, data.data()), InputError);
}

TEST(AttentionFile, RoundTripByBlocks) {
  const std::string path = temp_path("a.h5");
  {
    AttentionWriter w(path, meta(), two_sentences());
    // Layer l, head h, pair p holds 100 l + 10 h + p; written sentence by sentence.
    for (int l = 0; l < 2; ++l) {
      std::vector<float> s0 = {float(100 * l + 0),  float(100 * l + 1),  float(100 * l + 2),
                               float(100 * l + 10), float(100 * l + 11), float(100 * l + 12)};
      w.write_layer_block(l, 0, 3, s0.data());
      std::vector<float> s1;
      for (int h = 0; h < 2; ++h)
        for (int p = 3; p < 9; ++p) s1.push_back(float(100 * l + 10 * h + p));
      w.write_layer_block(l, 3, 6, s1.data());
    }
    w.write_ntp(0, {1.5, 2.5}, {1, 2});
    w.write_token_counts(0, {2, 3});
    EXPECT_FALSE(fs::exists(path)) << "visible before finish()";
    w.finish();
  }
  AttentionReader r(path);
  EXPECT_EQ(r.n_layers(), 2);
  EXPECT_EQ(r.meta().prefix, "Please:");
  EXPECT_EQ(r.meta().n_params, 1234);
  EXPECT_EQ(r.sentences().n_words, (std::vector<int>{2, 3}));
  std::vector<float> l1 = r.read_layer(1, 1, 2);  // [2 heads, 6 pairs]
  ASSERT_EQ(l1.size(), 12u);
  EXPECT_EQ(l1[0], 103.f);
  EXPECT_EQ(l1[6], 113.f);
  EXPECT_EQ(l1[11], 118.f);
  EXPECT_EQ(r.nll_sum(), (std::vector<double>{1.5, 2.5}));
  EXPECT_EQ(r.ntp_tokens(), (std::vector<int64_t>{1, 2}));
}

TEST(AttentionFile, UnfinishedWriterLeavesNothing) {
  const std::string path = temp_path("b.h5");
  {
    AttentionWriter w(path, meta(), two_sentences());
    EXPECT_TRUE(fs::exists(path + ".partial"));
  }
  EXPECT_FALSE(fs::exists(path));
  EXPECT_FALSE(fs::exists(path + ".partial"));
}

TEST(AttentionFile, IncompleteFileIsRefused) {
  const std::string path = temp_path("c.h5");
  {
    h5::File f = h5::File::create(path);
    f.set_attr("format", std::string("lmgaze-attention"));
    f.set_attr("complete", int64_t{0});
  }
  try {
    AttentionReader r(path);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("not marked complete"), std::string::npos);
  }
}

TEST(AttentionFile, NonHdf5IsRefused) {
  const std::string path = temp_path("d.h5");
  std::ofstream(path) << "hello";
  EXPECT_THROW(AttentionReader r(path), InputError);
  EXPECT_THROW(AttentionReader r(temp_path("missing.h5")), InputError);
}

// The sentences' text travels with the file: bytes back to back, an offset
// per sentence; a reader gets each sentence (and so its words) back.
TEST(AttentionFile, SentenceTextRoundTrips) {
  const std::string path = temp_path("text.h5");
  SentenceTable t = two_sentences();
  t.text = {"Eyes move", "caf\xc3\xa9 na\xc3\xafve reader"};
  {
    AttentionWriter w(path, meta(), t);
    std::vector<float> zeros(2 * 9, 0.0f);
    for (int l = 0; l < 2; ++l) w.write_layer_block(l, 0, 9, zeros.data());
    w.write_ntp(0, {1.5, 2.5}, {1, 2});
    w.write_token_counts(0, {2, 3});
    w.finish();
  }
  AttentionReader r(path);
  EXPECT_EQ(r.sentences().text, t.text);
  EXPECT_EQ(r.sentences().n_bytes(1), 19);
  {
    h5::File f = h5::File::open_read(path);
    EXPECT_EQ(f.read_vector<int64_t>("/sentences/text_offset"), (std::vector<int64_t>{0, 9, 28}));
  }
  // A sentence whose text disagrees with its word count is refused by name.
  SentenceTable bad = t;
  bad.text[0] = "Eyes move fast";
  const std::string bad_path = temp_path("bad_text.h5");
  {
    AttentionWriter w(bad_path, meta(), bad);
    std::vector<float> zeros(2 * 9, 0.0f);
    for (int l = 0; l < 2; ++l) w.write_layer_block(l, 0, 9, zeros.data());
    w.write_ntp(0, {1.5, 2.5}, {1, 2});
    w.write_token_counts(0, {2, 3});
    w.finish();
  }
  try {
    AttentionReader reader(bad_path);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("(0, 0): /sentences/text has 3 words, n_words says 2"),
              std::string::npos)
        << e.what();
  }
}

TEST(SentenceTable, RequireSameNamesTheDifference) {
  SentenceTable a = two_sentences(), b = two_sentences();
  EXPECT_NO_THROW(a.require_same(b, "a.h5", "b.h5"));
  b.n_words[1] = 4;
  try {
    a.require_same(b, "a.h5", "b.h5");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("(1, 0) has 3 words"), std::string::npos) << e.what();
  }
  // Same shape, other words: the text tells them apart when both files have it.
  SentenceTable c = two_sentences(), d = two_sentences();
  c.text = {"Eyes move", "a b c"};
  d.text = {"Eyes move", "a b d"};
  EXPECT_NO_THROW(c.require_same(two_sentences(), "c.h5", "old.h5"));
  try {
    c.require_same(d, "c.h5", "d.h5");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("(1, 0) reads \"a b c\" in one and \"a b d\""),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace lmgaze
