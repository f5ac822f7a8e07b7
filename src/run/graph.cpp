#include "run/graph.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include "analysis/table.hpp"
#include "common/error.hpp"
#include "common/strings.hpp"

namespace lmgaze::run {

namespace {

// Builds the stages in order, with the helpers every kind shares.
class Builder {
 public:
  Builder(const Job& job, Graph& g) : job_(job), g_(g), out_(job.out_dir) {}

  std::string out(const std::string& rel) const { return out_ + "/" + rel; }

  Stage& add(const std::string& id, const std::string& command, std::vector<std::string> args) {
    Stage s;
    s.id = id;
    s.kind = id.substr(0, id.find('/'));
    s.command = command;
    s.args = std::move(args);
    g_.stages.push_back(std::move(s));
    return g_.stages.back();
  }

  // The options a subcommand stage's result depends on: its command line.
  void command_options(Stage& s) {
    std::vector<std::string> args;
    for (const auto& a : s.args) args.push_back(out_relative(a, out_));
    s.options = {{"command", s.command}, {"args", args}};
  }

  // Declares that `s` reads the outputs of `dep`.
  void reads(Stage& s, const std::string& dep_id) {
    const Stage* d = g_.find(dep_id);
    if (!d) throw std::logic_error("stage " + s.id + " reads unknown stage " + dep_id);
    if (std::find(s.deps.begin(), s.deps.end(), dep_id) == s.deps.end()) s.deps.push_back(dep_id);
    for (const auto& o : d->outputs)
      if (std::find(s.inputs.begin(), s.inputs.end(), o) == s.inputs.end()) s.inputs.push_back(o);
  }

  bool has(const std::string& id) const { return g_.find(id) != nullptr; }

  std::string analysis_dir(const std::string& kind, const std::string& name) const {
    return out("analysis/" + kind + "/" + name);
  }

  // Outputs of an analysis stage and its manifest entry's files (OUT-relative).
  void set_outputs(Stage& s, const nlohmann::json& f) const {
    for (const auto& [k, v] : f.items()) s.outputs.push_back(v.get<std::string>());
    nlohmann::json rel = nlohmann::json::object();
    for (const auto& [k, v] : f.items())
      rel[k] = out_relative(v.get<std::string>(), out_).substr(4);
    s.table["files"] = rel;
    s.table["stage"] = s.id;
  }

  const Job& job_;
  Graph& g_;
  std::string out_;
};

std::string attention_path(const Builder& b, const std::string& model, const std::string& cond) {
  return b.out("attention/" + model + "." + cond + ".h5");
}

std::string label(const std::string& model, const std::string& cond) {
  return cond == "plain" ? model : model + "." + cond;
}

std::string resemblance_id(const std::string& m, const HumanSpec& h, const std::string& grp) {
  return "resemblance/" + m + "." + h.name + "." + grp;
}

// The rows, sidecar and (with `summary`) summary table of an analysis output set.
nlohmann::json files(const std::string& dir, const std::string& stem, bool summary) {
  nlohmann::json f = {{"rows", dir + "/" + stem + ".csv"}, {"sidecar", dir + "/" + stem + ".json"}};
  if (summary) f["summary"] = dir + "/" + stem + "_summary.csv";
  return f;
}

// Human stores: simulated readers first where the job asks for them.
void add_human_stages(Builder& b) {
  const Job& job = b.job_;
  for (const HumanSpec& h : job.humans) {
    std::string fixations = h.fixations;
    if (!h.simulate.empty()) {
      fixations = b.out("human/" + h.name + ".fixations.csv");
      Stage& s = b.add("simulate/" + h.name, "human simulate",
                       {"--text", job.text, "--out", fixations, "--readers", h.simulate, "--seed",
                        std::to_string(h.seed)});
      s.inputs = {job.text};
      s.outputs = {fixations};
      s.rank0_only = true;
      s.serial_itself = true;
      b.command_options(s);
    }
    std::vector<std::string> args;
    if (!h.sentences.empty())
      args = {"--sentences", h.sentences};
    else
      args = {"--text", h.text};
    if (!fixations.empty()) {
      args.insert(args.end(), {"--fixations", fixations});
    } else {
      args.insert(args.end(), {"--saccades", h.saccades});
      if (!h.saccade_durations.empty())
        args.insert(args.end(), {"--saccade-durations", h.saccade_durations});
    }
    if (!h.exclude.empty()) args.insert(args.end(), {"--exclude", join(h.exclude, ",")});
    const std::string store = b.out("human/" + h.name + ".h5");
    args.insert(args.end(), {"--out", store});
    human::ImportOptions call;
    call.text = h.sentences.empty() ? h.text : "";
    call.sentences = h.sentences;
    call.fixations = fixations;
    if (fixations.empty()) {
      call.saccades = h.saccades;
      call.saccade_durations = h.saccade_durations;
    }
    if (!h.exclude.empty()) call.exclude = {join(h.exclude, ",")};  // as --exclude A,B gives it
    call.out = store;
    Stage& s = b.add("human/" + h.name, "human import", args);
    s.call = call;
    s.rank0_only = true;
    s.serial_itself = true;
    s.outputs = {store, b.out("human/" + h.name + ".summary.txt")};
    if (!h.simulate.empty()) {
      b.reads(s, "simulate/" + h.name);
    } else {
      for (const std::string* f : {&h.sentences, &h.fixations, &h.saccades, &h.saccade_durations})
        if (!f->empty()) s.inputs.push_back(*f);
    }
    if (!h.text.empty() && std::find(s.inputs.begin(), s.inputs.end(), h.text) == s.inputs.end())
      s.inputs.push_back(h.text);
    b.command_options(s);
  }
}

// Attention of every model and condition.
void add_extract_stages(Builder& b) {
  const Job& job = b.job_;
  for (const ModelSpec& m : job.models) {
    std::vector<std::string> conds = {"plain"};
    conds.insert(conds.end(), m.prefixes.begin(), m.prefixes.end());
    for (const std::string& c : conds) {
      Stage& s = b.add("extract/" + m.name + "." + c, "", {});
      s.model = m.name;
      s.condition = c;
      s.inputs = {m.dir, job.text};
      s.outputs = {attention_path(b, m.name, c)};
      s.options = {
          {"model_dir", m.dir}, {"text", job.text},         {"prefix", job.condition(c)->prefix},
          {"dtype", m.dtype},   {"tokenizer", m.tokenizer}, {"bos", m.bos}};
      s.execution = {{"device", m.device}, {"batch", m.batch}, {"stages", m.stages}};
    }
  }
}

// Next-token loss of every model (plain).
void add_ntp_stage(Builder& b) {
  const Job& job = b.job_;
  if (job.runs("ntp") && !job.models.empty()) {
    std::vector<std::string> args = {"--model"};
    for (const ModelSpec& m : job.models) args.push_back(attention_path(b, m.name, "plain"));
    args.push_back("--label");
    for (const ModelSpec& m : job.models) args.push_back(m.name);
    args.insert(args.end(), {"--out", b.out("analysis/ntp")});
    analysis::NtpAnalysisOptions call;
    for (const ModelSpec& m : job.models) {
      call.models.push_back(attention_path(b, m.name, "plain"));
      call.labels.push_back(m.name);
    }
    call.out_dir = b.out("analysis/ntp");
    call.command_line = analysis::command_line("ntp", args);
    Stage& s = b.add("ntp", "ntp", args);
    s.call = call;
    for (const ModelSpec& m : job.models) b.reads(s, "extract/" + m.name + ".plain");
    s.table = {{"kind", "ntp"}};
    b.set_outputs(
        s, {{"rows", b.out("analysis/ntp/ntp.csv")}, {"sidecar", b.out("analysis/ntp/ntp.json")}});
    b.command_options(s);
  }
}

// Noise ceilings (per-reader stores only).
void add_noise_ceiling_stages(Builder& b) {
  const Job& job = b.job_;
  Graph& g = b.g_;
  const AnalysesSpec& an = job.analyses;
  for (const HumanSpec& h : job.humans) {
    if (!job.runs("noise-ceiling")) break;
    if (h.group_means) {
      g.notes.push_back("noise ceiling of " + h.name +
                        ": not possible on group means (one subject per group)");
      continue;
    }
    for (const std::string& grp : h.groups) {
      const std::string dir = b.analysis_dir("noise_ceiling", h.name + "." + grp);
      std::vector<std::string> args = {
          "--human", b.out("human/" + h.name + ".h5"), "--group", grp, "--view", an.view};
      if (an.ceiling_leave_one_out) args.push_back("--leave-one-out");
      if (an.split_half > 0)
        args.insert(args.end(), {"--split-half", std::to_string(an.split_half), "--seed",
                                 std::to_string(an.seed)});
      args.insert(args.end(), {"--out", dir});
      analysis::NoiseCeilingAnalysisOptions call;
      call.human_path = b.out("human/" + h.name + ".h5");
      call.compute.group = grp;
      call.compute.view = an.view;
      call.compute.leave_one_out = an.ceiling_leave_one_out;
      call.split_half = an.split_half;
      call.seed = static_cast<uint64_t>(an.seed);
      call.out_dir = dir;
      call.command_line = analysis::command_line("noise-ceiling", args);
      Stage& s = b.add("noise-ceiling/" + h.name + "." + grp, "noise-ceiling", args);
      s.call = call;
      b.reads(s, "human/" + h.name);
      s.table = {{"kind", "noise_ceiling"}, {"store", h.name}, {"group", grp}};
      // The report shows the split-half reliability beside the reader-on-mean ceiling.
      nlohmann::json f = {{"rows", dir + "/noise_ceiling.csv"},
                          {"sidecar", dir + "/noise_ceiling.json"}};
      if (an.split_half > 0) f["split_half"] = dir + "/noise_ceiling_split_half.csv";
      b.set_outputs(s, f);
      b.command_options(s);
    }
  }
}

// Human resemblance of every model (plain) against every group that read the job's text.
void add_resemblance_stages(Builder& b) {
  const Job& job = b.job_;
  Graph& g = b.g_;
  const AnalysesSpec& an = job.analyses;
  if (job.runs("resemblance"))
    for (const HumanSpec& h : job.humans) {
      if (!h.with_models) {
        if (!job.models.empty())
          g.notes.push_back("store " + h.name +
                            " is not on the job's text: human-only analyses, no model comparison");
        continue;
      }
      for (const std::string& grp : h.groups) {
        if (h.group_means && !h.ceiling.count(grp)) {
          g.notes.push_back("resemblance vs " + h.name + "." + grp +
                            ": group means without a given ceiling (ceiling = " + grp + ":VALUE)");
          continue;
        }
        for (const ModelSpec& m : job.models) {
          const std::string dir = b.analysis_dir("resemblance", m.name + "." + h.name + "." + grp);
          std::vector<std::string> args = {"--model", attention_path(b, m.name, "plain"),
                                           "--human", b.out("human/" + h.name + ".h5"),
                                           "--group", grp,
                                           "--view",  an.view};
          if (an.cv >= 2) args.insert(args.end(), {"--cv", std::to_string(an.cv)});
          if (h.ceiling.count(grp)) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%.17g", h.ceiling.at(grp));
            args.insert(args.end(), {"--ceiling", buf});
          } else if (an.ceiling_leave_one_out) {
            args.push_back("--ceiling-leave-one-out");
          }
          if (an.bootstrap > 0)
            args.insert(args.end(), {"--bootstrap", std::to_string(an.bootstrap), "--seed",
                                     std::to_string(an.seed)});
          args.insert(args.end(), {"--label", m.name, "--out", dir});
          analysis::ResemblanceAnalysisOptions call;
          call.compute.model_path = attention_path(b, m.name, "plain");
          call.compute.human_path = b.out("human/" + h.name + ".h5");
          call.compute.group = grp;
          call.compute.view = an.view;
          if (an.cv >= 2) call.compute.cv_folds = an.cv;
          call.compute.bootstrap = an.bootstrap;
          call.compute.seed = static_cast<uint64_t>(an.seed);
          if (h.ceiling.count(grp))
            call.compute.ceiling = h.ceiling.at(grp);
          else
            call.compute.ceiling_leave_one_out = an.ceiling_leave_one_out;
          call.label = m.name;
          call.out_dir = dir;
          call.command_line = analysis::command_line("resemblance", args);
          Stage& s = b.add(resemblance_id(m.name, h, grp), "resemblance", args);
          s.call = call;
          b.reads(s, "extract/" + m.name + ".plain");
          b.reads(s, "human/" + h.name);
          s.table = {{"kind", "resemblance"}, {"model", m.name}, {"store", h.name}, {"group", grp}};
          // The report draws the per-head maps and, with a bootstrap, the intervals.
          nlohmann::json f = files(dir, "resemblance", true);
          f["heads"] = dir + "/resemblance_heads.csv";
          // With folds, the layer chosen inside them: the report sets it beside the paper's score.
          if (an.cv >= 2) {
            f["cv_summary"] = dir + "/resemblance_cv_summary.csv";
            f["cv_folds"] = dir + "/resemblance_cv_folds.csv";
          }
          if (an.bootstrap > 0) {
            f["bootstrap"] = dir + "/resemblance_bootstrap.csv";
            f["replicates"] = dir + "/resemblance_bootstrap_replicates.csv";
          }
          b.set_outputs(s, f);
          b.command_options(s);
          // The fixed-capacity variant (METHODS.md 10) in a folder of its own: its
          // command also writes the plain tables, which must not replace the stage's above.
          if (an.pca_k > 0 && !h.group_means) {
            const std::string pdir =
                b.analysis_dir("resemblance", m.name + "." + h.name + "." + grp + ".pca");
            std::vector<std::string> pargs = {"--model", attention_path(b, m.name, "plain"),
                                              "--human", b.out("human/" + h.name + ".h5"),
                                              "--group", grp,
                                              "--view",  an.view,
                                              "--cv",    std::to_string(an.cv),
                                              "--pca-k", std::to_string(an.pca_k),
                                              "--label", m.name,
                                              "--out",   pdir};
            Stage& ps = b.add(resemblance_id(m.name, h, grp) + ".pca", "resemblance", pargs);
            b.reads(ps, "extract/" + m.name + ".plain");
            b.reads(ps, "human/" + h.name);
            ps.table = {
                {"kind", "resemblance_pca"}, {"model", m.name}, {"store", h.name}, {"group", grp}};
            b.set_outputs(ps, {{"summary", pdir + "/resemblance_pca_summary.csv"},
                               {"folds", pdir + "/resemblance_pca_folds.csv"},
                               {"layers", pdir + "/resemblance_pca.csv"}});
            b.command_options(ps);
          }
          // Per-word reading measures (METHODS.md 11), from fixation stores only.
          for (const std::string& measure : an.measures) {
            if (h.fixations.empty() && h.simulate.empty()) continue;  // noted below
            const std::string mdir =
                b.analysis_dir("resemblance", m.name + "." + h.name + "." + grp + "." + measure);
            std::vector<std::string> margs = {"--model",  attention_path(b, m.name, "plain"),
                                              "--human",  b.out("human/" + h.name + ".h5"),
                                              "--group",  grp,
                                              "--target", measure};
            if (an.cv >= 2) margs.insert(margs.end(), {"--cv", std::to_string(an.cv)});
            margs.insert(margs.end(), {"--label", m.name, "--out", mdir});
            Stage& ms = b.add(resemblance_id(m.name, h, grp) + "." + measure, "resemblance", margs);
            b.reads(ms, "extract/" + m.name + ".plain");
            b.reads(ms, "human/" + h.name);
            ms.table = {{"kind", "resemblance_measure"},
                        {"model", m.name},
                        {"store", h.name},
                        {"group", grp},
                        {"measure", measure}};
            b.set_outputs(ms, {{"rows", mdir + "/resemblance_" + measure + ".csv"},
                               {"summary", mdir + "/resemblance_" + measure + "_summary.csv"}});
            b.command_options(ms);
          }
        }
      }
      if (!an.measures.empty() && h.fixations.empty() && h.simulate.empty())
        g.notes.push_back("store " + h.name +
                          " is made from saccade matrices: no reading measures to compare with");
    }
}

// Trivial-pattern reliance: model heads, and readers (or group means).
void add_trivial_stages(Builder& b) {
  const Job& job = b.job_;
  const AnalysesSpec& an = job.analyses;
  if (job.runs("trivial")) {
    for (const ModelSpec& m : job.models) {
      const std::string dir = b.analysis_dir("trivial", m.name);
      const std::vector<std::string> args = {
          "--model", attention_path(b, m.name, "plain"), "--label", m.name, "--out", dir};
      analysis::TrivialAnalysisOptions call;
      call.model_path = attention_path(b, m.name, "plain");
      call.label = m.name;
      call.out_dir = dir;
      call.command_line = analysis::command_line("trivial", args);
      Stage& s = b.add("trivial/" + m.name, "trivial", args);
      s.call = call;
      b.reads(s, "extract/" + m.name + ".plain");
      s.table = {{"kind", "trivial_model"}, {"model", m.name}};
      b.set_outputs(s, files(dir, "trivial", true));
      b.command_options(s);
    }
    for (const HumanSpec& h : job.humans)
      for (const std::string& grp : h.groups) {
        const std::string dir = b.analysis_dir("trivial", h.name + "." + grp);
        const std::vector<std::string> args = {
            "--human", b.out("human/" + h.name + ".h5"), "--group", grp, "--view", an.view, "--out",
            dir};
        analysis::TrivialAnalysisOptions call;
        call.human_path = b.out("human/" + h.name + ".h5");
        call.group = grp;
        call.view = an.view;
        call.out_dir = dir;
        call.command_line = analysis::command_line("trivial", args);
        Stage& s = b.add("trivial/" + h.name + "." + grp, "trivial", args);
        s.call = call;
        b.reads(s, "human/" + h.name);
        s.table = {{"kind", "trivial_human"}, {"store", h.name}, {"group", grp}};
        b.set_outputs(s, files(dir, "trivial", true));
        b.command_options(s);
      }
  }
}

// Attention divergence: reference pair, tuning, scaling, prefixes.
void add_divergence_stages(Builder& b) {
  const Job& job = b.job_;
  Graph& g = b.g_;
  const AnalysesSpec& an = job.analyses;
  if (job.runs("divergence")) {
    auto layers = [&](const std::string& model) {
      for (const ModelInfo& mi : g.models)
        if (mi.spec->name == model && mi.size.config) return mi.size.config->n_layers;
      return 0;
    };
    auto divergence = [&](const std::string& name, const std::string& kind, const std::string& ma,
                          const std::string& ca, const std::string& mb, const std::string& cb,
                          const std::string& heads) {
      const std::string dir = b.analysis_dir("divergence", name);
      std::vector<std::string> args = {"--a",       attention_path(b, ma, ca),
                                       "--b",       attention_path(b, mb, cb),
                                       "--heads",   heads,
                                       "--label-a", label(ma, ca),
                                       "--label-b", label(mb, cb)};
      // Different depths compare in 4 parts (METHODS.md 3), fewer when a model is shallower.
      analysis::DivergenceAnalysisOptions call;
      call.compute.a_path = attention_path(b, ma, ca);
      call.compute.b_path = attention_path(b, mb, cb);
      call.compute.heads =
          heads == "per-head" ? analysis::HeadMode::kPerHead : analysis::HeadMode::kAverage;
      const int la = layers(ma), lb = layers(mb);
      if (la > 0 && lb > 0 && la != lb && std::min(la, lb) < 4) {
        args.insert(args.end(), {"--parts", std::to_string(std::min(la, lb))});
        call.compute.parts = std::min(la, lb);
        call.compute.force_parts = true;
      }
      args.insert(args.end(), {"--out", dir});
      call.label_a = label(ma, ca);
      call.label_b = label(mb, cb);
      call.out_dir = dir;
      call.command_line = analysis::command_line("divergence", args);
      Stage& s = b.add("divergence/" + name, "divergence", args);
      s.call = call;
      b.reads(s, "extract/" + ma + "." + ca);
      b.reads(s, "extract/" + mb + "." + cb);
      s.table = {{"kind", "divergence"}, {"divergence", kind}, {"a", ma},     {"b", mb},
                 {"condition", cb},      {"heads", heads},     {"name", name}};
      b.set_outputs(s, files(dir, "divergence", true));
      b.command_options(s);
    };
    if (an.reference.size() == 2)
      divergence("reference", "reference", an.reference[0], "plain", an.reference[1], "plain",
                 "average");
    for (const ModelSpec& m : job.models)
      if (m.role == "tuned")
        divergence("tuning." + m.name, "tuning", m.base, "plain", m.name, "plain", "average");
    // Consecutive sizes of each family's scaling series.
    std::map<std::string, std::vector<const ModelInfo*>> families;
    for (const ModelInfo& mi : g.models)
      if (mi.spec->role == "scale") families[mi.spec->family].push_back(&mi);
    for (auto& [family, ms] : families) {
      std::stable_sort(ms.begin(), ms.end(), [](const ModelInfo* x, const ModelInfo* y) {
        return x->size.n_params < y->size.n_params;
      });
      for (size_t k = 0; k + 1 < ms.size(); ++k)
        divergence("scaling." + ms[k]->spec->name + "." + ms[k + 1]->spec->name, "scaling",
                   ms[k]->spec->name, "plain", ms[k + 1]->spec->name, "plain", "average");
    }
    for (const ModelSpec& m : job.models)
      for (const std::string& c : m.prefixes)
        divergence("prefix." + m.name + "." + c, "prefix", m.name, "plain", m.name, c, "per-head");
  }
}

// Agreement of group means (each pair of groups of a store).
void add_agreement_stages(Builder& b) {
  const Job& job = b.job_;
  const AnalysesSpec& an = job.analyses;
  if (job.runs("agreement"))
    for (const HumanSpec& h : job.humans)
      for (size_t i = 0; i < h.groups.size(); ++i)
        for (size_t j = i + 1; j < h.groups.size(); ++j) {
          const std::string name = h.name + "." + h.groups[i] + "." + h.groups[j];
          const std::string dir = b.analysis_dir("agreement", name);
          Stage& s = b.add("agreement/" + name, "", {});
          s.rank0_only = true;
          b.reads(s, "human/" + h.name);
          s.call = analysis::AgreementOptions{b.out("human/" + h.name + ".h5"), h.groups[i],
                                              h.groups[j], an.view, dir};
          s.options = {{"store", b.out("human/" + h.name + ".h5")},
                       {"a", h.groups[i]},
                       {"b", h.groups[j]},
                       {"view", an.view}};
          s.options["store"] = out_relative(s.options["store"], b.out_);
          s.table = {
              {"kind", "agreement"}, {"store", h.name}, {"a", h.groups[i]}, {"b", h.groups[j]}};
          b.set_outputs(s,
                        {{"rows", dir + "/agreement.csv"}, {"sidecar", dir + "/agreement.json"}});
        }
}

// Tuning: paired t per layer over readers, tuned (b) against its base (a).
void add_tuning_tests(Builder& b) {
  const Job& job = b.job_;
  Graph& g = b.g_;
  char alpha[32];
  std::snprintf(alpha, sizeof alpha, "%.17g", job.analyses.alpha);
  for (const ModelSpec& m : job.models) {
    if (m.role != "tuned") continue;
    for (const HumanSpec& h : job.humans)
      for (const std::string& grp : h.groups) {
        const Stage* base = g.find(resemblance_id(m.base, h, grp));
        const Stage* tuned = g.find(resemblance_id(m.name, h, grp));
        if (!base || !tuned) continue;
        if (h.group_means) continue;  // one subject: no test over readers
        const std::string id = "tuning." + m.name + "." + h.name + "." + grp;
        const std::string out = b.out("stats/" + id + ".csv");
        Stage& s = b.add("stats/" + id, "stats paired",
                         {"--a", b.out(base->table["files"]["rows"].get<std::string>()), "--b",
                          b.out(tuned->table["files"]["rows"].get<std::string>()), "--alpha", alpha,
                          "--out", out});
        s.rank0_only = true;
        b.reads(s, resemblance_id(m.base, h, grp));
        b.reads(s, resemblance_id(m.name, h, grp));
        s.table = {{"kind", "stats_paired"},
                   {"model", m.name},
                   {"base", m.base},
                   {"store", h.name},
                   {"group", grp}};
        b.set_outputs(s, {{"rows", out}});
        b.command_options(s);
      }
  }
}

// Reliance of one group's readers against another's: independent t.
void add_reliance_tests(Builder& b) {
  const Job& job = b.job_;
  Graph& g = b.g_;
  for (const HumanSpec& h : job.humans) {
    if (h.group_means) {
      if (h.groups.size() >= 2)
        g.notes.push_back("t-test of trivial reliance in " + h.name +
                          ": not possible on group means (agreement and the two reliances "
                          "are reported instead)");
      continue;
    }
    for (size_t i = 0; i < h.groups.size(); ++i)
      for (size_t j = i + 1; j < h.groups.size(); ++j) {
        const std::string ta = "trivial/" + h.name + "." + h.groups[i];
        const std::string tb = "trivial/" + h.name + "." + h.groups[j];
        if (!b.has(ta) || !b.has(tb)) continue;
        const std::string id = "trivial_groups." + h.name + "." + h.groups[i] + "." + h.groups[j];
        const std::string out = b.out("stats/" + id + ".csv");
        Stage& s =
            b.add("stats/" + id, "stats groups",
                  {"--a", b.out("analysis/trivial/" + h.name + "." + h.groups[i] + "/trivial.csv"),
                   "--b", b.out("analysis/trivial/" + h.name + "." + h.groups[j] + "/trivial.csv"),
                   "--out", out});
        s.rank0_only = true;
        b.reads(s, ta);
        b.reads(s, tb);
        s.table = {
            {"kind", "stats_groups"}, {"store", h.name}, {"a", h.groups[i]}, {"b", h.groups[j]}};
        b.set_outputs(s, {{"rows", out}});
        b.command_options(s);
      }
  }
}

// Fits across models: resemblance on log10(params) (scale models), and on
// NTP loss in bits per byte (comparable across tokenizers).
void add_fit_stages(Builder& b) {
  const Job& job = b.job_;
  Graph& g = b.g_;
  for (const HumanSpec& h : job.humans)
    for (const std::string& grp : h.groups) {
      for (const std::string what : {"scaling", "ntp"}) {
        std::vector<const ModelInfo*> ms;
        for (const ModelInfo& mi : g.models) {
          if (!b.has(resemblance_id(mi.spec->name, h, grp))) continue;
          if (what == "scaling" && (mi.spec->role != "scale" || !(mi.size.n_params > 0))) continue;
          ms.push_back(&mi);
        }
        if (what == "ntp" && !b.has("ntp")) continue;
        if (ms.size() < 3) {
          if (!ms.empty())
            g.notes.push_back(std::string(what) + " fit vs " + h.name + "." + grp + ": " +
                              std::to_string(ms.size()) + " models, a fit needs 3");
          continue;
        }
        const std::string id = what + std::string(".") + h.name + "." + grp;
        const std::string points = b.out("stats/" + id + ".points.csv");
        const std::string out = b.out("stats/" + id + ".csv");
        const std::string x = what == std::string("scaling") ? "log10_params" : "bits_per_byte";
        std::vector<std::string> args = {"--csv", points,        "--x",   x,
                                         "--y",   "resemblance", "--out", out};
        // The slope's interval over the models' shared resamples of readers.
        if (b.job_.analyses.bootstrap > 0) {
          std::string replicates;
          for (const ModelInfo* mi : ms) {
            const Stage* r = g.find(resemblance_id(mi->spec->name, h, grp));
            replicates += (replicates.empty() ? "" : ",") +
                          b.out(r->table["files"]["replicates"].get<std::string>());
          }
          args.insert(args.end(), {"--bootstrap", replicates});
        }
        Stage& s = b.add("stats/" + id, "stats fit", args);
        s.rank0_only = true;
        s.points = {{"what", what}, {"path", points}, {"models", nlohmann::json::array()}};
        for (const ModelInfo* mi : ms) {
          const Stage* r = g.find(resemblance_id(mi->spec->name, h, grp));
          s.points["models"].push_back(
              {{"model", mi->spec->name},
               {"params", mi->size.n_params},
               {"resemblance_summary", b.out(r->table["files"]["summary"].get<std::string>())}});
          b.reads(s, r->id);
        }
        if (what == std::string("ntp")) {
          s.points["ntp"] = b.out("analysis/ntp/ntp.csv");
          b.reads(s, "ntp");
        }
        b.command_options(s);
        nlohmann::json rel = s.points;
        rel["path"] = out_relative(points, b.out_);
        for (auto& mm : rel["models"])
          mm["resemblance_summary"] = out_relative(mm["resemblance_summary"], b.out_);
        if (rel.contains("ntp")) rel["ntp"] = out_relative(rel["ntp"], b.out_);
        s.options["points"] = rel;
        s.table = {{"kind", "stats_fit"}, {"what", what}, {"store", h.name}, {"group", grp}};
        b.set_outputs(s, {{"rows", out}, {"points", points}});
      }
    }
}

// Statistics over the analyses' tables.
void add_stats_stages(Builder& b) {
  if (!b.job_.runs("stats")) return;
  add_tuning_tests(b);
  add_reliance_tests(b);
  add_fit_stages(b);
}

// The report reads everything.
void add_report_stage(Builder& b, bool report_available) {
  const Job& job = b.job_;
  Graph& g = b.g_;
  if (job.report) {
    if (!report_available) {
      g.notes.push_back("report: no `lmgaze report` command in this build; stage left out");
    } else {
      const std::vector<std::string> ids = [&] {
        std::vector<std::string> v;
        for (const Stage& s : g.stages) v.push_back(s.id);
        return v;
      }();
      Stage& s = b.add("report", "report", {"--job", job.path});
      s.rank0_only = true;
      for (const std::string& id : ids) b.reads(s, id);
      s.outputs = {b.out("report/index.md")};
      s.options = {{"command", "report"}, {"args", {"--job", "JOB"}}};
    }
  }
}

}  // namespace

bool shares_weights(const Stage& a, const Stage& b) {
  return a.kind == "extract" && b.kind == "extract" && a.model == b.model;
}

const Stage* Graph::find(const std::string& id) const {
  for (const auto& s : stages)
    if (s.id == id) return &s;
  return nullptr;
}

std::string out_relative(const std::string& path, const std::string& out_dir) {
  if (path == out_dir) return "OUT";
  if (path.size() > out_dir.size() && path.compare(0, out_dir.size(), out_dir) == 0 &&
      path[out_dir.size()] == '/')
    return "OUT" + path.substr(out_dir.size());
  return path;
}

Graph build_graph(const Job& job, bool report_available) {
  Graph g;
  for (const ModelSpec& m : job.models) g.models.push_back({&m, model_size(m)});
  Builder b(job, g);
  add_human_stages(b);
  add_extract_stages(b);
  add_ntp_stage(b);
  add_noise_ceiling_stages(b);
  add_resemblance_stages(b);
  add_trivial_stages(b);
  add_divergence_stages(b);
  add_agreement_stages(b);
  add_stats_stages(b);
  add_report_stage(b, report_available);
  return g;
}

nlohmann::json manifest(const Job& job, const Graph& graph, const std::vector<bool>& done) {
  using nlohmann::json;
  json m = {{"format", "lmgaze-run-manifest"},
            {"format_version", 1},
            {"job", std::filesystem::absolute(job.path).lexically_normal().string()},
            {"name", job.name},
            {"out", job.out_dir},
            {"text", job.text}};
  json models = json::array();
  for (const ModelInfo& mi : graph.models) {
    json e = {{"name", mi.spec->name},
              {"family", mi.spec->family},
              {"role", mi.spec->role},
              {"base", mi.spec->base},
              {"dir", mi.spec->dir},
              {"n_params", mi.size.n_params},
              {"n_params_source", mi.size.source}};
    e["n_layers"] = mi.size.config ? mi.size.config->n_layers : 0;
    e["n_heads"] = mi.size.config ? mi.size.config->n_heads : 0;
    e["model_type"] = mi.size.config ? mi.size.config->model_type : "";
    models.push_back(e);
  }
  m["models"] = models;
  json conds = json::array();
  for (const Condition& c : job.conditions)
    conds.push_back({{"name", c.name}, {"prefix", c.prefix}});
  m["conditions"] = conds;
  m["reference"] = job.analyses.reference;
  json humans = json::array();
  for (const HumanSpec& h : job.humans)
    humans.push_back({{"name", h.name},
                      {"path", "human/" + h.name + ".h5"},
                      {"groups", h.groups},
                      {"simulated", !h.simulate.empty()},
                      {"group_means", h.group_means},
                      {"with_models", h.with_models}});
  m["human"] = humans;
  json attention = json::array(), tables = json::array(), stages = json::array();
  for (size_t i = 0; i < graph.stages.size(); ++i) {
    const Stage& s = graph.stages[i];
    const bool d = i < done.size() && done[i];
    if (s.kind == "extract")
      attention.push_back({{"model", s.model},
                           {"condition", s.condition},
                           {"path", out_relative(s.outputs[0], job.out_dir).substr(4)},
                           {"done", d}});
    if (!s.table.is_null()) {
      json t = s.table;
      t["done"] = d;
      tables.push_back(t);
    }
    stages.push_back({{"id", s.id}, {"kind", s.kind}, {"deps", s.deps}, {"done", d}});
  }
  m["attention"] = attention;
  m["tables"] = tables;
  m["stages"] = stages;
  m["notes"] = graph.notes;
  return m;
}

}  // namespace lmgaze::run
