// Encoded configs kept by the stored document they are the parse of: an
// update or create answers the config it stored, and clients store the same
// config again and again (an If-Match chain of updates), so its XML is
// encoded once. Entries never go stale: the key is the shape and every byte
// of the document. Bounded in entries and in the size of documents kept.
// Thread-safe.
#pragma once

#include <cstddef>
#include <string>

#include "emulator/common/json.h"

#include "emulator/model/model.h"

namespace cfl::model {

// Documents longer than this are encoded every time.
inline constexpr std::size_t kMaxEncodedDocumentBytes = 64 * 1024;

// PreEncodedXml of the content of value, of shape: value must be the parse
// of document (a stored version's JSON text). A document with a replacement
// character may stand for a value whose invalid UTF-8 it replaced: such a
// value is encoded every time, as are documents over the bound.
cfl::Json EncodedDocument(const std::string& document, const cfl::Json& value, ShapeId shape);

}  // namespace cfl::model
