// A job file: one experiment, end to end (read by `lmgaze run`, `plan`, `check`).
//
// Format (INI; documented with examples in jobs/README.md):
//
//   [job]        name, text (the corpus every model reads), description
//   [output]     dir (OUT), report (yes|no)
//   [extract]    dtype, device, batch, stages, ranks_per_gpu, tokenizer, bos, max_tokens:
//                defaults for every model
//   [prefixes]   NAME = PREFIX TEXT, one condition each besides "plain"
//   [model NAME] dir, family, role (scale|tuned|other), base, params, shape, prefixes,
//                and per-model dtype, device, batch, stages, ranks_per_gpu, tokenizer, bos
//   [human NAME] simulate + seed | text | sentences; fixations | saccades (+ saccade_durations);
//                groups, exclude, group_means, ceiling
//   [analyses]   run (list or "all"), view, cv, reference, alpha, ceiling_leave_one_out,
//                bootstrap, seed, measures, split_half, pca_k
//   [check]      rtol, atol (read by `lmgaze check` through --job)
//   [report]     keys owned by `lmgaze report`; not interpreted here
//
// Values may use ${NAME} or ${NAME:-default} (environment variables); a
// relative path is relative to the directory of the job file. A variable that
// is unset and has no default is not an error when the job is read (`lmgaze
// plan` shows it); `lmgaze run` refuses the job (Job::problems).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace lmgaze::run {

// Where a value came from, for error messages: "jobs/paper.ini:42".
struct Where {
  std::string file;
  long line = 0;
  std::string str() const { return file + ":" + std::to_string(line); }
};

// A condition: the prefix a model reads before each sentence ("plain": none).
struct Condition {
  std::string name;
  std::string prefix;
};

struct ModelSpec {
  std::string name;            // [model NAME]
  std::string dir;             // checkpoint directory (absolute; empty when its variable is unset)
  std::string dir_as_written;  // the value in the file, ${VARS} unexpanded
  std::string family;          // scaling series are within one family
  std::string role;            // "scale" | "tuned" | "other"
  std::string base;            // tuned only: the model it was tuned from
  double params = 0;           // parameter count given in the job; 0 = from config.json
  std::string shape;  // known architecture used when config.json is absent, e.g. "llama-7b"
  std::vector<std::string> prefixes;  // conditions extracted besides plain
  std::string dtype;                  // fp32 | fp16 | bf16 | fp64
  std::string device;                 // cpu | cuda | cuda:N
  int batch = 8;
  int stages = 1;  // pipeline stages: ranks that share one copy of the model, by layer ranges
  int ranks_per_gpu = 1;  // device cuda: ranks of a node sharing one GPU
  std::string tokenizer =
      "auto";                // auto | json | sentencepiece | bpe-files (lmgaze extract --tokenizer)
  std::string bos = "auto";  // auto | yes | no (lmgaze extract --bos)
  Where where;
};

struct HumanSpec {
  std::string name;      // [human NAME]
  std::string simulate;  // "L1:20,L2:20": simulated readers of the job text; empty = real data
  uint64_t seed = 1;
  std::string text;       // text the readers read (absolute), or empty
  std::string sentences;  // instead of text: CSV article, sentence, n_words (shape only)
  std::string fixations;
  std::string saccades;
  std::string saccade_durations;
  std::vector<std::string> exclude;       // GROUP:SUBJECT, applied at import
  std::vector<std::string> groups;        // groups the analyses use, in order
  bool group_means = false;               // one subject ("mean") per group: no ceiling, no t-tests
  std::map<std::string, double> ceiling;  // group -> noise ceiling given (instead of computed)
  bool with_models = false;  // the readers read the job's text: compare with the models
  Where where;
  std::map<std::string, long> key_lines;  // line of each key given in [human NAME]
};

struct AnalysesSpec {
  std::set<std::string> run;  // see kAnalyses
  std::string view = "count";
  int cv = 0;
  std::vector<std::string> reference;  // two model names, or empty
  double alpha = 0.05;
  bool ceiling_leave_one_out = false;
  int bootstrap = 0;  // B ≥ 1: resamples of readers for resemblance and the fits' slopes
  int seed = 1;       // of the bootstrap (the same for every model: shared resamples)
  // Reading measures (trt, gd, ...) each model's heads are also compared with
  // (resemblance --target, METHODS.md 11); empty: none.
  std::vector<std::string> measures;
  // B >= 1: each noise-ceiling stage also estimates the split-half reliability
  // of the group mean over B random splits (seed `seed`, METHODS.md 10); 0: none.
  int split_half = 0;
  // k >= 1: the fixed-capacity variant too (`resemblance --pca-k k`, the first k
  // principal components of each layer's heads; needs cv >= 2); 0: none.
  int pca_k = 0;
  Where where;                            // [analyses], or line 1 when there is none
  std::map<std::string, long> key_lines;  // line of each key given
  // Where `key` was given, else the section.
  Where where_of(const std::string& key) const {
    const auto it = key_lines.find(key);
    return it == key_lines.end() ? where : Where{where.file, it->second};
  }
};

// Every analysis `run = ...` may name ("all" = every one).
inline const std::vector<std::string> kAnalyses = {
    "ntp", "noise-ceiling", "resemblance", "trivial", "divergence", "agreement", "stats"};

// A problem that stops `lmgaze run` but not `lmgaze plan`: an unset variable, a
// missing checkpoint or data file.
struct Problem {
  Where where;
  std::string what;
  std::string str() const { return where.str() + ": " + what; }
};

struct Job {
  std::string path;  // as given
  std::string dir;   // absolute directory of the job file
  std::string name;
  std::string description;
  std::string text;  // absolute; the corpus the models read
  Where text_where;  // its line in the job file
  std::string out_dir;
  bool report = true;
  int max_tokens = 64;  // tokens per sentence (prefix included) assumed by plan's memory estimate
  std::vector<Condition> conditions;  // "plain" first, then [prefixes] in file order
  std::vector<ModelSpec> models;
  std::vector<HumanSpec> humans;
  AnalysesSpec analyses;
  std::vector<Problem> problems;  // filled by load_job; run refuses a job that has any

  const ModelSpec* model(const std::string& name) const;
  const Condition* condition(const std::string& name) const;
  bool runs(const std::string& analysis) const { return analyses.run.count(analysis) > 0; }
};

// Reads and validates a job file. Throws InputError "FILE:LINE: what" for a
// malformed line, an unknown section or key, a bad value, or a study design that
// does not fit together (a tuned model without a base, an unknown reference...).
Job load_job(const std::string& path);

// Names of models, stores, groups and conditions: letters, digits, '-', '_'.
bool valid_name(const std::string& name);

}  // namespace lmgaze::run
