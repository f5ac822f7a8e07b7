#include "io/atomic_output.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "common/error.hpp"
#include "common/inputs.hpp"

namespace lmgaze {

namespace fs = std::filesystem;

void check_output_path(const std::string& path) {
  refuse_if_input(path);
  std::error_code e;
  if (fs::is_directory(path, e))
    throw InputError(path, "output path is a directory; give a file name");
  // The rename at the end would replace a device or a pipe (as root, even
  // /dev/null) by a regular file.
  if (fs::exists(path, e) && !fs::is_regular_file(path, e))
    throw InputError(path, "output path exists and is not a regular file");
}

AtomicOutput::AtomicOutput(std::string final_path, bool owner)
    : final_(std::move(final_path)), temp_(final_ + ".partial"), owner_(owner) {
  if (!owner_) return;
  check_output_path(final_);
  std::error_code e;
  const fs::path parent = fs::path(final_).parent_path();
  // A user error (exit 2), not an internal one: say which directory and why.
  if (!parent.empty() && !fs::is_directory(parent, e)) {
    fs::create_directories(parent, e);
    if (e) throw InputError(parent.string(), "cannot create output directory: " + e.message());
  }
  std::remove(temp_.c_str());
}

AtomicOutput::~AtomicOutput() {
  if (owner_ && !committed_) std::remove(temp_.c_str());
}

void AtomicOutput::commit() {
  if (!owner_) {
    committed_ = true;
    return;
  }
  refuse_if_input(final_);  // an input may have appeared under this name meanwhile
  if (std::rename(temp_.c_str(), final_.c_str()) != 0)
    throw InputError(
        final_, std::string("cannot move finished output into place: ") + std::strerror(errno));
  committed_ = true;
}

}  // namespace lmgaze
