#include "common/error.hpp"

namespace lmgaze {
namespace {

std::string format_error(const std::string& file, long line, long column, const std::string& what) {
  std::string s;
  if (!file.empty()) {
    s += file;
    if (line > 0) s += ":" + std::to_string(line);
    if (line > 0 && column > 0) s += ":" + std::to_string(column);
    s += ": ";
  }
  return s + what;
}

}  // namespace

InputError::InputError(const std::string& file, long line, long column, const std::string& what)
    : std::runtime_error(format_error(file, line, column, what)),
      file_(file),
      line_(line),
      column_(column),
      problem_(what) {}

InputError::InputError(const std::string& file, long line, const std::string& what)
    : InputError(file, line, 0, what) {}

InputError::InputError(const std::string& file, const std::string& what)
    : InputError(file, 0, 0, what) {}

InputError::InputError(const std::string& what) : InputError("", 0, 0, what) {}

}  // namespace lmgaze
