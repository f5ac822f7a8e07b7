// Small inputs of the human tests, with their hand-computed contents noted.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace lmgaze::test {

// (0,0) 6 words, pairs 0..20; (0,1) 3 words, pairs 21..26; (1,0) 5 words, pairs 27..41.
inline const char* kText =
    "The cat sat on the mat.\n"
    "It was warm.\n"
    "\n"
    "Dogs bark loudly at night.\n";

// Columns shuffled, one extra column. Readers: L1 "10" (no article 1), "2";
// L2 "7" (article 1 only), "8". One off-word fixation (L1 10, sentence (0,1)).
inline const char* kFixations =
    "subject,group,article,sentence,word,fixation,duration_ms,note\n"
    "10,L1,0,0,0,1,200,a\n"
    "10,L1,0,0,1,2,210,\n"
    "10,L1,0,0,1,3,90,\n"
    "10,L1,0,0,3,4,250,\n"
    "10,L1,0,0,2,5,180,\n"
    "10,L1,0,0,4,6,230,\n"
    "10,L1,0,0,5,7,260,\n"
    "10,L1,0,1,0,1,200,\n"
    "10,L1,0,1,2,2,220,\n"
    "10,L1,0,1,,3,100,\"blink, maybe\"\n"
    "10,L1,0,1,1,4,150,\n"
    "2,L1,0,0,0,1,100,\n"
    "2,L1,0,0,5,2,300,\n"
    "2,L1,0,1,2,1,100,\n"
    "2,L1,0,1,0,2,200,\n"
    "2,L1,1,0,0,1,50,\n"
    "7,L2,1,0,4,1,100,\n"
    "7,L2,1,0,3,2,100,\n"
    "7,L2,1,0,4,3,100,\n"
    "8,L2,0,0,0,1,100,\n"
    "8,L2,0,0,1,2,100,\n"
    "8,L2,0,1,0,1,100,\n"
    "8,L2,1,0,0,1,100,\n"
    "8,L2,1,0,0,2,120,\n";

// Shape-only input for the saccades cases: (0,0) 2 words, (0,1) 1 word.
inline const char* kSentencesCsv = "article,sentence,n_words\n0,0,2\n0,1,1\n";
inline const char* kSaccades =
    "group,subject,article,sentence,from_word,to_word,value\n"
    "L1,mean,0,0,0,0,0.5\n"
    "L1,mean,0,0,0,1,1.5\n"
    "L1,mean,0,0,1,0,0.25\n"
    "L1,mean,0,0,1,1,0\n"
    "L1,mean,0,1,0,0,2\n";

// One bad input: which file is bad, its content, the line and the problem.
struct BadCase {
  std::string name;
  std::string kind;  // "fixations" (with kText), "saccades" or "sentences" (with kSaccades)
  std::string content;
  long line;
  std::string message;
};

inline void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

inline std::vector<BadCase> bad_cases() {
  const std::string fix_header = "group,subject,article,sentence,fixation,word,duration_ms\n";
  const std::string ok = "L1,1,0,0,1,0,200\n";
  const std::string sac_header = "group,subject,article,sentence,from_word,to_word,value\n";
  return {
      {"missing_column", "fixations",
       "group,subject,article,sentence,fixation,duration_ms\n" + std::string("L1,1,0,0,1,200\n"), 1,
       "no column 'word'"},
      {"non_numeric_fixation", "fixations", fix_header + ok + "L1,1,0,0,two,1,200\n", 3,
       "fixation 'two' is not an integer"},
      {"non_numeric_duration", "fixations", fix_header + ok + "L1,1,0,0,2,1,fast\n", 3,
       "duration_ms 'fast' is not a finite number"},
      {"negative_duration", "fixations", fix_header + ok + "L1,1,0,0,2,1,-5\n", 3,
       "negative duration_ms -5"},
      {"word_out_of_range", "fixations", fix_header + ok + "L1,1,0,0,2,6,200\n", 3,
       "word 6 out of range: sentence (0, 0) has 6 words"},
      {"negative_word", "fixations", fix_header + ok + "L1,1,0,0,2,-2,200\n", 3,
       "word -2 is negative"},
      {"sentence_not_in_text", "fixations", fix_header + ok + "L1,1,0,5,1,0,200\n", 3,
       "sentence (0, 5) is not in"},
      {"duplicate_fixation", "fixations", fix_header + ok + "L1,1,0,0,2,1,200\nL1,1,0,0,2,3,200\n",
       4, "duplicate fixation 2 in the trial of L1 reader 1 on sentence (0, 0) (first at line 3)"},
      {"mixed_lengths_column", "fixations",
       "group,subject,article,sentence,fixation,word,duration_ms,n_words\n"
       "L1,1,0,0,1,0,200,6\nL1,2,0,0,1,0,200,7\n",
       3, "mixed sentence lengths for sentence (0, 0)"},
      {"mixed_lengths_sentences_csv", "sentences", "article,sentence,n_words\n0,0,2\n0,0,3\n", 3,
       "mixed sentence lengths for sentence (0, 0)"},
      {"too_few_fields", "fixations", fix_header + ok + "L1,1,0,0,2\n", 3,
       "5 fields, the header has 7"},
      {"matrix_not_square", "saccades",
       sac_header + "L1,mean,0,0,0,0,1\nL1,mean,0,0,0,1,1\nL1,mean,0,0,1,1,1\nL1,mean,0,1,0,0,1\n",
       2, "has 3 of the 2 x 2 entries"},
      {"matrix_too_small", "saccades", sac_header + "L1,mean,0,1,0,0,1\nL1,mean,0,0,0,0,1\n", 3,
       "is 1 x 1 but the sentence has 2 words"},
      {"matrix_word_out_of_range", "saccades", sac_header + "L1,mean,0,1,0,1,1\n", 2,
       "to_word 1 out of range: sentence (0, 1) has 1 words"},
      {"negative_value", "saccades", sac_header + "L1,mean,0,1,0,0,-0.5\n", 2,
       "negative value -0.5"},
      {"non_numeric_value", "saccades", sac_header + "L1,mean,0,1,0,0,many\n", 2,
       "value 'many' is not a finite number"},
      {"duplicate_entry", "saccades", sac_header + "L1,mean,0,1,0,0,1\nL1,mean,0,1,0,0,2\n", 3,
       "duplicate entry from_word 0, to_word 0"},
      {"mixed_simulated", "fixations",
       fix_header.substr(0, fix_header.size() - 1) + ",simulated\nL1,1,0,0,1,0,200,1\n"
                                                     "L1,2,0,0,1,0,200,0\n",
       3, "mixed simulated values"},
  };
}

}  // namespace lmgaze::test
