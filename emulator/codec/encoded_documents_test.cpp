#include "emulator/codec/encoded_documents.h"

#include <doctest/doctest.h>

#include "emulator/codec/xml_codec.h"

namespace cfl::model {
namespace {

std::string ContentOf(const cfl::Json& pre_encoded) {
  REQUIRE(pre_encoded.is_binary());
  const auto& bytes = pre_encoded.get_binary();
  return std::string(bytes.begin(), bytes.end());
}

TEST_CASE("EncodedDocument: the encoder's content, kept by the document's text") {
  const ShapeId shape = *FindShape("Signer");
  const cfl::Json first = {{"AwsAccountNumber", "self"}};
  const std::string document = first.dump();
  CHECK(ContentOf(EncodedDocument(document, first, shape)) == EncodeXmlContent(first, shape));
  // Kept: the same document answers the same content (the value must be its parse).
  const cfl::Json other = {{"AwsAccountNumber", "111122223333"}};
  CHECK(ContentOf(EncodedDocument(document, other, shape)) == EncodeXmlContent(first, shape));
  // Another document, or the same under another shape, is another entry.
  CHECK(ContentOf(EncodedDocument(other.dump(), other, shape)) == EncodeXmlContent(other, shape));
}

TEST_CASE("EncodedDocument: a document with a replacement character is encoded every time") {
  const ShapeId shape = *FindShape("Signer");
  const std::string document = "{\"AwsAccountNumber\":\"a\xEF\xBF\xBD\"}";
  // Values that are not its parse show that nothing was kept for it.
  const cfl::Json first = {{"AwsAccountNumber", "one"}};
  const cfl::Json second = {{"AwsAccountNumber", "two"}};
  CHECK(ContentOf(EncodedDocument(document, first, shape)) == EncodeXmlContent(first, shape));
  CHECK(ContentOf(EncodedDocument(document, second, shape)) == EncodeXmlContent(second, shape));
}

}  // namespace
}  // namespace cfl::model
