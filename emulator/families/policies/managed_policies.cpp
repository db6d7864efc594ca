#include "emulator/families/policies/managed_policies.h"

#include <algorithm>
#include <cstdint>

#include "emulator/common/clock.h"
#include "emulator/families/distributions/distribution_references.h"
#include "emulator/families/distributions/distributions.h"

namespace cfl::handlers {
namespace {

// Stable across runs and processes: a client may cache a managed policy's ETag.
std::string FixedETag(std::string_view id) {
  constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::uint64_t hash = 14695981039346656037ull;  // FNV-1a
  for (const char c : id) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  std::string etag = "E";
  for (int i = 0; i < 13; ++i) {
    hash = hash * 6364136223846793005ull + 1442695040888963407ull;  // an LCG step per character
    etag += kAlphabet[(hash >> 33) % kAlphabet.size()];
  }
  return etag;
}

Json PolicyView(const PolicySpec& spec, const std::string& id, const std::string& last_modified, const Json& config) {
  return {{"Id", id}, {"LastModifiedTime", last_modified}, {spec.config_member, config}};
}

Json ManagedView(const PolicySpec& spec, const ManagedPolicy& policy) {
  return PolicyView(spec, policy.id, policy.last_modified, policy.config);
}

Json CustomView(const PolicySpec& spec, const Resource& resource) {
  return PolicyView(spec, resource.id(), FormatIso8601(resource.record.modified_ms), resource.config);
}

Json Summary(const PolicySpec& spec, std::string_view type, Json view) {
  return {{"Type", type}, {spec.resource_member, std::move(view)}};
}

// Lets a policy operation answer for managed policies before the generic
// handler serves the custom ones.
using Interceptor = std::function<Result<Json, ApiError>(RequestContext&, const Json&, const Handler& generic)>;

void Intercept(HandlerTable& table, const std::string& operation, Interceptor interceptor) {
  Handler generic = table.at(operation);
  table[operation] = [generic = std::move(generic), interceptor = std::move(interceptor)](RequestContext& ctx,
                                                                                          const Json& input) {
    return interceptor(ctx, input, generic);
  };
}

Result<Json, ApiError> ListPolicies(const PolicySpec& spec, RequestContext& ctx, const Json& input) {
  const std::string type = StringMember(input, "Type");
  if (!type.empty() && type != "managed" && type != "custom") {
    return Fail(InvalidArgument("The value of Type must be managed or custom."));
  }
  auto max_items = ParseMaxItems(input);
  if (!max_items) return Fail(std::move(max_items).error());
  const auto limit = static_cast<std::size_t>(max_items.value());
  static const ManagedPolicies kNone;
  const ManagedPolicies& managed = type == "custom" ? kNone : *spec.managed;

  // One sequence: the managed policies, then the custom ones. A marker that
  // names a managed policy continues after it; any other goes to the store.
  const std::string marker = StringMember(input, "Marker");
  std::size_t next_managed = 0;
  std::string custom_marker;
  if (!marker.empty()) {
    const auto it = std::find_if(managed.begin(), managed.end(), [&](const auto& p) { return p.id == marker; });
    next_managed = it != managed.end() ? static_cast<std::size_t>(it - managed.begin()) + 1 : managed.size();
    if (it == managed.end()) custom_marker = marker;
  }
  Json items = Json::array();
  std::string last_id;
  for (; next_managed < managed.size() && items.size() < limit; ++next_managed) {
    items.push_back(Summary(spec, "managed", ManagedView(spec, managed[next_managed])));
    last_id = managed[next_managed].id;
  }
  bool truncated = next_managed < managed.size();
  if (type != "managed" && !truncated) {
    const Json page_input = {{"Marker", custom_marker}, {"MaxItems", std::to_string(limit - items.size())}};
    auto page = ListResources(ctx, *spec.family, page_input);
    if (!page) return Fail(std::move(page).error());
    for (const auto& resource : page->items) {
      items.push_back(Summary(spec, "custom", CustomView(spec, resource)));
      last_id = resource.id();
    }
    truncated = page->truncated;
  }
  Json list = {{"MaxItems", limit}, {"Quantity", items.size()}};
  if (truncated && !last_id.empty()) list["NextMarker"] = last_id;
  if (!items.empty()) list["Items"] = std::move(items);
  return Json{{spec.list_member, std::move(list)}};
}

}  // namespace

ManagedPolicies ParseManagedPolicies(std::string_view json_array, std::string_view last_modified) {
  ManagedPolicies table;
  for (const auto& entry : Json::parse(json_array)) {
    const std::string id = entry.at("Id").get<std::string>();
    table.push_back({id, std::string(last_modified), FixedETag(id), entry.at("Config")});
  }
  return table;
}

const ManagedPolicy* FindManaged(const ManagedPolicies& table, std::string_view id) {
  const auto it = std::find_if(table.begin(), table.end(), [&](const auto& policy) { return policy.id == id; });
  return it == table.end() ? nullptr : &*it;
}

bool PolicyExists(RequestContext& ctx, const ResourceFamily& family, const ManagedPolicies& managed,
                  const std::string& id) {
  return FindManaged(managed, id) != nullptr || LoadResource(ctx, family, id).ok();
}

void RegisterPolicyHandlers(HandlerTable& table, const PolicySpec& spec) {
  CrudSpec crud;
  crud.family = spec.family;
  crud.resource_member = spec.resource_member;
  crud.config_member = spec.config_member;
  crud.collection = spec.collection;
  crud.list_operation = spec.list_operation;
  crud.list_member = spec.list_member;
  crud.render = [spec](const RequestContext&, const Resource& resource, bool) { return CustomView(spec, resource); };
  crud.summarize = [spec](const RequestContext&, const Resource& resource) {
    return Summary(spec, "custom", CustomView(spec, resource));
  };
  const std::string prefix(spec.reference_prefix);
  crud.delete_guard = [prefix](const std::string& id) { return Reference(prefix, id); };
  RegisterCrud(table, crud);

  const std::string& name = spec.resource_member;
  Intercept(table, "Get" + name, [spec](RequestContext& ctx, const Json& input, const Handler& generic) {
    if (const auto* policy = FindManaged(*spec.managed, StringMember(input, "Id"))) {
      return Result<Json, ApiError>(Json{{spec.resource_member, ManagedView(spec, *policy)}, {"ETag", policy->etag}});
    }
    return generic(ctx, input);
  });
  Intercept(table, "Get" + name + "Config", [spec](RequestContext& ctx, const Json& input, const Handler& generic) {
    if (const auto* policy = FindManaged(*spec.managed, StringMember(input, "Id"))) {
      return Result<Json, ApiError>(Json{{spec.config_member, policy->config}, {"ETag", policy->etag}});
    }
    return generic(ctx, input);
  });
  Intercept(table, "Update" + name,
            [spec](RequestContext& ctx, const Json& input, const Handler& generic) -> Result<Json, ApiError> {
              const std::string id = StringMember(input, "Id");
              if (FindManaged(*spec.managed, id)) {
                return Fail(MakeError("IllegalUpdate", "The update contains modifications that are not allowed: "
                                                       "a managed " + spec.noun + " can't be changed."));
              }
              auto updated = generic(ctx, input);
              if (updated) RenewReferencingVersions(ctx, DistributionFamily(), Reference(spec.reference_prefix, id));
              return updated;
            });
  Intercept(table, "Delete" + name,
            [spec](RequestContext& ctx, const Json& input, const Handler& generic) -> Result<Json, ApiError> {
              if (FindManaged(*spec.managed, StringMember(input, "Id"))) {
                return Fail(MakeError("IllegalDelete", "Deletion is not allowed for this entity: a managed " +
                                                           spec.noun + " can't be deleted."));
              }
              return generic(ctx, input);
            });
  table[spec.list_operation] = [spec](RequestContext& ctx, const Json& input) {
    return ListPolicies(spec, ctx, input);
  };
}

namespace policy_rules {

Result<Ok, ApiError> CheckName(const Json& config, std::string_view noun) {
  const std::string name = config.value("Name", "");
  const bool valid_chars = std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
  if (name.empty() || name.size() > 128 || !valid_chars) {
    return Fail(InvalidArgument("The name of a " + std::string(noun) +
                                " must be 1 to 128 letters, digits, hyphens or underscores."));
  }
  return Ok{};
}

Result<Ok, ApiError> CheckComment(const Json& config) {
  if (config.value("Comment", "").size() > 128) return Fail(InvalidArgument("The parameter Comment is too long."));
  return Ok{};
}

Result<Ok, ApiError> CheckNamedList(const Json& parent, const NamedList& rule) {
  const auto config = parent.find(rule.config_member);
  if (config == parent.end() || !config->is_object()) return Ok{};
  const std::string behavior = config->value(rule.behavior_member, "");
  std::size_t count = 0;
  if (const auto list = config->find(rule.list_member); list != config->end() && list->is_object()) {
    count = list->value("Items", Json::array()).size();
  }
  const std::string where = std::string(rule.config_member) + "." + std::string(rule.list_member);
  if (count > rule.limit) {
    return Fail(MakeError(rule.too_many_code, "The number of items in " + where + " exceeds the maximum of " +
                                                  std::to_string(rule.limit) + "."));
  }
  const bool needs_items =
      std::find(rule.need_items.begin(), rule.need_items.end(), behavior) != rule.need_items.end();
  if (needs_items && count == 0) {
    return Fail(InvalidArgument("The parameter " + where + " needs at least one item when " +
                                std::string(rule.behavior_member) + " is " + behavior + "."));
  }
  if (!needs_items && count > 0) {
    return Fail(InvalidArgument("The parameter " + where + " must be empty when " +
                                std::string(rule.behavior_member) + " is " + behavior + "."));
  }
  return Ok{};
}

}  // namespace policy_rules

}  // namespace cfl::handlers
