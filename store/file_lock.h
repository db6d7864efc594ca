// One store per database file. Every record is held in memory (RecordCache),
// so a second process writing the same file would go unseen and each would
// overwrite the other's changes. The file is locked (flock) for as long as the
// store is open, and a second open is refused with a clear error instead.
#pragma once

#include <string>
#include <utility>

#include "store/store.h"

namespace cfl::store::detail {

class ExclusiveFileLock {
 public:
  // Creates the file when missing (an empty file is an empty SQLite database).
  // Fails when another open store, in this process or another, holds the lock.
  static StoreResult<ExclusiveFileLock> Acquire(const std::string& path);

  ExclusiveFileLock() = default;
  ExclusiveFileLock(ExclusiveFileLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  ExclusiveFileLock& operator=(ExclusiveFileLock&& other) noexcept;
  ExclusiveFileLock(const ExclusiveFileLock&) = delete;
  ExclusiveFileLock& operator=(const ExclusiveFileLock&) = delete;
  // Closing the descriptor drops SQLite's own POSIX locks on the file in this
  // process too, so the lock must outlive the SQLite connection.
  ~ExclusiveFileLock();

 private:
  explicit ExclusiveFileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace cfl::store::detail
