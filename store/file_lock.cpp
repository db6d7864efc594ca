#include "store/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace cfl::store::detail {
namespace {

StoreError IoError(std::string message) {
  return StoreError{StoreErrorKind::kIo, "", "", std::move(message)};
}

}  // namespace

StoreResult<ExclusiveFileLock> ExclusiveFileLock::Acquire(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return IoError("opening " + path + ": " + std::strerror(errno));
  // flock, not fcntl: fcntl locks belong to the process, so they would neither
  // stop a second store in this process nor stay out of SQLite's own locks.
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    ::close(fd);  // nothing of SQLite's is open on this file yet
    if (error == EWOULDBLOCK) {
      return IoError(path + " is locked by another open store (another cloudfront-local?): "
                     "only one process at a time may use a database file");
    }
    return IoError("locking " + path + ": " + std::strerror(error));
  }
  return ExclusiveFileLock(fd, path);
}

Status ExclusiveFileLock::CheckStillAtPath() const {
  if (fd_ < 0) return std::nullopt;
  struct stat locked {};
  struct stat named {};
  if (::fstat(fd_, &locked) != 0) return IoError("checking " + path_ + ": " + std::strerror(errno));
  const bool named_exists = ::stat(path_.c_str(), &named) == 0;
  if (named_exists && (named.st_dev != locked.st_dev || named.st_ino != locked.st_ino)) {
    return IoError("the state file " + path_ +
                   " was replaced by another file while the emulator ran; writes are refused from now on "
                   "(restart to use the new file)");
  }
  if (!named_exists || locked.st_nlink == 0) {
    return IoError("the state file " + path_ +
                   " was deleted while the emulator ran; writes are refused from now on (restart to go on "
                   "with a new file)");
  }
  return std::nullopt;
}

ExclusiveFileLock& ExclusiveFileLock::operator=(ExclusiveFileLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
  }
  return *this;
}

ExclusiveFileLock::~ExclusiveFileLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace cfl::store::detail
