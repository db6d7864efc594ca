#include "emulator/engine/resource.h"

#include "emulator/codec/document_cache.h"
#include "emulator/codec/encoded_documents.h"
#include "emulator/codec/json_text.h"

namespace cfl::engine {
namespace {

// Reads parse the same few versions over and over.
model::DocumentCache& ParsedConfigs() {
  static model::DocumentCache cache(512);
  return cache;
}

// Metadata is read on every load of a record and re-read after every write;
// a propagating family's holds the deployed config's whole text.
model::DocumentCache& ParsedMetadataTexts() {
  static model::DocumentCache cache(512);
  return cache;
}

}  // namespace

std::shared_ptr<const Json> ParsedMetadata(const std::string& text) { return ParsedMetadataTexts().Parse(text); }

std::string DumpMetadata(Json metadata) {
  std::string text = model::DumpJson(metadata);
  // Replacement characters make the text's parse differ from metadata: not kept.
  if (text.find("\xEF\xBF\xBD") == std::string::npos) {
    ParsedMetadataTexts().Keep(text, std::make_shared<const Json>(std::move(metadata)));
  }
  return text;
}

Resource ResourceOf(store::Record record) {
  auto config = ParsedConfigs().Parse(record.document);
  return ResourceOf(std::move(record), std::move(config));
}

Resource ResourceOf(store::Record record, Json config) {
  return ResourceOf(std::move(record), std::make_shared<const Json>(std::move(config)));
}

Resource ResourceOf(store::Record record, std::shared_ptr<const Json> config) {
  Resource resource;
  resource.parsed_config = std::move(config);
  const auto metadata = ParsedMetadata(record.metadata);
  resource.metadata = metadata->is_object() ? *metadata : Json::object();
  resource.record = std::move(record);
  return resource;
}

std::string DeployStatus(const RequestContext& ctx, const Resource& resource) {
  return resource.Settled(ctx.now_ms) ? "Deployed" : "InProgress";
}

std::string StringMember(const Json& input, std::string_view name) {
  const Json* member = FindJsonMember(input, name);
  return member != nullptr && member->is_string() ? member->get_ref<const std::string&>() : std::string();
}

const Json& ItemsOf(const Json& list) {
  static const Json kEmpty = Json::array();
  const Json* items = FindJsonMember(list, "Items");
  return items != nullptr && items->is_array() ? *items : kEmpty;
}

const Json& MemberOf(const Json& object, std::string_view name) {
  static const Json kNull;
  const Json* member = FindJsonMember(object, name);
  return member == nullptr ? kNull : *member;
}

Json Resource::ConfigForAnswer() const {
  if (answer_config_shape == model::kNoShape) return config();
  return model::EncodedDocument(record.document, config(), answer_config_shape);
}

}  // namespace cfl::engine
