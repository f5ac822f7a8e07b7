#include "human/fixation_layout.hpp"

#include <set>

#include "common/error.hpp"

namespace lmgaze::human {

namespace {

const std::set<std::string> kRoles = {"subject",  "group", "article",     "sentence", "trial",
                                      "fixation", "word",  "duration_ms", "event"};

std::string trimmed(const std::string& s) {
  size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

}  // namespace

CsvOptions human_csv_options() {
  CsvOptions o;
  o.delimiter = 0;
  return o;
}

std::string group_name_problem(const std::string& group) {
  if (group.empty()) return "empty group";
  if (group.find('/') != std::string::npos || group == "." || group == "..")
    return "group '" + group + "' cannot name an HDF5 group (no '/', '.' or '..')";
  return "";
}

FixationLayout fixation_layout(const std::string& format, const std::string& columns,
                               const std::string& word_base, const std::string& delimiter) {
  FixationLayout l;
  l.csv.delimiter = 0;
  if (format.empty() || format == "plain") {
    l.format = "plain";
    for (const char* role :
         {"group", "subject", "article", "sentence", "fixation", "word", "duration_ms"})
      l.column[role] = role;
    l.csv.missing = {""};
  } else if (format == "eyelink" || format == "eyelink-fixation-report") {
    // SR Research Data Viewer fixation report: tab-separated, '.' for a
    // missing value, interest areas numbered from 1.
    l.format = "eyelink";
    l.column = {{"subject", "RECORDING_SESSION_LABEL"},
                {"trial", "TRIAL_INDEX"},
                {"fixation", "CURRENT_FIX_INDEX"},
                {"word", "CURRENT_FIX_INTEREST_AREA_INDEX"},
                {"duration_ms", "CURRENT_FIX_DURATION"}};
    l.word_base = 1;
    l.csv.missing = {"", ".", "NA"};
  } else if (format == "pymovements") {
    // Events of pymovements (Events.frame written as CSV after map_to_aois):
    // one row per event, `name` says which; ordered by onset.
    l.format = "pymovements";
    l.column = {{"event", "name"},     {"subject", "subject_id"}, {"trial", "trial_id"},
                {"fixation", "onset"}, {"word", "word_idx"},      {"duration_ms", "duration"}};
    l.order_by_time = true;
    l.csv.missing = {"", "null", "None", "NA", "nan", "NaN"};
  } else {
    throw InputError("--format '" + format +
                     "': expected plain, eyelink (eyelink-fixation-report) or pymovements");
  }
  // --columns role=NAME,... over the preset.
  size_t begin = 0;
  while (!columns.empty() && begin <= columns.size()) {
    size_t end = columns.find(',', begin);
    if (end == std::string::npos) end = columns.size();
    const std::string item = columns.substr(begin, end - begin);
    begin = end + 1;
    const size_t eq = item.find('=');
    const std::string role = trimmed(item.substr(0, eq == std::string::npos ? 0 : eq));
    const std::string name = eq == std::string::npos ? "" : trimmed(item.substr(eq + 1));
    if (eq == std::string::npos || role.empty() || name.empty())
      throw InputError("--columns '" + item +
                       "': expected ROLE=COLUMN, e.g. subject=RECORDING_SESSION_LABEL");
    if (!kRoles.count(role)) {
      std::string known;
      for (const auto& r : kRoles) known += (known.empty() ? "" : ", ") + r;
      throw InputError("--columns: unknown role '" + role + "' (roles: " + known + ")");
    }
    l.column[role] = name;
  }
  if (word_base == "0" || word_base == "1")
    l.word_base = word_base == "1" ? 1 : 0;
  else if (!word_base.empty())
    throw InputError("--word-base '" + word_base + "': expected 0 or 1");
  if (delimiter == "comma")
    l.csv.delimiter = ',';
  else if (delimiter == "tab")
    l.csv.delimiter = '\t';
  else if (!delimiter.empty())
    throw InputError("--delimiter '" + delimiter + "': expected comma or tab");
  return l;
}

TrialMap::TrialMap(const std::string& path, const TextShape& text) : path_(path) {
  CsvReader csv(path, human_csv_options());
  const size_t c_trial = csv.require("trial"), c_article = csv.require("article"),
               c_sentence = csv.require("sentence");
  const long c_subject = csv.find("subject");
  per_subject_ = c_subject >= 0;
  std::map<std::pair<std::string, std::string>, long> first_line;
  while (csv.next()) {
    const std::string subject = per_subject_ ? trimmed(csv.field(c_subject)) : "";
    const std::string trial = trimmed(csv.field(c_trial));
    if (trial.empty()) csv.fail("empty trial");
    if (per_subject_ && subject.empty()) csv.fail("empty subject");
    const int64_t a = csv.integer(c_article), s = csv.integer(c_sentence);
    const long found = text.find(a, s);
    if (found < 0)
      csv.fail("trial " + trial + " maps to sentence (" + std::to_string(a) + ", " +
               std::to_string(s) + "), which is not in " + text.source + " (" +
               std::to_string(text.table.size()) + " sentences)");
    auto [it, fresh] = first_line.emplace(std::make_pair(subject, trial), csv.line());
    if (!fresh)
      csv.fail("trial " + trial + (per_subject_ ? " of subject " + subject : std::string()) +
               " listed twice (first at line " + std::to_string(it->second) + ")");
    sentence_[{subject, trial}] = static_cast<size_t>(found);
  }
  if (sentence_.empty()) throw InputError(path, "trials CSV holds no trial");
}

long TrialMap::find(const std::string& subject, const std::string& trial) const {
  auto it = sentence_.find({per_subject_ ? subject : std::string(), trial});
  return it == sentence_.end() ? -1 : static_cast<long>(it->second);
}

GroupMap::GroupMap(const std::string& path) : path_(path) {
  CsvReader csv(path, human_csv_options());
  const size_t c_subject = csv.require("subject"), c_group = csv.require("group");
  std::map<std::string, long> first_line;
  while (csv.next()) {
    const std::string subject = trimmed(csv.field(c_subject));
    const std::string group = trimmed(csv.field(c_group));
    if (subject.empty()) csv.fail("empty subject");
    const std::string problem = group_name_problem(group);
    if (!problem.empty()) csv.fail(problem);
    auto [it, fresh] = first_line.emplace(subject, csv.line());
    if (!fresh)
      csv.fail("subject " + subject + " listed twice (first at line " + std::to_string(it->second) +
               ")");
    group_[subject] = group;
  }
  if (group_.empty()) throw InputError(path, "groups CSV holds no subject");
}

const std::string* GroupMap::find(const std::string& subject) const {
  auto it = group_.find(subject);
  return it == group_.end() ? nullptr : &it->second;
}

}  // namespace lmgaze::human
