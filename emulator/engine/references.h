// References between families as rows of one table (the rows themselves are
// in emulator/families/references.cpp): which member of a config names which
// kind of resource, what a missing target answers, what deleting a target in
// use answers, and whether changing the target renews its users. The store
// checks existence and use inside the write transaction (store.h
// InsertRules/ReplaceRules/DeleteRules), so a concurrent delete can never
// leave a dangling reference.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/engine/family.h"

namespace cfl::engine {

struct ReferenceRule {
  std::string_view from_kind;  // the kind whose config holds the reference
  // Where in that config, as dotted member names; "[]" walks every item of a
  // list: "CacheBehaviors.Items[].CachePolicyId". Absent and "" values name nothing.
  std::string_view path;
  std::string_view target_kind;  // the kind it names
  ErrorSpec missing;             // a create or update naming a target that does not exist
  ErrorSpec in_use;              // deleting a target that a from_kind record names
  // Updating the target gives every from_kind record that names it a new
  // version (ETag, LastModifiedTime, InProgress), in the same transaction.
  bool renews_users = false;
  // The target's id from the value at path (e.g. the id at the end of
  // "origin-access-identity/cloudfront/ID"); nullopt: the value is malformed,
  // answered with missing. Null: the value is the id.
  std::function<std::optional<std::string>(std::string_view value)> id_of = nullptr;
  // Instead of id_of, for values that name the target by an attribute fixed
  // at its creation rather than by its id (a staging distribution by its
  // domain name): the member of the target's metadata that holds the value.
  // The id is looked up (TargetFinder) before the write transaction; none
  // found answers missing; the store still checks the id inside it.
  std::string_view target_named_by = {};
  // While a from_kind record names it, the target may change only to configs
  // for which this holds (a staging distribution stays enabled while a
  // continuous deployment policy names it); other updates answer in_use,
  // checked by the store inside the write transaction. Null: any update.
  std::function<bool(const Json& target_config)> target_keeps = nullptr;
};

// Every row (families/references.cpp).
std::span<const ReferenceRule> ReferenceRules();

// What a config of from_kind references, ready for the store: each reference
// once (store::ReferenceTo form) in row order, and those the store must find
// (references to managed records exist without a record).
struct ReferenceSet {
  std::vector<std::string> all;
  std::vector<std::string> required;
};
// The id of the record of target_kind whose metadata member holds value, in
// the account the caller looks in (the store of a request, the records of a
// snapshot); nullopt when none does.
using TargetFinder = std::function<std::optional<std::string>(std::string_view target_kind,
                                                              std::string_view metadata_member,
                                                              std::string_view value)>;
// find serves the rows with target_named_by; without one, a value such a row
// holds answers the row's missing error.
Result<ReferenceSet, ApiError> ReferencesOf(std::string_view from_kind, const Json& config,
                                            const TargetFinder& find = nullptr);
// ReferencesOf with the request's account in the store as the finder.
Result<ReferenceSet, ApiError> ReferencesOf(const RequestContext& ctx, std::string_view from_kind, const Json& config);
// Whether some row from from_kind names its target by metadata (its references
// need a TargetFinder).
bool NamesTargetsByMetadata(std::string_view from_kind);
// The id of the account's record of kind whose metadata member is value, by a
// scan of the account's records of that kind (the StoreFinder of requests).
std::optional<std::string> FindByMetadata(const RequestContext& ctx, std::string_view kind, std::string_view member,
                                          std::string_view value);

// The kinds whose records, while they reference a record of target_kind,
// refuse an update of it to config (ReferenceRule::target_keeps).
std::vector<std::string> KindsRefusingUpdate(std::string_view target_kind, const Json& config);

// The error for a reference the store did not find, made by a create or
// update of from_kind (store::StoreError::conflicting_key).
ApiError MissingReferenceError(std::string_view from_kind, std::string_view reference);
// The error for deleting a record of target_kind that a record of user_kind names.
ApiError InUseError(std::string_view target_kind, std::string_view user_kind);

// True when some row names target_kind: its records are refused deletion while in use.
bool IsReferenced(std::string_view target_kind);
// The kinds whose records a change of target_kind renews.
std::vector<std::string> RenewedUsersOf(std::string_view target_kind);

// Calls visit with every value at path in value ("a.b[].c"): strings only.
void ForEachAtPath(const Json& value, std::string_view path, const std::function<void(const std::string&)>& visit);

}  // namespace cfl::engine
