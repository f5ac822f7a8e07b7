// Whether the model input starts with BOS (METHODS.md 2.1), and which.
//
// --bos auto (the default) does what transformers' tokenizer for the
// checkpoint's tokenizer files does (Tokenizer::bos_id, decided by the
// tokenizer's reader: tokenizer.json's post-processor, or tokenizer_config's
// add_bos_token for the Llama and Gemma classes). A checkpoint can disagree
// with its own tokenizer: an early Llama 3 tokenizer.json adds no BOS, yet
// config.json names bos_token_id 128000 and the model was trained with it.
// Then auto still follows the tokenizer, as transformers would, and a warning
// says so; --bos yes puts config.json's bos_token_id (else the tokenizer's
// BOS) first, --bos no puts none. A bos_token_id equal to the eos_token_id
// (GPT-2's <|endoftext|>) is a document separator, not a start marker, and
// raises no warning. The rule used is recorded in the attention file.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tokenizer/tokenizer.hpp"

namespace lmgaze {

enum class BosMode { kAuto, kYes, kNo };

// "auto", "yes" or "no"; InputError "--bos NAME: ..." otherwise.
BosMode parse_bos_mode(const std::string& name);

// The token ids config.json names (null or absent: none; a list, as some
// eos_token_id are, gives all its ids). Throws InputError naming the file.
struct ConfigTokenIds {
  std::optional<int> bos;
  std::vector<int> eos;
};
ConfigTokenIds read_config_token_ids(const std::string& model_dir);

struct BosChoice {
  std::optional<int> id;  // put before every input, or none
  std::string rule;       // how it was decided (the attention file's "bos" attribute)
  std::string warning;    // non-empty: config.json and the tokenizer disagree
};

// Throws InputError for --bos yes when neither names a BOS.
BosChoice choose_bos(const Tokenizer& tokenizer, BosMode mode, const ConfigTokenIds& config);

}  // namespace lmgaze
