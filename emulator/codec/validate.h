// Validation from the model: required members, enum values, string lengths
// and numeric bounds, and CloudFront's Quantity-must-match-Items rule.
#pragma once

#include "emulator/codec/xml_codec.h"

namespace cfl::model {

// Checks value (decoded with shape) and returns the first problem found, as
// the error CloudFront answers for it. path names the value in messages.
Result<Ok, ApiError> Validate(const Json& value, ShapeId shape, std::string_view path);

}  // namespace cfl::model
