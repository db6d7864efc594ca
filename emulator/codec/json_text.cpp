#include "emulator/codec/json_text.h"

#include <charconv>

namespace cfl::model {
namespace {

using Json = nlohmann::json;

std::string NlohmannText(const Json& value) { return value.dump(-1, ' ', false, Json::error_handler_t::replace); }

void AppendString(std::string& out, const std::string& text) {
  constexpr char kHex[] = "0123456789abcdef";  // dump writes \u00XX in lower case
  const std::size_t mark = out.size();
  out += '"';
  std::size_t copied = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') continue;
    if (c >= 0x80) {
      // Past ASCII: dump checks UTF-8 and replaces what is not; it writes this string.
      out.resize(mark);
      out += NlohmannText(Json(text));
      return;
    }
    out.append(text, copied, i - copied);
    copied = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
    }
  }
  out.append(text, copied, std::string::npos);
  out += '"';
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
      for (const auto& [key, member] : value.items()) {
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

std::string DumpJson(const nlohmann::json& value) {
  std::string out;
  out.reserve(1024);
  AppendValue(out, value);
  return out;
}

}  // namespace cfl::model
