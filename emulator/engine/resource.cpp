#include "emulator/engine/resource.h"

#include "emulator/codec/document_cache.h"

namespace cfl::engine {
namespace {

// Reads parse the same few versions over and over.
model::DocumentCache& ParsedConfigs() {
  static model::DocumentCache cache(512);
  return cache;
}

}  // namespace

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
  resource.metadata = Json::parse(record.metadata, nullptr, false);
  if (!resource.metadata.is_object()) resource.metadata = Json::object();
  resource.record = std::move(record);
  return resource;
}

std::string DeployStatus(const RequestContext& ctx, const Resource& resource) {
  return resource.Settled(ctx.now_ms) ? "Deployed" : "InProgress";
}

std::string StringMember(const Json& input, std::string_view name) {
  const auto it = input.find(name);
  return it != input.end() && it->is_string() ? it->get<std::string>() : std::string();
}

const Json& ItemsOf(const Json& list) {
  static const Json kEmpty = Json::array();
  if (!list.is_object()) return kEmpty;
  const auto items = list.find("Items");
  return items != list.end() && items->is_array() ? *items : kEmpty;
}

const Json& MemberOf(const Json& object, std::string_view name) {
  static const Json kNull;
  if (!object.is_object()) return kNull;
  const auto member = object.find(name);
  return member == object.end() ? kNull : *member;
}

}  // namespace cfl::engine
