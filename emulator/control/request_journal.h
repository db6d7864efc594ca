// The request journal: the most recent API calls, for tests to inspect what
// their code sent and what it got. A bounded ring; the oldest call goes first.
#pragma once

#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "emulator/api/dispatcher.h"
#include "emulator/control/json_input.h"

namespace cfl::control {

struct JournalFilter {
  std::string operation;         // "" = any
  std::string account;           // "" = any
  std::string error_code;        // "" = any
  std::optional<int> status;     // nullopt = any
  std::size_t limit = 100;
};

// Reads ?operation=&status=&account=&error=&limit= into a filter.
Result<JournalFilter, Problem> ParseJournalFilter(const QueryMap& query);

Json CallJson(const api::CallRecord& call);

// Thread-safe.
class RequestJournal {
 public:
  explicit RequestJournal(std::size_t capacity) : capacity_(capacity) {}

  void Record(api::CallRecord call);
  // Matching calls, newest first, at most filter.limit of them.
  std::vector<api::CallRecord> Recent(const JournalFilter& filter) const;
  // Forgets every call, or only those of account.
  void Clear(const std::optional<std::string>& account = std::nullopt);
  std::size_t capacity() const { return capacity_; }

 private:
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::deque<api::CallRecord> calls_;  // oldest first
};

}  // namespace cfl::control
