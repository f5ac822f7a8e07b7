#include "human/human_store.hpp"

#include <cmath>
#include <cstdio>

#include "common/error.hpp"
#include "human/reading_measures.hpp"
#include "io/atomic_output.hpp"
#include "lmgaze_version.hpp"

namespace lmgaze {
namespace {

std::string group_path(const std::string& group) { return "/groups/" + group; }

bool known_view(const std::string& view) {
  return view == "count" || view == "duration" || view == "upper_count" || view == "upper_duration";
}

}  // namespace

HumanStore::HumanStore(const std::string& path) : file_(h5::File::open_read(path)) {
  if (!file_.has_attr("format") || file_.attr_string("format") != human::kFormat)
    throw InputError(path, "not an lmgaze human store (no format = lmgaze-human)");
  if (!file_.has_attr("format_version") || file_.attr_int("format_version") != 1)
    throw InputError(path, "human store format_version is not 1");
  if (!file_.has_attr("complete") || file_.attr_int("complete") != 1)
    throw InputError(path, "human store is not marked complete (import unfinished?)");
  sentences_ = SentenceTable::read(file_);
  for (const auto& g : file_.list("/groups")) {
    const std::string gp = group_path(g);
    auto subjects = file_.read_strings(gp + "/subjects");
    for (const char* view : {"count", "duration", "upper_count", "upper_duration"}) {
      const std::string ds = gp + "/" + view;
      if (!file_.exists(ds)) continue;
      h5::Shape2 shape = file_.matrix_shape(ds);
      if (shape.rows != static_cast<int64_t>(subjects.size()) || shape.cols != sentences_.n_pairs())
        throw InputError(path, ds + " has shape [" + std::to_string(shape.rows) + ", " +
                                   std::to_string(shape.cols) + "], expected [" +
                                   std::to_string(subjects.size()) + ", " +
                                   std::to_string(sentences_.n_pairs()) + "]");
    }
    if (!file_.exists(gp + "/count")) throw InputError(path, "group " + g + " has no count view");
    subjects_.emplace(g, std::move(subjects));
  }
  if (subjects_.empty()) throw InputError(path, "human store holds no group");
}

const std::string& HumanStore::path() const { return file_.path(); }

const SentenceTable& HumanStore::sentences() const { return sentences_; }

std::vector<std::string> HumanStore::groups() const {
  std::vector<std::string> names;
  for (const auto& [name, subjects] : subjects_) names.push_back(name);
  return names;
}

const std::vector<std::string>& HumanStore::subjects(const std::string& group) const {
  auto it = subjects_.find(group);
  if (it == subjects_.end()) {
    std::string present;
    for (const auto& [name, s] : subjects_) present += (present.empty() ? "" : ", ") + name;
    throw InputError(path(),
                     "no group '" + group + "' in human store (groups present: " + present + ")");
  }
  return it->second;
}

bool HumanStore::has_view(const std::string& group, const std::string& view) const {
  subjects(group);  // InputError for an unknown group
  return known_view(view) && file_.exists(group_path(group) + "/" + view);
}

std::vector<double> HumanStore::read(const std::string& group, const std::string& view,
                                     size_t subject_begin, size_t subject_end, size_t s_begin,
                                     size_t s_end) const {
  const auto& subj = subjects(group);
  if (!has_view(group, view))
    throw InputError(path(), "group " + group + " has no '" + view + "' view");
  if (subject_begin > subject_end || subject_end > subj.size() || s_begin > s_end ||
      s_end > sentences_.size())
    throw InputError(path(), "subject or sentence range out of bounds reading group " + group);
  const int64_t p0 = sentences_.pair_offset[s_begin];
  const int64_t cols = sentences_.pair_offset[s_end] - p0;
  const auto rows = static_cast<int64_t>(subject_end - subject_begin);
  std::vector<double> out(static_cast<size_t>(rows * cols));
  file_.read_block<double>(group_path(group) + "/" + view, static_cast<int64_t>(subject_begin), p0,
                           {rows, cols}, out.data());
  // NaN is "no data"; anything else must be a plausible value (human_store.hpp).
  const double limit = human::view_limit(view);
  for (size_t k = 0; k < out.size(); ++k) {
    const double v = out[k];
    if (std::isnan(v) || (v >= 0 && v <= limit)) continue;
    const size_t r = subject_begin + k / static_cast<size_t>(cols);
    const int64_t pair = p0 + static_cast<int64_t>(k % static_cast<size_t>(cols));
    size_t s = s_begin;
    while (s + 1 < s_end && sentences_.pair_offset[s + 1] <= pair) ++s;
    char value[32];
    std::snprintf(value, sizeof value, "%.6g", v);
    throw InputError(
        path(), group_path(group) + "/" + view + ": reader " + subj[r] + ", sentence " +
                    sentences_.name(s) + ": value " + value + " is not a plausible " +
                    (view.find("count") != std::string::npos ? "saccade count" : "duration in ms") +
                    " (finite, 0 to " + std::to_string(static_cast<long long>(limit)) + ")");
  }
  return out;
}

bool HumanStore::has_measures(const std::string& group) const {
  subjects(group);  // InputError for an unknown group
  return file_.exists(group_path(group) + "/measures/" + human::kMeasureNames[0]);
}

std::vector<double> HumanStore::read_measure(const std::string& group,
                                             const std::string& measure) const {
  const auto& subj = subjects(group);
  if (!has_measures(group))
    throw InputError(path(), "group " + group +
                                 " has no reading measures (a store made from saccade matrices, "
                                 "or by an lmgaze before reading measures: import the fixations "
                                 "again)");
  const std::string ds = group_path(group) + "/measures/" + measure;
  if (!file_.exists(ds)) throw InputError(path(), "no reading measure " + ds);
  const int64_t n_words = human::word_offsets(sentences_).back();
  const h5::Shape2 shape = file_.matrix_shape(ds);
  if (shape.rows != static_cast<int64_t>(subj.size()) || shape.cols != n_words)
    throw InputError(path(), ds + " has shape [" + std::to_string(shape.rows) + ", " +
                                 std::to_string(shape.cols) + "], expected [" +
                                 std::to_string(subj.size()) + ", " + std::to_string(n_words) +
                                 "]");
  std::vector<double> out(static_cast<size_t>(shape.rows * shape.cols));
  if (!out.empty()) file_.read_block<double>(ds, 0, 0, shape, out.data());
  return out;
}

std::string HumanStore::attribute(const std::string& name) const {
  if (!file_.has_attr(name)) throw InputError(path(), "human store has no attribute " + name);
  try {
    return file_.attr_string(name);
  } catch (const InputError&) {
    return std::to_string(file_.attr_int(name));  // an integer attribute, as text
  }
}

bool HumanStore::simulated() const {
  return file_.has_attr("simulated") && file_.attr_int("simulated") != 0;
}

namespace human {

double view_limit(const std::string& view) {
  return view.find("count") != std::string::npos ? kMaxSaccadeCount : kMaxSaccadeDurationMs;
}

void write_store(const std::string& path, const SentenceTable& sentences, const StoreMeta& meta,
                 const std::vector<GroupData>& groups) {
  AtomicOutput output(path);
  {
    h5::File f = h5::File::create(output.temp_path(), path);
    f.set_attr("format", std::string(kFormat));
    f.set_attr("format_version", int64_t{1});
    f.set_attr("complete", int64_t{0});
    f.set_attr("text_kind", meta.text_kind);
    f.set_attr("text_source", meta.text_source);
    f.set_attr("data_kind", meta.data_kind);
    f.set_attr("data_source", meta.data_source);
    f.set_attr("simulated", int64_t{meta.simulated ? 1 : 0});
    f.set_attr("excluded", meta.excluded);
    f.set_attr("mean_of", meta.mean_of);
    f.set_attr("lmgaze_version", std::string(LMGAZE_VERSION));
    sentences.write(f);
    const int64_t n_pairs = sentences.n_pairs();
    for (const auto& g : groups) {
      const std::string gp = group_path(g.name);
      const auto rows = static_cast<int64_t>(g.subjects.size());
      f.write_strings(gp + "/subjects", g.subjects);
      auto put = [&](const char* view, const std::vector<double>& data) {
        if (data.size() != static_cast<size_t>(rows * n_pairs))
          throw std::logic_error("human store: " + g.name + "/" + view + " has the wrong size");
        f.create_matrix<double>(gp + "/" + view, {rows, n_pairs});
        f.write_block<double>(gp + "/" + view, 0, 0, {rows, n_pairs}, data.data());
      };
      put("count", g.count);
      if (!g.upper_count.empty()) put("upper_count", g.upper_count);
      if (!g.duration.empty()) put("duration", g.duration);
      if (!g.upper_duration.empty()) put("upper_duration", g.upper_duration);
      if (!g.off_word_fixations.empty()) {
        f.write_vector<int64_t>(gp + "/off_word_fixations", g.off_word_fixations);
        f.write_vector<int64_t>(gp + "/uncounted_transitions", g.uncounted_transitions);
      }
      if (!g.measures.empty()) {
        const auto n_words = human::word_offsets(sentences).back();
        for (size_t m = 0; m < kMeasures; ++m) {
          const std::string ds = gp + "/measures/" + kMeasureNames[m];
          if (g.measures[m].size() != static_cast<size_t>(rows * n_words))
            throw std::logic_error("human store: " + ds + " has the wrong size");
          f.create_matrix<double>(ds, {rows, n_words});
          f.write_block<double>(ds, 0, 0, {rows, n_words}, g.measures[m].data());
        }
      }
      if (!g.mean_n_readers.empty())
        f.write_vector<int64_t>(gp + "/mean_n_readers", g.mean_n_readers);
    }
    f.set_attr("complete", int64_t{1});
    f.flush();
    f.close();  // throws when the last writes fail: never commit a file that did not close
  }
  output.commit();
}

}  // namespace human
}  // namespace lmgaze
