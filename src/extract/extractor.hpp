// `lmgaze extract`: word-level attention of every layer and head, and the
// next-token loss, of one checkpoint over one corpus (METHODS.md 2 and 7).
#pragma once

#include <string>

namespace lmgaze {

struct ExtractOptions {
  std::string model_dir;
  std::string text_path;
  std::string out_path;
  std::string prefix;          // instruction prefix; empty = none
  std::string dtype = "fp32";  // fp32 | fp16 | bf16
  std::string device = "cpu";  // cpu | cuda | cuda:N
  int batch = 8;               // sentences per forward pass
  bool quiet = false;          // no progress lines
};

// Validates the inputs, runs the model and writes the attention file
// atomically (PATH.partial renamed to PATH once complete). Throws InputError.
void run_extraction(const ExtractOptions& options);

}  // namespace lmgaze
