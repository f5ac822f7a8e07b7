// Runs lmgaze as a hostile environment would: with a file-size limit
// (RLIMIT_FSIZE, SIGXFSZ ignored, so writes past the limit fail with EFBIG as
// on a full disk), and captures exit status, signal and output.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace lmgaze::test {

namespace fs = std::filesystem;

struct Outcome {
  int code = -1;    // exit code; -1 when killed by a signal
  int signal = 0;   // the signal that ended it, 0 when it exited
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs `lmgaze ARGS...` in `cwd`. file_size_limit > 0: RLIMIT_FSIZE in bytes,
// with SIGXFSZ ignored (as a test of write errors does) or, with
// `default_sigxfsz`, left to kill the process (as `ulimit -f` in a shell does).
inline Outcome run_lmgaze(const std::vector<std::string>& args, const fs::path& cwd,
                          long file_size_limit = 0, bool default_sigxfsz = false) {
  int out_pipe[2], err_pipe[2];
  if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) return {};
  const std::string binary = std::string(LMGAZE_BINARY_DIR) + "/lmgaze";
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    close(out_pipe[0]);
    close(err_pipe[0]);
    if (chdir(cwd.c_str()) != 0) _exit(120);
    if (file_size_limit > 0) {
      // Inherited by exec: with SIG_IGN a write past the limit fails (EFBIG).
      signal(SIGXFSZ, default_sigxfsz ? SIG_DFL : SIG_IGN);
      const rlimit limit{static_cast<rlim_t>(file_size_limit),
                         static_cast<rlim_t>(file_size_limit)};
      if (setrlimit(RLIMIT_FSIZE, &limit) != 0) _exit(121);
    }
    std::vector<char*> argv{const_cast<char*>(binary.c_str())};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(122);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  Outcome r;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&r.out, &r.err};
  int open_fds = 2;
  char buf[4096];
  while (open_fds > 0) {
    if (poll(fds, 2, -1) < 0) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
      const ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, static_cast<size_t>(n));
      } else {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status)) r.code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  return r;
}

// A fresh folder under the system temp dir, removed when the test passed.
class Scratch {
 public:
  explicit Scratch(const std::string& name) {
    static int counter = 0;
    path_ =
        fs::temp_directory_path() / ("lmgaze_hostile_" + name + "_" + std::to_string(::getpid()) +
                                     "_" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~Scratch() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::string write(const std::string& name, const std::string& bytes) const {
    std::ofstream(file(name), std::ios::binary) << bytes;
    return file(name);
  }

 private:
  fs::path path_;
};

inline std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Lines of text (a last line without '\n' counts).
inline int lines(const std::string& text) {
  int n = 0;
  for (char c : text) n += c == '\n';
  return n + (!text.empty() && text.back() != '\n');
}

// Every regular file under `dir` whose name ends in `suffix`.
inline std::vector<fs::path> files_ending(const fs::path& dir, const std::string& suffix) {
  std::vector<fs::path> found;
  if (!fs::exists(dir)) return found;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (e.is_regular_file() && name.size() >= suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
      found.push_back(e.path());
  }
  return found;
}

// The demo text that ships with lmgaze (32 sentences).
inline std::string demo_text() { return std::string(LMGAZE_SOURCE_DIR) + "/data/text/demo.txt"; }
inline std::string model_dir(const std::string& name) {
  return std::string(LMGAZE_SOURCE_DIR) + "/data/models/" + name;
}

}  // namespace lmgaze::test
