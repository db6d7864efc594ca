#include "emulator/families/policies/managed_policies.h"

#include <algorithm>
#include <cstdint>

#include "emulator/common/clock.h"
#include "emulator/common/ids.h"

namespace cfl::families {
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

Json PolicyView(std::string_view config_member, const std::string& id, const std::string& last_modified,
                const Json& config) {
  return {{"Id", id}, {"LastModifiedTime", last_modified}, {std::string(config_member), config}};
}

Json Summary(std::string_view resource_member, std::string_view type, Json view) {
  return {{"Type", type}, {std::string(resource_member), std::move(view)}};
}

}  // namespace

engine::ManagedRecords ParseManagedPolicies(std::string_view json_array, std::int64_t modified_ms) {
  engine::ManagedRecords table;
  for (const auto& entry : Json::parse(json_array)) {
    const std::string id = entry.at("Id").get<std::string>();
    table.push_back({id, FixedETag(id), modified_ms, entry.at("Config")});
  }
  return table;
}

void MakePolicyFamily(engine::Family& family, const engine::ManagedRecords& managed, std::string_view resource_member,
                      std::string_view config_member) {
  family.managed = &managed;
  family.unique_name_member = "Name";
  family.max_per_account = [](const engine::RequestContext&) -> std::optional<std::int64_t> { return 20; };
  family.new_id = ids::Uuid;
  // A change reaches the edges with the distributions it renews: until they
  // deploy, viewers get the policy as it was (engine/deployed.h). The API
  // shows no status for a policy.
  family.settle_delay_ms = [](const engine::RequestContext& ctx) {
    return ctx.services.settings.propagation_delay_ms.load();
  };
  family.settles_on_create = false;
  family.render = [config_member](const engine::RequestContext&, const engine::Resource& resource, bool) {
    return PolicyView(config_member, resource.id(), FormatIso8601(resource.record.modified_ms), resource.ConfigForAnswer());
  };
  family.summarize = [resource_member, config_member](const engine::RequestContext&, const engine::Resource& resource) {
    return Summary(
        resource_member, "custom",
        PolicyView(config_member, resource.id(), FormatIso8601(resource.record.modified_ms), resource.config()));
  };
  family.render_managed = [config_member](const engine::ManagedRecord& policy) {
    return PolicyView(config_member, policy.id, FormatIso8601(policy.modified_ms), policy.config);
  };
  family.summarize_managed = [resource_member, config_member](const engine::ManagedRecord& policy) {
    return Summary(resource_member, "managed",
                   PolicyView(config_member, policy.id, FormatIso8601(policy.modified_ms), policy.config));
  };
}

namespace policy_rules {

Result<Ok, ApiError> CheckName(const Json& config, std::string_view noun) {
  const std::string name = config.value("Name", "");
  const bool valid_chars = std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
  if (name.empty() || name.size() > 128 || !valid_chars) {
    return Fail(errors::InvalidArgument("The name of a " + std::string(noun) +
                                        " must be 1 to 128 letters, digits, hyphens or underscores."));
  }
  return Ok{};
}

Result<Ok, ApiError> CheckComment(const Json& config) {
  if (config.value("Comment", "").size() > 128)
    return Fail(errors::InvalidArgument("The parameter Comment is too long."));
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
    return Fail(rule.too_many("The number of items in " + where + " exceeds the maximum of " +
                              std::to_string(rule.limit) + "."));
  }
  const bool needs_items = std::find(rule.need_items.begin(), rule.need_items.end(), behavior) != rule.need_items.end();
  if (needs_items && count == 0) {
    return Fail(errors::InvalidArgument("The parameter " + where + " needs at least one item when " +
                                        std::string(rule.behavior_member) + " is " + behavior + "."));
  }
  if (!needs_items && count > 0) {
    return Fail(errors::InvalidArgument("The parameter " + where + " must be empty when " +
                                        std::string(rule.behavior_member) + " is " + behavior + "."));
  }
  return Ok{};
}

}  // namespace policy_rules

}  // namespace cfl::families
