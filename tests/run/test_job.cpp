// Job files (errors with file:line, variables, paths), the stage graph of the
// shipped jobs, and plan's memory arithmetic checked against hand computation.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/error.hpp"
#include "run/graph.hpp"
#include "run/job.hpp"
#include "run/resources.hpp"
#include "run/runner.hpp"
#include "support/run_command.hpp"

namespace lmgaze::run {
namespace {

namespace fs = std::filesystem;
const std::string kJobs = std::string(LMGAZE_SOURCE_DIR) + "/jobs/";

std::string write_job(const std::string& name, const std::string& text) {
  static const fs::path dir = test::scratch_dir("run_job");
  const fs::path p = dir / name;
  std::ofstream(p) << text;
  return p.string();
}

// The message of the InputError load_job throws ("" when it does not).
std::string job_error(const std::string& text) {
  const std::string path = write_job("bad.ini", text);
  try {
    load_job(path);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

const std::string kHead = "[job]\nname = t\ntext = t.txt\n";  // lines 1-3

TEST(JobFile, ErrorsNameFileAndLine) {
  struct Case {
    std::string text, where, what;
  };
  const std::vector<Case> cases = {
      {"name = x\n", "bad.ini:1:", "outside a section"},
      {kHead + "[modle x]\n", "bad.ini:4:", "unknown section [modle]"},
      {kHead + "[model m]\ndir = d\nrole = scale\nfamliy = f\n",
       "bad.ini:7:", "unknown key 'famliy' in [model m] (did you mean 'family'?)"},
      {kHead + "[extract]\nbatchh = 4\n",
       "bad.ini:5:", "unknown key 'batchh' in [extract] (did you mean 'batch'?)"},
      {kHead + "[analyses]\nrun = all\nzzz = 1\n", "bad.ini:6:", "unknown key 'zzz' in [analyses]"},
      {kHead + "[analyses]\nmeasures = trt speed\n",
       "bad.ini:5:", "unknown reading measure 'speed'"},
      {kHead + "[model m]\ndir = d\nrole = tuned\n", "bad.ini:6:", "needs base"},
      {kHead + "[model m]\ndir = d\nrole = tuned\nbase = n\n",
       "bad.ini:7:", "base 'n' is not a [model]"},
      {kHead + "[model m]\ndir = d\nrole = big\n", "bad.ini:6:", "role must be one of"},
      {kHead + "[model m]\ndir = d\nprefixes = instruction\n",
       "bad.ini:6:", "prefix 'instruction' is not in [prefixes]"},
      {kHead + "[analyses]\nreference = a b\n", "bad.ini:5:", "reference model 'a'"},
      {kHead + "[analyses]\ncv = 1\n", "bad.ini:5:", "cv must be 0"},
      {kHead + "[analyses]\npca_k = 2\n", "bad.ini:5:", "pca_k needs cv >= 2"},
      {kHead + "[analyses]\nsplit_half = -2\n",
       "bad.ini:5:", "split_half must be a whole number >= 0"},
      {kHead + "[analyses]\nrun = ntp resemblence\n", "bad.ini:5:", "unknown analysis"},
      {kHead + "[extract]\nbatch = many\n", "bad.ini:5:", "batch must be a whole number"},
      {kHead + "[extract]\nranks_per_gpu = 0\n", "bad.ini:5:", "ranks_per_gpu must be"},
      {kHead + "[extract]\ntokenizer = tiktoken\n", "bad.ini:5:", "tokenizer must be one of"},
      {kHead + "[model m]\ndir = d\nbos = maybe\n", "bad.ini:6:", "bos must be one of"},
      {kHead + "[output]\ndir = a\ndir = b\n", "bad.ini:6:", "given twice"},
      {kHead + "[model m]\ndir = d\n[model m]\n", "bad.ini:6:", "appears twice"},
      {kHead + "[model m.x]\n", "bad.ini:4:", "letters, digits"},
      {kHead + "[human h]\nsimulate = L1:2\n", "bad.ini:4:", "needs groups"},
      {kHead + "[human h]\nsimulate = L1:2\nfixations = f.csv\ngroups = L1\n",
       "bad.ini:4:", "exactly one of simulate, fixations or saccades"},
      {kHead + "[model m]\ndir = ${BAD-NAME}\n", "bad.ini:5:", "bad variable name"},
      {kHead + "[prefixes\n", "bad.ini:4:", "unterminated [section]"},
      {"[output]\ndir = x\n", "bad.ini:1:", "no [job] section"},
  };
  for (const Case& c : cases) {
    const std::string e = job_error(c.text);
    EXPECT_NE(e.find(c.where), std::string::npos) << c.text << "\n-> " << e;
    EXPECT_NE(e.find(c.what), std::string::npos) << c.text << "\n-> " << e;
    EXPECT_EQ(test::count_lines(e), 1) << e;
  }
}

TEST(JobFile, ExtractDefaultsAndModelOverrides) {
  const Job job =
      load_job(write_job("gpus.ini", kHead + "[extract]\ndevice = cuda\nranks_per_gpu = 2\n"
                                             "bos = yes\n"
                                             "[model a]\ndir = a\n"
                                             "[model b]\ndir = b\nranks_per_gpu = 4\n"
                                             "stages = 2\ntokenizer = sentencepiece\nbos = no\n"));
  ASSERT_EQ(job.models.size(), 2u);
  EXPECT_EQ(job.models[0].device, "cuda");
  EXPECT_EQ(job.models[0].ranks_per_gpu, 2);
  EXPECT_EQ(job.models[0].stages, 1);
  EXPECT_EQ(job.models[1].ranks_per_gpu, 4);
  EXPECT_EQ(job.models[1].stages, 2);
  EXPECT_EQ(job.models[0].tokenizer, "auto");
  EXPECT_EQ(job.models[0].bos, "yes");
  EXPECT_EQ(job.models[1].tokenizer, "sentencepiece");
  EXPECT_EQ(job.models[1].bos, "no");
}

TEST(JobFile, VariablesAndRelativePaths) {
  ::setenv("LMGAZE_TEST_MODELS", "/models", 1);
  ::unsetenv("LMGAZE_TEST_UNSET");
  const std::string path = write_job("vars.ini", kHead +
                                                     "[output]\ndir = ${LMGAZE_TEST_UNSET:-out/x}\n"
                                                     "[model a]\ndir = ${LMGAZE_TEST_MODELS}/a\n"
                                                     "[model b]\ndir = ${LMGAZE_TEST_UNSET}\n"
                                                     "shape = llama-7b\n");
  const Job job = load_job(path);
  const std::string dir = fs::path(path).parent_path().string();
  EXPECT_EQ(job.text, dir + "/t.txt");
  EXPECT_EQ(job.out_dir, dir + "/out/x");
  EXPECT_EQ(job.models[0].dir, "/models/a");
  EXPECT_EQ(job.models[1].dir, "");
  EXPECT_EQ(job.models[1].dir_as_written, "${LMGAZE_TEST_UNSET}");
  // Not errors when read; problems that stop a run, each with its line.
  bool unset = false;
  for (const Problem& p : job.problems)
    unset |= p.str().find("vars.ini:9: ${LMGAZE_TEST_UNSET} is not set") != std::string::npos;
  EXPECT_TRUE(unset);
}

// LLaMA-7B by hand: per layer 4·4096² (q, k, v, o) + 3·4096·11008 (MLP) + 2·4096
// (norms) = 202,383,360 parameters; embedding and lm_head 32000·4096 = 131,072,000
// each; final norm 4096. Total 6,738,415,616 (what Hugging Face reports).
TEST(Plan, LlamaSevenBMemoryByHand) {
  const ModelConfig c = *known_shape("llama-7b");
  EXPECT_EQ(n_layer_params(c), 202383360);
  EXPECT_EQ(n_params(c), 6738415616);

  // One stage, fp16, batch 16 of 48 tokens.
  auto one = pipeline_memory(c, 1, 2, 16, 48);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].weight_bytes, 2 * 6738415616);  // 13,476,831,232 B
  // B·T·(4C + 2F)·2 + 2·B·H·T²·4 + B·T·V·4
  const int64_t act =
      16LL * 48 * (4 * 4096 + 2 * 11008) * 2 + 2LL * 16 * 32 * 48 * 48 * 4 + 16LL * 48 * 32000 * 4;
  EXPECT_EQ(act, 166723584);
  EXPECT_EQ(one[0].activation_bytes, act);
  EXPECT_EQ(format_bytes(one[0].weight_bytes), "13.48 GB");

  // Two stages: 16 layers each; embedding on the first, norm + lm_head on the last.
  auto two = pipeline_memory(c, 2, 2, 16, 48);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].first_layer, 0);
  EXPECT_EQ(two[0].end_layer, 16);
  EXPECT_EQ(two[0].weight_bytes, 16LL * 404766720 + 262144000);     // 6,738,411,520
  EXPECT_EQ(two[1].weight_bytes, 16LL * 404766720 + 262152192);     // 6,738,419,712
  EXPECT_EQ(two[0].activation_bytes, act - 16LL * 48 * 32000 * 4);  // logits on the last only

  // LLaMA-65B in 4 stages: 80 layers of 809,517,056 parameters, 20 each.
  auto four = pipeline_memory(*known_shape("llama-65b"), 4, 2, 1, 48);
  for (const auto& m : four) EXPECT_EQ(m.end_layer - m.first_layer, 20);
  EXPECT_EQ(four[3].weight_bytes, 20LL * 2 * 809517056 + 2LL * (8192 + 32000LL * 8192));
}

TEST(Plan, GptTwoLargeTiedHeadCopiedWhenSplit) {
  const ModelConfig c = *known_shape("gpt2-large");
  EXPECT_EQ(n_params(c), 774030080);  // Hugging Face's count for gpt2-large
  auto one = pipeline_memory(c, 1, 4, 1, 8);
  auto two = pipeline_memory(c, 2, 4, 1, 8);
  // Split, the last stage needs its own copy of the tied embedding (50257·1280).
  EXPECT_EQ(two[0].weight_bytes + two[1].weight_bytes, one[0].weight_bytes + 4LL * 50257 * 1280);
}

// paper.ini, without any of its variables: the full graph, counted by hand.
TEST(Plan, RanksSharingAGpuAreSizedForTheHeaviestStages) {
  const Job job = load_job(write_job("shared_gpu.ini", kHead + "[extract]\ndevice = cuda\n"
                                                               "ranks_per_gpu = 2\n"
                                                               "[model a]\nshape = llama-7b\n"
                                                               "stages = 2\n"));
  const Graph g = build_graph(job, false);
  std::ostringstream out;
  print_plan(job, g, std::vector<StageState>(g.stages.size()), 2, out);
  const std::string text = out.str();
  // Each stage's total, as printed "= X GB per rank"; two ranks on one GPU may
  // be both stages, so the GPU needs twice the larger.
  std::vector<double> totals;
  for (size_t at = text.find(" per rank\n"); at != std::string::npos;
       at = text.find(" per rank\n", at + 1)) {
    const size_t eq = text.rfind("= ", at);
    totals.push_back(std::stod(text.substr(eq + 2)));
  }
  ASSERT_EQ(totals.size(), 2u) << text;
  const size_t line = text.find("2 ranks per GPU: up to ");
  ASSERT_NE(line, std::string::npos) << text;
  const double per_gpu = std::stod(text.substr(line + 23));
  EXPECT_NEAR(per_gpu, 2 * std::max(totals[0], totals[1]), 0.11) << text;
  EXPECT_EQ(text.find(" per GPU\n", 0), text.find(" per GPU\n", line)) << text;
}

TEST(Plan, PaperGraph) {
  for (const char* v : {"GPT2_LARGE", "LLAMA_7B", "LLAMA_13B", "LLAMA_30B", "LLAMA_65B",
                        "ALPACA_7B", "ALPACA_13B", "VICUNA_7B", "VICUNA_13B", "VICUNA_13B_V0",
                        "READING_BRAIN_TEXT", "READING_BRAIN_FIXATIONS", "LMGAZE_OUT"})
    ::unsetenv(v);
  const Job job = load_job(kJobs + "paper.ini");
  EXPECT_EQ(job.models.size(), 10u);
  EXPECT_GE(job.problems.size(), 12u);  // 10 checkpoints, text, fixations
  const Graph g = build_graph(job, false);
  std::map<std::string, int> kinds;
  for (const Stage& s : g.stages) ++kinds[s.kind];
  EXPECT_EQ(kinds["extract"], 10 + 6 * 2);  // plain + 6 models x 2 prefixes
  EXPECT_EQ(kinds["human"], 1);
  EXPECT_EQ(kinds["ntp"], 1);
  EXPECT_EQ(kinds["noise-ceiling"], 2);            // L1, L2
  EXPECT_EQ(kinds["resemblance"], 10 * 2);         // models x groups
  EXPECT_EQ(kinds["trivial"], 10 + 2);             // models + groups
  EXPECT_EQ(kinds["divergence"], 1 + 5 + 3 + 12);  // reference, tuned, llama sizes, prefixes
  EXPECT_EQ(kinds["agreement"], 1);
  EXPECT_EQ(kinds["stats"], 5 * 2 + 1 + 2 + 2);  // tuning, L1 vs L2, scaling fit, ntp fit
  EXPECT_EQ(g.stages.size(), 95u);
  // Sizes come from the shapes: scaling pairs ordered 7B < 13B < 30B < 65B.
  EXPECT_NE(g.find("divergence/scaling.llama-13b.llama-30b"), nullptr);
  EXPECT_NE(g.find("divergence/reference"), nullptr);
  // Every stage comes after the stages it reads.
  for (size_t i = 0; i < g.stages.size(); ++i)
    for (const std::string& d : g.stages[i].deps) {
      const Stage* dep = g.find(d);
      ASSERT_NE(dep, nullptr);
      EXPECT_LT(dep - g.stages.data(), static_cast<long>(i)) << g.stages[i].id << " <- " << d;
    }
}

// [analyses] measures = trt gd: one resemblance --target stage per model,
// group and measure, for stores made from fixations (simulated readers here).
TEST(Plan, MeasuresAddTargetStages) {
  ::unsetenv("LMGAZE_SHARED");
  Job demo = load_job(kJobs + "demo.ini");
  demo.analyses.measures = {"trt", "gd"};
  const Graph g = build_graph(demo, false);
  int saccades = 0, measures = 0;
  for (const Stage& s : g.stages) {
    if (s.kind != "resemblance") continue;
    const auto at = std::find(s.args.begin(), s.args.end(), "--target");
    if (at == s.args.end()) {
      ++saccades;
      continue;
    }
    ++measures;
    const std::string m = *(at + 1);
    EXPECT_EQ(s.id.substr(s.id.size() - m.size() - 1), "." + m);
    EXPECT_TRUE(std::find(s.args.begin(), s.args.end(), "--cv") != s.args.end()) << s.id;
    EXPECT_NE(g.find(s.id.substr(0, s.id.size() - m.size() - 1)), nullptr) << s.id;
    ASSERT_EQ(s.outputs.size(), 2u);
    EXPECT_NE(s.outputs[0].find("resemblance_" + m), std::string::npos);
  }
  EXPECT_GT(saccades, 0);
  EXPECT_EQ(measures, 2 * saccades);
  const Job file =
      load_job(write_job("measures.ini", kHead + "[analyses]\nmeasures = trt, gd trt\n"));
  EXPECT_EQ(file.analyses.measures, (std::vector<std::string>{"trt", "gd"}));
}

// [analyses] bootstrap = B: every resemblance stage draws B resamples with the
// job's one seed (so the models share them), lists its bootstrap tables for the
// report, and the fits bootstrap their slope from those replicate tables.
TEST(Plan, BootstrapReachesResemblanceAndFits) {
  ::unsetenv("LMGAZE_SHARED");
  Job demo = load_job(kJobs + "demo.ini");
  demo.analyses.bootstrap = 200;
  demo.analyses.seed = 9;
  const Graph g = build_graph(demo, false);
  auto has_args = [](const Stage& s, const std::vector<std::string>& part) {
    return std::search(s.args.begin(), s.args.end(), part.begin(), part.end()) != s.args.end();
  };
  int resemblance = 0;
  for (const Stage& s : g.stages) {
    if (s.kind != "resemblance") continue;
    ++resemblance;
    EXPECT_TRUE(has_args(s, {"--bootstrap", "200", "--seed", "9"})) << s.id;
    EXPECT_TRUE(s.table["files"].contains("replicates")) << s.id;
    EXPECT_TRUE(s.table["files"].contains("heads")) << s.id;
  }
  EXPECT_GT(resemblance, 0);
  const Stage* fit = g.find("stats/scaling.readers.L1");
  ASSERT_NE(fit, nullptr);
  const auto at = std::find(fit->args.begin(), fit->args.end(), "--bootstrap");
  ASSERT_NE(at, fit->args.end());
  // One replicate table per model of the fit, each the one its resemblance stage writes.
  const std::string list = *(at + 1);
  for (const auto& m : fit->points["models"]) {
    const Stage* r = g.find("resemblance/" + m["model"].get<std::string>() + ".readers.L1");
    ASSERT_NE(r, nullptr);
    EXPECT_NE(list.find(r->table["files"]["replicates"].get<std::string>()), std::string::npos)
        << list;
  }
  // Without a bootstrap: no option, no bootstrap tables.
  const Graph plain = build_graph(load_job(kJobs + "demo.ini"), false);
  for (const Stage& s : plain.stages) {
    EXPECT_EQ(std::find(s.args.begin(), s.args.end(), "--bootstrap"), s.args.end()) << s.id;
    if (s.kind == "resemblance") EXPECT_FALSE(s.table["files"].contains("replicates"));
  }
}

TEST(Plan, ShippedJobsBuild) {
  ::unsetenv("LMGAZE_SHARED");
  const Job demo = load_job(kJobs + "demo.ini");
  EXPECT_TRUE(demo.problems.empty()) << demo.problems.front().str();
  const Graph d = build_graph(demo, true);
  EXPECT_NE(d.find("report"), nullptr);
  EXPECT_NE(d.find("stats/scaling.readers.L1"), nullptr);
  EXPECT_NE(d.find("stats/tuning.toy-m-chat-a.readers.L2"), nullptr);
  EXPECT_EQ(build_graph(demo, false).find("report"), nullptr);  // optional

  const Job zoo = load_job(kJobs + "toyzoo.ini");
  EXPECT_TRUE(zoo.problems.empty()) << zoo.problems.front().str();
  const Graph z = build_graph(zoo, false);
  // Reading Brain means: reliance per group and L1-mean-on-L2-mean, nothing over readers.
  EXPECT_NE(z.find("trivial/reading-brain.L1"), nullptr);
  EXPECT_NE(z.find("agreement/reading-brain.L1.L2"), nullptr);
  EXPECT_EQ(z.find("noise-ceiling/reading-brain.L1"), nullptr);
  EXPECT_EQ(z.find("stats/trivial_groups.reading-brain.L1.L2"), nullptr);
  EXPECT_EQ(z.find("resemblance/toy-m.reading-brain.L1"), nullptr);
  EXPECT_NE(z.find("stats/trivial_groups.readers.L1.L2"), nullptr);
}

// The report's companions of the paper's score (src/report/companions.hpp) are
// listed in the manifest: with folds, each saccade resemblance entry lists its
// cv tables; measures are entries of their own kind; split_half = B adds the
// split-half reliability to every noise-ceiling stage, with the job's seed.
TEST(Plan, CompanionTablesListedForTheReport) {
  ::unsetenv("LMGAZE_SHARED");
  Job demo = load_job(kJobs + "demo.ini");
  ASSERT_GE(demo.analyses.cv, 2);
  demo.analyses.measures = {"trt"};
  demo.analyses.split_half = 20;
  demo.analyses.seed = 5;
  const Graph g = build_graph(demo, false);
  auto has_args = [](const Stage& s, const std::vector<std::string>& part) {
    return std::search(s.args.begin(), s.args.end(), part.begin(), part.end()) != s.args.end();
  };
  int saccades = 0, measures = 0, ceilings = 0;
  for (const Stage& s : g.stages) {
    if (s.kind == "resemblance" && has_args(s, {"--target", "trt"})) {
      ++measures;
      EXPECT_EQ(s.table["kind"], "resemblance_measure") << s.id;
      EXPECT_EQ(s.table["measure"], "trt") << s.id;
      EXPECT_FALSE(s.table["model"].get<std::string>().empty()) << s.id;
      EXPECT_FALSE(s.table["files"].contains("cv_summary")) << s.id;
    } else if (s.kind == "resemblance") {
      ++saccades;
      EXPECT_EQ(s.table["kind"], "resemblance") << s.id;
      const std::string summary = s.table["files"]["summary"];
      EXPECT_EQ(s.table["files"]["cv_summary"],
                summary.substr(0, summary.rfind('/')) + "/resemblance_cv_summary.csv");
      EXPECT_EQ(s.table["files"]["cv_folds"],
                summary.substr(0, summary.rfind('/')) + "/resemblance_cv_folds.csv");
    } else if (s.kind == "noise-ceiling") {
      ++ceilings;
      EXPECT_TRUE(has_args(s, {"--split-half", "20", "--seed", "5"})) << s.id;
      const std::string rows = s.table["files"]["rows"];
      EXPECT_EQ(s.table["files"]["split_half"],
                rows.substr(0, rows.rfind('/')) + "/noise_ceiling_split_half.csv");
      const auto* call = std::get_if<analysis::NoiseCeilingAnalysisOptions>(&s.call);
      ASSERT_NE(call, nullptr) << s.id;
      EXPECT_EQ(call->split_half, 20);
      EXPECT_EQ(call->seed, 5u);
    }
  }
  EXPECT_GT(saccades, 0);
  EXPECT_EQ(measures, saccades);
  EXPECT_GT(ceilings, 0);
  // Without folds or splits: none of those files, no option.
  Job plain = load_job(kJobs + "demo.ini");
  plain.analyses.cv = 0;
  for (const Stage& s : build_graph(plain, false).stages) {
    if (s.table.is_object() && s.table.contains("files")) {
      EXPECT_FALSE(s.table["files"].contains("cv_summary")) << s.id;
      EXPECT_FALSE(s.table["files"].contains("split_half")) << s.id;
    }
    EXPECT_EQ(std::find(s.args.begin(), s.args.end(), "--split-half"), s.args.end()) << s.id;
  }
  const Job file = load_job(write_job("split.ini", kHead + "[analyses]\nsplit_half = 30\n"));
  EXPECT_EQ(file.analyses.split_half, 30);
}

// [analyses] pca_k = k: one resemblance --pca-k stage per model and group, in a
// folder of its own (its command also writes the plain tables), listed as
// resemblance_pca for the report; none for a store of group means.
TEST(Plan, PcaKAddsFixedCapacityStages) {
  ::unsetenv("LMGAZE_SHARED");
  Job demo = load_job(kJobs + "demo.ini");
  demo.analyses.pca_k = 2;
  const Graph g = build_graph(demo, false);
  int saccades = 0, pca = 0;
  for (const Stage& s : g.stages) {
    if (s.kind != "resemblance") continue;
    const auto at = std::find(s.args.begin(), s.args.end(), "--pca-k");
    if (at == s.args.end()) {
      ++saccades;
      continue;
    }
    ++pca;
    EXPECT_EQ(*(at + 1), "2") << s.id;
    EXPECT_EQ(s.id.substr(s.id.size() - 4), ".pca");
    EXPECT_NE(g.find(s.id.substr(0, s.id.size() - 4)), nullptr) << s.id;
    EXPECT_NE(std::find(s.args.begin(), s.args.end(), "--cv"), s.args.end()) << s.id;
    EXPECT_EQ(s.table["kind"], "resemblance_pca");
    const std::string summary = s.table["files"]["summary"];
    const std::string tail = ".pca/resemblance_pca_summary.csv";
    ASSERT_GT(summary.size(), tail.size());
    EXPECT_EQ(summary.substr(summary.size() - tail.size()), tail) << summary;
  }
  EXPECT_GT(saccades, 0);
  EXPECT_EQ(pca, saccades);
  const Job file = load_job(write_job("pca.ini", kHead + "[analyses]\ncv = 3\npca_k = 4\n"));
  EXPECT_EQ(file.analyses.pca_k, 4);
}

}  // namespace
}  // namespace lmgaze::run
