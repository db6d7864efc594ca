// One store per database file. Every record is held in memory (RecordCache),
// so a second process writing the same file would go unseen and each would
// overwrite the other's changes. The file is locked (flock) for as long as the
// store is open, and a second open is refused with a clear error instead.
#pragma once

#include <string>
#include <utility>

#include "store/sqlite_statement.h"
#include "store/store.h"

namespace cfl::store::detail {

class ExclusiveFileLock {
 public:
  // Creates the file when missing (an empty file is an empty SQLite database).
  // Fails when another open store, in this process or another, holds the lock.
  static StoreResult<ExclusiveFileLock> Acquire(const std::string& path);

  ExclusiveFileLock() = default;
  ExclusiveFileLock(ExclusiveFileLock&& other) noexcept
      : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}
  ExclusiveFileLock& operator=(ExclusiveFileLock&& other) noexcept;
  ExclusiveFileLock(const ExclusiveFileLock&) = delete;
  ExclusiveFileLock& operator=(const ExclusiveFileLock&) = delete;
  // Closing the descriptor drops SQLite's own POSIX locks on the file in this
  // process too, so the lock must outlive the SQLite connection.
  ~ExclusiveFileLock();

  // Whether the path still names the file that was locked (kIo otherwise): a
  // file deleted or replaced while the store is open takes every later write
  // with it (SQLite writes on into the old file, lost at the next start), and
  // a second process could then lock the new file at the same path. Costs
  // two stat calls. An unlocked (in-memory) store always passes.
  Status CheckStillAtPath() const;

 private:
  ExclusiveFileLock(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  std::string path_;
};

}  // namespace cfl::store::detail
