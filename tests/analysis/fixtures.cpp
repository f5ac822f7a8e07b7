#include "fixtures.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "common/tril.hpp"
#include "io/attention_file.hpp"
#include "io/hdf5.hpp"

namespace lmgaze::testing {

SentenceTable make_table(const std::vector<int>& n_words) {
  SentenceTable t;
  for (size_t s = 0; s < n_words.size(); ++s) {
    t.article.push_back(static_cast<int>(s / 5));
    t.index.push_back(static_cast<int>(s % 5));
    t.n_words.push_back(n_words[s]);
  }
  t.pair_offset = tril_offsets(t.n_words);
  return t;
}

void write_attention(const std::string& path, const SentenceTable& table, int n_layers, int n_heads,
                     uint32_t seed, const std::function<void(int, std::vector<float>&)>& tweak) {
  AttentionMeta meta;
  meta.model_path = "synthetic";
  meta.model_name = "synthetic-" + std::to_string(seed);
  meta.model_type = "synthetic";
  meta.dtype = "float32";
  meta.tokenizer = "none";
  meta.text = "synthetic";
  meta.n_layers = n_layers;
  meta.n_heads = n_heads;
  meta.n_params = 1000;
  AttentionWriter w(path, meta, table);
  std::mt19937 rng(seed);
  std::gamma_distribution<double> gamma(0.5, 1.0);
  std::uniform_real_distribution<double> leak(0.0, 0.5);
  const int64_t pairs = table.n_pairs();
  for (int l = 0; l < n_layers; ++l) {
    std::vector<float> v(static_cast<size_t>(n_heads * pairs));
    for (int h = 0; h < n_heads; ++h)
      for (size_t s = 0; s < table.size(); ++s)
        for (int i = 0; i < table.n_words[s]; ++i) {
          std::vector<double> row(static_cast<size_t>(i) + 1);
          double sum = 0;
          for (double& x : row) sum += x = gamma(rng);
          const double keep = 1.0 - leak(rng);
          for (int j = 0; j <= i; ++j)
            v[static_cast<size_t>(h * pairs + table.pair_offset[s] + tril_index(i, j))] =
                static_cast<float>(row[static_cast<size_t>(j)] / sum * keep);
        }
    if (tweak) tweak(l, v);
    w.write_layer_block(l, 0, pairs, v.data());
  }
  std::vector<double> nll(table.size());
  std::vector<int64_t> tokens(table.size());
  for (size_t s = 0; s < table.size(); ++s) {
    tokens[s] = table.n_words[s] + 1;
    nll[s] = 2.5 * static_cast<double>(tokens[s]) + 0.1 * static_cast<double>(s);
  }
  w.write_ntp(0, nll, tokens);
  w.write_token_counts(0, tokens);
  w.finish();
}

GroupSpec random_group(const std::string& name, const SentenceTable& table, int n_subjects,
                       uint32_t seed, const std::vector<std::vector<int>>& missing) {
  GroupSpec g;
  g.name = name;
  const int64_t pairs = table.n_pairs();
  std::mt19937 rng(seed);
  std::discrete_distribution<int> count({70, 20, 7, 3});
  for (int r = 0; r < n_subjects; ++r) {
    g.subjects.push_back(name + "_" + std::to_string(r + 1));
    for (int64_t p = 0; p < pairs; ++p) g.count.push_back(count(rng));
    if (static_cast<size_t>(r) < missing.size())
      for (int s : missing[static_cast<size_t>(r)])
        for (int64_t p = table.pair_offset[s]; p < table.pair_offset[s + 1]; ++p)
          g.count[static_cast<size_t>(r * pairs + p)] = std::nan("");
  }
  return g;
}

void write_store(const std::string& path, const SentenceTable& table,
                 const std::vector<GroupSpec>& groups) {
  h5::File f = h5::File::create(path);
  f.set_attr("format", std::string("lmgaze-human"));
  f.set_attr("format_version", int64_t{1});
  f.set_attr("text_kind", std::string("sentences"));
  f.set_attr("text_source", std::string("synthetic"));
  f.set_attr("data_kind", std::string("saccades"));
  f.set_attr("data_source", std::string("synthetic"));
  f.set_attr("simulated", int64_t{1});
  f.set_attr("excluded", std::string(""));
  f.set_attr("mean_of", std::string(""));
  f.set_attr("lmgaze_version", std::string("test"));
  table.write(f);
  for (const auto& g : groups) {
    const std::string gp = "/groups/" + g.name;
    const auto rows = static_cast<int64_t>(g.subjects.size());
    f.write_strings(gp + "/subjects", g.subjects);
    f.create_matrix<double>(gp + "/count", {rows, table.n_pairs()});
    if (rows > 0)
      f.write_block<double>(gp + "/count", 0, 0, {rows, table.n_pairs()}, g.count.data());
  }
  f.set_attr("complete", int64_t{1});
}

std::string scratch_dir(const std::string& name) {
  const std::string dir = std::string(LMGAZE_BINARY_DIR) + "/test_scratch/analysis/" + name + "_" +
                          std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

namespace {
std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}
}  // namespace

RunResult run_lmgaze(const std::string& args, int ranks) {
  static int counter = 0;
  const std::string base = std::string(LMGAZE_BINARY_DIR) + "/test_scratch/analysis/run_" +
                           std::to_string(::getpid()) + "_" + std::to_string(counter++);
  std::filesystem::create_directories(std::filesystem::path(base).parent_path());
  std::string cmd;
  if (ranks > 0)
    cmd = "mpirun --allow-run-as-root --oversubscribe -np " + std::to_string(ranks) + " ";
  cmd += std::string(LMGAZE_ANALYSIS_CLI) + " " + args + " >" + base + ".out 2>" + base + ".err";
  const int status = std::system(cmd.c_str());
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(base + ".out");
  r.err = slurp(base + ".err");
  std::remove((base + ".out").c_str());
  std::remove((base + ".err").c_str());
  return r;
}

Csv read_csv(const std::string& path) {
  Csv csv;
  std::ifstream f(path);
  std::string line;
  bool header = true;
  while (std::getline(f, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields;
    std::stringstream ss(line);
    std::string field;
    while (std::getline(ss, field, ',')) fields.push_back(field);
    if (!line.empty() && line.back() == ',') fields.emplace_back();
    if (header)
      csv.header = fields;
    else
      csv.rows.push_back(fields);
    header = false;
  }
  return csv;
}

std::string compare_csv(const Csv& a, const Csv& b, double rel) {
  if (a.header != b.header) return "headers differ";
  if (a.rows.size() != b.rows.size())
    return "row counts differ: " + std::to_string(a.rows.size()) + " vs " +
           std::to_string(b.rows.size());
  for (size_t r = 0; r < a.rows.size(); ++r) {
    if (a.rows[r].size() != b.rows[r].size()) return "row " + std::to_string(r) + ": field count";
    for (size_t c = 0; c < a.rows[r].size(); ++c) {
      const std::string &x = a.rows[r][c], &y = b.rows[r][c];
      if (x == y) continue;
      char *ex = nullptr, *ey = nullptr;
      const double dx = std::strtod(x.c_str(), &ex), dy = std::strtod(y.c_str(), &ey);
      const bool numbers = !x.empty() && !y.empty() && *ex == 0 && *ey == 0;
      if (numbers && std::fabs(dx - dy) <= rel * std::max(std::fabs(dx), std::fabs(dy)) + 1e-14)
        continue;
      return "row " + std::to_string(r) + ", column " + a.header[c] + ": " + x + " vs " + y;
    }
  }
  return "";
}

std::string run_reference(const std::string& script, const std::string& args) {
  const std::string cmd = std::string(LMGAZE_REFERENCE_PYTHON) + " " + LMGAZE_SOURCE_DIR +
                          "/tests/reference/" + script + " " + args;
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  if (pclose(p) != 0) return "";
  return out;
}

SentenceTable write_head_following_study(const std::string& dir) {
  const SentenceTable t = make_table({3, 5, 4, 6, 2, 7, 4, 5, 3, 6, 5, 8, 4, 6, 5});
  const auto pairs = static_cast<size_t>(t.n_pairs());
  std::vector<float> signal;
  write_attention(dir + "/M.h5", t, 5, 4, 11, [&](int layer, std::vector<float>& v) {
    if (layer == 3) signal.assign(v.begin() + static_cast<long>(pairs), v.begin() + 2 * pairs);
  });
  GroupSpec g;
  g.name = "L1";
  std::mt19937 rng(5);
  std::normal_distribution<double> noise(0.0, 0.15);
  for (int r = 0; r < 6; ++r) {
    g.subjects.push_back("L1_" + std::to_string(r + 1));
    for (size_t p = 0; p < pairs; ++p) g.count.push_back(1.0 + 2.0 * signal[p] + noise(rng));
  }
  for (const auto& [reader, sentence] : {std::pair{2, 1}, {2, 4}, {4, 7}})
    for (int64_t p = t.pair_offset[sentence]; p < t.pair_offset[sentence + 1]; ++p)
      g.count[static_cast<size_t>(reader) * pairs + static_cast<size_t>(p)] = std::nan("");
  write_store(dir + "/H.h5", t, {g});
  return t;
}

}  // namespace lmgaze::testing
