// The one generic engine for CloudFront's versioned resources: ETags that
// rotate on every change, If-Match preconditions, caller references,
// InProgress → Deployed from timestamps, and marker pagination. Each resource
// family describes itself with a ResourceFamily; the engine does the rest.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "emulator/engine/handler.h"
#include "store/store.h"

namespace cfl::handlers {

// A stored resource as the engine hands it to family code.
struct Resource {
  store::Record record;
  Json config;    // the family's *Config structure
  Json metadata;  // family attributes: "Tags", "DomainName", ...

  const std::string& id() const { return record.id; }
  const std::string& etag() const { return record.etag; }
  // True once propagation (or processing) has finished at now_ms.
  bool Settled(std::int64_t now_ms) const { return record.settles_at_ms <= now_ms; }
};

struct ResourceFamily {
  std::string kind;                 // store kind, e.g. "distribution"
  std::string not_found_code;       // e.g. "NoSuchDistribution"
  std::string not_found_message;
  std::string already_exists_code;  // reused caller reference or unique name
  std::string already_exists_message;  // "{id}" is replaced by the existing resource's id
  std::string caller_reference_member;  // "CallerReference", or "" when the family has none
  std::string unique_name_member;       // "Name" when names are unique per account, else ""
  std::string in_use_code;          // delete refused while referenced, e.g. "…InUse"
  std::string in_use_message;
  std::string limit_code;           // "" when the family has no per-account limit
  std::string limit_message;
  // Settling delay for creates and updates, read at the time of each change.
  std::function<std::int64_t(const RequestContext&)> settle_delay_ms;
  std::function<std::optional<std::int64_t>(const RequestContext&)> max_per_account;
  std::function<std::string()> new_id;
  std::function<Json(const RequestContext&)> new_metadata;  // attributes fixed at creation
  // Validates config and fills the service's defaults in. current is the
  // stored resource on update, nullptr on create.
  std::function<Result<Ok, ApiError>(RequestContext&, Json& config, const Resource* current)> prepare;
  // Unique keys besides the caller reference (e.g. aliases), and what a
  // collision on one of them answers.
  std::function<std::vector<std::string>(const Json& config)> unique_keys;
  std::function<ApiError(const store::StoreError&)> key_conflict;
  // Other resources this one points at (e.g. an origin access identity).
  std::function<std::vector<std::string>(const Json& config)> references;
  // A create repeating a caller reference with an identical config returns
  // the existing resource instead of failing (origin access identities,
  // invalidations).
  bool replay_identical = false;
};

struct CreateOptions {
  Json metadata = Json::object();  // added to the family's new_metadata
  std::optional<std::string> id;   // a chosen id (fixtures); else family.new_id()
  std::string parent;              // owning resource (an invalidation's distribution)
};

// Validates and fills config (family.prepare), then stores version one. A
// taken caller reference answers family.already_exists_code naming the owner,
// unless family.replay_identical and the stored config is the same: then the
// stored resource is the answer (replayed = true).
Result<Resource, ApiError> CreateResource(RequestContext& ctx, const ResourceFamily& family, Json config,
                                          CreateOptions options = {}, bool* replayed = nullptr);

Result<Resource, ApiError> LoadResource(RequestContext& ctx, const ResourceFamily& family, const std::string& id);

// The unique keys a record of family with this config and parent holds: its
// caller reference, its name when names are unique, and the family's own.
std::vector<std::string> UniqueKeysOf(const ResourceFamily& family, const Json& config, const std::string& parent);

// The stored record, its config not parsed yet: for answers cached by version.
Result<store::Record, ApiError> LoadRecord(RequestContext& ctx, const ResourceFamily& family, const std::string& id);

// A stored record with its config and metadata parsed.
Resource ResourceOf(store::Record record);
// The same, with record.document already parsed: config is what was dumped into it.
Resource ResourceOf(store::Record record, Json config);

// If-Match must be present (InvalidIfMatchVersion) and current (PreconditionFailed).
Result<Resource, ApiError> UpdateResource(RequestContext& ctx, const ResourceFamily& family, const std::string& id,
                                          const Json& if_match, Json config);

using DeletePrecondition = std::function<Result<Ok, ApiError>(const RequestContext&, const Resource&)>;

// Delete only what is disabled (config Enabled=false) and Deployed; else error_code.
DeletePrecondition RequireDisabledAndDeployed(std::string error_code, std::string message);

// Checks If-Match like UpdateResource, then may_delete on the current version;
// the delete itself is a compare-and-swap on that version.
Result<Resource, ApiError> DeleteResource(RequestContext& ctx, const ResourceFamily& family, const std::string& id,
                                          const Json& if_match, const DeletePrecondition& may_delete,
                                          std::optional<std::string> guard_reference = std::nullopt);

// Replaces the family attributes (e.g. tags) without a new version.
Result<Resource, ApiError> UpdateMetadata(RequestContext& ctx, const ResourceFamily& family, const std::string& id,
                                          Json metadata);

// Gives every resource of family that lists reference a new version (new
// ETag and LastModifiedTime, settling again), as CloudFront does to the
// distributions that use a policy or key group when it changes.
void RenewReferencingVersions(RequestContext& ctx, const ResourceFamily& family, const std::string& reference);

// Where a page of a list starts and ends.
struct PageBounds {
  std::string marker;       // as the caller sent it
  std::string next_marker;  // "" unless truncated
  std::int64_t max_items = 100;
  bool truncated = false;
};

struct ResourcePage : PageBounds {
  std::vector<Resource> items;
};

struct RecordPage : PageBounds {
  std::vector<store::Record> records;
};

// Marker/MaxItems pagination in creation order (newest first when asked).
Result<ResourcePage, ApiError> ListResources(RequestContext& ctx, const ResourceFamily& family, const Json& input,
                                             std::optional<std::string> parent = std::nullopt,
                                             bool newest_first = false);

// The same page as ListResources, its records not parsed yet.
Result<RecordPage, ApiError> ListRecords(RequestContext& ctx, const ResourceFamily& family, const Json& input,
                                         std::optional<std::string> parent = std::nullopt,
                                         bool newest_first = false);

// The MaxItems query member: 100 when absent, at most 1000; InvalidArgument
// unless a non-negative integer.
Result<std::int64_t, ApiError> ParseMaxItems(const Json& input);

// The list envelope CloudFront wraps pages in: Marker, NextMarker, MaxItems,
// IsTruncated, Quantity, Items.
Json ListEnvelope(const PageBounds& page, Json items);

// "Deployed" or "InProgress" at the request's time.
std::string DeployStatus(const RequestContext& ctx, const Resource& resource);

// Reads a string member of input, "" when absent.
std::string StringMember(const Json& input, std::string_view name);
// The Items of a list on the wire ({Quantity, Items} or a config holding Items);
// an empty array when there are none or the value is not such a list.
Json ItemsOf(const Json& list);

}  // namespace cfl::handlers
