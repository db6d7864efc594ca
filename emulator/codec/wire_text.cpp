#include "emulator/codec/wire_text.h"

#include <array>
#include <charconv>
#include <chrono>
#include <cmath>

namespace cfl::model {
namespace {

constexpr std::string_view kBase64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<std::int8_t, 256> kBase64Values = [] {
  std::array<std::int8_t, 256> values{};
  values.fill(-1);
  for (std::size_t i = 0; i < kBase64Alphabet.size(); ++i) {
    values[static_cast<unsigned char>(kBase64Alphabet[i])] = static_cast<std::int8_t>(i);
  }
  return values;
}();

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Reads count digits at text[at]; nullopt unless all are digits.
std::optional<int> Digits(std::string_view text, std::size_t at, std::size_t count) {
  if (at + count > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

std::optional<std::int64_t> MillisOf(int year, int month, int day, int hour, int minute, int second, int millis) {
  using namespace std::chrono;
  const year_month_day date{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                            std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  const auto days_since_epoch = sys_days(date).time_since_epoch().count();
  return ((static_cast<std::int64_t>(days_since_epoch) * 24 + hour) * 60 + minute) * 60'000 +
         static_cast<std::int64_t>(second) * 1000 + millis;
}

// "2024-03-15T10:00:00[.fff...](Z|+hh:mm|-hh:mm)"
std::optional<std::int64_t> ParseIso8601(std::string_view text) {
  const auto year = Digits(text, 0, 4), month = Digits(text, 5, 2), day = Digits(text, 8, 2);
  const auto hour = Digits(text, 11, 2), minute = Digits(text, 14, 2), second = Digits(text, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != 't') || text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  std::size_t at = 19;
  int millis = 0;
  if (at < text.size() && text[at] == '.') {
    ++at;
    int scale = 100;
    const std::size_t start = at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      millis += (text[at] - '0') * scale;
      scale /= 10;
      ++at;
    }
    if (at == start || at - start > 9) return std::nullopt;
  }
  int offset_minutes = 0;
  if (at < text.size() && (text[at] == 'Z' || text[at] == 'z')) {
    ++at;
  } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
    const auto offset_hours = Digits(text, at + 1, 2), offset_mins = Digits(text, at + 4, 2);
    if (!offset_hours || !offset_mins || at + 3 >= text.size() || text[at + 3] != ':') return std::nullopt;
    offset_minutes = (*offset_hours * 60 + *offset_mins) * (text[at] == '-' ? -1 : 1);
    at += 6;
  } else {
    return std::nullopt;
  }
  if (at != text.size()) return std::nullopt;
  const auto ms = MillisOf(*year, *month, *day, *hour, *minute, *second, millis);
  if (!ms) return std::nullopt;
  return *ms - static_cast<std::int64_t>(offset_minutes) * 60'000;
}

std::optional<std::int64_t> ParseEpochSeconds(std::string_view text) {
  double seconds = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(seconds) ||
      std::fabs(seconds) > 1e13) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(std::llround(seconds * 1000));
}

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 7> kWeekdays = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};

// "Fri, 15 Mar 2024 10:00:00 GMT"
std::optional<std::int64_t> ParseRfc822(std::string_view text) {
  if (text.size() != 29 || text[3] != ',' || text.substr(25) != " GMT") return std::nullopt;
  const auto day = Digits(text, 5, 2), year = Digits(text, 12, 4);
  const auto hour = Digits(text, 17, 2), minute = Digits(text, 20, 2), second = Digits(text, 23, 2);
  int month = 0;
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    if (text.substr(8, 3) == kMonths[i]) month = static_cast<int>(i) + 1;
  }
  if (!day || !year || !hour || !minute || !second || month == 0) return std::nullopt;
  return MillisOf(*year, month, *day, *hour, *minute, *second, 0);
}

void AppendTwoDigits(std::string& out, unsigned value) {
  out += static_cast<char>('0' + value / 10);
  out += static_cast<char>('0' + value % 10);
}

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const std::uint32_t chunk = (static_cast<unsigned char>(bytes[i]) << 16) |
                                (static_cast<unsigned char>(bytes[i + 1]) << 8) | static_cast<unsigned char>(bytes[i + 2]);
    out += kBase64Alphabet[(chunk >> 18) & 63];
    out += kBase64Alphabet[(chunk >> 12) & 63];
    out += kBase64Alphabet[(chunk >> 6) & 63];
    out += kBase64Alphabet[chunk & 63];
  }
  if (i < bytes.size()) {
    std::uint32_t chunk = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) chunk |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kBase64Alphabet[(chunk >> 18) & 63];
    out += kBase64Alphabet[(chunk >> 12) & 63];
    out += i + 1 < bytes.size() ? kBase64Alphabet[(chunk >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    int values[4];
    int padding = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = text[i + k];
      if (c == '=' && i + 4 == text.size() && k >= 2) {
        values[k] = 0;
        ++padding;
        continue;
      }
      if (padding > 0) return std::nullopt;  // data after "="
      values[k] = kBase64Values[static_cast<unsigned char>(c)];
      if (values[k] < 0) return std::nullopt;
    }
    const std::uint32_t chunk = (values[0] << 18) | (values[1] << 12) | (values[2] << 6) | values[3];
    out += static_cast<char>((chunk >> 16) & 0xFF);
    if (padding < 2) out += static_cast<char>((chunk >> 8) & 0xFF);
    if (padding < 1) out += static_cast<char>(chunk & 0xFF);
  }
  return out;
}

std::size_t Base64DecodedSize(std::string_view text) {
  std::size_t size = text.size() / 4 * 3;
  if (!text.empty() && text.back() == '=') --size;
  if (text.size() > 1 && text[text.size() - 2] == '=') --size;
  return size;
}

std::optional<std::int64_t> ParseTimestamp(std::string_view text) {
  std::optional<std::int64_t> ms;
  if (text.size() >= 20 && text[4] == '-') {
    ms = ParseIso8601(text);
  } else if (text.size() == 29 && text[3] == ',') {
    ms = ParseRfc822(text);
  } else {
    ms = ParseEpochSeconds(text);
  }
  if (ms && !InTimestampRange(*ms)) return std::nullopt;
  return ms;
}

bool InTimestampRange(std::int64_t ms) {
  constexpr std::int64_t kFirst = -62'135'596'800'000;  // 0001-01-01T00:00:00.000Z
  constexpr std::int64_t kLast = 253'402'300'799'999;   // 9999-12-31T23:59:59.999Z
  return ms >= kFirst && ms <= kLast;
}

std::string FormatRfc822(std::int64_t ms) {
  using namespace std::chrono;
  const sys_time<milliseconds> time{milliseconds(ms)};
  const auto day = floor<days>(time);
  const year_month_day date{day};
  const hh_mm_ss clock{floor<seconds>(time) - day};
  const auto weekday_index = ((day.time_since_epoch().count() % 7) + 7) % 7;  // 1970-01-01 was a Thursday
  std::string out;
  out.reserve(29);
  out += kWeekdays[static_cast<std::size_t>(weekday_index)];
  out += ", ";
  AppendTwoDigits(out, static_cast<unsigned>(date.day()));
  out += ' ';
  out += kMonths[static_cast<unsigned>(date.month()) - 1];
  out += ' ';
  out += std::to_string(static_cast<int>(date.year()));
  out += ' ';
  AppendTwoDigits(out, static_cast<unsigned>(clock.hours().count()));
  out += ':';
  AppendTwoDigits(out, static_cast<unsigned>(clock.minutes().count()));
  out += ':';
  AppendTwoDigits(out, static_cast<unsigned>(clock.seconds().count()));
  out += " GMT";
  return out;
}

std::string FormatEpochSeconds(std::int64_t ms) {
  const std::int64_t seconds = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
  const std::int64_t millis = ms - seconds * 1000;
  std::string out = std::to_string(seconds);
  if (millis != 0) {
    char fraction[5] = {'.', static_cast<char>('0' + millis / 100), static_cast<char>('0' + millis / 10 % 10),
                        static_cast<char>('0' + millis % 10), 0};
    std::string_view digits(fraction);
    while (digits.back() == '0') digits.remove_suffix(1);
    out += digits;
  }
  return out;
}

std::optional<std::string> PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int high = HexValue(text[i + 1]), low = HexValue(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

}  // namespace cfl::model
