// Time is injected: everything that asks "what time is it" asks a Clock, so
// tests and the control plane can move time without sleeping.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace cfl {

using TimePoint = std::chrono::system_clock::time_point;

std::int64_t ToMillis(TimePoint time);
TimePoint FromMillis(std::int64_t ms);

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

// How far ahead of the wall clock a SystemClock may be moved in all: a
// century. TimePoint counts nanoseconds in 64 bits and ends in 2262, so an
// unbounded offset would wrap time around to 1677.
inline constexpr std::chrono::milliseconds kMaxClockOffset{100LL * 365 * 24 * 3600 * 1000};

// Wall-clock time plus an offset that only ever grows (the control plane's
// "advance"). Thread-safe.
class SystemClock final : public Clock {
 public:
  TimePoint Now() const override;
  // Moves the clock forward by `by` (negative: not at all). Returns false and
  // changes nothing when the offset would pass kMaxClockOffset.
  bool Advance(std::chrono::milliseconds by);
  std::chrono::milliseconds offset() const { return std::chrono::milliseconds(offset_ms_.load()); }
  void ResetOffset() { offset_ms_.store(0); }

 private:
  std::atomic<std::int64_t> offset_ms_{0};
};

// A clock that moves only when told to: for tests.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start) : now_ms_(ToMillis(start)) {}
  TimePoint Now() const override { return FromMillis(now_ms_.load()); }
  void Advance(std::chrono::milliseconds by) { now_ms_ += by.count(); }

 private:
  std::atomic<std::int64_t> now_ms_;
};

// ISO 8601 UTC with milliseconds, as CloudFront writes timestamps:
// 2018-03-15T15:15:45.476Z
std::string FormatIso8601(std::int64_t ms);

}  // namespace cfl
