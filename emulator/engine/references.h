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
Result<ReferenceSet, ApiError> ReferencesOf(std::string_view from_kind, const Json& config);

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
