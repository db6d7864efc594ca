#include "emulator/common/clock.h"

#include <charconv>

namespace cfl {

std::int64_t ToMillis(TimePoint time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

TimePoint FromMillis(std::int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); }

TimePoint SystemClock::Now() const {
  return std::chrono::system_clock::now() + std::chrono::milliseconds(offset_ms_.load());
}

bool SystemClock::Advance(std::chrono::milliseconds by) {
  if (by.count() <= 0) return true;
  std::int64_t offset = offset_ms_.load();
  do {
    if (by.count() > kMaxClockOffset.count() - offset) return false;
  } while (!offset_ms_.compare_exchange_weak(offset, offset + by.count()));
  return true;
}

namespace {

// Appends value in decimal, zero-padded to width digits as printf's %0Nd does
// (a minus sign counts toward the width).
void AppendPadded(std::string& out, std::int64_t value, int width) {
  char digits[24];
  const auto written = std::to_chars(digits, digits + sizeof digits, value < 0 ? -value : value);
  const int length = static_cast<int>(written.ptr - digits);
  if (value < 0) {
    out += '-';
    --width;
  }
  if (length < width) out.append(static_cast<std::size_t>(width - length), '0');
  out.append(digits, written.ptr);
}

}  // namespace

// Calendar arithmetic and digits by hand: every request logs a timestamp, and
// gmtime_r takes glibc's time zone lock and snprintf parses its format.
std::string FormatIso8601(std::int64_t ms) {
  using namespace std::chrono;
  const sys_time<milliseconds> time{milliseconds(ms)};
  const auto day = floor<days>(time);
  const year_month_day date{day};
  const hh_mm_ss time_of_day{time - day};
  std::string out;
  out.reserve(24);
  AppendPadded(out, static_cast<int>(date.year()), 4);
  out += '-';
  AppendPadded(out, static_cast<unsigned>(date.month()), 2);
  out += '-';
  AppendPadded(out, static_cast<unsigned>(date.day()), 2);
  out += 'T';
  AppendPadded(out, time_of_day.hours().count(), 2);
  out += ':';
  AppendPadded(out, time_of_day.minutes().count(), 2);
  out += ':';
  AppendPadded(out, time_of_day.seconds().count(), 2);
  out += '.';
  AppendPadded(out, time_of_day.subseconds().count(), 3);
  out += 'Z';
  return out;
}

}  // namespace cfl
