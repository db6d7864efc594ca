// Text forms of values on the wire, shared by both protocols: base64 for
// blobs, the three timestamp formats, percent-decoding of URI labels.
// Pure functions: thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cfl::model {

// RFC 4648 base64 with padding.
std::string Base64Encode(std::string_view bytes);
// The bytes of base64 text (padding required, no whitespace); nullopt when
// text is not base64.
std::optional<std::string> Base64Decode(std::string_view text);
// The number of bytes text decodes to. REQUIRES: text is base64.
std::size_t Base64DecodedSize(std::string_view text);

// A timestamp in any form clients send: ISO 8601 ("2024-03-15T10:00:00Z",
// with or without fractional seconds, "Z" or an offset), epoch seconds
// ("1710496800", "1710496800.5") or RFC 822 ("Fri, 15 Mar 2024 10:00:00 GMT").
// Milliseconds since the epoch; nullopt when text is none of these, or a time
// outside InTimestampRange.
std::optional<std::int64_t> ParseTimestamp(std::string_view text);

// Whether ms (since the epoch) falls in the years 0001 to 9999: the times ISO
// 8601's four-digit years write, so that what was read can be written back.
bool InTimestampRange(std::int64_t ms);

// The forms the encoders write (ISO 8601 is FormatIso8601 in common/clock.h).
std::string FormatRfc822(std::int64_t ms);       // "Fri, 15 Mar 2024 10:00:00 GMT"
std::string FormatEpochSeconds(std::int64_t ms); // "1710496800" or "1710496800.5"

// %XX sequences decoded ("+" stays "+"); nullopt when a "%" is not followed
// by two hex digits.
std::optional<std::string> PercentDecode(std::string_view text);

}  // namespace cfl::model
