// The GPT-2 pre-tokenizer, written out by hand.
//
// GPT-2 splits text into pieces with the regex
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// and runs BPE inside each piece only. gpt2_pretokenize() returns exactly the
// matches of Python `regex.findall` with that pattern, as byte ranges, so that
// token offsets fall out of it directly. The pieces tile the text.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace lmgaze {

struct ByteRange {
  size_t begin = 0;
  size_t end = 0;  // one past the last byte
};

// Invalid UTF-8 bytes are treated as one-byte symbols that are neither
// letter, number nor space (the byte-level BPE can still encode them).
std::vector<ByteRange> gpt2_pretokenize(const std::string& text);

}  // namespace lmgaze
