#include "io/atomic_output.hpp"

#include <cstdio>
#include <filesystem>

#include "common/error.hpp"

namespace lmgaze {

AtomicOutput::AtomicOutput(std::string final_path, bool owner)
    : final_(std::move(final_path)), temp_(final_ + ".partial"), owner_(owner) {
  if (owner_) {
    std::filesystem::path parent = std::filesystem::path(final_).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent);
    std::remove(temp_.c_str());
  }
}

AtomicOutput::~AtomicOutput() {
  if (owner_ && !committed_) std::remove(temp_.c_str());
}

void AtomicOutput::commit() {
  if (!owner_) {
    committed_ = true;
    return;
  }
  if (std::rename(temp_.c_str(), final_.c_str()) != 0)
    throw InputError(final_, "cannot move finished output into place");
  committed_ = true;
}

}  // namespace lmgaze
