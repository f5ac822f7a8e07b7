#include "run/job.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/error.hpp"
#include "common/ini.hpp"
#include "human/measure_names.hpp"

namespace fs = std::filesystem;

namespace lmgaze::run {

namespace {

std::vector<std::string> words(const std::string& s) {
  std::vector<std::string> out;
  std::string w;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == ',') {
      if (!w.empty()) out.push_back(w);
      w.clear();
    } else {
      w += c;
    }
  }
  if (!w.empty()) out.push_back(w);
  return out;
}

using Entry = ini::Entry;
using Section = ini::Section;

// Typed access to one section's entries; every key must be read, or it is unknown.
class Keys {
 public:
  Keys(Section& s, const std::string& file) : s_(s), file_(file) {}

  const Entry* find(const std::string& key) {
    asked_.push_back(key);
    for (Entry& e : s_.entries)
      if (e.key == key) {
        e.used = true;
        return &e;
      }
    return nullptr;
  }
  std::string str(const std::string& key, const std::string& def = "") {
    const Entry* e = find(key);
    return e ? e->value : def;
  }
  bool has(const std::string& key) {
    asked_.push_back(key);
    for (const Entry& e : s_.entries)
      if (e.key == key) return true;
    return false;
  }
  long line(const std::string& key) const {
    for (const Entry& e : s_.entries)
      if (e.key == key) return e.line;
    return s_.line;
  }
  Where where(const std::string& key) const { return {file_, line(key)}; }
  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    throw InputError(file_, line(key), what);
  }
  int integer(const std::string& key, int def, int min) {
    const Entry* e = find(key);
    if (!e) return def;
    char* end = nullptr;
    const long v = std::strtol(e->value.c_str(), &end, 10);
    if (e->value.empty() || *end != '\0' || v < min || v > 1000000)
      fail(key,
           key + " must be a whole number >= " + std::to_string(min) + ", not '" + e->value + "'");
    return static_cast<int>(v);
  }
  double number(const std::string& key, double def) {
    const Entry* e = find(key);
    if (!e) return def;
    char* end = nullptr;
    const double v = std::strtod(e->value.c_str(), &end);
    if (e->value.empty() || *end != '\0' || !(v > 0))
      fail(key, key + " must be a positive number, not '" + e->value + "'");
    return v;
  }
  bool yes_no(const std::string& key, bool def) {
    const Entry* e = find(key);
    if (!e) return def;
    if (e->value == "yes" || e->value == "true" || e->value == "1") return true;
    if (e->value == "no" || e->value == "false" || e->value == "0") return false;
    fail(key, key + " must be yes or no, not '" + e->value + "'");
  }
  std::string one_of(const std::string& key, const std::string& def,
                     const std::vector<std::string>& allowed) {
    const std::string v = str(key, def);
    if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      fail(key, key + " must be one of " + list + ", not '" + v + "'");
    }
    return v;
  }
  // Every key of the section must have been read; an unknown one is named
  // with the known key nearest to it.
  void finish() const {
    for (const Entry& e : s_.entries)
      if (!e.used) throw InputError(file_, e.line, ini::unknown_key(e.key, s_.title(), asked_));
  }

 private:
  Section& s_;
  std::string file_;
  std::vector<std::string> asked_;  // the keys this section knows
};

// "6.7e9", "6.74B", "774M", "471936": a parameter count.
double parse_params(const std::string& text, const Keys& keys) {
  std::string t = text;
  double scale = 1;
  if (!t.empty()) {
    const char last = static_cast<char>(std::toupper(static_cast<unsigned char>(t.back())));
    if (last == 'K' || last == 'M' || last == 'B') {
      scale = last == 'K' ? 1e3 : last == 'M' ? 1e6 : 1e9;
      t.pop_back();
    }
  }
  char* end = nullptr;
  const double v = std::strtod(t.c_str(), &end);
  if (t.empty() || *end != '\0' || !(v > 0))
    keys.fail("params",
              "params must be a parameter count like 6.74e9, 6.74B or 774M, not '" + text + "'");
  return v * scale;
}

}  // namespace

bool valid_name(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
}

const ModelSpec* Job::model(const std::string& name) const {
  for (const auto& m : models)
    if (m.name == name) return &m;
  return nullptr;
}

const Condition* Job::condition(const std::string& name) const {
  for (const auto& c : conditions)
    if (c.name == name) return &c;
  return nullptr;
}

Job load_job(const std::string& path) {
  Job job;
  job.path = path;
  job.analyses.where = {path, 1};
  job.dir = fs::absolute(fs::path(path)).parent_path().lexically_normal().string();
  ini::File file = ini::read(path, /*top_level_keys=*/false);
  for (const ini::UnsetVariable& v : file.unset)
    job.problems.push_back({{path, v.line}, "${" + v.name + "} is not set"});
  std::vector<Section>& sections = file.sections;

  // A path value: relative to the job file's directory; "" stays "".
  auto resolve = [&](const std::string& value) -> std::string {
    if (value.empty()) return "";
    fs::path p(value);
    if (p.is_relative()) p = fs::path(job.dir) / p;
    std::string s = p.lexically_normal().string();
    while (s.size() > 1 && s.back() == '/') s.pop_back();
    return s;
  };
  auto section_where = [&](const Section& s) { return Where{path, s.line}; };

  // Defaults for every model, from [extract].
  std::string dtype = "fp32", device = "cpu", tokenizer = "auto", bos = "auto";
  int batch = 8, stages = 1, ranks_per_gpu = 1;
  const std::vector<std::string> tokenizers = {"auto", "json", "sentencepiece", "bpe-files"},
                                 bos_rules = {"auto", "yes", "no"};
  bool seen_job = false;
  // Texts as written: a human store whose text is the job's, variables unset or not.
  std::string job_text_written;
  std::map<std::string, std::string> human_text_written;

  const std::vector<std::string> known = {"job",   "output",   "extract", "prefixes", "model",
                                          "human", "analyses", "check",   "report"};
  for (Section& s : sections) {
    if (std::find(known.begin(), known.end(), s.kind) == known.end())
      throw InputError(path, s.line,
                       "unknown section [" + s.kind +
                           "] (known: job, output, extract, prefixes, model NAME, human NAME, "
                           "analyses, check, report)");
    if ((s.kind == "model" || s.kind == "human") == s.name.empty())
      throw InputError(path, s.line,
                       s.name.empty() ? "[" + s.kind + "] needs a name: [" + s.kind + " NAME]"
                                      : "[" + s.kind + "] takes no name");
    if (!s.name.empty() && !valid_name(s.name))
      throw InputError(path, s.line,
                       "name '" + s.name + "': use letters, digits, '-' and '_' only");
  }
  // [extract] first: its values are the models' defaults wherever it appears.
  for (Section& s : sections) {
    if (s.kind != "extract") continue;
    Keys k(s, path);
    dtype = k.one_of("dtype", dtype, {"fp32", "fp16", "bf16", "fp64"});
    device = k.str("device", device);
    batch = k.integer("batch", batch, 1);
    stages = k.integer("stages", stages, 1);
    ranks_per_gpu = k.integer("ranks_per_gpu", ranks_per_gpu, 1);
    tokenizer = k.one_of("tokenizer", tokenizer, tokenizers);
    bos = k.one_of("bos", bos, bos_rules);
    job.max_tokens = k.integer("max_tokens", job.max_tokens, 1);
    k.finish();
  }
  job.conditions.push_back({"plain", ""});

  for (Section& s : sections) {
    Keys k(s, path);
    if (s.kind == "extract" || s.kind == "report") {
      // read above / owned by `lmgaze report`
      for (auto& e : s.entries) e.used = true;
    } else if (s.kind == "job") {
      seen_job = true;
      job.name = k.str("name");
      if (!valid_name(job.name))
        k.fail("name", "[job] name must be given: letters, digits, '-' and '_' only");
      job.description = k.str("description");
      job.text = resolve(k.str("text"));
      job.text_where = k.where("text");
      if (const Entry* e = k.find("text")) job_text_written = e->written;
    } else if (s.kind == "output") {
      job.out_dir = resolve(k.str("dir"));
      job.report = k.yes_no("report", true);
    } else if (s.kind == "prefixes") {
      for (Entry& e : s.entries) {
        e.used = true;
        if (!valid_name(e.key) || e.key == "plain")
          throw InputError(
              path, e.line,
              "condition name '" + e.key + "': letters, digits, '-' and '_' only, and not 'plain'");
        if (e.value.empty()) throw InputError(path, e.line, "prefix '" + e.key + "' is empty");
        job.conditions.push_back({e.key, e.value});
      }
    } else if (s.kind == "model") {
      ModelSpec m;
      m.name = s.name;
      m.where = section_where(s);
      if (const Entry* e = k.find("dir")) m.dir_as_written = e->written;
      m.dir = resolve(k.str("dir"));
      m.family = k.str("family", m.name);
      m.role = k.one_of("role", "other", {"scale", "tuned", "other"});
      m.base = k.str("base");
      if (m.role == "tuned" && m.base.empty()) k.fail("role", "a tuned model needs base = MODEL");
      if (m.role != "tuned" && !m.base.empty())
        k.fail("base", "base is for role = tuned only (model " + m.name + ")");
      if (k.has("params")) m.params = parse_params(k.str("params"), k);
      m.shape = k.str("shape");
      m.prefixes = words(k.str("prefixes"));
      m.dtype = k.one_of("dtype", dtype, {"fp32", "fp16", "bf16", "fp64"});
      m.device = k.str("device", device);
      m.batch = k.integer("batch", batch, 1);
      m.stages = k.integer("stages", stages, 1);
      m.ranks_per_gpu = k.integer("ranks_per_gpu", ranks_per_gpu, 1);
      m.tokenizer = k.one_of("tokenizer", tokenizer, tokenizers);
      m.bos = k.one_of("bos", bos, bos_rules);
      if (!k.has("dir") && m.shape.empty())
        throw InputError(path, s.line, "[model " + m.name + "] needs dir = CHECKPOINT");
      if (!k.has("dir")) job.problems.push_back({m.where, "model " + m.name + ": no dir given"});
      job.models.push_back(m);
    } else if (s.kind == "human") {
      HumanSpec h;
      h.name = s.name;
      h.where = section_where(s);
      for (const Entry& e : s.entries) h.key_lines[e.key] = e.line;
      h.simulate = k.str("simulate");
      h.seed = static_cast<uint64_t>(k.integer("seed", 1, 0));
      h.text = resolve(k.str("text"));
      if (const Entry* e = k.find("text")) human_text_written[h.name] = e->written;
      h.sentences = resolve(k.str("sentences"));
      h.fixations = resolve(k.str("fixations"));
      h.saccades = resolve(k.str("saccades"));
      h.saccade_durations = resolve(k.str("saccade_durations"));
      h.exclude = words(k.str("exclude"));
      h.groups = words(k.str("groups"));
      h.group_means = k.yes_no("group_means", false);
      for (const std::string& item : words(k.str("ceiling"))) {
        const size_t colon = item.find(':');
        char* end = nullptr;
        const double v =
            colon == std::string::npos ? 0 : std::strtod(item.c_str() + colon + 1, &end);
        if (colon == std::string::npos || *end != '\0' || !(v > 0 && v <= 1))
          k.fail("ceiling",
                 "ceiling: expected GROUP:VALUE with 0 < VALUE <= 1, not '" + item + "'");
        h.ceiling[item.substr(0, colon)] = v;
      }
      if (k.has("simulate") + k.has("fixations") + k.has("saccades") != 1)
        throw InputError(
            path, s.line,
            "[human " + h.name + "] needs exactly one of simulate, fixations or saccades");
      if (!h.saccade_durations.empty() && !k.has("saccades"))
        k.fail("saccade_durations", "saccade_durations goes with saccades");
      if (k.has("simulate") && (k.has("text") || k.has("sentences")))
        k.fail("simulate", "simulated readers read the job's text: leave out text/sentences");
      if (!k.has("simulate") && k.has("text") == k.has("sentences"))
        throw InputError(path, s.line,
                         "[human " + h.name + "] needs text = FILE or sentences = CSV");
      if (h.groups.empty()) throw InputError(path, s.line, "[human " + h.name + "] needs groups");
      for (const auto& g : h.groups)
        if (!valid_name(g)) k.fail("groups", "group '" + g + "': letters, digits, '-', '_' only");
      for (const auto& [g, v] : h.ceiling)
        if (std::find(h.groups.begin(), h.groups.end(), g) == h.groups.end())
          k.fail("ceiling", "ceiling for group '" + g + "', which is not in groups");
      job.humans.push_back(h);
    } else if (s.kind == "analyses") {
      AnalysesSpec& a = job.analyses;
      a.where = section_where(s);
      for (const Entry& e : s.entries) a.key_lines[e.key] = e.line;
      for (const std::string& w : words(k.str("run", "all"))) {
        if (w == "all") {
          a.run.insert(kAnalyses.begin(), kAnalyses.end());
        } else if (std::find(kAnalyses.begin(), kAnalyses.end(), w) != kAnalyses.end()) {
          a.run.insert(w);
        } else {
          std::string list;
          for (const auto& x : kAnalyses) list += (list.empty() ? "" : " ") + x;
          k.fail("run", "unknown analysis '" + w + "' (known: " + list + ", all)");
        }
      }
      a.view = k.one_of("view", "count", {"count", "duration"});
      a.cv = k.integer("cv", 0, 0);
      if (a.cv == 1) k.fail("cv", "cv must be 0 (none) or >= 2 folds");
      a.reference = words(k.str("reference"));
      if (!a.reference.empty() && a.reference.size() != 2)
        k.fail("reference", "reference names two models: the divergence reference pair");
      a.alpha = k.number("alpha", 0.05);
      if (a.alpha >= 1) k.fail("alpha", "alpha must be below 1");
      a.ceiling_leave_one_out = k.yes_no("ceiling_leave_one_out", false);
      a.bootstrap = k.integer("bootstrap", 0, 0);
      a.seed = k.integer("seed", 1, 0);
      a.split_half = k.integer("split_half", 0, 0);
      a.pca_k = k.integer("pca_k", 0, 0);
      if (a.pca_k > 0 && a.cv < 2)
        k.fail("pca_k",
               "pca_k needs cv >= 2: the components come from the training sentences "
               "of each fold");
      for (const std::string& w : words(k.str("measures"))) {
        const auto& known = human::kMeasureNames;
        if (std::find(known.begin(), known.end(), w) == known.end()) {
          std::string list;
          for (const char* x : known) list += (list.empty() ? "" : " ") + std::string(x);
          k.fail("measures", "unknown reading measure '" + w + "' (known: " + list + ")");
        }
        if (std::find(a.measures.begin(), a.measures.end(), w) == a.measures.end())
          a.measures.push_back(w);
      }
    } else if (s.kind == "check") {
      k.number("rtol", 1);
      k.number("atol", 1);
    }
    k.finish();
  }
  if (!seen_job) throw InputError(path, 1, "no [job] section (name, text)");
  bool seen_analyses = false;
  for (const Section& s : sections) seen_analyses |= s.kind == "analyses";
  if (!seen_analyses) job.analyses.run.insert(kAnalyses.begin(), kAnalyses.end());
  if (job.out_dir.empty()) {
    bool given = false;
    for (const Section& s : sections)
      for (const Entry& e : s.entries) given |= s.kind == "output" && e.key == "dir";
    if (!given) job.out_dir = resolve("out/" + job.name);
  }

  // The design must fit together.
  auto model_line = [&](const ModelSpec& m, const std::string& key) {
    for (const Section& s : sections)
      if (s.kind == "model" && s.name == m.name)
        for (const Entry& e : s.entries)
          if (e.key == key) return e.line;
    return m.where.line;
  };
  if (!job.models.empty() && job.text.empty()) {
    bool given = false;
    for (const Section& s : sections)
      for (const Entry& e : s.entries) given |= s.kind == "job" && e.key == "text";
    if (!given) throw InputError(path, 1, "[job] needs text = FILE: the corpus the models read");
  }
  for (const ModelSpec& m : job.models) {
    if (m.role == "tuned") {
      const ModelSpec* b = job.model(m.base);
      if (!b)
        throw InputError(path, model_line(m, "base"),
                         "model " + m.name + ": base '" + m.base + "' is not a [model] of the job");
      if (b->role == "tuned")
        throw InputError(path, model_line(m, "base"),
                         "model " + m.name + ": base '" + m.base + "' is itself tuned");
    }
    for (const std::string& p : m.prefixes)
      if (!job.condition(p) || p == "plain")
        throw InputError(path, model_line(m, "prefixes"),
                         "model " + m.name + ": prefix '" + p + "' is not in [prefixes]");
  }
  for (const std::string& r : job.analyses.reference)
    if (!job.model(r)) {
      long line = 1;
      for (const Section& s : sections)
        for (const Entry& e : s.entries)
          if (s.kind == "analyses" && e.key == "reference") line = e.line;
      throw InputError(path, line, "reference model '" + r + "' is not a [model] of the job");
    }
  for (HumanSpec& h : job.humans) {
    const bool simulated = !h.simulate.empty();
    const auto written = human_text_written.find(h.name);
    h.with_models = simulated || (!h.text.empty() && h.text == job.text) ||
                    (written != human_text_written.end() && written->second == job_text_written);
    if (simulated) h.text = job.text;
    if (simulated && job.text.empty())
      throw InputError(h.where.file, h.where.line,
                       "[human " + h.name + "] simulates readers of [job] text, which is not set");
  }

  // What a run needs and is not there (plan lists these; run refuses the job).
  auto need = [&](const std::string& file, const Where& where, const std::string& what) {
    if (!file.empty() && !fs::exists(file))
      job.problems.push_back({where, what + " " + file + " does not exist"});
  };
  Where job_where{path, 1};
  for (const Section& s : sections)
    for (const Entry& e : s.entries)
      if (s.kind == "job" && e.key == "text") job_where.line = e.line;
  if (!job.models.empty() || !job.humans.empty()) need(job.text, job_where, "text");
  for (const ModelSpec& m : job.models) {
    const Where w{path, model_line(m, "dir")};
    if (m.dir.empty()) continue;  // an unset variable: already a problem
    if (!fs::is_directory(m.dir))
      job.problems.push_back(
          {w, "model " + m.name + ": checkpoint directory " + m.dir + " does not exist"});
    else
      need(m.dir + "/config.json", w, "model " + m.name + ":");
  }
  for (const HumanSpec& h : job.humans) {
    for (const std::string* f : {&h.sentences, &h.fixations, &h.saccades, &h.saccade_durations})
      need(*f, h.where, "human " + h.name + ":");
    if (h.text != job.text) need(h.text, h.where, "human " + h.name + ":");
  }
  return job;
}

}  // namespace lmgaze::run
