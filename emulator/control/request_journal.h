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
  std::uint64_t after = 0;       // only calls kept after this sequence (a poller's last one)
  std::size_t limit = 100;
};

// Reads ?operation=&status=&account=&error=&after=&limit= into a filter.
Result<JournalFilter, Problem> ParseJournalFilter(const QueryMap& query);

Json CallJson(const api::CallRecord& call);

// Thread-safe.
class RequestJournal {
 public:
  explicit RequestJournal(std::size_t capacity) : capacity_(capacity) {}

  // Keeps call, giving it the next sequence number.
  void Record(api::CallRecord call);
  // Matching calls, newest first, at most filter.limit of them.
  std::vector<api::CallRecord> Recent(const JournalFilter& filter) const;
  // Forgets every call, or only those of account.
  void Clear(const std::optional<std::string>& account = std::nullopt);
  std::size_t capacity() const { return capacity_; }
  // The sequence of the newest call kept so far (0: none yet). Clearing does
  // not reset it, so a poller never misses a call.
  std::uint64_t last_sequence() const;

 private:
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::deque<api::CallRecord> calls_;  // oldest first
  std::uint64_t last_sequence_ = 0;
};

}  // namespace cfl::control
