// A resource family as data: what the engine needs to know about one kind of
// versioned resource (distributions, cache policies, key groups, ...), and
// the table of its operations. The engine derives everything the model
// already says (config and output members, the key and parent members, the
// Location of a create); a family states only what is its own.
//
// A plain family is one file in emulator/families/<folder>/ that defines a
// FamilyDefinition, plus one row in emulator/engine/registry.cpp. References
// between families are rows of the one table in emulator/families/references.cpp.
//
// Thread safety: definitions are built once, before the first request, and
// never change; every function in them may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/engine/handler.h"
#include "emulator/engine/resource.h"

namespace cfl::engine {

// A generated error constructor (model/generated/errors.h), e.g.
// errors::NoSuchDistribution: a code that does not exist does not compile.
using ErrorFactory = ApiError (*)(std::string message);

// An error a rule answers: its constructor and, when the family words it
// its own way, its message ("": the code's message in the one table of
// messages, model/error_messages.cpp).
struct ErrorSpec {
  ErrorFactory make = nullptr;
  std::string_view message = {};

  ErrorSpec() = default;
  ErrorSpec(ErrorFactory factory, std::string_view text = {}) : make(factory), message(text) {}  // NOLINT: implicit
  explicit operator bool() const { return make != nullptr; }
  ApiError operator()() const { return make(std::string(message)); }
};

// How versions are named.
enum class Versioning : std::uint8_t {
  kEtag,  // every change rotates the ETag; updates and deletes need If-Match
  kNone,  // no ETag at all (real-time log configs): updates and deletes are unconditional
  // One ETag per stage (functions): the DEVELOPMENT stage is the record of
  // the family's kind, edited by Update; Publish copies it to the LIVE stage,
  // a record of LiveKind(kind) whose parent is it (deleting the one deletes
  // both). Get and List read the stage the input's Stage member names.
  kPerStage,
};

inline constexpr std::string_view kDevelopmentStage = "DEVELOPMENT";
inline constexpr std::string_view kLiveStage = "LIVE";
// The store kind of a per-stage family's LIVE stage: "function" → "function-live".
std::string LiveKind(std::string_view kind);

// The errors of the engine's rules for a family.
struct FamilyErrors {
  ErrorSpec not_found = {};       // Get/Update/Delete of an id that does not exist
  ErrorSpec already_exists = {};  // a caller reference or unique name that is taken ("Already exists: ID" is added)
  ErrorSpec limit = {};           // max_per_account or siblings_allow refuses
  ErrorSpec not_disabled = {};    // Delete of one still enabled or not yet settled (must_disable_before_delete)
};

// The read-only records that exist in every account without being stored
// (the AWS-managed cache policies, ...). Get answers them, List shows them
// first, Update and Delete refuse them (IllegalUpdate, IllegalDelete).
struct ManagedRecord {
  std::string id;
  std::string etag;  // fixed: a managed record never changes
  std::int64_t modified_ms = 0;
  Json config;
};
using ManagedRecords = std::vector<ManagedRecord>;

// The managed record with this id, or nullptr (also when records is null).
const ManagedRecord* FindManaged(const ManagedRecords* records, std::string_view id);

struct Family {
  std::string_view kind;      // the store's kind, and the KIND of references to it
  std::string_view noun;      // for messages: "cache policy"
  std::string_view arn_type;  // ARN resource type ("distribution"), "" when it has no ARN of its own
  Versioning versioning = Versioning::kEtag;
  FamilyErrors errors;

  // Members of the config with engine-kept rules: a caller reference (unique
  // per parent, cannot change on update: IllegalUpdate) and a unique name.
  std::string_view caller_reference_member;
  std::string_view unique_name_member;
  // A create repeating a caller reference with an identical config returns
  // the existing resource instead of failing (OAIs, invalidations).
  bool replay_identical = false;
  // Delete only what is disabled (config Enabled=false) and settled; else errors.not_disabled.
  bool must_disable_before_delete = false;
  bool taggable = false;   // TagResource, UntagResource, ListTagsForResource
  bool touchable = false;  // POST /_emulator/resources/{id}/touch
  bool list_newest_first = false;
  // The kind of the owning resource, for children (an invalidation's
  // distribution): creates need the parent to exist, its input member names it.
  std::string_view parent_kind;
  // The child is its parent's own, one at most (a distribution's monitoring
  // subscription): its id is the parent's, and the input member naming the
  // parent names it too. A second create answers errors.already_exists.
  bool keyed_by_parent = false;

  // Kinds of records a record of this family owns (their parent is its id;
  // deleting it deletes them) that are no family of their own (a key value
  // store's keys). Families naming this one their parent_kind, and a
  // per-stage family's LIVE stage, are its children without being listed.
  std::vector<std::string_view> child_kinds;

  // How long a change takes to settle (InProgress → Deployed), read at the
  // time of each change; null: at once.
  std::function<std::int64_t(const RequestContext&)> settle_delay_ms;
  // False: a create settles at once, only updates take settle_delay_ms (a
  // policy: nothing uses a new one yet; an update propagates with the
  // distributions it renews).
  bool settles_on_create = true;
  std::function<std::optional<std::int64_t>(const RequestContext&)> max_per_account;
  // Refuses a create (errors.limit) unless it holds for the siblings still
  // settling (same parent), checked inside the write transaction.
  std::function<bool(const Json& config, const std::vector<store::Record>& unsettled_siblings)> siblings_allow;
  // A limit on some of the family's records (20 staging distributions among
  // an account's distributions): counted by the store inside a create's
  // transaction when the new record counts; refused answers
  // subset_limit_error.
  std::optional<store::SubsetLimit> subset_limit;
  ErrorSpec subset_limit_error = {};
  std::function<std::string()> new_id;
  // When set, the config member whose value is the id (functions and
  // key-value stores are named by their Name); new_id is not used. An
  // operation whose path names no resource names it in the body by this
  // member or by its ARN (real-time log configs: Name or ARN).
  std::string_view id_member;
  // When set, the operations' key member names a record by something other
  // than its id (a key value store's path names its Name; its id, in its
  // ARN, is a UUID): the id it names, nullopt when it names none.
  std::function<std::optional<std::string>(RequestContext&, const std::string& key)> find_id;
  // Records created with each new one, in the same transaction: children
  // holding state of their own (a key value store's data plane), given the
  // new record (its id, account, times).
  std::function<std::vector<store::Record>(const RequestContext&, const store::Record& created)> companions;
  // Snapshots: checks a record with no config document to check it against —
  // of this family's kind when its creates take none (a key value store's
  // data-plane state), or of one of its child_kinds (the store's keys);
  // record.kind says which. nullopt when it holds, else what is wrong. Null:
  // snapshots cannot hold such records.
  std::function<std::optional<std::string>(const store::Record&, const Json& config)> check_stored;
  std::function<Json(const RequestContext&)> new_metadata;  // attributes fixed at creation
  // Validates config and fills the service's defaults in. current is the
  // stored resource on update, nullptr on create.
  std::function<Result<Ok, ApiError>(RequestContext&, Json& config, const Resource* current)> prepare;
  // Members of the metadata each version derives from its config and the
  // world (a trust store's count of CA certificates, read from its bundle; a
  // tenant's managed certificate, a new one when the request changes), given
  // the config being stored and the metadata so far (new_metadata's on
  // create): called after prepare on create and update; the members it
  // answers replace theirs (strings, as snapshots hold them), a null one
  // removes it; an error refuses the write. Kept out of the config, which
  // holds only what the model's config shape has (snapshots check it so).
  std::function<Result<Json, ApiError>(RequestContext&, const Json& config, const Json& metadata)> derive_metadata;
  // Unique keys besides the caller reference and name (e.g. aliases), and
  // what a collision on one of them answers.
  std::function<std::vector<std::string>(const Json& config)> unique_keys;
  std::function<ApiError(const store::StoreError&)> key_conflict;
  const ManagedRecords* managed = nullptr;

  // The resource as Get answers it (the output's payload shape); just_changed
  // forces InProgress. Null for families whose Get is custom.
  std::function<Json(const RequestContext&, const Resource&, bool just_changed)> render;
  // One item of List (the list's item shape).
  std::function<Json(const RequestContext&, const Resource&)> summarize;
  // The resource as a Delete whose output carries it answers (DeleteVpcOrigin:
  // Status Deleting); null: a delete answers nothing.
  std::function<Json(const RequestContext&, const Resource&)> render_deleted;
  // A managed record as Get answers it and as a List item shows it.
  std::function<Json(const ManagedRecord&)> render_managed;
  std::function<Json(const ManagedRecord&)> summarize_managed;
  // What render depends on besides the stored record and whether it has
  // settled (e.g. a distribution's in-progress invalidations), or null.
  // Get keeps each version's encoded answer under these.
  std::function<std::string(const RequestContext&, const store::Record&)> render_variant;
  // The same for summarize (a function's status: whether a distribution
  // uses it), or null: summarize depends on the record and its settling only.
  std::function<std::string(const RequestContext&, const store::Record&)> summary_variant;
};

// What an operation of a family does. The engine serves the standard verbs
// from the family and the model; kCustom runs the operation's own handler.
enum class Verb : std::uint8_t {
  kCreate,           // Create<X> (and Create<X>WithTags: the payload holds the config and Tags)
  kGet,              // Get<X>: the rendered resource and its ETag
  kGetConfig,        // Get<X>Config: the stored config and its ETag
  kUpdate,           // Update<X>: If-Match, prepare, a new version
  kDelete,           // Delete<X>: If-Match, in-use and disable rules
  kList,             // List<Xs>: Marker/MaxItems pages of summaries
  kListReferencing,  // ListDistributionsBy<Y>: ids of this family's records that reference a Y
  kPublish,          // Publish<X> (per-stage families): the LIVE stage becomes a copy of DEVELOPMENT
  kCustom,
};

struct Operation {
  std::string_view name;  // as the model names it
  Verb verb;
  Handler custom = nullptr;           // kCustom
  std::string_view target_kind = {};  // kListReferencing: the kind whose users are listed
  // Codes only this operation's rules raise (besides the family's also_raises).
  std::vector<ErrorSpec> raises = {};
  // Whether the family's own rules (prepare, also_raises) run on what this
  // custom operation writes; false when it changes only members it checks
  // itself, and raises lists all it answers (an associated web ACL).
  bool family_rules = true;
  // Codes of the family's rules this operation never meets, because what it
  // checks passed them when it was stored (a copy of a stored config cannot
  // hold both an OAC and an OAI).
  std::vector<ErrorSpec> unreachable = {};
};

struct FamilyDefinition {
  Family family;
  std::vector<Operation> operations;
  // Codes the family's own rules (prepare, custom handlers) may raise on
  // creates, updates and custom operations besides those the engine
  // derives; checked at start against each operation's model errors.
  std::vector<ErrorSpec> also_raises = {};
  // The service whose model names the operations (the KeyValueStore data
  // plane's families name theirs).
  model::ServiceId service = model::ServiceId::kCloudFront;
};

}  // namespace cfl::engine
