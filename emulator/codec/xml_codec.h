// The one generic rest-xml codec. It turns XML into JSON values shaped by the
// model and back, for every operation; no shape has hand-written XML.
//
// Values (shared with the rest-json codec, json_codec.h): a structure is a
// JSON object keyed by member name, a list a JSON array, a map a JSON object,
// strings JSON strings, integers/longs JSON integers, doubles/floats JSON
// numbers, booleans JSON booleans, and
//  - a timestamp is a JSON string in ISO 8601 UTC with milliseconds
//    ("2024-03-15T10:00:00.000Z", as FormatIso8601 writes it): the decoders
//    normalize whatever form the client sent, the encoders write the wire's
//    form (rest-xml: the string as is);
//  - a blob is a JSON string holding the bytes in base64 (RFC 4648, padded),
//    both in the body (where XML carries base64 too) and as a payload (raw
//    bytes on the wire): values never hold bytes that are not UTF-8, so they
//    can always be dumped and stored as JSON text.
// Everything here is stateless: thread-safe.
#pragma once

#include "emulator/common/json.h"
#include <string>
#include <string_view>

#include "emulator/common/result.h"
#include "emulator/model/errors.h"
#include "emulator/model/model.h"

namespace cfl::model {

using Json = cfl::Json;

// Decodes a whole XML document whose root element must be root_name and whose
// content is described by shape. Element order does not matter; an empty
// element is an empty value. Unknown elements, bad numbers, timestamps or
// base64, and malformed XML are MalformedInput. Body members only: members
// bound to headers, the query or the URI are not elements.
Result<Json, ApiError> DecodeXml(std::string_view xml, std::string_view root_name, ShapeId shape);

// Encodes value as a document with root element root_name (carrying the
// namespace of shape's service), members in model order. Members missing from
// value, null, or empty lists are left out, as CloudFront leaves them out.
std::string EncodeXml(const Json& value, std::string_view root_name, ShapeId shape);

// The content of a value of shape (its children, without an element of its
// own) as EncodeXml writes it.
std::string EncodeXmlContent(const Json& value, ShapeId shape);

// A value that stands for a structure whose content EncodeXmlContent wrote
// earlier: the encoder copies it as is. Handlers keep the encoding of a
// version that cannot change and answer with this instead of encoding it
// again. (A JSON binary value: nothing the decoder produces looks like it.)
Json PreEncodedXml(std::string_view content);

// value (of shape) with every PreEncodedXml in it decoded back into JSON, as a
// client would read it; for tests of handlers that answer pre-encoded parts.
Result<Json, ApiError> DecodePreEncoded(const Json& value, ShapeId shape);

// Appends text with XML's special characters escaped.
void AppendXmlEscaped(std::string& out, std::string_view text);

}  // namespace cfl::model
