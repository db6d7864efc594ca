// Validation from the model, as the services answer it: every constraint a
// value breaks (a missing required member, an enum, a length, a range, a
// pattern) is collected into one error worded as AWS words it,
//   "2 validation errors detected: Value 'sometimes-https' at
//    'distributionConfig.defaultCacheBehavior.viewerProtocolPolicy' failed to
//    satisfy constraint: Member must satisfy enum value set: [allow-all, ...];
//    Value null at 'distributionConfig.callerReference' failed to satisfy
//    constraint: Member must not be null"
// (CloudFront: 400 MalformedXML; the rest-json KeyValueStore: 400
// ValidationException). Paths name members with a lower-case first letter,
// list items as "items.1.member" (counted from 1). Then, when nothing broke,
// CloudFront's own rule that a Quantity equals the number of Items
// (InconsistentQuantities). Thread-safe.
#pragma once

#include "emulator/codec/xml_codec.h"

namespace cfl::model {

// Checks value (of shape, from shape's service). root names the value in
// messages ("" when value is an operation's whole input, whose members then
// start the paths; e.g. "distributionConfig" for a config on its own).
Result<Ok, ApiError> Validate(const Json& value, ShapeId shape, std::string_view root);
// The same, with value's member valid_member (a structure's, at the top)
// taken as present and valid without looking at it: a payload validated
// before (DecodedPayloads).
Result<Ok, ApiError> Validate(const Json& value, ShapeId shape, std::string_view root, std::string_view valid_member);

}  // namespace cfl::model
