// The whole of a small input file (config.json, tokenizer files) as bytes.
#pragma once

#include <string>

namespace lmgaze {

// InputError(path, "cannot open file") when it cannot be read. The path is
// noted as an input of the running command (common/inputs.hpp).
std::string read_whole_file(const std::string& path);

}  // namespace lmgaze
