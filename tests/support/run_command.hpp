// Runs the lmgaze executable (or any shell command) from a test and captures
// its exit code and output, so that end-to-end behaviour is what is tested.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace lmgaze::test {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

inline CommandResult run_command(const std::string& command) {
  CommandResult r;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.output.append(buf.data(), n);
  int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

inline std::string lmgaze_binary() { return std::string(LMGAZE_BINARY_DIR) + "/lmgaze"; }

// A fresh directory under the system temp dir, unique to this process.
inline std::filesystem::path scratch_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("lmgaze_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// The whole file as bytes; empty when it cannot be read.
inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Polls `ready` every 20 ms for up to `seconds`; true as soon as it holds.
template <class Ready>
bool wait_until(Ready ready, int seconds) {
  for (int i = 0; i < seconds * 50; ++i) {
    if (ready()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

// Number of non-empty lines: a user error must be exactly one line.
inline int count_lines(const std::string& text) {
  int lines = 0;
  bool content = false;
  for (char c : text) {
    if (c == '\n') {
      lines += content;
      content = false;
    } else if (c != '\r') {
      content = true;
    }
  }
  return lines + content;
}

}  // namespace lmgaze::test
