#include "emulator/families/signing_keys/key_groups.h"

#include <algorithm>

#include "emulator/common/clock.h"
#include "emulator/common/ids.h"
#include "emulator/engine/crud_operations.h"
#include "emulator/families/distributions/distribution_references.h"
#include "emulator/families/distributions/distributions.h"
#include "emulator/families/policies/managed_policies.h"
#include "emulator/families/signing_keys/public_keys.h"

namespace cfl::handlers {
namespace {

constexpr std::size_t kMaxPublicKeysPerGroup = 5;

// The key group ids the enabled TrustedKeyGroups of a distribution's cache
// behaviors name, each once, in the order they first appear.
std::vector<std::string> TrustedKeyGroupIds(const Json& distribution_config) {
  std::vector<std::string> ids;
  for (const Json* behavior : CacheBehaviors(distribution_config)) {
    const auto trusted = behavior->find("TrustedKeyGroups");
    if (trusted == behavior->end() || !trusted->is_object() || !trusted->value("Enabled", false)) continue;
    for (const auto& id : ItemsOf(*trusted)) {
      if (id.is_string() && std::find(ids.begin(), ids.end(), id.get<std::string>()) == ids.end()) {
        ids.push_back(id.get<std::string>());
      }
    }
  }
  return ids;
}

Result<Ok, ApiError> Prepare(RequestContext& ctx, Json& config, const Resource*) {
  if (auto check = policy_rules::CheckName(config, "key group"); !check) return check;
  if (auto check = policy_rules::CheckComment(config); !check) return check;
  const Json keys = ItemsOf(config);
  if (keys.empty()) return Fail(InvalidArgument("A key group must contain at least one public key."));
  if (keys.size() > kMaxPublicKeysPerGroup) {
    return Fail(MakeError("TooManyPublicKeysInKeyGroup",
                          "The number of public keys in this key group is more than the maximum allowed (" +
                              std::to_string(kMaxPublicKeysPerGroup) + ")."));
  }
  for (const auto& key : keys) {
    if (!key.is_string() || !LoadResource(ctx, PublicKeyFamily(), key.get<std::string>())) {
      return Fail(MakeError("NoSuchPublicKey", "The specified public key doesn't exist: " +
                                                   (key.is_string() ? key.get<std::string>() : key.dump()) + "."));
    }
  }
  return Ok{};
}

ResourceFamily MakeFamily() {
  ResourceFamily family;
  family.kind = "key-group";
  family.not_found_code = "NoSuchResource";
  family.not_found_message = "The specified key group does not exist.";
  family.already_exists_code = "KeyGroupAlreadyExists";
  family.already_exists_message =
      "A key group with this name already exists. You must provide a unique name. To modify an existing key "
      "group, use UpdateKeyGroup. Already exists: {id}";
  family.unique_name_member = "Name";
  family.in_use_code = "ResourceInUse";
  family.in_use_message = "Cannot delete this resource because it is in use.";
  family.limit_code = "TooManyKeyGroups";
  family.limit_message = "You have reached the maximum number of key groups for this Amazon Web Services account.";
  family.max_per_account = [](const RequestContext&) -> std::optional<std::int64_t> { return 10; };
  family.new_id = ids::Uuid;
  family.prepare = Prepare;
  family.references = [](const Json& config) {
    std::vector<std::string> references;
    for (const auto& key : ItemsOf(config)) {
      if (key.is_string()) references.push_back(Reference(reference::kPublicKey, key.get<std::string>()));
    }
    return references;
  };
  return family;
}

Json Render(const Resource& resource) {
  return {{"Id", resource.id()},
          {"LastModifiedTime", FormatIso8601(resource.record.modified_ms)},
          {"KeyGroupConfig", resource.config}};
}

}  // namespace

const ResourceFamily& KeyGroupFamily() {
  static const ResourceFamily family = MakeFamily();
  return family;
}

Json ActiveTrustedKeyGroups(const RequestContext& ctx, const Json& distribution_config) {
  Json groups = Json::array();
  for (const auto& id : TrustedKeyGroupIds(distribution_config)) {
    // Every write checks that the key groups exist; one missing here was
    // deleted in between, and is not active any more.
    auto record = ctx.services.store.Get(ctx.account, KeyGroupFamily().kind, id);
    if (!record) continue;
    const Json keys = ItemsOf(ResourceOf(std::move(*record)).config);
    groups.push_back({{"KeyGroupId", id}, {"KeyPairIds", {{"Quantity", keys.size()}, {"Items", keys}}}});
  }
  Json active = {{"Enabled", !groups.empty()}, {"Quantity", groups.size()}};
  if (!groups.empty()) active["Items"] = std::move(groups);
  return active;
}

void RegisterKeyGroupHandlers(HandlerTable& table) {
  CrudSpec spec;
  spec.family = &KeyGroupFamily();
  spec.resource_member = "KeyGroup";
  spec.config_member = "KeyGroupConfig";
  spec.collection = "key-group";
  spec.list_operation = "ListKeyGroups";
  spec.list_member = "KeyGroupList";
  spec.render = [](const RequestContext&, const Resource& resource, bool) { return Render(resource); };
  spec.summarize = [](const RequestContext&, const Resource& resource) {
    return Json{{"KeyGroup", Render(resource)}};
  };
  spec.delete_guard = [](const std::string& id) { return Reference(reference::kKeyGroup, id); };
  RegisterCrud(table, spec);

  // The distributions that trust a key group get a new version when it changes.
  Handler update = table.at("UpdateKeyGroup");
  table["UpdateKeyGroup"] = [update = std::move(update)](RequestContext& ctx, const Json& input) {
    auto updated = update(ctx, input);
    if (updated) {
      RenewReferencingVersions(ctx, DistributionFamily(), Reference(reference::kKeyGroup, StringMember(input, "Id")));
    }
    return updated;
  };
}

}  // namespace cfl::handlers
