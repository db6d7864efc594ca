// Continuous deployment's distribution operations: CopyDistribution makes a
// staging distribution from a primary; UpdateDistributionWithStagingConfig
// promotes the staging configuration into the primary (which keeps its
// aliases, policy and caller reference) and disables the policy, in one
// transaction with the check of both ETags.
#include <algorithm>
#include <utility>

#include "emulator/common/clock.h"
#include "emulator/engine/operations.h"
#include "emulator/engine/registry.h"
#include "emulator/engine/resource_naming.h"
#include "emulator/engine/resources.h"
#include "emulator/families/distributions/distribution_operations.h"
#include "emulator/families/distributions/domains.h"

namespace cfl::families {
namespace {

using namespace engine;  // NOLINT: written in the engine's terms

const FamilyDefinition& Distributions() { return *Registry::Get().FindFamily("distribution"); }
const Family& Policies() { return Registry::Get().FindFamily("continuous-deployment-policy")->family; }

std::string Trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return std::string(text.substr(first, text.find_last_not_of(" \t") - first + 1));
}

Result<Ok, ApiError> RequireVersion(const Json& if_match, const Resource& current) {
  if (!if_match.is_string() || if_match.get_ref<const std::string&>().empty()) {
    return Fail(errors::InvalidIfMatchVersion({}));
  }
  if (if_match.get_ref<const std::string&>() != current.etag()) return Fail(errors::PreconditionFailed({}));
  return Ok{};
}

Json AnswerOf(RequestContext& ctx, const std::string& operation, const Resource& distribution) {
  Json output = {{"Distribution", Distributions().family.render(ctx, distribution, true)},
                 {"ETag", distribution.etag()}};
  if (MembersOf(operation).location) output["Location"] = LocationUrl("distribution", distribution.id());
  return output;
}

// "PRIMARYETAG, STAGINGETAG" (the documented form of If-Match here).
Result<std::pair<std::string, std::string>, ApiError> BothVersions(const Json& if_match) {
  const std::string text = if_match.is_string() ? if_match.get<std::string>() : "";
  const auto comma = text.find(',');
  if (comma == std::string::npos) {
    return Fail(errors::InvalidIfMatchVersion(
        "The If-Match version is missing or not valid for the resource: give the ETags of the primary and of the "
        "staging distribution, separated by a comma."));
  }
  std::pair<std::string, std::string> versions{Trim(text.substr(0, comma)), Trim(text.substr(comma + 1))};
  if (versions.first.empty() || versions.second.empty()) return Fail(errors::InvalidIfMatchVersion({}));
  return versions;
}

// The policy the primary names, which must name this staging distribution.
Result<Resource, ApiError> PolicyBetween(RequestContext& ctx, const Resource& primary, const Resource& staging) {
  const std::string policy_id = StringMember(primary.config(), "ContinuousDeploymentPolicyId");
  if (policy_id.empty()) {
    return Fail(errors::InvalidArgument("The primary distribution has no continuous deployment policy."));
  }
  auto policy = LoadResource(ctx, Policies(), policy_id);
  if (!policy) return Fail(errors::EntityNotFound("The continuous deployment policy does not exist."));
  const Json names = ItemsOf(MemberOf(policy->config(), "StagingDistributionDnsNames"));
  const std::string domain = staging.metadata.value("DomainName", "");
  if (std::find(names.begin(), names.end(), Json(domain)) == names.end()) {
    return Fail(errors::InvalidArgument("The continuous deployment policy of the primary distribution does not name "
                                        "the staging distribution " + staging.id() + "."));
  }
  return policy;
}

// The staging configuration with what the primary keeps.
Json PromotedConfig(const Resource& primary, const Resource& staging) {
  Json config = staging.config();
  for (const char* kept : {"CallerReference", "Aliases", "ContinuousDeploymentPolicyId"}) {
    if (const auto it = primary.config().find(kept); it != primary.config().end()) {
      config[kept] = *it;
    } else {
      config.erase(kept);
    }
  }
  config["Staging"] = false;
  return config;
}

}  // namespace

Result<Json, ApiError> CopyDistribution(RequestContext& ctx, const Json& input) {
  const Family& family = Distributions().family;
  auto primary = LoadResource(ctx, family, StringMember(input, "PrimaryDistributionId"));
  if (!primary) return Fail(std::move(primary).error());
  if (auto version = RequireVersion(input.value("IfMatch", Json()), primary.value()); !version) {
    return Fail(std::move(version).error());
  }
  if (!input.value("Staging", false)) {
    return Fail(errors::InvalidArgument("The only valid value of Staging is true: a copy is a staging distribution."));
  }
  if (primary->config().value("Staging", false)) {
    return Fail(errors::InvalidArgument("A staging distribution can't be copied: copy its primary distribution."));
  }
  Json config = primary->config();
  config["CallerReference"] = StringMember(input, "CallerReference");
  config["Enabled"] = input.value("Enabled", true);
  config["Staging"] = true;
  config["Aliases"] = {{"Quantity", 0}};  // a staging distribution serves no alias of its own
  config.erase("ContinuousDeploymentPolicyId");
  auto created = CreateResource(ctx, family, std::move(config));
  if (!created) return Fail(std::move(created).error());
  return AnswerOf(ctx, "CopyDistribution", created.value());
}

Result<Json, ApiError> UpdateDistributionWithStagingConfig(RequestContext& ctx, const Json& input) {
  const Family& family = Distributions().family;
  auto primary = LoadResource(ctx, family, StringMember(input, "Id"));
  if (!primary) return Fail(std::move(primary).error());
  auto staging = LoadResource(ctx, family, StringMember(input, "StagingDistributionId"));
  if (!staging) return Fail(std::move(staging).error());
  auto versions = BothVersions(input.value("IfMatch", Json()));
  if (!versions) return Fail(std::move(versions).error());
  if (versions->first != primary->etag() || versions->second != staging->etag()) {
    return Fail(errors::PreconditionFailed({}));
  }
  if (!staging->config().value("Staging", false)) {
    return Fail(errors::InvalidArgument("The distribution " + staging->id() + " is not a staging distribution."));
  }
  auto policy = PolicyBetween(ctx, primary.value(), staging.value());
  if (!policy) return Fail(std::move(policy).error());

  Json promoted = PromotedConfig(primary.value(), staging.value());
  if (auto prepared = family.prepare(ctx, promoted, &primary.value()); !prepared) {
    return Fail(std::move(prepared).error());
  }
  auto primary_step = NextVersion(ctx, family, primary.value(), promoted);
  if (!primary_step) return Fail(std::move(primary_step).error());
  Json disabled = policy->config();
  disabled["Enabled"] = false;  // traffic goes back to the primary
  auto policy_step = NextVersion(ctx, Policies(), policy.value(), disabled);
  if (!policy_step) return Fail(std::move(policy_step).error());
  // The policy's renewal of the primary would race with the primary's own new version.
  policy_step->rules.renew_kinds.clear();

  std::vector<store::WriteStep> steps;
  steps.emplace_back(store::ExpectStep{ctx.account, std::string(family.kind), staging->id(), staging->etag()});
  steps.emplace_back(std::move(primary_step).value());
  steps.emplace_back(std::move(policy_step).value());
  auto written = ctx.services.store.Transact(std::move(steps));
  if (auto* error = std::get_if<store::StoreError>(&written)) {
    return Fail(MapStoreError(error->step == 2 ? Policies() : family, *error));
  }
  auto records = std::get<std::vector<store::Record>>(std::move(written));
  return AnswerOf(ctx, "UpdateDistributionWithStagingConfig", ResourceOf(std::move(records[1]), std::move(promoted)));
}

}  // namespace cfl::families
