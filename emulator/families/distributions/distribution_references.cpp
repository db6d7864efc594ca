#include "emulator/families/distributions/distribution_references.h"

#include <algorithm>

#include "emulator/families/distributions/aliases.h"

namespace cfl::handlers {
namespace {

void AddUnique(std::vector<std::string>& references, std::string reference) {
  if (std::find(references.begin(), references.end(), reference) == references.end()) {
    references.push_back(std::move(reference));
  }
}

Json ItemsOf(const Json& object, std::string_view list) {
  const auto it = object.find(list);
  if (it == object.end() || !it->is_object()) return Json::array();
  return it->value("Items", Json::array());
}

void AddOriginReferences(const Json& config, std::vector<std::string>& references) {
  for (const auto& origin : ItemsOf(config, "Origins")) {
    auto oai = OriginAccessIdentityReference(
        origin.value("S3OriginConfig", Json::object()).value("OriginAccessIdentity", ""));
    if (!oai.empty()) AddUnique(references, std::move(oai));
    const std::string oac = origin.value("OriginAccessControlId", "");
    if (!oac.empty()) AddUnique(references, Reference(reference::kOriginAccessControl, oac));
  }
}

void AddBehaviorReferences(const Json& behavior, std::vector<std::string>& references) {
  const std::pair<std::string_view, std::string_view> policies[] = {
      {"CachePolicyId", reference::kCachePolicy},
      {"OriginRequestPolicyId", reference::kOriginRequestPolicy},
      {"ResponseHeadersPolicyId", reference::kResponseHeadersPolicy},
  };
  for (const auto& [member, prefix] : policies) {
    const std::string id = behavior.value(member, "");
    if (!id.empty()) AddUnique(references, Reference(prefix, id));
  }
  for (const auto& key_group : ItemsOf(behavior, "TrustedKeyGroups")) {
    if (key_group.is_string()) AddUnique(references, Reference(reference::kKeyGroup, key_group.get<std::string>()));
  }
}

}  // namespace

std::string Reference(std::string_view prefix, std::string_view id) { return std::string(prefix) + std::string(id); }

std::vector<const Json*> CacheBehaviors(const Json& config) {
  std::vector<const Json*> behaviors;
  const auto default_behavior = config.find("DefaultCacheBehavior");
  if (default_behavior != config.end() && default_behavior->is_object()) behaviors.push_back(&*default_behavior);
  const auto list = config.find("CacheBehaviors");
  if (list != config.end() && list->is_object()) {
    const auto items = list->find("Items");
    if (items != list->end() && items->is_array()) {
      for (const auto& behavior : *items) behaviors.push_back(&behavior);
    }
  }
  return behaviors;
}

std::vector<std::string> DistributionReferences(const Json& config) {
  std::vector<std::string> references;
  AddOriginReferences(config, references);
  for (const Json* behavior : CacheBehaviors(config)) AddBehaviorReferences(*behavior, references);
  return references;
}

Result<Ok, ApiError> CheckDistributionReferences(RequestContext& ctx, const Json& config) {
  if (auto check = CheckOriginAccessReferences(ctx, config); !check) return check;
  return CheckPolicyAndKeyGroupReferences(ctx, config);
}

}  // namespace cfl::handlers
