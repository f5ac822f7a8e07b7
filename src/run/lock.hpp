// OUT/.lmgaze/lock: one `lmgaze run` per output directory at a time.
//
// Two runs on one OUT would both decide that the same stages are pending and
// write the same outputs and records. The lock is an fcntl() write lock
// (F_SETLK) on the whole file: the kernel, or the NFS/Lustre lock manager,
// drops it when the holding process dies however it dies, so a killed run
// never leaves a stale lock behind. The file's text, "HOST PID START", only
// names the holder in the refusal; it is not what locks.
//
// fcntl locks belong to a process and are released when that process closes
// ANY descriptor of the file, so nothing else in lmgaze may open the lock file.
#pragma once

#include <string>

namespace lmgaze::run {

// OUT/.lmgaze/lock.
std::string lock_path(const std::string& out_dir);

class OutputLock {
 public:
  // Takes the lock at `path` (creating the file) without waiting. InputError,
  // one line naming the holder, when another process holds it. Where the file
  // system has no locking (ENOLCK, EOPNOTSUPP) the run goes ahead unlocked and
  // warning() says so.
  explicit OutputLock(const std::string& path);
  ~OutputLock();
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;

  const std::string& warning() const { return warning_; }

 private:
  int fd_ = -1;
  std::string warning_;
};

// "HOST PID START" of this process, START as 2024-05-01T13:57:51 (local time).
std::string lock_text();

// The holder as the refusal names it: "host H, pid P, started T" from a lock
// file's text, or the text as it is when it is not of that form.
std::string describe_holder(const std::string& text);

}  // namespace lmgaze::run
