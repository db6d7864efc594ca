// Continuous deployment policies: Create, Get, GetConfig, Update, Delete,
// List. A policy names one staging distribution by its domain name (the store
// keeps it as a reference to the distribution, so the staging distribution
// cannot be deleted or disabled while named: families/references.cpp) and
// says how much traffic it gets. A primary distribution names the policy by
// its ContinuousDeploymentPolicyId.
#include <algorithm>
#include <cctype>

#include "emulator/common/clock.h"
#include "emulator/common/ids.h"
#include "emulator/engine/family.h"
#include "emulator/engine/registry.h"
#include "emulator/engine/resources.h"
#include "emulator/families/distributions/domains.h"

namespace cfl::families {
namespace {

using namespace engine;  // NOLINT: a family is written in the engine's terms

// Developer guide, "Quotas and other considerations for continuous deployment".
constexpr double kMaxWeight = 0.15;
constexpr std::int64_t kMinSessionTtl = 300;
constexpr std::int64_t kMaxSessionTtl = 3600;
constexpr std::string_view kHeaderPrefix = "aws-cf-cd-";
constexpr std::string_view kStagingKeyPrefix = "staging:";

ApiError Invalid(const std::string& message) { return errors::InvalidArgument(message); }

Result<Ok, ApiError> CheckWeight(const Json& traffic) {
  const auto single = traffic.find("SingleWeightConfig");
  if (single == traffic.end() || !single->is_object()) {
    return Fail(Invalid("A SingleWeight traffic configuration needs its SingleWeightConfig."));
  }
  const auto weight = single->find("Weight");
  if (weight == single->end() || !weight->is_number() || weight->get<double>() < 0 ||
      weight->get<double>() > kMaxWeight) {
    return Fail(Invalid("The Weight of a SingleWeightConfig must be between 0 and 0.15."));
  }
  const auto stickiness = single->find("SessionStickinessConfig");
  if (stickiness == single->end()) return Ok{};
  const std::int64_t idle = stickiness->value("IdleTTL", std::int64_t{0});
  const std::int64_t maximum = stickiness->value("MaximumTTL", std::int64_t{0});
  for (const std::int64_t ttl : {idle, maximum}) {
    if (ttl < kMinSessionTtl || ttl > kMaxSessionTtl) {
      return Fail(Invalid("IdleTTL and MaximumTTL of a SessionStickinessConfig must be between 300 and 3600 seconds."));
    }
  }
  if (idle > maximum) return Fail(Invalid("The IdleTTL of a SessionStickinessConfig cannot exceed its MaximumTTL."));
  return Ok{};
}

bool IsHeaderNameChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

Result<Ok, ApiError> CheckHeader(const Json& traffic) {
  const auto single = traffic.find("SingleHeaderConfig");
  if (single == traffic.end() || !single->is_object()) {
    return Fail(Invalid("A SingleHeader traffic configuration needs its SingleHeaderConfig."));
  }
  std::string header = StringMember(*single, "Header");
  std::string lower = header;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (!lower.starts_with(kHeaderPrefix) || lower.size() == kHeaderPrefix.size() ||
      !std::all_of(header.begin(), header.end(), IsHeaderNameChar)) {
    return Fail(Invalid("The Header of a SingleHeaderConfig must begin with aws-cf-cd- and name a header: " + header));
  }
  if (StringMember(*single, "Value").empty()) return Fail(Invalid("The Value of a SingleHeaderConfig is required."));
  return Ok{};
}

Result<Ok, ApiError> CheckTraffic(const Json& config) {
  const auto traffic = config.find("TrafficConfig");
  if (traffic == config.end() || !traffic->is_object()) {
    return Fail(Invalid("A continuous deployment policy needs its TrafficConfig."));
  }
  const std::string type = StringMember(*traffic, "Type");
  const bool weight = type == "SingleWeight";
  if (traffic->contains(weight ? "SingleHeaderConfig" : "SingleWeightConfig")) {
    return Fail(Invalid("The TrafficConfig of type " + type + " takes only its own configuration."));
  }
  return weight ? CheckWeight(*traffic) : CheckHeader(*traffic);
}

// The one staging distribution, which must be one (Staging true). Whether it
// exists is the store's check (the reference row); a distribution's Staging
// never changes, so reading it here cannot race.
Result<Ok, ApiError> Prepare(RequestContext& ctx, Json& config, const Resource*) {
  const Json names = ItemsOf(MemberOf(config, "StagingDistributionDnsNames"));
  if (names.size() != 1 || !names.front().is_string()) {
    return Fail(Invalid("A continuous deployment policy names exactly one staging distribution."));
  }
  const std::string domain = names.front().get<std::string>();
  if (const auto id = DistributionIdByDomain(ctx, domain)) {
    const auto staging = LoadResource(ctx, Registry::Get().FindFamily("distribution")->family, *id);
    if (staging && !staging->config().value("Staging", false)) {
      return Fail(Invalid("The distribution " + domain + " is not a staging distribution."));
    }
  }
  return CheckTraffic(config);
}

Json Render(const Resource& resource) {
  return {{"Id", resource.id()},
          {"LastModifiedTime", FormatIso8601(resource.record.modified_ms)},
          {"ContinuousDeploymentPolicyConfig", resource.ConfigForAnswer()}};
}

FamilyDefinition MakeDefinition() {
  Family family;
  family.kind = "continuous-deployment-policy";
  // Traffic follows a change once it has deployed (the edge reads the
  // deployed version, engine/deployed.h); the API shows no status for it.
  family.settle_delay_ms = [](const RequestContext& ctx) { return ctx.services.settings.propagation_delay_ms.load(); };
  family.settles_on_create = false;
  family.noun = "continuous deployment policy";
  family.errors = {.not_found = errors::NoSuchContinuousDeploymentPolicy,
                   .already_exists = errors::ContinuousDeploymentPolicyAlreadyExists,
                   .limit = errors::TooManyContinuousDeploymentPolicies};
  family.max_per_account = [](const RequestContext&) -> std::optional<std::int64_t> { return 20; };
  family.new_id = ids::Uuid;
  family.prepare = Prepare;
  // One policy per staging distribution.
  family.unique_keys = [](const Json& config) {
    std::vector<std::string> keys;
    for (const auto& name : ItemsOf(MemberOf(config, "StagingDistributionDnsNames"))) {
      if (name.is_string()) keys.push_back(std::string(kStagingKeyPrefix) + name.get<std::string>());
    }
    return keys;
  };
  family.key_conflict = [](const store::StoreError& error) {
    return errors::StagingDistributionInUse(
        "A continuous deployment policy for this staging distribution already exists: " + error.conflicting_id);
  };
  family.render = [](const RequestContext&, const Resource& resource, bool) { return Render(resource); };
  family.summarize = [](const RequestContext&, const Resource& resource) {
    return Json{{"ContinuousDeploymentPolicy", Render(resource)}};
  };
  return {std::move(family),
          {{"CreateContinuousDeploymentPolicy", Verb::kCreate},
           {"GetContinuousDeploymentPolicy", Verb::kGet},
           {"GetContinuousDeploymentPolicyConfig", Verb::kGetConfig},
           {"UpdateContinuousDeploymentPolicy", Verb::kUpdate},
           {"DeleteContinuousDeploymentPolicy", Verb::kDelete},
           {"ListContinuousDeploymentPolicies", Verb::kList}},
          {errors::InvalidArgument, errors::StagingDistributionInUse}};
}

}  // namespace

const engine::FamilyDefinition& ContinuousDeploymentPolicyDefinition() {
  static const engine::FamilyDefinition definition = MakeDefinition();
  return definition;
}

}  // namespace cfl::families
