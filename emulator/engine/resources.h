// The engine's operations on stored resources of any family: ETags that
// rotate on every change, If-Match preconditions, caller references and
// unique names, references and in-use guards (checked by the store inside the
// write transaction), limits, InProgress → Deployed from timestamps, and
// Marker/MaxItems pages. Families describe themselves (family.h); this does
// the rest.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "emulator/engine/family.h"

namespace cfl::engine {

struct CreateOptions {
  Json metadata = Json::object();  // added to the family's new_metadata
  std::optional<std::string> id;   // a chosen id (fixtures); else family.new_id()
  std::string parent;              // owning resource (an invalidation's distribution)
};

// Validates and fills config (family.prepare), then stores version one. A
// taken caller reference answers family.errors.already_exists naming the
// owner, unless family.replay_identical and the stored config is the same:
// then the stored resource is the answer (replayed = true).
Result<Resource, ApiError> CreateResource(RequestContext& ctx, const Family& family, Json config,
                                          CreateOptions options = {}, bool* replayed = nullptr);

// The stored record, its config not parsed yet: for answers cached by version.
Result<store::Record, ApiError> LoadRecord(RequestContext& ctx, const Family& family, const std::string& id);

// The unique keys a record of family with this config and parent holds: its
// caller reference, its name when names are unique, and the family's own
// (what a create stores; snapshots are checked against it).
std::vector<std::string> UniqueKeysOf(const Family& family, const Json& config, const std::string& parent);
Result<Resource, ApiError> LoadResource(RequestContext& ctx, const Family& family, const std::string& id);

// With ETag versioning, If-Match must be present (InvalidIfMatchVersion) and
// current (PreconditionFailed); without versioning it is not looked at.
// Records that reference this one and whose rule renews its users get a new
// version in the same transaction. run_prepare false: config is the current
// one with members the caller has checked itself (an associated web ACL).
Result<Resource, ApiError> UpdateResource(RequestContext& ctx, const Family& family, const std::string& id,
                                          const Json& if_match, Json config, bool run_prepare = true);

// The step that writes config (prepared already) as the next version of
// current: a new ETag, modification time and settling, its unique keys and
// references, and the update rules (the version must still be current's, the
// references must exist, renewals, ReferenceRule::target_keeps) — for
// operations that change several records in one Store::Transact.
Result<store::ReplaceStep, ApiError> NextVersion(RequestContext& ctx, const Family& family, const Resource& current,
                                                const Json& config);

// Checks If-Match like UpdateResource, then the family's delete rules
// (disabled and settled first; not in use, checked by the store); the
// delete itself is a compare-and-swap on the version checked.
Result<Resource, ApiError> DeleteResource(RequestContext& ctx, const Family& family, const std::string& id,
                                          const Json& if_match);

// A per-stage family: If-Match must name the DEVELOPMENT stage's version;
// the LIVE stage (live is the family with LiveKind) becomes its copy with a
// new ETag, in one transaction with the check.
Result<Resource, ApiError> PublishResource(RequestContext& ctx, const Family& family, const Family& live,
                                           const std::string& id, const Json& if_match);

// The kinds of the records a record of family owns (deleting it deletes
// them): its LIVE stage, its child_kinds, the families (of the registry, or
// of families) whose parent it is.
std::vector<std::string> ChildKinds(const Family& family);
std::vector<std::string> ChildKinds(const Family& family, std::span<const FamilyDefinition* const> families);

// Replaces the family attributes (e.g. tags) without a new version.
Result<Resource, ApiError> UpdateMetadata(RequestContext& ctx, const Family& family, const std::string& id,
                                          Json metadata);

// Where a page of a list starts and ends.
struct PageBounds {
  std::string marker;       // as the caller sent it
  std::string next_marker;  // "" unless truncated
  std::int64_t max_items = 100;
  bool truncated = false;
};

struct RecordPage : PageBounds {
  std::vector<store::Record> records;
};

// Marker/MaxItems pagination in creation order (newest first when the family says so).
Result<RecordPage, ApiError> ListRecords(RequestContext& ctx, const Family& family, const Json& input,
                                         std::optional<std::string> parent = std::nullopt);

// The MaxItems member (a query string, or an integer in the newer bodies):
// 100 when absent, at most 1000; InvalidArgument unless a non-negative integer.
Result<std::int64_t, ApiError> ParseMaxItems(const Json& input);

// The list envelope CloudFront wraps pages in: Marker, NextMarker, MaxItems,
// IsTruncated, Quantity, Items (the encoder keeps those the list shape has).
Json ListEnvelope(const PageBounds& page, Json items);

// The error a store failure answers for family (not found, version mismatch, ...).
ApiError MapStoreError(const Family& family, const store::StoreError& error);

// The error of a store failure that no family rule explains: a 500 naming it.
ApiError StoreFailure(const store::StoreError& error);

}  // namespace cfl::engine
