// The "bpe-files" reader: GPT-2's vocab.json and merges.txt, built into the
// layered pipeline (pipeline_tokenizer.hpp) as the configuration Hugging
// Face's GPT2TokenizerFast has: no normalizer, the ByteLevel pre-tokenizer
// with GPT-2's regex and no prefix space, byte-level BPE, no BOS, and
// "<|endoftext|>" (or what tokenizer_config.json names) as a special token.
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

#include "tokenizer/added_tokens.hpp"
#include "tokenizer/bpe_model.hpp"
#include "tokenizer/tokenizer.hpp"

namespace lmgaze {

using BpeVocab = std::unordered_map<std::string, int>;

BpeVocab read_bpe_vocab(const std::string& path);

// Every merge's two halves and their concatenation must be in `vocab`.
std::vector<BpeMerge> read_bpe_merges(const std::string& path, const BpeVocab& vocab);

// GPT-2's end-of-text token: unk, bos and eos of GPT2Tokenizer by default.
inline constexpr const char* kGpt2EndOfText = "<|endoftext|>";

// The added tokens Hugging Face's GPT2Tokenizer(Fast) splits out of the text
// before BPE: those of tokenizer_config.json (`config_path`; "" when the
// directory has none) — its added_tokens_decoder, its unk/bos/eos/pad_token
// and additional_special_tokens — and "<|endoftext|>" for each of unk, bos and
// eos the config does not name. A content in vocab.json keeps its id there.
std::vector<AddedToken> read_bpe_special_tokens(const std::string& config_path,
                                                const BpeVocab& vocab);

// The tokenizer of kind "bpe-files"; `config_path` as above.
std::unique_ptr<Tokenizer> read_bpe_files(const std::string& vocab_path,
                                          const std::string& merges_path,
                                          const std::string& config_path = "");

}  // namespace lmgaze
