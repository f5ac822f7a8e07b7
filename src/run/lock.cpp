#include "run/lock.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <sstream>

#include "common/error.hpp"

namespace lmgaze::run {

namespace {

// The whole file, exclusively.
struct flock whole_file(short type) {
  struct flock l = {};
  l.l_type = type;
  l.l_whence = SEEK_SET;
  l.l_start = 0;
  l.l_len = 0;
  return l;
}

std::string read_all(int fd) {
  std::string text;
  char buf[256];
  off_t at = 0;
  ssize_t n;
  while ((n = ::pread(fd, buf, sizeof buf, at)) > 0) {
    text.append(buf, static_cast<size_t>(n));
    at += n;
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

std::string lock_path(const std::string& out_dir) { return out_dir + "/.lmgaze/lock"; }

std::string lock_text() {
  char host[256] = "unknown-host";
  if (::gethostname(host, sizeof host) != 0) std::strcpy(host, "unknown-host");
  host[sizeof host - 1] = '\0';
  const std::time_t now = std::time(nullptr);
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", std::localtime(&now));
  return std::string(host) + " " + std::to_string(::getpid()) + " " + when;
}

std::string describe_holder(const std::string& text) {
  std::istringstream in(text);
  std::string host, pid, start, extra;
  if (!(in >> host >> pid >> start) || (in >> extra) ||
      pid.find_first_not_of("0123456789") != std::string::npos)
    return text.empty() ? "holder not recorded yet" : "holder: " + text;
  const size_t t = start.find('T');
  if (t != std::string::npos) start[t] = ' ';
  return "host " + host + ", pid " + pid + ", started " + start;
}

OutputLock::OutputLock(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  if (ec) throw InputError(path, "cannot create the run lock's directory: " + ec.message());
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw InputError(path, std::string("cannot open the run lock: ") + strerror(errno));
  struct flock l = whole_file(F_WRLCK);
  if (::fcntl(fd_, F_SETLK, &l) != 0) {
    const int err = errno;
    if (err == EACCES || err == EAGAIN) {
      const std::string holder = read_all(fd_);
      ::close(fd_);
      fd_ = -1;
      const std::string out = std::filesystem::path(path).parent_path().parent_path().string();
      throw InputError("lmgaze run: " + out + " is in use by another lmgaze run (" +
                       describe_holder(holder) + "; lock " + path +
                       "): wait for it to end, or stop it");
    }
    // No lock manager (NFS mounted with nolock, some FUSE file systems): the
    // run still works, it only cannot tell a concurrent one.
    warning_ = "cannot lock " + path + " (" + strerror(err) +
               "): a second lmgaze run on this output would not be noticed";
    return;
  }
  const std::string text = lock_text() + "\n";
  // The text is for the refusal message only; failing to write it is harmless.
  if (::ftruncate(fd_, 0) == 0) {
    [[maybe_unused]] const ssize_t n = ::pwrite(fd_, text.data(), text.size(), 0);
  }
}

OutputLock::~OutputLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the lock
}

}  // namespace lmgaze::run
