// python/lmgaze_read.py, the Python reader shipped with lmgaze, against the
// C++ side: a sentence's square matrix (attention of one layer and head, one
// reader's saccades) unpacked in Python equals the packed triangle as lmgaze
// writes it, zeros above the diagonal, and the words come back as written.
// Runs Debian's python3 with python3-h5py (a setup.sh package).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/tril.hpp"
#include "fixtures.hpp"
#include "io/attention_file.hpp"

namespace lmgaze::testing {
namespace {

std::string run_python(const std::string& script) {
  const std::string path = scratch_dir("pyreader_script") + "/read.py";
  {
    FILE* f = std::fopen(path.c_str(), "w");
    std::fputs(script.c_str(), f);
    std::fclose(f);
  }
  std::string out;
  FILE* p = popen((std::string(LMGAZE_REFERENCE_PYTHON) + " " + path).c_str(), "r");
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  return pclose(p) == 0 ? out : "";
}

TEST(PythonReader, SentenceMatricesAndWordsEqualTheCppSide) {
  const std::string dir = scratch_dir("pyreader");
  SentenceTable t = make_table({3, 5, 4});
  t.text = {"Eyes move fast.", "The reader skips short words",
            "Caf\xc3\xa9 na\xc3\xafve r\xc3\xa9sum\xc3\xa9 here"};
  write_attention(dir + "/M.h5", t, 2, 4, 7);
  GroupSpec g = random_group("L1", t, 3, 5, {{}, {1}, {}});
  write_store(dir + "/H.h5", t, {g});

  const std::string script =
      "import json, sys\n"
      "sys.path.insert(0, '" +
      std::string(LMGAZE_SOURCE_DIR) +
      "/python')\n"
      "import lmgaze_read as lr\n"
      "import numpy as np\n"
      "a = lr.open_file('" +
      dir +
      "/M.h5')\n"
      "h = lr.open_file('" +
      dir +
      "/H.h5')\n"
      "print(json.dumps({'kinds': [type(a).__name__, type(h).__name__],\n"
      "  'layers': a.n_layers, 'heads': a.n_heads, 'words': [a.words(s) for s in range(3)],\n"
      "  'att': a.matrix(2, 1, 3).tolist(), 'all_heads': list(a.matrices(1, 0).shape),\n"
      "  'subjects': h.subjects('L1'), 'hum': h.matrix(2, 'L1', 'L1_3').tolist(),\n"
      "  'missing': bool(np.isnan(h.matrix(1, 'L1', 'L1_2')[np.tril_indices(5)]).all()),\n"
      "  'upper_zero': bool((h.matrix(1, 'L1', 'L1_2')[np.triu_indices(5, 1)] == 0).all()),\n"
      "  'store_words': h.words(1)}))\n";
  const std::string out = run_python(script);
  ASSERT_FALSE(out.empty()) << "python reader failed";
  const auto j = nlohmann::json::parse(out);
  EXPECT_EQ(j["kinds"], nlohmann::json::parse(R"(["AttentionFile", "HumanStore"])"));
  EXPECT_EQ(j["layers"], 2);
  EXPECT_EQ(j["heads"], 4);
  EXPECT_EQ(j["words"][1], nlohmann::json::parse(R"(["The","reader","skips","short","words"])"));
  EXPECT_EQ(j["words"][2][0].get<std::string>(), "Caf\xc3\xa9");
  EXPECT_EQ(j["store_words"], j["words"][1]);
  EXPECT_EQ(j["all_heads"], nlohmann::json::parse("[4, 5, 5]"));

  // Attention, sentence 2 (4 words), layer 1, head 3, read by the C++ reader.
  const AttentionReader r(dir + "/M.h5");
  const std::vector<float> packed = r.read_layer(1, 2, 3);  // [heads][pairs of sentence 2]
  const int64_t pairs = tril_size(4);
  for (int i = 0; i < 4; ++i)
    for (int k = 0; k < 4; ++k) {
      const double want = k <= i ? packed[static_cast<size_t>(3 * pairs + tril_index(i, k))] : 0.0;
      EXPECT_EQ(j["att"][i][k].get<double>(), want) << i << "," << k;
    }
  // Reader L1_3, sentence 2; reader L1_2 lacks sentence 1 (all NaN).
  const size_t all_pairs = static_cast<size_t>(t.n_pairs());
  for (int i = 0; i < 4; ++i)
    for (int k = 0; k < 4; ++k) {
      const double want =
          k <= i ? g.count[2 * all_pairs + static_cast<size_t>(t.pair_offset[2] + tril_index(i, k))]
                 : 0.0;
      EXPECT_EQ(j["hum"][i][k].get<double>(), want) << i << "," << k;
    }
  EXPECT_TRUE(j["missing"].get<bool>());  // NaN on and below the diagonal
  EXPECT_TRUE(j["upper_zero"].get<bool>());
  if (!std::getenv("LMGAZE_KEEP_SCRATCH")) std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace lmgaze::testing
