// libFuzzer harness for the rest-xml codec.
//
// Input: an optional first line naming a request payload's root element
// ("DistributionConfig\n"); without one, the first byte picks a payload shape
// by index. The rest is the XML document. The harness decodes it, validates
// it, encodes what decoded, decodes that again and aborts unless the second
// decode equals the first (empty lists aside: the encoder leaves them out, as
// CloudFront does) and the encoding is a fixpoint. Errors must be 400s.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "emulator/codec/validate.h"
#include "emulator/codec/xml_codec.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using cfl::model::Json;

// What a decode of the encoding should give: the value without empty lists.
Json WithoutEmptyLists(const Json& value) {
  if (value.is_object()) {
    Json out = Json::object();
    for (const auto& [key, item] : value.items()) {
      if (item.is_array() && item.empty()) continue;
      out[key] = WithoutEmptyLists(item);
    }
    return out;
  }
  if (value.is_array()) {
    Json out = Json::array();
    for (const auto& item : value) out.push_back(WithoutEmptyLists(item));
    return out;
  }
  return value;
}

const cfl::fuzz::PayloadShape* ChooseShape(std::string_view& input) {
  const auto& shapes = cfl::fuzz::RequestPayloadShapes();
  const auto newline = input.find('\n');
  if (newline != std::string_view::npos && newline <= 64) {
    const auto name = input.substr(0, newline);
    for (const auto& shape : shapes) {
      if (shape.root == name) {
        input.remove_prefix(newline + 1);
        return &shape;
      }
    }
  }
  if (input.empty()) return nullptr;
  const auto& shape = shapes[static_cast<unsigned char>(input.front()) % shapes.size()];
  input.remove_prefix(1);
  return &shape;
}

void CheckError(const cfl::ApiError& error, std::string_view stage) {
  if (error.status != 400 || error.code.empty() || !cfl::IsKnownErrorCode(error.code)) {
    cfl::fuzz::Die(std::string(stage) + " answered " + std::to_string(error.status) + " " + error.code + ": " +
                   error.message);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto* chosen = ChooseShape(input);
  if (!chosen) return 0;

  auto decoded = cfl::model::DecodeXml(input, chosen->root, chosen->shape);
  if (!decoded) {
    CheckError(decoded.error(), "DecodeXml");
    if (decoded.error().code != "MalformedInput") cfl::fuzz::Die("DecodeXml failed with " + decoded.error().code);
    return 0;
  }
  if (auto check = cfl::model::Validate(decoded.value(), chosen->shape, chosen->root); !check) {
    CheckError(check.error(), "Validate");
  }

  const std::string xml = cfl::model::EncodeXml(decoded.value(), chosen->root, chosen->shape);
  if (!cfl::fuzz::IsXmlText(xml)) {
    cfl::fuzz::Die("EncodeXml wrote text a strict XML parser refuses:\n" + xml);
  }
  auto again = cfl::model::DecodeXml(xml, chosen->root, chosen->shape);
  if (!again) {
    cfl::fuzz::Die("the encoding does not decode (" + again.error().message + "):\n" + xml);
  }
  const Json expected = WithoutEmptyLists(decoded.value());
  if (again.value() != expected) {
    cfl::fuzz::Die("round trip changed the value\nfirst:  " + expected.dump() + "\nsecond: " + again.value().dump() +
                   "\nxml: " + xml);
  }
  const std::string twice = cfl::model::EncodeXml(again.value(), chosen->root, chosen->shape);
  if (twice != xml) cfl::fuzz::Die("encoding is not a fixpoint:\n" + xml + "\n" + twice);
  return 0;
}
