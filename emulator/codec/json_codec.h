// The one generic rest-json codec (the KeyValueStore data plane): JSON bodies
// into values shaped by the model and back. Values are those of xml_codec.h
// (timestamps ISO 8601 strings, blobs base64 strings); on this wire a
// timestamp is epoch seconds and a blob base64 text. Stateless: thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "emulator/codec/xml_codec.h"

namespace cfl::model {

// Decodes a JSON document describing a value of shape (body members only).
// Unknown keys are ignored, as AWS's JSON services ignore them; JSON that does
// not parse, nests deeper than 64, or has a value of the wrong type is
// SerializationException.
Result<Json, ApiError> DecodeJson(std::string_view body, ShapeId shape);

// value (of shape) as the JSON document the service sends: body members only,
// keyed by their wire names; null members left out.
std::string EncodeJson(const Json& value, ShapeId shape);

// The value as it travels in the JSON document (before dumping): for tests.
Json ToWireJson(const Json& value, ShapeId shape);

}  // namespace cfl::model
