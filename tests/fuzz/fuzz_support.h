// Helpers shared by the libFuzzer harnesses: the request payload shapes of the
// model, and the checks a response must pass (well-formed XML 1.0 text, the
// ErrorResponse document).
#pragma once

#include <tinyxml2.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/common/json.h"

#include "emulator/model/model.h"

namespace cfl::fuzz {

// A request body the model describes: its root element and its shape.
struct PayloadShape {
  std::string_view root;
  model::ShapeId shape;
};

// Every structure sent as an XML request body, sorted by root name: payload
// members, and the inputs whose body members travel without one (rooted at
// the operation's input_root, e.g. CreateFunctionRequest).
inline const std::vector<PayloadShape>& RequestPayloadShapes() {
  static const std::vector<PayloadShape> shapes = [] {
    std::vector<PayloadShape> found;
    for (const auto& operation : model::Operations()) {
      if (operation.input == model::kNoShape) continue;
      const auto& input = model::Shape(operation.input);
      PayloadShape shape{operation.input_root, operation.input};
      if (input.payload.empty() && operation.input_root.empty()) continue;
      if (!input.payload.empty()) {
        const auto* member = model::FindMember(input, input.payload);
        if (!member || model::Shape(member->shape).type != model::ShapeType::kStructure) continue;
        shape = {member->wire_name, member->shape};
      }
      const bool seen = std::any_of(found.begin(), found.end(), [&](const PayloadShape& other) {
        return other.root == shape.root && other.shape == shape.shape;
      });
      if (!seen) found.push_back(shape);
    }
    std::sort(found.begin(), found.end(),
              [](const PayloadShape& a, const PayloadShape& b) { return a.root < b.root; });
    return found;
  }();
  return shapes;
}

[[noreturn]] inline void Die(const std::string& what) {
  std::fprintf(stderr, "\n=== FUZZ CHECK FAILED: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

// True when text is valid UTF-8 made only of characters XML 1.0 allows
// (what a strict parser such as expat, botocore's, accepts).
inline bool IsXmlText(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    std::uint32_t code = 0;
    std::size_t length = 0;
    if (byte < 0x80) {
      code = byte;
      length = 1;
    } else if ((byte & 0xE0) == 0xC0) {
      code = byte & 0x1F;
      length = 2;
    } else if ((byte & 0xF0) == 0xE0) {
      code = byte & 0x0F;
      length = 3;
    } else if ((byte & 0xF8) == 0xF0) {
      code = byte & 0x07;
      length = 4;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3F);
    }
    static constexpr std::uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < kMinForLength[length]) return false;  // overlong
    const bool allowed = code == 0x9 || code == 0xA || code == 0xD || (code >= 0x20 && code <= 0xD7FF) ||
                         (code >= 0xE000 && code <= 0xFFFD) || (code >= 0x10000 && code <= 0x10FFFF);
    if (!allowed) return false;
    i += length;
  }
  return true;
}

inline std::string ElementText(const tinyxml2::XMLElement* element) {
  const char* text = element ? element->GetText() : nullptr;
  return text ? text : "";
}

// Checks that body is CloudFront's <ErrorResponse> with the given request id;
// returns what is wrong, or nullopt.
inline std::optional<std::string> ErrorResponseProblem(std::string_view body, std::string_view request_id) {
  if (!IsXmlText(body)) return "the error body is not XML 1.0 text (control character or bad UTF-8)";
  tinyxml2::XMLDocument document;
  if (document.Parse(body.data(), body.size()) != tinyxml2::XML_SUCCESS) {
    return std::string("the error body does not parse: ") + document.ErrorStr();
  }
  const auto* root = document.RootElement();
  if (!root || std::string_view(root->Name()) != "ErrorResponse") return "the root is not ErrorResponse";
  const char* xmlns = root->Attribute("xmlns");
  if (!xmlns || std::string_view(xmlns) != model::kXmlNamespace) return "ErrorResponse without the namespace";
  const auto* error = root->FirstChildElement("Error");
  if (!error) return "ErrorResponse without Error";
  const std::string type = ElementText(error->FirstChildElement("Type"));
  if (type != "Sender" && type != "Receiver") return "Error/Type is '" + type + "'";
  if (ElementText(error->FirstChildElement("Code")).empty()) return "Error/Code is empty";
  if (!error->FirstChildElement("Message")) return "Error/Message is missing";
  if (ElementText(root->FirstChildElement("RequestId")) != request_id) return "RequestId differs from the header";
  return std::nullopt;
}

// Checks that a rest-json error (the KeyValueStore data plane) has the code in
// x-amzn-ErrorType and a JSON body with __type (the same code) and message.
inline std::optional<std::string> JsonErrorProblem(std::string_view body, std::string_view error_type) {
  if (error_type.empty()) return "a JSON error without x-amzn-ErrorType";
  const auto parsed = cfl::Json::parse(body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) return "the JSON error body does not parse";
  if (parsed.value("__type", "") != error_type) return "__type differs from x-amzn-ErrorType";
  if (!parsed.contains("message") || !parsed["message"].is_string()) return "the JSON error has no message";
  return std::nullopt;
}

}  // namespace cfl::fuzz
