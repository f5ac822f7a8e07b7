#include "human/simulate.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <random>
#include <set>

#include "common/error.hpp"

namespace lmgaze::human {
namespace {

constexpr double kPi = 3.14159265358979323846;

uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

uint64_t fnv1a(const std::string& s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

// Platform-independent draws (std:: distributions are implementation-defined).
class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  bool chance(double p) { return uniform() < p; }
  double normal() {  // Box-Muller, one value per call
    double u1 = uniform(), u2 = uniform();
    if (u1 < 1e-300) u1 = 1e-300;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * kPi * u2);
  }
  int below(int n) { return std::min(n - 1, static_cast<int>(uniform() * n)); }

 private:
  std::mt19937_64 engine_;
};

double logistic(double x) { return 1.0 / (1.0 + std::exp(-x)); }

const std::set<std::string>& function_words() {
  static const std::set<std::string> words = {
      "a",    "an",   "the",   "of",    "to",    "in",   "on",   "at",    "by",   "for",  "with",
      "from", "and",  "or",    "but",   "as",    "is",   "are",  "was",   "were", "be",   "been",
      "it",   "its",  "this",  "that",  "these", "they", "he",   "she",   "we",   "you",  "i",
      "his",  "her",  "their", "our",   "not",   "no",   "so",   "if",    "than", "then", "can",
      "has",  "have", "had",   "do",    "does",  "did",  "will", "would", "may",  "all",  "some",
      "into", "over", "such",  "which", "who",   "what", "when", "there", "also", "more", "most"};
  return words;
}

// A reader's own tendencies around its group profile.
struct Reader {
  ReaderProfile p;
  double speed = 1;  // duration factor
};

Reader draw_reader(const ReaderProfile& profile, Rng& rng) {
  Reader r;
  r.p = profile;
  r.speed = std::exp(0.15 * rng.normal());
  r.p.skip_logit += 0.4 * rng.normal();
  const double regress = std::exp(0.3 * rng.normal()), refix = std::exp(0.3 * rng.normal());
  r.p.regress_base *= regress;
  r.p.regress_wrapup *= regress;
  r.p.refix_base *= refix;
  r.p.refix_per_letter *= refix;
  return r;
}

struct WordInfo {
  int letters = 1;
  double freq = 0;
};

double draw_duration(const Reader& r, const WordInfo& w, bool refixation, Rng& rng) {
  double mean =
      (r.p.dur_base_ms + r.p.dur_per_letter_ms * w.letters + r.p.dur_rare_ms * (1 - w.freq)) *
      r.speed * (refixation ? 0.75 : 1.0);
  const double sigma = 0.35;
  double d = std::exp(std::log(mean) - sigma * sigma / 2 + sigma * rng.normal());
  return std::max(50.0, std::round(d));
}

struct Fix {
  int word;
  double ms;
};

// One reader's fixations on one sentence.
std::vector<Fix> read_sentence(const Reader& r, const std::vector<WordInfo>& words, Rng& rng) {
  const int n = static_cast<int>(words.size());
  auto skip = [&](int k) {
    const WordInfo& w = words[static_cast<size_t>(k)];
    return rng.chance(logistic(r.p.skip_logit + 1.5 * w.freq - 0.4 * (w.letters - 4)));
  };
  // Forward move from `from`: the next word, skipping at most two; n = done.
  auto forward = [&](int from) {
    int next = from + 1, skipped = 0;
    while (next < n && skipped < 2 && skip(next)) {
      ++next;
      ++skipped;
    }
    return next;
  };
  std::vector<Fix> fixations;
  const size_t cap = static_cast<size_t>(4 * n + 10);
  int pos = (n > 1 && rng.chance(0.5 * logistic(r.p.skip_logit + 1.5 * words[0].freq -
                                                0.4 * (words[0].letters - 4))))
                ? 1
                : 0;
  int furthest = pos, refix_run = 0;
  bool refixation = false, after_regression = false;
  while (fixations.size() < cap) {
    if (!fixations.empty() && rng.chance(0.015))
      fixations.push_back({-1, 150 + 100 * rng.uniform()});
    fixations.push_back({pos, draw_duration(r, words[static_cast<size_t>(pos)], refixation, rng)});
    furthest = std::max(furthest, pos);
    const WordInfo& w = words[static_cast<size_t>(pos)];
    const double p_refix =
        std::min(0.6, r.p.refix_base + r.p.refix_per_letter * std::max(0, w.letters - 5));
    const double p_regress =
        std::min(0.6, r.p.regress_base + (pos == n - 1 ? r.p.regress_wrapup : 0.0));
    const double u = rng.uniform();
    if (refix_run < 2 && u < p_refix) {
      ++refix_run;
      refixation = true;
      continue;
    }
    refix_run = 0;
    refixation = false;
    if (pos > 0 && u < p_refix + p_regress) {
      pos = (pos == 1 || rng.chance(0.65)) ? pos - 1 : rng.below(pos - 1);
      after_regression = true;
      continue;
    }
    int next;
    if (after_regression && rng.chance(0.5))
      next = forward(furthest);  // back to where reading had got to
    else
      next = forward(pos);
    after_regression = false;
    if (next >= n) break;
    pos = next;
  }
  return fixations;
}

}  // namespace

ReaderProfile profile_for(const std::string& group) {
  ReaderProfile p;
  if (group == "L1") {
    p.skip_logit = -1.5;
    p.refix_base = 0.08;
    p.refix_per_letter = 0.03;
    p.regress_base = 0.07;
    p.regress_wrapup = 0.12;
    p.dur_base_ms = 180;
    p.dur_per_letter_ms = 6;
    p.dur_rare_ms = 40;
  } else if (group == "L2") {
    p.skip_logit = -2.0;
    p.refix_base = 0.16;
    p.refix_per_letter = 0.04;
    p.regress_base = 0.14;
    p.regress_wrapup = 0.22;
    p.dur_base_ms = 215;
    p.dur_per_letter_ms = 9;
    p.dur_rare_ms = 70;
  } else {
    throw InputError("lmgaze human simulate: no reader profile for group '" + group +
                     "' (profiles: L1, L2)");
  }
  return p;
}

std::vector<ReaderCount> parse_reader_counts(const std::string& spec) {
  std::vector<ReaderCount> out;
  size_t begin = 0;
  while (begin <= spec.size()) {
    size_t end = spec.find(',', begin);
    if (end == std::string::npos) end = spec.size();
    const std::string item = spec.substr(begin, end - begin);
    begin = end + 1;
    const size_t colon = item.find(':');
    char* stop = nullptr;
    long n = colon == std::string::npos ? 0 : std::strtol(item.c_str() + colon + 1, &stop, 10);
    if (colon == std::string::npos || colon == 0 || colon + 1 == item.size() || *stop != '\0' ||
        n < 1 || n > 100000)
      throw InputError("lmgaze human simulate: --readers '" + spec +
                       "': expected GROUP:N[,GROUP:N], e.g. L1:20,L2:20");
    ReaderCount rc{item.substr(0, colon), static_cast<int>(n)};
    profile_for(rc.group);
    for (const auto& x : out)
      if (x.group == rc.group)
        throw InputError("lmgaze human simulate: --readers names group " + rc.group + " twice");
    out.push_back(rc);
  }
  return out;
}

int letters(const std::string& word) {
  int n = 0;
  for (unsigned char c : word) n += std::isalnum(c) || c >= 0x80 ? 1 : 0;
  return std::max(1, n);
}

double frequency_proxy(const std::string& word) {
  std::string key;
  for (unsigned char c : word)
    if (std::isalpha(c)) key += static_cast<char>(std::tolower(c));
  if (function_words().count(key)) return 1.0;
  return std::max(0.0, 1.0 - letters(word) / 10.0);
}

int64_t simulate_readers(const Corpus& corpus, const std::vector<ReaderCount>& readers,
                         uint64_t seed, std::ostream& csv) {
  csv << "group,subject,article,sentence,fixation,word,duration_ms,simulated\n";
  std::vector<std::vector<WordInfo>> info;
  for (const auto& s : corpus.sentences) {
    std::vector<WordInfo> words;
    for (const auto& w : s.words) words.push_back({letters(w), frequency_proxy(w)});
    info.push_back(std::move(words));
  }
  int64_t rows = 0;
  for (const auto& rc : readers) {
    const ReaderProfile profile = profile_for(rc.group);
    const int width = static_cast<int>(std::to_string(rc.count).size());
    for (int k = 1; k <= rc.count; ++k) {
      Rng rng(splitmix64(seed ^ splitmix64(fnv1a(rc.group) + static_cast<uint64_t>(k))));
      const Reader reader = draw_reader(profile, rng);
      std::string id = std::to_string(k);
      id = "sim" + std::string(static_cast<size_t>(std::max(2, width)) - id.size(), '0') + id;
      for (size_t s = 0; s < corpus.sentences.size(); ++s) {
        const auto& sentence = corpus.sentences[s];
        const auto fixations = read_sentence(reader, info[s], rng);
        for (size_t f = 0; f < fixations.size(); ++f) {
          csv << rc.group << ',' << id << ',' << sentence.article << ',' << sentence.index << ','
              << f + 1 << ',';
          if (fixations[f].word >= 0) csv << fixations[f].word;
          csv << ',' << static_cast<int64_t>(fixations[f].ms) << ",1\n";
          ++rows;
        }
      }
    }
  }
  return rows;
}

}  // namespace lmgaze::human
