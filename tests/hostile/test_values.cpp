// Absurd numbers: a fixation duration or saccade value that is not finite,
// negative or beyond any plausible reading (1e308) is refused at import by
// file and line; a store edited to hold one is refused by every reader of it;
// a reader without variance (a lower triangle of zeros) is named, not
// dropped; no table ever holds inf or NaN.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "common/error.hpp"
#include "hostile.hpp"
#include "human/human_store.hpp"
#include "stats/csv.hpp"

namespace lmgaze {
namespace {

using test::Outcome;
using test::run_lmgaze;
using test::Scratch;

const char* kText = "The cat sat on the mat.\nIt was warm.\n";  // 6 and 3 words
const std::string kFixHeader = "group,subject,article,sentence,fixation,word,duration_ms\n";
const std::string kFixOk = "L1,1,0,0,1,0,200\n";  // line 2

struct BadValue {
  std::string name;
  std::string kind;  // "fixations" or "saccades"
  std::string value;
  std::string what;
};

std::vector<BadValue> bad_values() {
  return {
      {"duration_1e308", "fixations", "1e308", "duration_ms 1e308 out of range"},
      {"duration_inf", "fixations", "inf", "is not a finite number"},
      {"duration_nan", "fixations", "nan", "is not a finite number"},
      {"duration_negative", "fixations", "-5", "negative duration_ms -5"},
      {"duration_zero", "fixations", "0", "duration_ms 0 out of range"},
      {"duration_above_a_minute", "fixations", "60001", "duration_ms 60001 out of range"},
      {"count_1e308", "saccades", "1e308", "value 1e308 out of range"},
      {"count_inf", "saccades", "inf", "is not a finite number"},
      {"count_negative", "saccades", "-1", "negative value -1"},
      {"count_huge", "saccades", "20000", "value 20000 out of range"},
  };
}

void PrintTo(const BadValue& c, std::ostream* os) { *os << c.name; }

class AbsurdValue : public ::testing::TestWithParam<BadValue> {};

TEST_P(AbsurdValue, RefusedAtImportByFileAndLine) {
  const BadValue& c = GetParam();
  Scratch dir("value_" + c.name);
  std::vector<std::string> args{"human", "import", "--out", dir.file("h.h5")};
  std::string bad;
  if (c.kind == "fixations") {
    args.insert(args.end(),
                {"--text", dir.write("text.txt", kText), "--fixations",
                 bad = dir.write("d.csv", kFixHeader + kFixOk + "L1,1,0,0,2,1," + c.value + "\n")});
  } else {
    args.insert(
        args.end(),
        {"--sentences", dir.write("s.csv", "article,sentence,n_words\n0,0,1\n"), "--saccades",
         bad = dir.write("d.csv",
                         "group,subject,article,sentence,from_word,to_word,value\n"
                         "L1,1,0,0,0,0," +
                             c.value + "\n")});
  }
  const Outcome r = run_lmgaze(args, dir.path());
  const std::string line = c.kind == "fixations" ? "3" : "2";
  EXPECT_EQ(r.signal, 0);
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_EQ(test::lines(r.err), 1) << r.err;
  EXPECT_EQ(r.err.rfind("lmgaze: " + bad + ":" + line + ": ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(c.what), std::string::npos) << r.err;
  EXPECT_FALSE(test::fs::exists(dir.file("h.h5")));
}

INSTANTIATE_TEST_SUITE_P(Cases, AbsurdValue, ::testing::ValuesIn(bad_values()),
                         [](const auto& info) { return info.param.name; });

// A store written directly (as a hand edit would) with reader values `count`
// for group L1 of two sentences, 2 words each (3 pairs each, 6 in all).
std::string write_store(const Scratch& dir, const std::vector<std::string>& subjects,
                        const std::vector<double>& count) {
  SentenceTable t;
  t.article = {0, 0};
  t.index = {0, 1};
  t.n_words = {2, 2};
  t.pair_offset = {0, 3, 6};
  human::StoreMeta meta;
  meta.text_kind = "sentences";
  meta.text_source = "edited";
  meta.data_kind = "saccades";
  meta.data_source = "edited";
  human::GroupData g;
  g.name = "L1";
  g.subjects = subjects;
  g.count = count;
  const std::string path = dir.file("edited.h5");
  human::write_store(path, t, meta, {g});
  return path;
}

TEST(AbsurdTable, NoTableHoldsInfOrNan) {
  EXPECT_EQ(stats::csv_number(std::nan("")), "");
  EXPECT_EQ(stats::csv_number(0.25), "0.25");
  EXPECT_THROW(stats::csv_number(std::numeric_limits<double>::infinity()), InputError);
  EXPECT_THROW(stats::csv_number(-std::numeric_limits<double>::infinity()), InputError);
}

TEST(AbsurdStore, ValueBeyondAnyReadingIsRefusedByTheAnalyses) {
  Scratch dir("store_1e308");
  const std::string store = write_store(
      dir, {"1", "2", "3"}, {1, 0, 2, 1, 1, 0, /**/ 0, 1, 1, 2, 0, 1, /**/ 1, 1, 0, 1e308, 0, 2});
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"noise-ceiling", "--human", store, "--group", "L1", "--out",
                                 dir.file("nc")},
        std::vector<std::string>{"human", "mean", store, "--out", dir.file("mean.h5")},
        std::vector<std::string>{"human", "summary", store}}) {
    const Outcome r = run_lmgaze(args, dir.path());
    EXPECT_EQ(r.signal, 0) << args[0];
    EXPECT_EQ(r.code, 2) << args[0] << ": " << r.out << r.err;
    EXPECT_EQ(test::lines(r.err), 1) << r.err;
    EXPECT_NE(
        r.err.find("reader 3, sentence (0, 1): value 1e+308 is not a plausible saccade count"),
        std::string::npos)
        << r.err;
  }
  EXPECT_FALSE(test::fs::exists(dir.file("nc/noise_ceiling.csv")));
  EXPECT_FALSE(test::fs::exists(dir.file("mean.h5")));
}

TEST(AbsurdStore, ReaderWithoutVarianceIsNamedNotDropped) {
  Scratch dir("store_flat");
  // Reader 2 has only zeros in its lower triangle (forward saccades only).
  const std::string store = write_store(
      dir, {"1", "2", "3"}, {1, 0, 2, 1, 1, 0, /**/ 0, 0, 0, 0, 0, 0, /**/ 1, 1, 0, 2, 0, 2});
  const Outcome r = run_lmgaze(
      {"noise-ceiling", "--human", store, "--group", "L1", "--out", dir.file("nc")}, dir.path());
  EXPECT_EQ(r.signal, 0);
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_EQ(test::lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("subject 2 of group L1: every count value is 0"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("--exclude 2"), std::string::npos) << r.err;
  EXPECT_FALSE(test::fs::exists(dir.file("nc/noise_ceiling.csv")));
  // Left out as the message says, the other two give a table without empty fields.
  const Outcome ok = run_lmgaze({"noise-ceiling", "--human", store, "--group", "L1", "--exclude",
                                 "2", "--out", dir.file("nc")},
                                dir.path());
  ASSERT_EQ(ok.code, 0) << ok.err;
  const std::string table = test::read_bytes(dir.file("nc/noise_ceiling.csv"));
  EXPECT_EQ(table.find(",\n"), std::string::npos) << table;
  EXPECT_EQ(table.find("nan"), std::string::npos) << table;
  EXPECT_EQ(table.find("inf"), std::string::npos) << table;
}

}  // namespace
}  // namespace lmgaze
