// The analysis commands end to end, through the command-line front end
// (lmgaze_analysis_cli: main.cpp + the cmd_*.cpp files, see CMakeLists.txt):
// - MPI invariance: every command's CSV tables are the same (1e-9 relative)
//   under mpirun with 1, 2, 3 and 4 ranks, on synthetic files of 13 sentences
//   (uneven rank splits), readers with missing sentences, a duplicated head and
//   a zero attention row;
// - the tables' columns as issue 4 fixes them, and a few values;
// - bad input: one line on stderr, exit code 2, no table written.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "analysis/bootstrap.hpp"
#include "common/tril.hpp"
#include "fixtures.hpp"
#include "io/hdf5.hpp"

namespace lmgaze::testing {
namespace {

const std::vector<int> kWords = {3, 5, 4, 6, 2, 7, 4, 5, 3, 6, 5, 8, 4};

class Commands : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(scratch_dir("commands"));
    const std::string& d = *dir_;
    const SentenceTable t = make_table(kWords);
    std::vector<int> other = kWords;
    other[4] = 3;
    const SentenceTable t2 = make_table(other);
    write_attention(d + "/A.h5", t, 5, 4, 1);
    write_attention(d + "/B.h5", t, 7, 3, 2);
    write_attention(d + "/C.h5", t, 5, 4, 3, [&](int layer, std::vector<float>& v) {
      const auto pairs = static_cast<size_t>(t.n_pairs());
      if (layer == 0)  // row 1 of sentence 0, head 0: all zero
        for (int j = 0; j <= 1; ++j) v[static_cast<size_t>(tril_index(1, j))] = 0;
      if (layer == 2)  // head 3 duplicates head 1
        std::copy_n(v.begin() + static_cast<long>(pairs), pairs,
                    v.begin() + static_cast<long>(3 * pairs));
    });
    write_attention(d + "/A_other_words.h5", t2, 5, 4, 1);
    write_attention(d + "/incomplete.h5", t, 2, 2, 4);
    {
      h5::File f = h5::File::open_write(d + "/incomplete.h5");
      f.set_attr("complete", int64_t{0});
    }
    GroupSpec all_nan = random_group("NAN", t, 3, 9);
    for (size_t p = 0; p < static_cast<size_t>(t.n_pairs()); ++p)
      all_nan.count[static_cast<size_t>(t.n_pairs()) + p] = std::nan("");
    write_store(d + "/H.h5", t,
                {random_group("L1", t, 5, 5, {{}, {}, {1, 4}, {}, {4}}),
                 random_group("L2", t, 4, 6), random_group("ONE", t, 1, 7), all_nan});
    write_store(d + "/H_other_words.h5", t2, {random_group("L1", t2, 5, 5)});
  }
  static void TearDownTestSuite() {  // LMGAZE_KEEP_SCRATCH=1 keeps the files to look at
    if (!std::getenv("LMGAZE_KEEP_SCRATCH")) std::filesystem::remove_all(*dir_);
    delete dir_;
  }

  // Runs `args` (with "--out DIR" appended) for 1..4 ranks; every listed table
  // must match the one-rank table. Returns the one-rank output directory.
  static std::string invariant(const std::string& name, const std::string& args,
                               const std::vector<std::string>& tables) {
    std::vector<Csv> reference;
    std::string first_out;
    for (int ranks = 1; ranks <= 4; ++ranks) {
      const std::string out = *dir_ + "/out_" + name + "_np" + std::to_string(ranks);
      const RunResult r = run_lmgaze(args + " --out " + out, ranks);
      EXPECT_EQ(r.exit_code, 0) << name << " np " << ranks << ": " << r.err;
      for (size_t k = 0; k < tables.size(); ++k) {
        const Csv csv = read_csv(out + "/" + tables[k]);
        EXPECT_FALSE(csv.rows.empty()) << name << ": " << tables[k] << " np " << ranks;
        if (ranks == 1) {
          reference.push_back(csv);
          first_out = out;
        } else {
          EXPECT_EQ(compare_csv(reference[k], csv, 1e-9), "")
              << name << ": " << tables[k] << " with " << ranks << " ranks";
        }
      }
    }
    return first_out;
  }

  static std::string* dir_;
};
std::string* Commands::dir_ = nullptr;

nlohmann::json read_json(const std::string& path) {
  std::ifstream f(path);
  return nlohmann::json::parse(f);
}

using Header = std::vector<std::string>;

TEST_F(Commands, DivergenceInPartsIsRankInvariant) {
  const std::string out =
      invariant("div_parts", "divergence --a " + *dir_ + "/A.h5 --b " + *dir_ + "/B.h5",
                {"divergence.csv", "divergence_summary.csv"});
  const Csv rows = read_csv(out + "/divergence.csv");
  EXPECT_EQ(rows.header, (Header{"a", "b", "mode", "index", "sentence", "js"}));
  EXPECT_EQ(rows.rows.size(), 4 * kWords.size());  // 5 vs 7 layers: 4 parts
  EXPECT_EQ(rows.rows[0][0], "A");
  EXPECT_EQ(rows.rows[0][2], "part");
  for (const auto& r : rows.rows) {
    const double js = std::stod(r[5]);
    EXPECT_GT(js, 0);
    EXPECT_LT(js, std::log(2.0));
  }
  EXPECT_EQ(read_csv(out + "/divergence_summary.csv").header,
            (Header{"a", "b", "mode", "index", "mean", "sem", "n"}));
  const auto side = read_json(out + "/divergence.json");
  EXPECT_EQ(side["indices"][3]["b_layers"], nlohmann::json({6, 7}));  // 7 layers: 2, 2, 2, 1
  EXPECT_EQ(side["options"]["heads"], "average");
}

TEST_F(Commands, DivergencePerHeadByLayerIsRankInvariant) {
  const std::string out = invariant(
      "div_heads", "divergence --heads per-head --a " + *dir_ + "/A.h5 --b " + *dir_ + "/C.h5",
      {"divergence.csv", "divergence_summary.csv"});
  const Csv rows = read_csv(out + "/divergence.csv");
  EXPECT_EQ(rows.rows.size(), 5 * kWords.size());
  EXPECT_EQ(rows.rows[0][2], "layer");
  const auto side = read_json(out + "/divergence.json");
  EXPECT_EQ(side["indices"][0]["rows_skipped"], 1);  // C's zero row
  // Same file on both sides: zero everywhere.
  const RunResult same = run_lmgaze("divergence --a " + *dir_ + "/A.h5 --b " + *dir_ +
                                    "/A.h5 --out " + *dir_ + "/out_same");
  ASSERT_EQ(same.exit_code, 0) << same.err;
  for (const auto& r : read_csv(*dir_ + "/out_same/divergence.csv").rows)
    EXPECT_LT(std::stod(r[5]), 1e-12);
}

TEST_F(Commands, ResemblanceIsRankInvariant) {
  const std::string out =
      invariant("resemblance",
                "resemblance --model " + *dir_ + "/C.h5 --human " + *dir_ +
                    "/H.h5 --group L1 --cv 3 --bootstrap 200 --seed 5",
                {"resemblance.csv", "resemblance_summary.csv", "resemblance_cv_folds.csv",
                 "resemblance_cv_summary.csv", "resemblance_heads.csv", "resemblance_bootstrap.csv",
                 "resemblance_bootstrap_replicates.csv"});
  const Csv rows = read_csv(out + "/resemblance.csv");
  EXPECT_EQ(rows.header, (Header{"model", "group", "layer", "subject", "r2", "r2_cv"}));
  EXPECT_EQ(rows.rows.size(), 5u * 5u);
  for (const auto& r : rows.rows) {
    EXPECT_FALSE(r[4].empty());
    EXPECT_FALSE(r[5].empty());
    EXPECT_LT(std::stod(r[5]), std::stod(r[4]));  // noise data: CV below in-sample
  }
  const Csv summary = read_csv(out + "/resemblance_summary.csv");
  EXPECT_EQ(summary.header, (Header{"model", "group", "layer", "mean_r2", "sem_r2", "mean_r2_cv",
                                    "noise_ceiling", "resemblance"}));
  ASSERT_EQ(summary.rows.size(), 6u);
  EXPECT_EQ(summary.rows.back()[2], "max");
  const auto side = read_json(out + "/resemblance.json");
  EXPECT_EQ(side["rank_deficient_layers"], nlohmann::json::parse(R"([{"layer":2,"rank":3}])"));
  // Reader 3 lacks sentences 1 and 4, reader 5 sentence 4.
  EXPECT_EQ(side["missing"]["reader_sentences"], 3);
  EXPECT_EQ(side["missing"]["pairs"], 15 + 3 + 3);
  // The ceiling in the summary is the noise-ceiling command's mean.
  const RunResult nc = run_lmgaze("noise-ceiling --human " + *dir_ + "/H.h5 --group L1 --out " +
                                  *dir_ + "/out_nc_check");
  ASSERT_EQ(nc.exit_code, 0) << nc.err;
  const auto nc_side = read_json(*dir_ + "/out_nc_check/noise_ceiling.json");
  EXPECT_NEAR(std::stod(summary.rows[0][6]), nc_side["noise_ceiling"]["mean"].get<double>(), 1e-12);
  // The replicates behind `stats fit --bootstrap` are the resamples of the
  // resemblance interval: their percentiles give the same interval.
  const Csv reps = read_csv(out + "/resemblance_bootstrap_replicates.csv");
  EXPECT_EQ(reps.header, (Header{"model", "group", "resample", "seed", "readers", "best_mean_r2",
                                 "noise_ceiling", "resemblance"}));
  ASSERT_EQ(reps.rows.size(), 200u);
  std::vector<double> values;
  for (const auto& r : reps.rows) values.push_back(std::stod(r[7]));
  const Csv boot = read_csv(out + "/resemblance_bootstrap.csv");
  for (const auto& r : boot.rows)
    if (r[2] == "resemblance") {
      EXPECT_NEAR(lmgaze::percentile(values, 0.025), std::stod(r[5]), 1e-12 * std::stod(r[5]));
      EXPECT_NEAR(lmgaze::percentile(values, 0.975), std::stod(r[6]), 1e-12 * std::stod(r[6]));
    }
}

TEST_F(Commands, ResemblanceWithoutCvLeavesItEmpty) {
  const RunResult r = run_lmgaze("resemblance --model " + *dir_ + "/A.h5 --human " + *dir_ +
                                 "/H.h5 --group ONE --out " + *dir_ + "/out_res_one");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const auto& row : read_csv(*dir_ + "/out_res_one/resemblance.csv").rows)
    EXPECT_TRUE(row[5].empty());
  // One reader: no ceiling unless given.
  for (const auto& row : read_csv(*dir_ + "/out_res_one/resemblance_summary.csv").rows)
    EXPECT_TRUE(row[6].empty() && row[7].empty());
  const RunResult g =
      run_lmgaze("resemblance --model " + *dir_ + "/A.h5 --human " + *dir_ +
                 "/H.h5 --group ONE --ceiling 0.156 --out " + *dir_ + "/out_res_given");
  ASSERT_EQ(g.exit_code, 0) << g.err;
  const auto rows = read_csv(*dir_ + "/out_res_given/resemblance_summary.csv").rows;
  EXPECT_NEAR(std::stod(rows[0][7]), std::stod(rows[0][3]) / 0.156, 1e-12);
}

TEST_F(Commands, NoiseCeilingIsRankInvariant) {
  for (std::string loo : {"", " --leave-one-out"}) {
    const std::string out = invariant(
        "noise" + std::to_string(loo.size()),
        "noise-ceiling --human " + *dir_ + "/H.h5 --group L1 --split-half 30 --seed 7" + loo,
        {"noise_ceiling.csv", "noise_ceiling_split_half.csv"});
    const Csv rows = read_csv(out + "/noise_ceiling.csv");
    EXPECT_EQ(rows.header, (Header{"group", "subject", "r2"}));
    EXPECT_EQ(rows.rows.size(), 5u);
    EXPECT_EQ(rows.rows[2][1], "L1_3");
  }
}

TEST_F(Commands, TrivialIsRankInvariant) {
  const Header columns = {"source",     "layer",     "head",      "subject",  "r2",
                          "coef_first", "coef_self", "coef_prev", "intercept"};
  std::string out = invariant("trivial_model", "trivial --model " + *dir_ + "/A.h5",
                              {"trivial.csv", "trivial_summary.csv"});
  Csv rows = read_csv(out + "/trivial.csv");
  EXPECT_EQ(rows.header, columns);
  EXPECT_EQ(rows.rows.size(), 5u * 4u);
  EXPECT_TRUE(rows.rows[0][3].empty());
  EXPECT_EQ(read_csv(out + "/trivial_summary.csv").rows.size(), 5u);
  out = invariant("trivial_human", "trivial --human " + *dir_ + "/H.h5 --group L1",
                  {"trivial.csv", "trivial_summary.csv"});
  rows = read_csv(out + "/trivial.csv");
  EXPECT_EQ(rows.rows.size(), 5u);
  EXPECT_EQ(rows.rows[0][0], "L1");
  EXPECT_TRUE(rows.rows[0][1].empty() && rows.rows[0][2].empty());
  EXPECT_EQ(rows.rows[4][3], "L1_5");
}

TEST_F(Commands, NtpIsRankInvariant) {
  const std::string out =
      invariant("ntp", "ntp --model " + *dir_ + "/A.h5 --model " + *dir_ + "/B.h5", {"ntp.csv"});
  const Csv rows = read_csv(out + "/ntp.csv");
  EXPECT_EQ(rows.header, (Header{"model", "loss", "tokens", "bits_per_byte", "nats_per_word",
                                 "bytes", "words"}));
  // Fixture: tokens = words + 1, nll = 2.5 tokens + 0.1 s.
  double nll = 0, tokens = 0;
  for (size_t s = 0; s < kWords.size(); ++s) {
    tokens += kWords[s] + 1;
    nll += 2.5 * (kWords[s] + 1) + 0.1 * static_cast<double>(s);
  }
  EXPECT_NEAR(std::stod(rows.rows[0][1]), nll / tokens, 1e-12);
  EXPECT_EQ(std::stod(rows.rows[0][2]), tokens);
  // The synthetic files carry no text: no bytes, so no bits per byte.
  EXPECT_EQ(rows.rows[0][3], "");
  EXPECT_NEAR(std::stod(rows.rows[0][4]), nll / (tokens - double(kWords.size())), 1e-12);
}

// ---- bad input -----------------------------------------------------------

struct Bad {
  std::string args;
  std::string says;  // a piece of the one-line message
};

TEST_F(Commands, BadInputGivesOneLineAndExitCode2) {
  const std::string& d = *dir_;
  const std::string out = " --out " + d + "/out_bad";
  const std::vector<Bad> cases = {
      {"divergence --a " + d + "/A.h5 --b " + d + "/A_other_words.h5", "words in one"},
      {"divergence --heads per-head --a " + d + "/A.h5 --b " + d + "/B.h5", "same number of heads"},
      {"divergence --parts 9 --a " + d + "/A.h5 --b " + d + "/B.h5", "--parts 9"},
      {"divergence --heads both --a " + d + "/A.h5 --b " + d + "/B.h5", "--heads"},
      {"resemblance --model " + d + "/A.h5 --human " + d + "/H_other_words.h5 --group L1",
       "words in one"},
      {"resemblance --model " + d + "/A.h5 --human " + d + "/H.h5 --group L3", "no group 'L3'"},
      {"resemblance --model " + d + "/incomplete.h5 --human " + d + "/H.h5 --group L1",
       "not marked complete"},
      {"resemblance --model " + d + "/A.h5 --human " + d + "/H.h5 --group NAN",
       "NAN_2 of group NAN has no count data"},
      {"resemblance --model " + d + "/A.h5 --human " + d + "/H.h5 --group L1 --cv 1", "--cv"},
      {"resemblance --model " + d + "/A.h5 --human " + d + "/H.h5 --group L1 --exclude L1_9",
       "cannot exclude 'L1_9'"},
      {"resemblance --model " + d + "/A.h5 --human " + d + "/H.h5 --group L1 --view duration",
       "no 'duration' view"},
      {"noise-ceiling --human " + d + "/H.h5 --group ONE", "at least 2 readers"},
      {"noise-ceiling --human " + d + "/H.h5 --group L2 --exclude L2_1,L2_2,L2_3",
       "at least 2 readers"},
      {"noise-ceiling --human " + d + "/H.h5 --group NAN", "has no count data"},
      {"trivial --model " + d + "/A.h5 --human " + d + "/H.h5 --group L1", "either --model"},
      {"trivial --human " + d + "/H.h5 --group NAN", "has no count data"},
      {"trivial --model " + d + "/incomplete.h5", "not marked complete"},
      {"ntp --model " + d + "/missing.h5", "missing.h5"},
  };
  for (const auto& c : cases) {
    std::filesystem::remove_all(d + "/out_bad");
    const RunResult r = run_lmgaze(c.args + out);
    EXPECT_EQ(r.exit_code, 2) << c.args << "\n" << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << c.args << "\n" << r.err;
    EXPECT_EQ(r.err.rfind("lmgaze: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << c.args << "\n" << r.err;
    EXPECT_FALSE(std::filesystem::exists(d + "/out_bad")) << c.args;
  }
}

TEST_F(Commands, BadInputUnderMpiStopsAllRanks) {
  const RunResult r = run_lmgaze(
      "noise-ceiling --human " + *dir_ + "/H.h5 --group ONE --out " + *dir_ + "/out_bad_mpi", 3);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("at least 2 readers"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace lmgaze::testing
