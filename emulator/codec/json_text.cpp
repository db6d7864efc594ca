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

// The text being written, through a cursor: the string grows in steps (its
// bytes past the cursor are scratch) and is cut to the cursor at the end, so
// writing a piece is a bounds check and a copy rather than a std::string call
// that keeps the string's size and terminator up to date for every piece.
class TextWriter {
 public:
  // A pointer to room for bytes more at the cursor; write, then Advance.
  char* Reserve(std::size_t bytes) {
    if (text_.size() - used_ < bytes) text_.resize(std::max(2 * text_.size(), used_ + bytes));
    return text_.data() + used_;
  }
  void Advance(std::size_t bytes) { used_ += bytes; }
  // Moves the cursor back to an earlier position (dropping what followed it).
  void Rewind(std::size_t position) { used_ = position; }
  std::size_t Position() const { return used_; }
  void Put(char byte) {
    *Reserve(1) = byte;
    ++used_;
  }
  void Put(std::string_view bytes) {
    std::memcpy(Reserve(bytes.size()), bytes.data(), bytes.size());
    used_ += bytes.size();
  }
  std::string Take() && {
    text_.resize(used_);
    return std::move(text_);
  }

 private:
  std::string text_ = std::string(1024, '\0');
  std::size_t used_ = 0;
};

// Copies text to `to` (room for its size rounded up to 8 bytes) and says
// whether every byte is WrittenAsIs: eight bytes at a time, as names and
// values are most of a stored document's bytes and nearly all are plain.
bool CopiedAsIs(std::string_view text, char* to) {
  constexpr std::uint64_t kOnes = 0x0101010101010101;
  constexpr std::uint64_t kHighBits = 0x8080808080808080;
  // A byte of word is zero: the classic test (exact for "any").
  const auto any_zero = [](std::uint64_t word) { return (word - kOnes) & ~word & kHighBits; };
  // Past ASCII | below 0x20 (exact once no byte is past ASCII) | '"' | '\\'.
  const auto refused = [&](std::uint64_t word) {
    return (word & kHighBits) | ((word - kOnes * 0x20) & ~word & kHighBits) | any_zero(word ^ (kOnes * '"')) |
           any_zero(word ^ (kOnes * '\\'));
  };
  const std::size_t size = text.size();
  std::uint64_t refusals = 0;
  std::uint64_t word;
  std::size_t at = 0;
  for (; at + 8 <= size; at += 8) {
    std::memcpy(&word, text.data() + at, 8);
    std::memcpy(to + at, &word, 8);
    refusals |= refused(word);
  }
  if (at == size) return refusals == 0;
  if (size >= 8) {
    // The last eight bytes, overlapping the words before.
    std::memcpy(&word, text.data() + size - 8, 8);
    std::memcpy(to + size - 8, &word, 8);
    return (refusals | refused(word)) == 0;
  }
  // Shorter than a word: the bytes past it are a plain letter.
  word = kOnes * 'a';
  std::memcpy(&word, text.data(), size);
  std::memcpy(to, &word, 8);
  return refused(word) == 0;
}

void AppendString(TextWriter& out, const std::string& text) {
  // Most names and values are plain ASCII: copied in one piece.
  const std::size_t mark = out.Position();
  char* to = out.Reserve(text.size() + 2 + 8);
  to[0] = '"';
  if (CopiedAsIs(text, to + 1)) {
    to[text.size() + 1] = '"';
    out.Advance(text.size() + 2);
    return;
  }
  constexpr char kHex[] = "0123456789abcdef";  // dump writes \u00XX in lower case
  // Room for the worst case (every byte a \u00XX), then the cursor moves to
  // the end: one bounds check instead of one per escape.
  char* const start = out.Reserve(2 + 6 * text.size());
  to = start;
  *to++ = '"';
  for (const char byte : text) {
    const auto c = static_cast<unsigned char>(byte);
    if (WrittenAsIs(byte)) {
      *to++ = byte;
      continue;
    }
    if (c >= 0x80) {
      // Past ASCII: dump checks UTF-8 and replaces what is not; it writes this string.
      out.Rewind(mark);
      out.Put(NlohmannText(Json(text)));
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
  out.Advance(static_cast<std::size_t>(to - start));
}

template <typename Number>
void AppendInteger(TextWriter& out, Number number) {
  char* to = out.Reserve(24);
  out.Advance(static_cast<std::size_t>(std::to_chars(to, to + 24, number).ptr - to));
}

void AppendValue(TextWriter& out, const Json& value) {
  switch (value.type()) {
    case Json::value_t::object: {
      out.Put('{');
      bool first = true;
      for (const auto& [key, member] : value.get_ref<const Json::object_t&>()) {
        if (!first) out.Put(',');
        first = false;
        AppendString(out, key);
        out.Put(':');
        AppendValue(out, member);
      }
      out.Put('}');
      return;
    }
    case Json::value_t::array: {
      out.Put('[');
      bool first = true;
      for (const auto& item : value) {
        if (!first) out.Put(',');
        first = false;
        AppendValue(out, item);
      }
      out.Put(']');
      return;
    }
    case Json::value_t::string:
      AppendString(out, value.get_ref<const std::string&>());
      return;
    case Json::value_t::boolean:
      out.Put(value.get<bool>() ? std::string_view("true") : std::string_view("false"));
      return;
    case Json::value_t::null:
      out.Put(std::string_view("null"));
      return;
    case Json::value_t::number_integer:
      AppendInteger(out, value.get<std::int64_t>());
      return;
    case Json::value_t::number_unsigned:
      AppendInteger(out, value.get<std::uint64_t>());
      return;
    default:  // floating point, binary, discarded: as dump writes them
      out.Put(NlohmannText(value));
  }
}

}  // namespace

std::string DumpJson(const cfl::Json& value) {
  TextWriter out;
  AppendValue(out, value);
  return std::move(out).Take();
}

}  // namespace cfl::model
