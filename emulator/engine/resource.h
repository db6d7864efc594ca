// A stored resource as the engine hands it to family code, and the small
// helpers every family uses to read decoded values.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "emulator/engine/handler.h"
#include "emulator/model/model.h"
#include "store/store.h"

namespace cfl::engine {

struct Resource {
  store::Record record;
  // The family's config structure, parsed once per stored version and shared
  // (never null): reading a version does not copy it.
  std::shared_ptr<const Json> parsed_config;
  Json metadata;  // family attributes: "Tags", "DomainName", ...
  // Set by the engine on a create's or an update's resource when the answer is
  // XML with a member of the config's shape (OperationMembers::
  // answer_config_shape): ConfigForAnswer is then the stored document's kept
  // encoding, not a copy of the config. Renders that read their own answer
  // back must use config().
  model::ShapeId answer_config_shape = model::kNoShape;

  const Json& config() const { return *parsed_config; }
  // The config as a render puts it in the member of its answer named after
  // the config: a copy of config(), or its kept XML encoding.
  Json ConfigForAnswer() const;
  const std::string& id() const { return record.id; }
  const std::string& etag() const { return record.etag; }
  // True once propagation (or processing) has finished at now_ms.
  bool Settled(std::int64_t now_ms) const { return record.settles_at_ms <= now_ms; }
};

// A stored record with its config and metadata parsed (parsed configs are
// kept by their text, so reading the same version again costs a lookup).
Resource ResourceOf(store::Record record);
// The same, with record.document already parsed: config is what was dumped into it.
Resource ResourceOf(store::Record record, Json config);
Resource ResourceOf(store::Record record, std::shared_ptr<const Json> config);

// A stored metadata text parsed (null/discarded JSON when it is not JSON),
// shared: parses are kept by their text, so reading a version again costs a
// lookup. Thread-safe.
std::shared_ptr<const Json> ParsedMetadata(const std::string& text);
// metadata dumped for storing: the text, and its parse kept so reading the
// version written costs a lookup. Thread-safe.
std::string DumpMetadata(Json metadata);

// "Deployed" or "InProgress" at the request's time.
std::string DeployStatus(const RequestContext& ctx, const Resource& resource);

// Reads a string member of input, "" when absent or not a string.
std::string StringMember(const Json& input, std::string_view name);
// The Items of a list on the wire ({Quantity, Items} or a config holding Items);
// an empty array when there are none or the value is not such a list. A
// reference into list (or to a static empty array): no copy.
const Json& ItemsOf(const Json& list);
const Json& ItemsOf(Json&& list) = delete;  // would dangle: name the list first
// object's member name, or null when absent or object is not an object; no copy.
const Json& MemberOf(const Json& object, std::string_view name);
const Json& MemberOf(Json&& object, std::string_view name) = delete;  // would dangle

}  // namespace cfl::engine
