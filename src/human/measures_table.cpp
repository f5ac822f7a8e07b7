#include "human/measures_table.hpp"

#include <cmath>

#include "human/reading_measures.hpp"
#include "stats/csv.hpp"

namespace lmgaze::human {

namespace {

std::vector<std::string> words_of(const std::string& sentence) {
  std::vector<std::string> words;
  size_t begin = 0;
  while (begin <= sentence.size()) {
    size_t end = sentence.find(' ', begin);
    if (end == std::string::npos) end = sentence.size();
    words.push_back(sentence.substr(begin, end - begin));
    begin = end + 1;
  }
  return words;
}

}  // namespace

std::vector<std::string> measures_header() {
  std::vector<std::string> h = {"subject", "group", "article", "sentence", "word", "text"};
  for (const char* m : kMeasureNames) h.emplace_back(m);
  return h;
}

std::vector<std::vector<std::string>> measures_rows(const HumanStore& store) {
  const SentenceTable& t = store.sentences();
  const std::vector<int64_t> word_at = word_offsets(t);
  const auto n_words = static_cast<size_t>(word_at.back());
  std::vector<std::vector<std::string>> rows;
  for (const auto& group : store.groups()) {
    const auto& subjects = store.subjects(group);
    std::vector<std::vector<double>> m;
    for (const char* name : kMeasureNames) m.push_back(store.read_measure(group, name));
    for (size_t r = 0; r < subjects.size(); ++r)
      for (size_t s = 0; s < t.size(); ++s) {
        const size_t at = r * n_words + static_cast<size_t>(word_at[s]);
        // nfix is never NaN where the reader has data for the sentence.
        if (std::isnan(m[3][at])) continue;
        const std::vector<std::string> text =
            t.has_text() ? words_of(t.text[s]) : std::vector<std::string>();
        for (int w = 0; w < t.n_words[s]; ++w) {
          std::vector<std::string> row = {subjects[r],
                                          group,
                                          std::to_string(t.article[s]),
                                          std::to_string(t.index[s]),
                                          std::to_string(w),
                                          w < static_cast<int>(text.size()) ? text[w] : ""};
          for (size_t k = 0; k < kMeasures; ++k) row.push_back(stats::csv_number(m[k][at + w]));
          rows.push_back(std::move(row));
        }
      }
  }
  return rows;
}

void write_measures_csv(const HumanStore& store, const std::string& out) {
  stats::write_csv(out, {}, measures_header(), measures_rows(store));
}

}  // namespace lmgaze::human
