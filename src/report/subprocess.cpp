#include "report/subprocess.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "common/error.hpp"

namespace lmgaze::report {

namespace {

// The child between fork and exec: async-signal-safe calls only (the parent may
// have other threads), everything it needs prepared by the parent.
[[noreturn]] void exec_child(pid_t parent, const char* program, char* const argv[], const char* dir,
                             const char* log, const char* failed, size_t failed_size) {
  ::setpgid(0, 0);  // out of lmgaze's process group
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(126);  // lmgaze died before the line above
  struct sigaction sa = {};
  sa.sa_handler = SIG_IGN;  // kept across exec; lmgaze's death still kills it (SIGKILL)
  ::sigaction(SIGTERM, &sa, nullptr);
  ::sigaction(SIGINT, &sa, nullptr);
  sa.sa_handler = SIG_DFL;
  ::sigaction(SIGPIPE, &sa, nullptr);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);

  const int in = ::open("/dev/null", O_RDONLY);
  const int out = ::open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (in < 0 || out < 0) ::_exit(126);
  ::dup2(in, STDIN_FILENO);
  ::dup2(out, STDOUT_FILENO);
  ::dup2(out, STDERR_FILENO);
  if (::chdir(dir) == 0) ::execv(program, argv);
  [[maybe_unused]] const ssize_t n = ::write(STDERR_FILENO, failed, failed_size);
  ::_exit(127);
}

// execv() neither searches PATH nor sees the directory the parent was in: a
// path as the child will need it.
std::string resolve(const std::string& program) {
  if (program.find('/') != std::string::npos) return std::filesystem::absolute(program).string();
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  for (std::string d; std::getline(dirs, d, ':');) {
    const std::string candidate = (d.empty() ? "." : d) + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0)
      return std::filesystem::absolute(candidate).string();
  }
  return program;
}

}  // namespace

int run_helper(const std::string& program, const std::vector<std::string>& args,
               const std::string& dir, const std::string& log) {
  std::vector<std::string> words = {resolve(program)};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  const std::string failed = "lmgaze: error: cannot execute " + program + " in " + dir + "\n";
  const pid_t parent = ::getpid();

  const pid_t pid = ::fork();
  if (pid < 0) throw InputError(program, std::string("cannot start: ") + std::strerror(errno));
  if (pid == 0)
    exec_child(parent, words[0].c_str(), argv.data(), dir.c_str(), log.c_str(), failed.c_str(),
               failed.size());
  int status = 0;
  // A stop signal interrupts the wait (its handler only takes note): wait on.
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

}  // namespace lmgaze::report
