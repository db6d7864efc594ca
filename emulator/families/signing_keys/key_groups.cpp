#include "emulator/families/signing_keys/key_groups.h"

#include <algorithm>

#include "emulator/common/clock.h"
#include "emulator/common/ids.h"
#include "emulator/engine/family.h"
#include "emulator/families/distributions/distribution_defaults.h"
#include "emulator/families/policies/managed_policies.h"

namespace cfl::families {
namespace {

using namespace engine;  // NOLINT: a family is written in the engine's terms

constexpr std::string_view kKind = "key-group";
constexpr std::size_t kMaxPublicKeysPerGroup = 5;

// The key group ids the enabled TrustedKeyGroups of a distribution's cache
// behaviors name, each once, in the order they first appear.
std::vector<std::string> TrustedKeyGroupIds(const Json& distribution_config) {
  std::vector<std::string> ids;
  for (const Json* behavior : CacheBehaviors(distribution_config)) {
    const Json* trusted = FindJsonMember(*behavior, "TrustedKeyGroups");
    const Json* enabled = trusted == nullptr ? nullptr : FindJsonMember(*trusted, "Enabled");
    if (enabled == nullptr || !enabled->is_boolean() || !enabled->get<bool>()) continue;
    for (const auto& id : ItemsOf(*trusted)) {
      if (id.is_string() && std::find(ids.begin(), ids.end(), id.get<std::string>()) == ids.end()) {
        ids.push_back(id.get<std::string>());
      }
    }
  }
  return ids;
}

// Whether the keys exist is the store's check (families/references.cpp).
Result<Ok, ApiError> Prepare(RequestContext&, Json& config, const Resource*) {
  if (auto check = policy_rules::CheckName(config, "key group"); !check) return check;
  if (auto check = policy_rules::CheckComment(config); !check) return check;
  const Json& keys = ItemsOf(config);
  if (keys.empty()) return Fail(errors::InvalidArgument("A key group must contain at least one public key."));
  if (keys.size() > kMaxPublicKeysPerGroup) {
    return Fail(errors::TooManyPublicKeysInKeyGroup(
        "The number of public keys in this key group is more than the maximum allowed (" +
        std::to_string(kMaxPublicKeysPerGroup) + ")."));
  }
  return Ok{};
}

Json Render(const Resource& resource) {
  return {{"Id", resource.id()},
          {"LastModifiedTime", FormatIso8601(resource.record.modified_ms)},
          {"KeyGroupConfig", resource.ConfigForAnswer()}};
}

FamilyDefinition MakeDefinition() {
  Family family;
  family.kind = kKind;
  family.noun = "key group";
  family.errors = {.not_found = {errors::NoSuchResource, "The specified key group does not exist."},
                   .already_exists = errors::KeyGroupAlreadyExists,
                   .limit = errors::TooManyKeyGroups};
  family.unique_name_member = "Name";
  family.max_per_account = [](const RequestContext&) -> std::optional<std::int64_t> { return 10; };
  family.new_id = ids::Uuid;
  // A change reaches the edges with the distributions it renews: until they
  // deploy, signed requests are judged by the key group as it was.
  family.settle_delay_ms = [](const RequestContext& ctx) { return ctx.services.settings.propagation_delay_ms.load(); };
  family.settles_on_create = false;  // nothing uses a new one yet
  family.prepare = Prepare;
  family.render = [](const RequestContext&, const Resource& resource, bool) { return Render(resource); };
  family.summarize = [](const RequestContext&, const Resource& resource) {
    return Json{{"KeyGroup", Render(resource)}};
  };
  return {std::move(family),
          {{"CreateKeyGroup", Verb::kCreate},
           {"GetKeyGroup", Verb::kGet},
           {"GetKeyGroupConfig", Verb::kGetConfig},
           {"UpdateKeyGroup", Verb::kUpdate},
           {"DeleteKeyGroup", Verb::kDelete},
           {"ListKeyGroups", Verb::kList}},
          {errors::InvalidArgument, errors::TooManyPublicKeysInKeyGroup}};
}

}  // namespace

engine::Json ActiveTrustedKeyGroups(const engine::RequestContext& ctx, const engine::Json& distribution_config) {
  Json groups = Json::array();
  for (const auto& id : TrustedKeyGroupIds(distribution_config)) {
    // Every write checks that the key groups exist; one missing here was
    // deleted in between, and is not active any more.
    auto record = ctx.services.store.Get(ctx.account, kKind, id);
    if (!record) continue;
    const Json keys = ItemsOf(ResourceOf(std::move(*record)).config());  // a copy: the resource goes
    groups.push_back({{"KeyGroupId", id}, {"KeyPairIds", {{"Quantity", keys.size()}, {"Items", keys}}}});
  }
  Json active = {{"Enabled", !groups.empty()}, {"Quantity", groups.size()}};
  if (!groups.empty()) active["Items"] = std::move(groups);
  return active;
}

const engine::FamilyDefinition& KeyGroupDefinition() {
  static const engine::FamilyDefinition definition = MakeDefinition();
  return definition;
}

}  // namespace cfl::families
