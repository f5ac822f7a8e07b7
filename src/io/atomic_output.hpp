// Output files appear complete or not at all.
//
// Writers produce PATH.partial and rename it to PATH only after the last byte
// (and, for lmgaze's HDF5 files, the `complete` attribute) is written. If the
// writer dies or throws, the destructor removes the partial file, so a reader
// never finds a half-written output under the real name.
#pragma once

#include <string>

namespace lmgaze {

// InputError naming `path` when it may not become an output: it is a noted
// input, a directory, or an existing file that is not a regular one. Creates
// nothing: callers check every output before any work.
void check_output_path(const std::string& path);

class AtomicOutput {
 public:
  explicit AtomicOutput(std::string final_path, bool owner = true);
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;
  ~AtomicOutput();

  const std::string& temp_path() const { return temp_; }
  const std::string& final_path() const { return final_; }
  // Renames the temporary file into place (only on the owning process).
  void commit();

 private:
  std::string final_;
  std::string temp_;
  bool owner_;
  bool committed_ = false;
};

}  // namespace lmgaze
