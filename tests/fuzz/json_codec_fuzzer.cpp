// libFuzzer harness for the rest-json codec (the KeyValueStore data plane).
//
// Input: the first byte picks a structure shape of the rest-json services'
// operations (inputs and outputs); the rest is the JSON body. The harness
// decodes it, validates it, encodes what decoded, decodes that again and
// aborts unless the second decode equals the first and the encoding is a
// fixpoint. Errors must be catalogued 400s (SerializationException,
// ValidationException).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/codec/json_codec.h"
#include "emulator/codec/validate.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using cfl::model::Json;
namespace model = cfl::model;

const std::vector<model::ShapeId>& JsonShapes() {
  static const std::vector<model::ShapeId> shapes = [] {
    std::vector<model::ShapeId> found;
    for (const auto& operation : model::Operations()) {
      if (model::ServiceOf(operation).protocol != model::ProtocolKind::kRestJson) continue;
      for (const auto shape : {operation.input, operation.output}) {
        if (shape != model::kNoShape) found.push_back(shape);
      }
    }
    return found;
  }();
  return shapes;
}

void CheckError(const cfl::ApiError& error, std::string_view stage, std::string_view expected) {
  if (error.status != 400 || error.code != expected || !cfl::IsKnownErrorCode(error.code)) {
    cfl::fuzz::Die(std::string(stage) + " answered " + std::to_string(error.status) + " " + error.code + ": " +
                   error.message);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto& shapes = JsonShapes();
  const model::ShapeId shape = shapes[data[0] % shapes.size()];
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);

  auto decoded = model::DecodeJson(body, shape);
  if (!decoded) {
    CheckError(decoded.error(), "DecodeJson", "SerializationException");
    return 0;
  }
  if (auto check = model::Validate(decoded.value(), shape, ""); !check) {
    CheckError(check.error(), "Validate", "ValidationException");
  }
  const std::string json = model::EncodeJson(decoded.value(), shape);
  auto again = model::DecodeJson(json, shape);
  if (!again) cfl::fuzz::Die("the encoding does not decode (" + again.error().message + "):\n" + json);
  // Bound members (labels, headers, query) are not in a body: compare body members only.
  Json expected = Json::object();
  for (const auto& member : model::Shape(shape).members) {
    if (member.location != model::Location::kBody) continue;
    if (const auto it = decoded->find(member.name); it != decoded->end()) expected[std::string(member.name)] = *it;
  }
  if (again.value() != expected) {
    cfl::fuzz::Die("round trip changed the value\nfirst:  " + expected.dump() + "\nsecond: " + again->dump() +
                   "\njson: " + json);
  }
  if (model::EncodeJson(again.value(), shape) != json) cfl::fuzz::Die("encoding is not a fixpoint:\n" + json);
  return 0;
}
