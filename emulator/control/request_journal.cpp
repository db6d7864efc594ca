#include "emulator/control/request_journal.h"

#include <charconv>

#include "emulator/common/clock.h"

namespace cfl::control {
namespace {

template <typename Number>
std::optional<Number> ParseNumber(const std::string& text) {
  Number number{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return number;
}

bool Matches(const api::CallRecord& call, const JournalFilter& filter) {
  return (filter.operation.empty() || call.operation == filter.operation) &&
         (filter.account.empty() || call.account == filter.account) &&
         (filter.error_code.empty() || call.error_code == filter.error_code) &&
         (!filter.status || call.status == *filter.status) && call.sequence > filter.after;
}

Json OrNull(const std::string& text) { return text.empty() ? Json() : Json(text); }

}  // namespace

Result<JournalFilter, Problem> ParseJournalFilter(const QueryMap& query) {
  if (auto ok = OnlyParameters(query, {"operation", "status", "account", "error", "after", "limit"}); !ok) {
    return Fail(std::move(ok).error());
  }
  JournalFilter filter;
  filter.operation = Parameter(query, "operation").value_or("");
  filter.account = Parameter(query, "account").value_or("");
  filter.error_code = Parameter(query, "error").value_or("");
  if (auto status = Parameter(query, "status")) {
    const auto number = ParseNumber<int>(*status);
    if (!number || *number < 100 || *number > 599) {
      return Fail(BadRequest("status must be an HTTP status code, got \"" + *status + "\""));
    }
    filter.status = *number;
  }
  if (auto after = Parameter(query, "after")) {
    const auto number = ParseNumber<std::uint64_t>(*after);
    if (!number) return Fail(BadRequest("after must be a sequence number, got \"" + *after + "\""));
    filter.after = *number;
  }
  if (auto limit = Parameter(query, "limit")) {
    const auto number = ParseNumber<std::size_t>(*limit);
    if (!number) return Fail(BadRequest("limit must be a non-negative integer, got \"" + *limit + "\""));
    filter.limit = *number;
  }
  return filter;
}

Json CallJson(const api::CallRecord& call) {
  return {{"time", FormatIso8601(call.time_ms)},
          {"time_ms", call.time_ms},
          {"request_id", call.request_id},
          {"account", call.account},
          {"operation", OrNull(call.operation)},
          {"method", call.method},
          {"path", call.path},
          {"status", call.status},
          {"error_code", OrNull(call.error_code)},
          {"if_match", OrNull(call.if_match)},
          {"etag", OrNull(call.etag)},
          {"duration_ms", call.duration_ms},
          {"fault", !call.fault_rule.empty()},
          {"fault_rule", OrNull(call.fault_rule)},
          {"sequence", call.sequence}};
}

void RequestJournal::Record(api::CallRecord call) {
  if (capacity_ == 0) return;
  std::lock_guard lock(mutex_);
  call.sequence = ++last_sequence_;
  calls_.push_back(std::move(call));
  while (calls_.size() > capacity_) calls_.pop_front();
}

std::uint64_t RequestJournal::last_sequence() const {
  std::lock_guard lock(mutex_);
  return last_sequence_;
}

std::vector<api::CallRecord> RequestJournal::Recent(const JournalFilter& filter) const {
  std::lock_guard lock(mutex_);
  std::vector<api::CallRecord> found;
  for (auto it = calls_.rbegin(); it != calls_.rend() && found.size() < filter.limit; ++it) {
    if (it->sequence <= filter.after) break;  // older ones too: sequences grow
    if (Matches(*it, filter)) found.push_back(*it);
  }
  return found;
}

void RequestJournal::Clear(const std::optional<std::string>& account) {
  std::lock_guard lock(mutex_);
  if (!account) {
    calls_.clear();
    return;
  }
  std::erase_if(calls_, [&](const api::CallRecord& call) { return call.account == *account; });
}

}  // namespace cfl::control
