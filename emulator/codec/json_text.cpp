#include "emulator/codec/json_text.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>

namespace cfl::model {
namespace {

using Json = cfl::Json;

std::string NlohmannText(const Json& value) { return value.dump(-1, ' ', false, Json::error_handler_t::replace); }

bool WrittenAsIs(char byte) {
  const auto c = static_cast<unsigned char>(byte);
  return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

// WrittenAsIs of every byte, eight bytes at a time: names and values are
// most of a stored document's bytes, and nearly all are plain.
bool AllWrittenAsIs(std::string_view text) {
  constexpr std::uint64_t kOnes = 0x0101010101010101;
  constexpr std::uint64_t kHighBits = 0x8080808080808080;
  // A byte of word is zero: the classic test (exact for "any").
  const auto any_zero = [](std::uint64_t word) { return (word - kOnes) & ~word & kHighBits; };
  std::size_t at = 0;
  for (; at + 8 <= text.size(); at += 8) {
    std::uint64_t word;
    std::memcpy(&word, text.data() + at, 8);
    // Past ASCII | below 0x20 (exact once no byte is past ASCII) | '"' | '\\'.
    const std::uint64_t refused = (word & kHighBits) | ((word - kOnes * 0x20) & ~word & kHighBits) |
                                  any_zero(word ^ (kOnes * '"')) | any_zero(word ^ (kOnes * '\\'));
    if (refused) return false;
  }
  return std::all_of(text.begin() + static_cast<std::ptrdiff_t>(at), text.end(), WrittenAsIs);
}

void AppendString(std::string& out, const std::string& text) {
  // Most names and values are plain ASCII: copied in one piece.
  if (AllWrittenAsIs(text)) {
    out += '"';
    out += text;
    out += '"';
    return;
  }
  constexpr char kHex[] = "0123456789abcdef";  // dump writes \u00XX in lower case
  const std::size_t mark = out.size();
  // Room for the worst case (every byte a \u00XX), then trimmed: one
  // resize instead of an append per escape.
  out.resize(mark + 2 + 6 * text.size());
  char* to = out.data() + mark;
  *to++ = '"';
  for (const char byte : text) {
    const auto c = static_cast<unsigned char>(byte);
    if (WrittenAsIs(byte)) {
      *to++ = byte;
      continue;
    }
    if (c >= 0x80) {
      // Past ASCII: dump checks UTF-8 and replaces what is not; it writes this string.
      out.resize(mark);
      out += NlohmannText(Json(text));
      return;
    }
    *to++ = '\\';
    switch (c) {
      case '"': *to++ = '"'; break;
      case '\\': *to++ = '\\'; break;
      case '\b': *to++ = 'b'; break;
      case '\f': *to++ = 'f'; break;
      case '\n': *to++ = 'n'; break;
      case '\r': *to++ = 'r'; break;
      case '\t': *to++ = 't'; break;
      default:
        *to++ = 'u';
        *to++ = '0';
        *to++ = '0';
        *to++ = kHex[c >> 4];
        *to++ = kHex[c & 0xF];
    }
  }
  *to++ = '"';
  out.resize(static_cast<std::size_t>(to - out.data()));
}

template <typename Number>
void AppendInteger(std::string& out, Number number) {
  char buffer[24];
  const auto written = std::to_chars(buffer, buffer + sizeof buffer, number);
  out.append(buffer, written.ptr);
}

void AppendValue(std::string& out, const Json& value) {
  switch (value.type()) {
    case Json::value_t::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, member] : value.get_ref<const Json::object_t&>()) {
        if (!first) out += ',';
        first = false;
        AppendString(out, key);
        out += ':';
        AppendValue(out, member);
      }
      out += '}';
      return;
    }
    case Json::value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& item : value) {
        if (!first) out += ',';
        first = false;
        AppendValue(out, item);
      }
      out += ']';
      return;
    }
    case Json::value_t::string:
      AppendString(out, value.get_ref<const std::string&>());
      return;
    case Json::value_t::boolean:
      out += value.get<bool>() ? "true" : "false";
      return;
    case Json::value_t::null:
      out += "null";
      return;
    case Json::value_t::number_integer:
      AppendInteger(out, value.get<std::int64_t>());
      return;
    case Json::value_t::number_unsigned:
      AppendInteger(out, value.get<std::uint64_t>());
      return;
    default:  // floating point, binary, discarded: as dump writes them
      out += NlohmannText(value);
  }
}

}  // namespace

std::string DumpJson(const cfl::Json& value) {
  std::string out;
  out.reserve(1024);
  AppendValue(out, value);
  return out;
}

}  // namespace cfl::model
