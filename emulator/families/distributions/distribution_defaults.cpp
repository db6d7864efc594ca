#include "emulator/families/distributions/distribution_defaults.h"

#include <set>

#include "emulator/engine/projection.h"
#include "emulator/engine/resource.h"

namespace cfl::families {
namespace {

using engine::ItemsOf;
using engine::MemberOf;
using engine::SetDefault;
using Json = cfl::Json;

constexpr std::size_t kMaxAliases = 100;
constexpr std::size_t kMaxOrigins = 100;
constexpr std::size_t kMaxCacheBehaviors = 75;
constexpr std::size_t kMaxKeyGroups = 4;

// Defaults are built once: filling them in is on every create and update.
const Json kEmptyList = {{"Quantity", 0}};
const Json kDisabledList = {{"Enabled", false}, {"Quantity", 0}};
const Json kEmptyString = "";
const Json kFalse = false;
const Json kTrue = true;
const Json kZero = 0;
const Json kOriginShield = {{"Enabled", false}};
const Json kSslProtocols = {{"Quantity", 1}, {"Items", {"TLSv1.2"}}};
const Json kHeadGet = {{"Quantity", 2}, {"Items", {"HEAD", "GET"}}};
const Json kAllowedMethods = {{"Quantity", 2}, {"Items", {"HEAD", "GET"}}, {"CachedMethods", kHeadGet}};
const Json kLogging = {{"Enabled", false}, {"IncludeCookies", false}, {"Bucket", ""}, {"Prefix", ""}};
const Json kViewerCertificate = {
    {"CloudFrontDefaultCertificate", true}, {"MinimumProtocolVersion", "TLSv1"}, {"CertificateSource", "cloudfront"}};
const Json kRestrictions = {{"GeoRestriction", {{"RestrictionType", "none"}, {"Quantity", 0}}}};

void FillOriginDefaults(Json& origin) {
  static const Json kConnectionAttempts = 3, kConnectionTimeout = 10, kReadTimeout = 30, kKeepaliveTimeout = 5;
  SetDefault(origin, "OriginPath", kEmptyString);
  SetDefault(origin, "CustomHeaders", kEmptyList);
  SetDefault(origin, "ConnectionAttempts", kConnectionAttempts);
  SetDefault(origin, "ConnectionTimeout", kConnectionTimeout);
  SetDefault(origin, "OriginShield", kOriginShield);
  if (Json* custom = FindJsonMember(origin, "CustomOriginConfig"); custom != nullptr && custom->is_object()) {
    SetDefault(*custom, "OriginSslProtocols", kSslProtocols);
    SetDefault(*custom, "OriginReadTimeout", kReadTimeout);
    SetDefault(*custom, "OriginKeepaliveTimeout", kKeepaliveTimeout);
  }
}

void FillBehaviorDefaults(Json& behavior) {
  static const Json kDefaultTtl = 86400, kMaxTtl = 31536000;
  SetDefault(behavior, "TrustedSigners", kDisabledList);
  SetDefault(behavior, "TrustedKeyGroups", kDisabledList);
  SetDefault(behavior, "AllowedMethods", kAllowedMethods);
  SetDefault(*FindJsonMember(behavior, "AllowedMethods"), "CachedMethods", kHeadGet);  // set just above
  SetDefault(behavior, "SmoothStreaming", kFalse);
  SetDefault(behavior, "Compress", kFalse);
  SetDefault(behavior, "LambdaFunctionAssociations", kEmptyList);
  SetDefault(behavior, "FunctionAssociations", kEmptyList);
  SetDefault(behavior, "FieldLevelEncryptionId", kEmptyString);
  if (Json* forwarded = FindJsonMember(behavior, "ForwardedValues")) {
    if (forwarded->is_object()) {
      SetDefault(*forwarded, "Headers", kEmptyList);
      SetDefault(*forwarded, "QueryStringCacheKeys", kEmptyList);
    }
    SetDefault(behavior, "MinTTL", kZero);
    SetDefault(behavior, "DefaultTTL", kDefaultTtl);
    SetDefault(behavior, "MaxTTL", kMaxTtl);
  }
}

template <typename Function>
void ForEachItem(Json& config, const char* list, Function function) {
  Json* items = FindJsonMember(config, list);
  if (items != nullptr) items = FindJsonMember(*items, "Items");
  if (items == nullptr || !items->is_array()) return;
  for (auto& item : *items) function(item);
}

Result<Ok, ApiError> CheckBehavior(const Json& behavior, const std::set<std::string>& origin_ids) {
  // The model requires a behavior; validation has refused a config without one.
  if (!behavior.is_object()) return Fail(errors::InvalidArgument("The parameter DefaultCacheBehavior is required."));
  const std::string target = engine::StringMember(behavior, "TargetOriginId");
  if (!origin_ids.contains(target)) {
    return Fail(errors::NoSuchOrigin("One or more of your origins or origin groups do not exist."));
  }
  const bool has_policy = !engine::StringMember(behavior, "CachePolicyId").empty();
  const bool has_forwarded = FindJsonMember(behavior, "ForwardedValues") != nullptr;
  if (!has_policy && !has_forwarded) return Fail(errors::InvalidArgument("The parameter ForwardedValues is required."));
  if (has_policy && has_forwarded) {
    return Fail(errors::InvalidArgument(
        "The parameter ForwardedValues cannot be used when a cache policy is associated to the cache behavior."));
  }
  if (has_forwarded && FindJsonMember(behavior, "MinTTL") == nullptr)
    return Fail(errors::InvalidArgument("The parameter MinTTL is required."));
  return Ok{};
}

Result<std::set<std::string>, ApiError> OriginIds(const Json& config) {
  std::set<std::string> ids;
  const Json& origins = ItemsOf(MemberOf(config, "Origins"));
  if (origins.empty()) return Fail(errors::InvalidArgument("The parameter Origins must contain at least one origin."));
  if (origins.size() > kMaxOrigins) {
    return Fail(errors::TooManyOrigins("You cannot create more origins for the distribution."));
  }
  for (const auto& origin : origins) {
    const bool identity = !engine::StringMember(MemberOf(origin, "S3OriginConfig"), "OriginAccessIdentity").empty();
    if (identity && !engine::StringMember(origin, "OriginAccessControlId").empty()) {
      return Fail(errors::IllegalOriginAccessConfiguration());
    }
    if (!ids.insert(engine::StringMember(origin, "Id")).second) {
      return Fail(errors::InvalidArgument("The parameter Origin Id must be unique within a distribution."));
    }
  }
  for (const auto& group : ItemsOf(MemberOf(config, "OriginGroups"))) ids.insert(engine::StringMember(group, "Id"));
  return ids;
}

Result<Ok, ApiError> CheckKeyGroupCount(const Json& config) {
  std::set<std::string> key_groups;
  for (const Json* behavior : CacheBehaviors(config)) {
    for (const auto& key_group : ItemsOf(MemberOf(*behavior, "TrustedKeyGroups"))) {
      if (key_group.is_string()) key_groups.insert(key_group.get<std::string>());
    }
  }
  if (key_groups.size() > kMaxKeyGroups) {
    return Fail(errors::TooManyKeyGroupsAssociatedToDistribution(
        "The number of key groups referenced by this distribution is more than the maximum allowed (" +
        std::to_string(kMaxKeyGroups) + ")."));
  }
  return Ok{};
}

}  // namespace

void FillDistributionDefaults(Json& config) {
  static const Json kPriceClass = "PriceClass_All", kHttpVersion = "http2";
  SetDefault(config, "Aliases", kEmptyList);
  SetDefault(config, "DefaultRootObject", kEmptyString);
  SetDefault(config, "OriginGroups", kEmptyList);
  SetDefault(config, "CacheBehaviors", kEmptyList);
  SetDefault(config, "CustomErrorResponses", kEmptyList);
  SetDefault(config, "Logging", kLogging);
  SetDefault(config, "PriceClass", kPriceClass);
  SetDefault(config, "ViewerCertificate", kViewerCertificate);
  SetDefault(config, "Restrictions", kRestrictions);
  SetDefault(config, "WebACLId", kEmptyString);
  SetDefault(config, "HttpVersion", kHttpVersion);
  SetDefault(config, "IsIPV6Enabled", kTrue);
  SetDefault(config, "Staging", kFalse);
  ForEachItem(config, "Origins", FillOriginDefaults);
  if (Json* behavior = FindJsonMember(config, "DefaultCacheBehavior")) FillBehaviorDefaults(*behavior);
  ForEachItem(config, "CacheBehaviors", FillBehaviorDefaults);
}

Result<Ok, ApiError> CheckDistributionRules(const Json& config) {
  if (ItemsOf(MemberOf(config, "Aliases")).size() > kMaxAliases) {
    return Fail(
        errors::TooManyDistributionCNAMEs("Your request contains more CNAMEs than are allowed per distribution."));
  }
  if (engine::StringMember(config, "Comment").size() > 128) {
    return Fail(errors::InvalidArgument("The parameter Comment is too long."));
  }
  auto origin_ids = OriginIds(config);
  if (!origin_ids) return Fail(std::move(origin_ids).error());
  if (auto check = CheckBehavior(MemberOf(config, "DefaultCacheBehavior"), origin_ids.value()); !check) {
    return check;
  }
  const Json& behaviors = ItemsOf(MemberOf(config, "CacheBehaviors"));
  if (behaviors.size() > kMaxCacheBehaviors) {
    return Fail(
        errors::TooManyCacheBehaviors("Your request contains more cache behaviors than are allowed per distribution."));
  }
  for (const auto& behavior : behaviors) {
    if (auto check = CheckBehavior(behavior, origin_ids.value()); !check) return check;
  }
  return CheckKeyGroupCount(config);
}

std::vector<const Json*> CacheBehaviors(const Json& config) {
  std::vector<const Json*> behaviors;
  const Json* default_behavior = FindJsonMember(config, "DefaultCacheBehavior");
  if (default_behavior != nullptr && default_behavior->is_object()) behaviors.push_back(default_behavior);
  const Json& items = ItemsOf(MemberOf(config, "CacheBehaviors"));
  behaviors.reserve(behaviors.size() + items.size());
  for (const auto& behavior : items) behaviors.push_back(&behavior);
  return behaviors;
}

}  // namespace cfl::families
