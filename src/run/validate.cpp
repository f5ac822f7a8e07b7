#include "run/validate.hpp"

#include <filesystem>
#include <map>

#include "common/corpus.hpp"
#include "common/error.hpp"
#include "human/simulate.hpp"

namespace lmgaze::run {

namespace {

// The problem an InputError describes, placed at `where` when it names no file.
Problem from_error(const InputError& e, const Where& where) {
  if (e.file().empty()) return {where, e.problem()};
  return {where, e.what()};
}

}  // namespace

std::vector<Problem> validate_stages(const Job& job, const Graph& graph) {
  std::vector<Problem> problems;
  // The text: read once here so that a bad one is refused before any stage.
  long n_sentences = -1;
  if (!job.text.empty() && std::filesystem::is_regular_file(job.text)) {
    try {
      n_sentences = static_cast<long>(read_corpus(job.text).sentences.size());
    } catch (const InputError& e) {
      problems.push_back({job.text_where, e.what()});
    }
  }
  // Readers per group of each simulated store.
  std::map<std::string, std::map<std::string, int>> simulated;
  for (const HumanSpec& h : job.humans) {
    if (h.simulate.empty()) continue;
    const Where simulate_where{
        h.where.file, h.key_lines.count("simulate") ? h.key_lines.at("simulate") : h.where.line};
    try {
      for (const human::ReaderCount& c : human::parse_reader_counts(h.simulate)) {
        human::profile_for(c.group);  // only the simulator's profiles
        simulated[h.name][c.group] = c.count;
      }
    } catch (const InputError& e) {
      problems.push_back(from_error(e, simulate_where));
      continue;
    }
    const Where groups_where{h.where.file,
                             h.key_lines.count("groups") ? h.key_lines.at("groups") : h.where.line};
    for (const std::string& g : h.groups)
      if (!simulated[h.name].count(g))
        problems.push_back({groups_where, "group " + g + " of [human " + h.name +
                                              "] is not among the simulated readers (simulate = " +
                                              h.simulate + ")"});
  }
  // Each typed analysis, against what is known of its inputs.
  for (const Stage& s : graph.stages) {
    if (const auto* o = std::get_if<analysis::ResemblanceAnalysisOptions>(&s.call)) {
      const HumanSpec* h = nullptr;
      for (const HumanSpec& x : job.humans)
        if (s.table.value("store", "") == x.name) h = &x;
      for (const analysis::OptionProblem& p :
           analysis::validate(o->compute, {h && h->with_models ? n_sentences : -1})) {
        Where w = job.analyses.where_of(p.option);
        if (p.option == "ceiling" && h && h->key_lines.count("ceiling"))
          w = {h->where.file, h->key_lines.at("ceiling")};
        const std::string key =
            p.option == "cv" ? "cv = " + std::to_string(o->compute.cv_folds) : p.option;
        problems.push_back({w, "stage " + s.id + ": " + key + ": " + p.what});
      }
    }
    if (const auto* o = std::get_if<analysis::NoiseCeilingAnalysisOptions>(&s.call)) {
      const std::string store = s.table.value("store", "");
      const HumanSpec* h = nullptr;
      for (const HumanSpec& x : job.humans)
        if (x.name == store) h = &x;
      const auto st = simulated.find(store);
      long n_readers = -1;
      if (st != simulated.end() && st->second.count(o->compute.group))
        n_readers = st->second.at(o->compute.group);
      for (const analysis::OptionProblem& p : analysis::validate(*o, {n_readers}))
        problems.push_back(
            {{h->where.file,
              h->key_lines.count("simulate") ? h->key_lines.at("simulate") : h->where.line},
             "stage " + s.id + ": " + p.what});
    }
  }
  return problems;
}

std::vector<Problem> all_problems(const Job& job, const Graph& graph) {
  std::vector<Problem> problems = job.problems;
  for (Problem& p : validate_stages(job, graph)) problems.push_back(std::move(p));
  return problems;
}

}  // namespace lmgaze::run
