// What the edge serves from stored records: each version's config and
// metadata parsed once and shared (parsing one per request would cost more
// than the rest of a cache hit), and the version deployed at a time
// (engine/deployed.h: an update reaches viewers once it has propagated).
//
// Thread safety: every function may be called from any thread; the parses
// are kept in one bounded cache, keyed by record id and ETag.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "emulator/common/json.h"

#include "store/store.h"

namespace cfl::edge {

// A document parsed once per key (a version of a record), shared.
std::shared_ptr<const cfl::Json> ParsedOnce(const std::string& key, const std::string& document);

// A distribution's config deployed at now_ms and its metadata, each parsed
// once per version: what the edge reads of the metadata (the domain name, the
// kept config) changes only with the version (tags do not matter). config is
// null when no version is deployed yet.
struct DeployedConfig {
  std::shared_ptr<const cfl::Json> metadata;
  std::shared_ptr<const cfl::Json> config;
};
DeployedConfig DeployedConfigOf(const store::Record& record, std::int64_t now_ms);

// The config of a record that propagates (a policy, a key group) deployed at
// now_ms, null when none is yet (or it is not an object). A settled one needs
// no metadata.
std::shared_ptr<const cfl::Json> DeployedOnly(const store::Record& record, std::int64_t now_ms);

// A record's current config, parsed once per version; null when not an object.
std::shared_ptr<const cfl::Json> CurrentConfig(const store::Record& record);

}  // namespace cfl::edge
