#include "emulator/engine/references.h"

#include <algorithm>

#include "emulator/engine/registry.h"
#include "store/store.h"

namespace cfl::engine {
namespace {

// A template, not a std::function: ReferencesOf walks every rule's path on
// every write, and a capturing std::function would allocate per rule.
template <typename Visit>
void Walk(const Json& value, std::string_view path, const Visit& visit) {
  if (path.empty()) {
    if (value.is_string() && !value.get_ref<const std::string&>().empty()) visit(value.get_ref<const std::string&>());
    return;
  }
  const auto dot = path.find('.');
  std::string_view step = path.substr(0, dot);
  const std::string_view rest = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  const bool each = step.ends_with("[]");
  if (each) step.remove_suffix(2);
  if (!value.is_object()) return;
  const auto member = value.find(step);
  if (member == value.end()) return;
  if (!each) return Walk(*member, rest, visit);
  if (!member->is_array()) return;
  for (const auto& item : *member) Walk(item, rest, visit);
}

bool ExistsWithoutRecord(std::string_view kind, std::string_view id) {
  const auto* target = Registry::Get().FindFamily(kind);
  return target && FindManaged(target->family.managed, id);
}

void AddOnce(std::vector<std::string>& list, const std::string& value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

std::optional<std::string> TargetId(const TargetFinder& find, const ReferenceRule& rule, const std::string& value) {
  if (!rule.target_named_by.empty()) {
    return find ? find(rule.target_kind, rule.target_named_by, value) : std::nullopt;
  }
  return rule.id_of ? rule.id_of(value) : std::optional<std::string>(value);
}

}  // namespace

void ForEachAtPath(const Json& value, std::string_view path, const std::function<void(const std::string&)>& visit) {
  Walk(value, path, visit);
}

Result<ReferenceSet, ApiError> ReferencesOf(std::string_view from_kind, const Json& config, const TargetFinder& find) {
  ReferenceSet set;
  std::optional<ApiError> malformed;
  for (const auto& rule : ReferenceRules()) {
    if (rule.from_kind != from_kind) continue;
    Walk(config, rule.path, [&](const std::string& value) {
      if (malformed) return;
      std::optional<std::string> id = TargetId(find, rule, value);
      if (!id) {
        malformed = rule.missing();
        return;
      }
      const std::string reference = store::ReferenceTo(rule.target_kind, *id);
      AddOnce(set.all, reference);
      if (!ExistsWithoutRecord(rule.target_kind, *id)) AddOnce(set.required, reference);
    });
    if (malformed) return Fail(std::move(*malformed));
  }
  return set;
}

Result<ReferenceSet, ApiError> ReferencesOf(const RequestContext& ctx, std::string_view from_kind, const Json& config) {
  if (!NamesTargetsByMetadata(from_kind)) return ReferencesOf(from_kind, config);
  return ReferencesOf(from_kind, config, [&](std::string_view kind, std::string_view member, std::string_view value) {
    return FindByMetadata(ctx, kind, member, value);
  });
}

bool NamesTargetsByMetadata(std::string_view from_kind) {
  return std::any_of(ReferenceRules().begin(), ReferenceRules().end(), [&](const ReferenceRule& rule) {
    return rule.from_kind == from_kind && !rule.target_named_by.empty();
  });
}

std::optional<std::string> FindByMetadata(const RequestContext& ctx, std::string_view kind, std::string_view member,
                                          std::string_view value) {
  if (value.empty()) return std::nullopt;
  store::ListQuery query{ctx.account, std::string(kind), std::nullopt, "", 1000, false};
  for (;;) {
    auto page = ctx.services.store.List(query);
    for (const auto& record : page.records) {
      // Parse only the metadata that can hold it.
      if (record.metadata.find(value) == std::string::npos) continue;
      const auto metadata = Json::parse(record.metadata, nullptr, false);
      if (metadata.is_object() && metadata.value(member, Json()) == Json(value)) return record.id;
    }
    if (!page.truncated || page.records.empty()) return std::nullopt;
    query.after_id = page.records.back().id;
  }
}

ApiError MissingReferenceError(std::string_view from_kind, std::string_view reference) {
  const std::string_view target_kind = reference.substr(0, reference.find(':'));
  for (const auto& rule : ReferenceRules()) {
    if (rule.from_kind == from_kind && rule.target_kind == target_kind) return rule.missing();
  }
  // The parent of a child (store::InsertRules::parent_kind).
  if (const auto* parent = Registry::Get().FindFamily(target_kind)) return parent->family.errors.not_found();
  return errors::InternalError("no reference rule from " + std::string(from_kind) + " to " + std::string(reference));
}

ApiError InUseError(std::string_view target_kind, std::string_view user_kind) {
  for (const auto& rule : ReferenceRules()) {
    if (rule.target_kind == target_kind && rule.from_kind == user_kind) return rule.in_use();
  }
  return errors::InternalError("no reference rule from " + std::string(user_kind) + " to " + std::string(target_kind));
}

bool IsReferenced(std::string_view target_kind) {
  const auto rules = ReferenceRules();
  return std::any_of(rules.begin(), rules.end(),
                     [&](const ReferenceRule& rule) { return rule.target_kind == target_kind; });
}

std::vector<std::string> KindsRefusingUpdate(std::string_view target_kind, const Json& config) {
  std::vector<std::string> kinds;
  for (const auto& rule : ReferenceRules()) {
    if (rule.target_kind == target_kind && rule.target_keeps && !rule.target_keeps(config)) {
      AddOnce(kinds, std::string(rule.from_kind));
    }
  }
  return kinds;
}

std::vector<std::string> RenewedUsersOf(std::string_view target_kind) {
  std::vector<std::string> kinds;
  for (const auto& rule : ReferenceRules()) {
    if (rule.target_kind == target_kind && rule.renews_users) AddOnce(kinds, std::string(rule.from_kind));
  }
  return kinds;
}

}  // namespace cfl::engine
