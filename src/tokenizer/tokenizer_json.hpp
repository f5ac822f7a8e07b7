// The "tokenizer-json" reader: a Hugging Face tokenizer.json (and the
// tokenizer_config.json beside it) built into the layered pipeline of
// pipeline_tokenizer.hpp.
//
// What is read (every "type" below is the one of Hugging Face `tokenizers`;
// any other type, anywhere in the file, is an InputError that names it and
// where it is, never a guess):
//   model           BPE (vocab, merges as "a b" or ["a", "b"], unk_token,
//                   continuing_subword_prefix, end_of_word_suffix, fuse_unk,
//                   byte_fallback, ignore_merges; dropout only null or 0)
//   normalizer      null, Sequence, Prepend, Replace, NFC, NFD, NFKC, NFKD,
//                   Lowercase, Strip
//   pre_tokenizer   null, Sequence, Split, ByteLevel, Metaspace, Digits,
//                   Whitespace, WhitespaceSplit, Punctuation,
//                   BertPreTokenizer, CharDelimiterSplit
//   added_tokens    ids as Hugging Face assigns them (added_tokens.hpp)
//   post_processor  null, ByteLevel, TemplateProcessing, RobertaProcessing,
//                   BertProcessing, Sequence: only for the BOS (below)
//   decoder         checked for a known type, otherwise unused (lmgaze
//                   never decodes)
//   truncation, padding   ignored, as transformers ignores them unless asked
//
// BOS, as transformers' tokenizer class for the pair of files adds it:
//   - tokenizer_config.json's tokenizer_class LlamaTokenizer(Fast),
//     CodeLlamaTokenizer(Fast), GemmaTokenizer(Fast), CohereTokenizer(Fast):
//     these classes rebuild the post-processor from add_bos_token (default
//     true) and bos_token, whatever tokenizer.json says;
//   - any other class (PreTrainedTokenizerFast, Qwen2TokenizerFast, ...), or
//     no tokenizer_config.json: the special tokens tokenizer.json's
//     post-processor puts before the text ($A) of its "single" template;
//     ByteLevel or no post-processor adds none.
// Tokens a template puts after the text (an EOS) are not added: the model
// reads BOS + text (METHODS.md 2.1); bos_rule() says so when it happens.
#pragma once

#include <memory>
#include <string>

#include "tokenizer/tokenizer.hpp"

namespace lmgaze {

// `config_path` may be empty (no tokenizer_config.json). Throws InputError
// naming the file (and the JSON path inside it) on any problem.
std::unique_ptr<Tokenizer> read_tokenizer_json(const std::string& json_path,
                                               const std::string& config_path);

}  // namespace lmgaze
