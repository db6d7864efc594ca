#include "emulator/codec/encoded_documents.h"

#include "emulator/codec/xml_codec.h"
#include "emulator/common/bounded_cache.h"

namespace cfl::model {
namespace {

BoundedCache<std::string>& EncodedDocuments() {
  static BoundedCache<std::string> cache(512);
  return cache;
}

constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";

}  // namespace

cfl::Json EncodedDocument(const std::string& document, const cfl::Json& value, ShapeId shape) {
  if (document.size() > kMaxEncodedDocumentBytes || document.find(kReplacementCharacter) != std::string::npos) {
    return PreEncodedXml(EncodeXmlContent(value, shape));
  }
  std::string key = std::to_string(shape);
  key.append(1, '\0').append(document);
  auto encoded = EncodedDocuments().Find(key);
  if (!encoded) {
    encoded = std::make_shared<const std::string>(EncodeXmlContent(value, shape));
    EncodedDocuments().Insert(std::move(key), encoded);
  }
  return PreEncodedXml(*encoded);
}

}  // namespace cfl::model
