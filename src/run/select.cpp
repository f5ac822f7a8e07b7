#include "run/select.hpp"

#include <algorithm>
#include <map>

#include "common/error.hpp"
#include "common/strings.hpp"

namespace lmgaze::run {

namespace {

bool is_analysis(const std::string& kind) { return kind != "extract" && kind != "report"; }

}  // namespace

const std::vector<std::string>& stage_kinds() {
  static const std::vector<std::string> kinds = {
      "simulate", "human",      "extract",   "ntp",   "noise-ceiling", "resemblance",
      "trivial",  "divergence", "agreement", "stats", "report"};
  return kinds;
}

std::set<std::string> parse_only(const std::string& list) {
  const std::vector<std::string>& all = stage_kinds();
  std::set<std::string> kinds;
  size_t from = 0;
  while (from <= list.size()) {
    size_t to = list.find(',', from);
    if (to == std::string::npos) to = list.size();
    const std::string name = list.substr(from, to - from);
    from = to + 1;
    if (name.empty()) continue;  // "extract," or "a,,b": nothing between the commas
    if (name == "analyses") {
      for (const auto& k : all)
        if (is_analysis(k)) kinds.insert(k);
    } else if (std::find(all.begin(), all.end(), name) != all.end()) {
      kinds.insert(name);
    } else {
      throw InputError("lmgaze run: --only: unknown stage kind '" + name + "' (kinds: analyses, " +
                       join(all, ", ") + ")");
    }
  }
  if (kinds.empty())
    throw InputError("lmgaze run: --only needs a stage kind (analyses, " + join(all, ", ") + ")");
  return kinds;
}

std::vector<std::string> hold_unselected(const Graph& graph, const std::set<std::string>& kinds,
                                         std::vector<StageState>& states) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < graph.stages.size(); ++i) index[graph.stages[i].id] = i;
  std::vector<bool> missing(graph.stages.size(), false);
  for (size_t i = 0; i < graph.stages.size(); ++i) {
    if (!states[i].run) continue;
    if (!kinds.count(graph.stages[i].kind)) {
      states[i].held = true;
      continue;
    }
    // A pending input stage that this run will not start: the selected stage
    // would read outputs that are absent or out of date.
    for (const std::string& d : graph.stages[i].deps) {
      const size_t k = index.at(d);
      if (states[k].run && !kinds.count(graph.stages[k].kind)) missing[k] = true;
    }
  }
  std::vector<std::string> ids;
  for (size_t i = 0; i < graph.stages.size(); ++i)
    if (missing[i]) ids.push_back(graph.stages[i].id);
  return ids;
}

std::string missing_upstream_message(const std::vector<std::string>& missing,
                                     const std::string& only) {
  constexpr size_t kNamed = 4;  // the message stays one readable line
  std::vector<std::string> named(missing.begin(),
                                 missing.begin() + std::min(kNamed, missing.size()));
  std::string list = join(named, ", ");
  if (missing.size() > kNamed) list += " and " + std::to_string(missing.size() - kNamed) + " more";
  std::set<std::string> present;
  for (const auto& id : missing) present.insert(id.substr(0, id.find('/')));
  size_t n_analysis = 0;
  for (const auto& k : present) n_analysis += is_analysis(k);
  // Several analysis kinds read better as the group (which runs them all).
  std::vector<std::string> kinds;
  if (n_analysis > 1) {
    if (present.count("extract")) kinds.push_back("extract");
    kinds.push_back("analyses");
    if (present.count("report")) kinds.push_back("report");
  } else {
    for (const auto& k : stage_kinds())
      if (present.count(k)) kinds.push_back(k);
  }
  return "lmgaze run: --only " + only + ": " + std::to_string(missing.size()) + " upstream stage" +
         (missing.size() > 1 ? "s are" : " is") + " not done: " + list + "; run " +
         (missing.size() > 1 ? "them" : "it") + " first (--only " + join(kinds, ",") + ") or add " +
         (kinds.size() > 1 ? "those kinds" : "that kind") + " to --only";
}

}  // namespace lmgaze::run
