// Reading and validating GPT-2's vocab.json and merges.txt.
//
// vocab.json: a JSON object {token string: id} with ids 0..N-1, spelled in the
// byte alphabet of gpt2_byte_alphabet.hpp. merges.txt: an optional
// "#version" first line, then one merge "left right" per line; the line order
// is the merge priority (rank 0 first). Every problem is an InputError naming
// the file and, for merges.txt, the line.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

namespace lmgaze {

using Gpt2Vocab = std::unordered_map<std::string, int>;

// One merge rule as token ids: left + right -> merged. Its rank is its index.
struct Gpt2Merge {
  int left = 0;
  int right = 0;
  int merged = 0;
};

Gpt2Vocab read_gpt2_vocab(const std::string& path);

// Every merge's two halves and their concatenation must be in `vocab`.
std::vector<Gpt2Merge> read_gpt2_merges(const std::string& path, const Gpt2Vocab& vocab);

}  // namespace lmgaze
