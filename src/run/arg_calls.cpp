#include "run/arg_calls.hpp"

#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace lmgaze::run {

namespace {

// "--name value" pairs: every option graph.cpp gives these stages takes a value.
std::map<std::string, std::string> option_values(const Stage& s) {
  std::map<std::string, std::string> out;
  for (size_t i = 0; i < s.args.size(); i += 2) {
    const std::string& a = s.args[i];
    if (a.rfind("--", 0) != 0 || i + 1 >= s.args.size())
      throw InputError("stage " + s.id + ": unexpected argument '" + a + "' of lmgaze " +
                       s.command);
    out[a.substr(2)] = s.args[i + 1];
  }
  return out;
}

// Takes each known option out of `values`; what is left is a mistake in the graph.
class Values {
 public:
  Values(const Stage& s) : stage_(s), values_(option_values(s)) {}
  std::string take(const std::string& name) {
    const auto it = values_.find(name);
    if (it == values_.end()) return "";
    std::string v = it->second;
    values_.erase(it);
    return v;
  }
  void done() const {
    if (!values_.empty())
      throw InputError("stage " + stage_.id + ": lmgaze run does not pass --" +
                       values_.begin()->first + " to lmgaze " + stage_.command);
  }

 private:
  const Stage& stage_;
  std::map<std::string, std::string> values_;
};

// A number as the command line reads it ("%.17g" in the graph: exact).
double number(const Stage& s, const std::string& name, const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size())
    throw InputError("stage " + s.id + ": --" + name + " '" + text + "' is not a number");
  return v;
}

}  // namespace

std::optional<StatsCall> stats_call(const Stage& s) {
  if (s.command == "stats paired") {
    Values v(s);
    stats::PairedOptions o;
    o.a = v.take("a");
    o.b = v.take("b");
    if (const std::string alpha = v.take("alpha"); !alpha.empty())
      o.alpha = number(s, "alpha", alpha);
    o.out = v.take("out");
    v.done();
    o.validate();
    return o;
  }
  if (s.command == "stats groups") {
    Values v(s);
    stats::GroupsOptions o;
    o.a = v.take("a");
    o.b = v.take("b");
    o.out = v.take("out");
    v.done();
    o.validate();
    return o;
  }
  if (s.command == "stats fit") {
    Values v(s);
    stats::FitOptions o;
    o.csv = v.take("csv");
    o.x = v.take("x");
    o.y = v.take("y");
    o.out = v.take("out");
    o.bootstrap = v.take("bootstrap");
    v.done();
    o.validate();
    return o;
  }
  return std::nullopt;
}

std::optional<human::SimulateOptions> simulate_call(const Stage& s) {
  if (s.command != "human simulate") return std::nullopt;
  Values v(s);
  human::SimulateOptions o;
  o.text = v.take("text");
  o.out = v.take("out");
  if (const std::string readers = v.take("readers"); !readers.empty()) o.readers = readers;
  if (const std::string seed = v.take("seed"); !seed.empty()) {
    char* end = nullptr;
    o.seed = std::strtoull(seed.c_str(), &end, 10);
    if (*end != '\0' || seed[0] == '-')
      throw InputError("stage " + s.id + ": --seed '" + seed + "' is not a seed");
  }
  v.done();
  o.validate();
  return o;
}

void run_stats_call(const StatsCall& call, std::ostream& log) {
  if (const auto* o = std::get_if<stats::PairedOptions>(&call))
    stats::paired_analysis(*o, log);
  else if (const auto* o = std::get_if<stats::GroupsOptions>(&call))
    stats::groups_analysis(*o, log);
  else
    stats::fit_analysis(std::get<stats::FitOptions>(call), log);
}

}  // namespace lmgaze::run
