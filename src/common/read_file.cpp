#include "common/read_file.hpp"

#include <fstream>
#include <sstream>

#include "common/error.hpp"
#include "common/inputs.hpp"

namespace lmgaze {

std::string read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "cannot open file");
  note_input(path);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) throw InputError(path, "cannot read file");
  return bytes.str();
}

}  // namespace lmgaze
