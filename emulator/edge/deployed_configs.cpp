#include "emulator/edge/deployed_configs.h"

#include "emulator/common/bounded_cache.h"
#include "emulator/engine/deployed.h"

namespace cfl::edge {
namespace {

using Json = cfl::Json;

BoundedCache<Json>& ParsedConfigs() {
  static BoundedCache<Json> cache(4096);
  return cache;
}

std::string OwnDocumentKey(const store::Record& record) { return record.id + '\0' + record.etag + "#own"; }

}  // namespace

std::shared_ptr<const Json> ParsedOnce(const std::string& key, const std::string& document) {
  auto parsed = ParsedConfigs().Find(key);
  if (!parsed) {
    parsed = std::make_shared<const Json>(Json::parse(document, nullptr, false));
    ParsedConfigs().Insert(key, parsed);
  }
  return parsed;
}

DeployedConfig DeployedConfigOf(const store::Record& record, std::int64_t now_ms) {
  const std::string version_key = record.id + '\0' + record.etag;
  DeployedConfig deployed;
  deployed.metadata = ParsedOnce(version_key + "#metadata", record.metadata);
  const std::string* document = engine::DeployedDocument(record, *deployed.metadata, now_ms);
  if (!document) return deployed;
  deployed.config = document == &record.document ? ParsedOnce(OwnDocumentKey(record), *document)
                                                 : ParsedOnce(version_key + "#kept", *document);
  return deployed;
}

std::shared_ptr<const Json> DeployedOnly(const store::Record& record, std::int64_t now_ms) {
  auto config = record.settles_at_ms <= now_ms ? ParsedOnce(OwnDocumentKey(record), record.document)
                                               : DeployedConfigOf(record, now_ms).config;
  return config && config->is_object() ? config : nullptr;
}

std::shared_ptr<const Json> CurrentConfig(const store::Record& record) {
  auto config = ParsedOnce(OwnDocumentKey(record), record.document);
  return config->is_object() ? config : nullptr;
}

}  // namespace cfl::edge
