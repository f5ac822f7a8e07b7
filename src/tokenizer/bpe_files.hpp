// The "bpe-files" reader: GPT-2's vocab.json and merges.txt, built into the
// layered pipeline (pipeline_tokenizer.hpp) as the configuration Hugging
// Face's GPT2TokenizerFast has: no normalizer, the ByteLevel pre-tokenizer
// with GPT-2's regex and no prefix space, byte-level BPE, no BOS.
//
// vocab.json: a JSON object {token string: id} with ids 0..N-1, spelled in the
// byte alphabet of byte_alphabet.hpp, holding the 256 single-byte tokens.
// merges.txt: an optional "#version" first line, then one merge "left right"
// per line; the line order is the merge priority (rank 0 first). Every
// problem is an InputError naming the file and, for merges.txt, the line;
// a merge listed twice is refused (the file is damaged).
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "tokenizer/bpe_model.hpp"
#include "tokenizer/tokenizer.hpp"

namespace lmgaze {

using BpeVocab = std::unordered_map<std::string, int>;

BpeVocab read_bpe_vocab(const std::string& path);

// Every merge's two halves and their concatenation must be in `vocab`.
std::vector<BpeMerge> read_bpe_merges(const std::string& path, const BpeVocab& vocab);

// The tokenizer of kind "bpe-files".
std::unique_ptr<Tokenizer> read_bpe_files(const std::string& vocab_path,
                                          const std::string& merges_path);

}  // namespace lmgaze
