#include "run/runner.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>

#include "analysis/agreement.hpp"
#include "analysis/ntp_analysis.hpp"
#include "analysis/resemblance_analysis.hpp"
#include "analysis/table.hpp"
#include "common/error.hpp"
#include "common/inputs.hpp"
#include "common/strings.hpp"
#include "extract/extractor.hpp"
#include "human/human_store.hpp"
#include "human/serial.hpp"
#include "human/summary.hpp"
#include "io/atomic_output.hpp"
#include "mpi/comm.hpp"
#include "run/arg_calls.hpp"
#include "run/lock.hpp"
#include "run/record.hpp"
#include "run/select.hpp"
#include "run/validate.hpp"
#include "stats/csv.hpp"

namespace fs = std::filesystem;

namespace lmgaze::run {

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// ---- signals ---------------------------------------------------------------

volatile std::sig_atomic_t g_stop = 0;

extern "C" void on_stop_signal(int sig) {
  if (g_stop) {  // second signal: abandon the stage now
    std::signal(sig, SIG_DFL);
    std::raise(sig);
    return;
  }
  g_stop = sig;
  const char msg[] =
      "\nlmgaze run: stop requested: finishing the current stage, then stopping "
      "(signal again to abandon it)\n";
  [[maybe_unused]] const ssize_t n = ::write(2, msg, sizeof msg - 1);
}

// Installs the handlers for the lifetime of a run and restores the old ones.
class StopSignals {
 public:
  StopSignals() {
    g_stop = 0;
    struct sigaction sa = {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, &old_term_);
    sigaction(SIGINT, &sa, &old_int_);
  }
  ~StopSignals() {
    sigaction(SIGTERM, &old_term_, nullptr);
    sigaction(SIGINT, &old_int_, nullptr);
  }

 private:
  struct sigaction old_term_ = {}, old_int_ = {};
};

// Any rank's signal stops every rank (all ranks call this at the same points).
int agreed_stop(MPI_Comm comm) {
  int mine = g_stop, any = 0;
  MPI_Allreduce(&mine, &any, 1, MPI_INT, MPI_MAX, comm);
  return any;
}

// ---- extraction ------------------------------------------------------------

// The extraction stages of one model that run in this run, in graph order:
// one run_extraction call loads the weights once and writes each condition's
// file (extract/<model>.<condition>), each with a record of its own.
void run_extract_stages(const Job& job, const std::vector<const Stage*>& stages,
                        const std::function<void(size_t)>& stage_done,
                        const std::function<bool()>& stop_requested) {
  const ModelSpec& m = *job.model(stages.front()->model);
  ExtractOptions o;
  o.model_dir = m.dir;
  o.text_path = job.text;
  for (const Stage* s : stages)
    o.targets.push_back({s->outputs.at(0), job.condition(s->condition)->prefix});
  o.dtype = m.dtype;
  o.device = m.device;
  o.batch = m.batch;
  o.stages = m.stages;
  o.ranks_per_gpu = m.ranks_per_gpu;
  o.tokenizer = m.tokenizer;
  o.bos = m.bos;
  o.quiet = false;  // rank 0 shows sentences done / total and the rate
  o.target_done = stage_done;
  o.stop_requested = stop_requested;
  run_extraction(o);
}

// ---- stats fit points ------------------------------------------------------

// Scores of the analysis stages, by output directory: from the call when the
// stage ran in this run, else from the sidecar it wrote when it was done.
struct ScoreBook {
  std::map<std::string, analysis::ResemblanceScores> resemblance;
  std::map<std::string, std::map<std::string, analysis::NtpResult>> ntp;
};

double best_resemblance(const ScoreBook& book, const std::string& summary_path) {
  const std::string dir = fs::path(summary_path).parent_path().string();
  const auto it = book.resemblance.find(dir);
  const analysis::ResemblanceScores sc =
      it != book.resemblance.end() ? it->second : analysis::read_resemblance_scores(dir);
  if (sc.best_layer < 0)
    throw InputError(dir + "/resemblance.json", "no layer had a defined R² (no resemblance)");
  return sc.resemblance;
}

std::map<std::string, analysis::NtpResult> ntp_scores(const ScoreBook& book,
                                                      const std::string& csv_path) {
  const std::string dir = fs::path(csv_path).parent_path().string();
  const auto it = book.ntp.find(dir);
  return it != book.ntp.end() ? it->second : analysis::read_ntp_scores(dir);
}

void write_points(const Stage& s, const ScoreBook& book) {
  const nlohmann::json& p = s.points;
  const bool scaling = p["what"] == "scaling";
  // Loss per token and bits per byte; the fit uses bits per byte, which
  // compares models whose tokenizers cut the text differently (METHODS.md 10).
  std::map<std::string, analysis::NtpResult> loss;
  if (!scaling) loss = ntp_scores(book, p["ntp"].get<std::string>());
  std::vector<std::vector<std::string>> rows;
  for (const auto& m : p["models"]) {
    const std::string name = m["model"].get<std::string>();
    const double r = best_resemblance(book, m["resemblance_summary"].get<std::string>());
    if (scaling) {
      const double n = m["params"].get<double>();
      rows.push_back(
          {name, stats::csv_number(n), stats::csv_number(std::log10(n)), stats::csv_number(r)});
    } else {
      if (!loss.count(name))
        throw InputError(p["ntp"].get<std::string>(), "no row for model " + name);
      rows.push_back({name, stats::csv_number(loss[name].loss),
                      stats::csv_number(loss[name].bits_per_byte), stats::csv_number(r)});
    }
  }
  const std::vector<std::string> header =
      scaling ? std::vector<std::string>{"model", "params", "log10_params", "resemblance"}
              : std::vector<std::string>{"model", "loss", "bits_per_byte", "resemblance"};
  stats::write_csv(p["path"].get<std::string>(),
                   {"lmgaze run: one point per model; resemblance = the max row of its "
                    "resemblance_summary.csv",
                    scaling ? "params: the job's params, else counted from config.json / shape"
                            : "loss (nats per token) and bits_per_byte: analysis/ntp/ntp.csv, "
                              "plain condition"},
                   header, rows);
}

// ---- one stage -------------------------------------------------------------

void execute(const Job& job, const Stage& s, CommandLookup commands, ScoreBook& book,
             MPI_Comm comm) {
  const int rank = mpi::rank(comm);
  clear_inputs();  // a stage is a command of its own: its inputs are its own
  if (const auto* o = std::get_if<analysis::ResemblanceAnalysisOptions>(&s.call)) {
    const analysis::ResemblanceScores sc = analysis::resemblance_analysis(*o, comm, std::cout);
    if (rank == 0) book.resemblance[o->out_dir] = sc;
    return;
  }
  if (const auto* o = std::get_if<analysis::NoiseCeilingAnalysisOptions>(&s.call)) {
    analysis::noise_ceiling_analysis(*o, comm, std::cout);
    return;
  }
  if (const auto* o = std::get_if<analysis::TrivialAnalysisOptions>(&s.call)) {
    analysis::trivial_analysis(*o, comm, std::cout);
    return;
  }
  if (const auto* o = std::get_if<analysis::DivergenceAnalysisOptions>(&s.call)) {
    analysis::divergence_analysis(*o, comm, std::cout);
    return;
  }
  if (const auto* o = std::get_if<analysis::NtpAnalysisOptions>(&s.call)) {
    auto results = analysis::ntp_analysis(*o, comm, std::cout);
    if (rank == 0) book.ntp[o->out_dir] = std::move(results);
    return;
  }
  auto call = [&](const std::string& name, const std::vector<std::string>& args) {
    Command c = commands(name);
    if (!c) throw InputError("this build has no `lmgaze " + name + "`");
    const int code = c(args);
    if (code != 0) throw InputError("lmgaze " + name + " exited with code " + std::to_string(code));
  };
  if (!s.rank0_only) {  // collective analysis command
    call(s.command, s.args);
    return;
  }
  // Serial stages: the work is on rank 0; commands that are MPI-aware
  // themselves (Stage::serial_itself) are called on every rank and wait on their own.
  if (s.serial_itself) {
    if (const auto* o = std::get_if<human::ImportOptions>(&s.call))
      human::run_on_rank0([&] { human::import_human(*o, std::cout); });
    else if (const std::optional<human::SimulateOptions> o = simulate_call(s))
      human::run_on_rank0([&] { human::simulate_fixations(*o, std::cout); });
    else
      call(s.command, s.args);
    if (s.kind == "human" && rank == 0) {
      AtomicOutput out(s.outputs.at(1));
      {
        std::ofstream f(out.temp_path());
        human::print_summary(HumanStore(s.outputs.at(0)), f);
        f.close();  // a failed last write shows only here
        if (!f) throw InputError(s.outputs.at(1), "write failed");
      }
      out.commit();
    }
    return;
  }
  if (rank == 0) {
    if (const auto* o = std::get_if<analysis::AgreementOptions>(&s.call)) {
      analysis::agreement_analysis(*o);
    } else if (const std::optional<StatsCall> stats = stats_call(s)) {
      if (!s.points.is_null()) write_points(s, book);
      run_stats_call(*stats, std::cout);
    } else {
      call(s.command, s.args);
    }
  }
}

std::string clock_time() {
  const std::time_t now = std::time(nullptr);
  char buf[16];
  std::strftime(buf, sizeof buf, "%H:%M:%S", std::localtime(&now));
  return buf;
}

}  // namespace

std::string format_duration(double s) {
  char buf[64];
  if (s < 60)
    std::snprintf(buf, sizeof buf, "%.1f s", s);
  else if (s < 3600)
    std::snprintf(buf, sizeof buf, "%d min %02d s", static_cast<int>(s) / 60,
                  static_cast<int>(s) % 60);
  else
    std::snprintf(buf, sizeof buf, "%d h %02d min", static_cast<int>(s) / 3600,
                  static_cast<int>(s) % 3600 / 60);
  return buf;
}

std::vector<StageState> decide(const Graph& graph, const std::string& out_dir, bool force,
                               const std::set<std::string>& only) {
  std::vector<StageState> st(graph.stages.size());
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < graph.stages.size(); ++i) {
    const Stage& s = graph.stages[i];
    index[s.id] = i;
    if (force && (only.empty() || only.count(s.kind))) {
      st[i] = {true, "--force"};
      continue;
    }
    for (const std::string& d : s.deps)
      if (st[index.at(d)].run) {
        st[i] = {true, "input stage " + d + " runs"};
        break;
      }
    if (st[i].run) continue;
    const std::string why = stale_reason(s, out_dir);
    st[i] = {!why.empty(), why};
  }
  return st;
}

int run_job(const Job& job, const Graph& graph, CommandLookup commands, const RunOptions& options,
            MPI_Comm comm) {
  const int rank = mpi::rank(comm), ranks = mpi::size(comm);
  // Everything the job file and the inputs show, before any stage runs.
  const std::vector<Problem> problems = all_problems(job, graph);
  if (!problems.empty()) {
    const Problem& p = problems.front();
    std::string more;
    if (problems.size() > 1)
      more = " (and " + std::to_string(problems.size() - 1) + " more problems: lmgaze plan --job " +
             job.path + " lists them)";
    throw InputError(p.where.file, p.where.line, p.what + more);
  }
  StopSignals signals;
  const auto start = Clock::now();

  // Rank 0 takes the output's lock and decides; everyone follows. Per stage:
  // kDone, kRun, or kHeld (pending, but not of a kind --only selected).
  enum : char { kDone = 0, kRun = 1, kHeld = 2 };
  std::optional<OutputLock> lock;  // held until run_job returns
  std::vector<StageState> states;
  std::vector<char> todo(graph.stages.size(), kDone);
  std::string refusal;
  if (rank == 0) {
    try {
      lock.emplace(lock_path(job.out_dir));
      if (!lock->warning().empty())
        std::cerr << "lmgaze run: warning: " << lock->warning() << std::endl;
      states = decide(graph, job.out_dir, options.force, options.only);
      if (!options.only.empty()) {
        const std::vector<std::string> missing = hold_unselected(graph, options.only, states);
        if (!missing.empty()) refusal = missing_upstream_message(missing, options.only_text);
      }
    } catch (const InputError& e) {
      refusal = e.what();
    }
    if (refusal.empty())
      for (size_t i = 0; i < states.size(); ++i)
        todo[i] = states[i].held ? kHeld : states[i].run ? kRun : kDone;
  }
  // A refusal from rank 0 alone would leave the other ranks in this broadcast
  // (and take the job down with MPI_Abort's banner): refuse together instead.
  int refused = !refusal.empty();
  MPI_Bcast(&refused, 1, MPI_INT, 0, comm);
  if (refused) {
    if (rank == 0) std::cerr << "lmgaze: " << refusal << std::endl;
    return 2;
  }
  MPI_Bcast(todo.data(), static_cast<int>(todo.size()), MPI_CHAR, 0, comm);
  std::vector<bool> done(graph.stages.size());
  for (size_t i = 0; i < todo.size(); ++i) done[i] = todo[i] == kDone;

  const size_t n = graph.stages.size();
  size_t n_run = 0, n_held = 0;
  for (char t : todo) {
    n_run += t == kRun;
    n_held += t == kHeld;
  }
  const size_t n_done = n - n_run - n_held;
  const std::string held_note =
      n_held ? ", " + std::to_string(n_held) + " not selected (--only " + options.only_text + ")"
             : "";
  if (rank == 0) {
    fs::create_directories(job.out_dir);
    analysis::write_json(job.out_dir + "/manifest.json", manifest(job, graph, done));
    std::cout << "lmgaze run " << job.name << ": " << n << " stages, " << n_run << " to run, "
              << n_done << " done" << held_note << "; " << ranks << " rank"
              << (ranks > 1 ? "s" : "") << " -> " << job.out_dir << std::endl;
    for (const std::string& note : graph.notes) std::cout << "note: " << note << "\n";
  }
  const std::string width = std::to_string(n);
  auto tag = [&](size_t i) {
    std::ostringstream t;
    t << "[" << std::setw(static_cast<int>(width.size())) << i + 1 << "/" << n << "]";
    return t.str();
  };

  size_t ran = 0;
  ScoreBook scores;
  for (size_t i = 0; i < n; ++i) {
    const Stage& s = graph.stages[i];
    if (todo[i] != kRun || done[i]) continue;
    if (const int sig = agreed_stop(comm)) {
      if (rank == 0) {
        analysis::write_json(job.out_dir + "/manifest.json", manifest(job, graph, done));
        std::cout << "lmgaze run: stopped by signal " << sig << " before " << s.id << ": " << ran
                  << " stage(s) run, " << n_run - ran
                  << " left; run the same command again to resume" << std::endl;
      }
      return 128 + sig;
    }
    if (s.id == "report" && rank == 0)
      analysis::write_json(job.out_dir + "/manifest.json", manifest(job, graph, done));
    // What runs now: the stage, or every pending extraction of its model,
    // which share one load of the weights (graph.hpp: shares_weights).
    std::vector<size_t> unit = {i};
    for (size_t j = i + 1; j < n; ++j)
      if (todo[j] == kRun && !done[j] && shares_weights(graph.stages[j], s)) unit.push_back(j);
    const std::string what =
        unit.size() == 1
            ? s.id
            : "extract/" + s.model + " (" + std::to_string(unit.size()) + " conditions, one load)";
    const auto t0 = Clock::now();
    if (rank == 0) {
      for (size_t k : unit) {
        const Stage& u = graph.stages[k];
        std::cout << tag(k) << " " << clock_time() << " start " << u.id << "  (" << states[k].reason
                  << ")" << std::endl;
        fs::remove(record_path(job.out_dir, u.id));
        for (const std::string& o : u.outputs) fs::create_directories(fs::path(o).parent_path());
        fs::create_directories(fs::path(record_path(job.out_dir, u.id)).parent_path());
      }
    }
    // Records a stage of the unit as done: outputs present, record written.
    auto t_last = t0;
    const auto finished = [&](size_t k) {
      const Stage& u = graph.stages[k];
      const double secs = since(t_last);
      t_last = Clock::now();
      if (rank == 0) {
        for (const std::string& o : u.outputs)
          if (!fs::exists(o)) throw InputError("lmgaze run: stage " + u.id + " did not write " + o);
        analysis::write_json(record_path(job.out_dir, u.id),
                             make_record(u, job.out_dir, secs, ranks));
        std::cout << tag(k) << " " << clock_time() << " done  " << u.id << "  "
                  << format_duration(secs) << " (run " << format_duration(since(start)) << ")"
                  << std::endl;
      }
      done[k] = true;  // a stage run with this one: the loop does not start it again
      ++ran;
    };
    MPI_Barrier(comm);
    try {
      if (s.kind == "extract") {
        clear_inputs();  // the extraction is a command of its own
        std::vector<const Stage*> stages;
        for (size_t k : unit) stages.push_back(&graph.stages[k]);
        // Each condition is recorded as soon as its file is complete, and a
        // stop request ends the unit between conditions: what is written stays done.
        run_extract_stages(
            job, stages,
            [&](size_t k) {
              MPI_Barrier(comm);
              finished(unit[k]);
            },
            [&] { return agreed_stop(comm) != 0; });
      } else {
        execute(job, s, commands, scores, comm);
      }
    } catch (const ExtractRefused& e) {
      // Every rank refused together; one of them holds the reason.
      if (e.reporter()) std::cerr << "lmgaze: stage " << what << ": " << e.what() << std::endl;
      return 2;
    } catch (const InputError& e) {
      // Still one line; it says which stage failed.
      throw InputError(e.file(), e.line(), e.column(), "stage " + what + ": " + e.problem());
    }
    MPI_Barrier(comm);
    if (s.kind != "extract") finished(i);
  }
  if (const int sig = agreed_stop(comm)) {
    // Every stage finished; the signal came during the last one. Report it.
    if (rank == 0)
      std::cout << "lmgaze run: signal " << sig << " received; all stages had finished"
                << std::endl;
  }
  if (rank == 0) {
    analysis::write_json(job.out_dir + "/manifest.json", manifest(job, graph, done));
    std::cout << "lmgaze run " << job.name << ": finished in " << format_duration(since(start))
              << ": " << ran << " stage(s) run, " << n_done << " skipped (done)" << held_note
              << " -> " << job.out_dir << std::endl;
  }
  return 0;
}

// ---- plan ------------------------------------------------------------------

void print_plan(const Job& job, const Graph& graph, const std::vector<StageState>& states,
                int ranks, std::ostream& out) {
  out << "job " << job.name << " (" << job.path << ")\n";
  if (!job.description.empty()) out << "  " << job.description << "\n";
  out << "  text   " << (job.text.empty() ? "(not set)" : job.text) << "\n";
  out << "  output " << job.out_dir << "\n\n";

  out << "models (" << graph.models.size() << "):\n";
  out << "  " << std::left << std::setw(16) << "name" << std::setw(12) << "family" << std::setw(7)
      << "role" << std::setw(14) << "base" << std::setw(10) << "params" << std::setw(8) << "layers"
      << std::setw(7) << "heads"
      << "size from / checkpoint\n";
  for (const ModelInfo& mi : graph.models) {
    const ModelSpec& m = *mi.spec;
    out << "  " << std::setw(16) << m.name << std::setw(12) << m.family << std::setw(7) << m.role
        << std::setw(14) << (m.base.empty() ? "-" : m.base) << std::setw(10)
        << (mi.size.n_params > 0 ? format_params(mi.size.n_params) : "?") << std::setw(8)
        << (mi.size.config ? std::to_string(mi.size.config->n_layers) : "?") << std::setw(7)
        << (mi.size.config ? std::to_string(mi.size.config->n_heads) : "?") << mi.size.source
        << " / " << (m.dir.empty() ? m.dir_as_written + " (unset)" : m.dir) << "\n";
  }
  out << std::right;
  if (job.conditions.size() > 1) {
    out << "\nconditions: plain";
    for (size_t i = 1; i < job.conditions.size(); ++i)
      out << ", " << job.conditions[i].name << " (\"" << job.conditions[i].prefix << "\")";
    out << "\n";
  }
  for (const HumanSpec& h : job.humans) {
    out << "human " << h.name << ": groups";
    for (const auto& g : h.groups) out << " " << g;
    out << (h.simulate.empty() ? "" : ", SIMULATED readers " + h.simulate)
        << (h.group_means ? ", group means" : "")
        << (h.with_models ? ", compared with the models" : ", human-only") << "\n";
  }

  size_t n_run = 0;
  for (const auto& s : states) n_run += s.run;
  out << "\nstages (" << graph.stages.size() << ", " << n_run << " to run):\n";
  for (size_t i = 0; i < graph.stages.size(); ++i) {
    const Stage& s = graph.stages[i];
    out << "  " << std::setw(3) << i + 1 << "  " << std::left << std::setw(44) << s.id << std::right
        << (states[i].run ? "run   " : "done  ") << (states[i].run ? states[i].reason : "") << "\n";
    if (!s.deps.empty()) {
      out << "         after:";
      size_t k = 0;
      for (const auto& d : s.deps) {
        if (k++ == 6) {
          out << " ... (" << s.deps.size() << " stages)";
          break;
        }
        out << " " << d;
      }
      out << "\n";
    }
    if (s.kind != "extract") {
      out << "         "
          << (s.rank0_only ? "serial (rank 0), CPU" : "CPU, any number of ranks (sentences split)")
          << "\n";
      continue;
    }
    const ModelInfo* mi = nullptr;
    for (const auto& m : graph.models)
      if (m.spec->name == s.model) mi = &m;
    const ModelSpec& m = *mi->spec;
    // Pending conditions of one model run together on one load of its weights.
    std::vector<std::string> together;
    size_t first = graph.stages.size();
    for (size_t j = 0; j < graph.stages.size(); ++j)
      if (states[j].run && shares_weights(graph.stages[j], s)) {
        first = std::min(first, j);
        together.push_back(graph.stages[j].condition);
      }
    if (states[i].run && together.size() > 1) {
      if (first == i) {
        out << "         one load of " << m.name << " for " << together.size()
            << " conditions: " << join(together, ", ") << "\n";
      } else {
        out << "         with " << graph.stages[first].id << " (same load, same memory)\n";
        continue;
      }
    }
    const int stages = m.stages;
    out << "         " << m.device << ", " << m.dtype << ", batch " << m.batch << ", " << stages
        << " pipeline stage" << (stages > 1 ? "s" : "");
    if (ranks % stages == 0)
      out << ", " << ranks / stages << " group" << (ranks / stages > 1 ? "s" : "") << " on "
          << ranks << " rank" << (ranks > 1 ? "s" : "") << "\n";
    else
      out << " (needs a multiple of " << stages << " ranks; " << ranks << " given)\n";
    if (!mi->size.config) {
      out << "         memory: unknown (no config.json and no shape; "
          << (mi->size.n_params > 0 ? "weights " +
                                          format_bytes(static_cast<int64_t>(
                                              mi->size.n_params * bytes_per_param(m.dtype))) +
                                          " in all"
                                    : "give shape = or params =")
          << ")\n";
      continue;
    }
    const auto mem = pipeline_memory(*mi->size.config, stages, bytes_per_param(m.dtype), m.batch,
                                     job.max_tokens);
    const bool gpu = m.device.rfind("cuda", 0) == 0;
    const bool shared = gpu && m.ranks_per_gpu > 1;
    int64_t largest = 0;
    for (size_t k = 0; k < mem.size(); ++k) {
      out << "         stage " << k << ": layers " << mem[k].first_layer << "-"
          << mem[k].end_layer - 1 << ", weights " << format_bytes(mem[k].weight_bytes)
          << " + activations ~" << format_bytes(mem[k].activation_bytes) << " = "
          << format_bytes(mem[k].total()) << " per " << (gpu && !shared ? "GPU" : "rank") << "\n";
      largest = std::max(largest, mem[k].total());
    }
    // Ranks sharing a GPU may be any stages: size for the heaviest ones.
    if (shared)
      out << "         " << m.ranks_per_gpu << " ranks per GPU: up to "
          << format_bytes(largest * m.ranks_per_gpu) << " per GPU\n";
  }
  if (!graph.notes.empty()) {
    out << "\nleft out:\n";
    for (const auto& n : graph.notes) out << "  " << n << "\n";
  }
  out << "\n";
  const std::vector<Problem> problems = all_problems(job, graph);
  if (problems.empty()) {
    out << "ready to run: lmgaze run --job " << job.path << "\n";
  } else {
    out << "cannot run yet (" << problems.size() << " problem" << (problems.size() > 1 ? "s" : "")
        << "):\n";
    for (const auto& p : problems) out << "  " << p.str() << "\n";
  }
}

}  // namespace lmgaze::run
