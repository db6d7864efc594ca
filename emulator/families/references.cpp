// Every reference between families, one row each (engine/references.h): a
// create or update naming a target that does not exist answers `missing`;
// deleting a target still named answers `in_use`; with renews_users, changing
// the target gives its users a new version. The store checks all of it inside
// the write transaction.
#include "emulator/engine/references.h"

#include <string>

#include "emulator/families/realtime_logs/realtime_log_configs.h"
#include "emulator/engine/resource_naming.h"

namespace cfl::families {
namespace {

using engine::ReferenceRule;

// "origin-access-identity/cloudfront/E2QWRUHAPOMQZL" → "E2QWRUHAPOMQZL".
std::optional<std::string> OriginAccessIdentityId(std::string_view value) {
  constexpr std::string_view kPrefix = "origin-access-identity/cloudfront/";
  if (!value.starts_with(kPrefix) || value.size() == kPrefix.size()) return std::nullopt;
  return std::string(value.substr(kPrefix.size()));
}

// "arn:aws:cloudfront::111122223333:function/NAME" → "NAME" (the account is the
// distribution's own: function_associations.cpp checks it).
std::optional<std::string> FunctionNameOf(std::string_view value) {
  const auto parsed = engine::ParseArn(value);
  if (!parsed || parsed->type != "function") return std::nullopt;
  return parsed->id;
}

// "arn:aws:cloudfront::111122223333:key-value-store/UUID" → "UUID".
std::optional<std::string> StoreIdOfArn(std::string_view value) {
  const auto parsed = engine::ParseArn(value);
  if (!parsed || parsed->type != "key-value-store") return std::nullopt;
  return parsed->id;
}

}  // namespace
}  // namespace cfl::families

namespace cfl::engine {

std::span<const ReferenceRule> ReferenceRules() {
  using families::FunctionNameOf;
  using families::StoreIdOfArn;
  using families::OriginAccessIdentityId;
  const ErrorSpec kOaiInUse = errors::CloudFrontOriginAccessIdentityInUse;
  const ErrorSpec kNoLiveFunction = {errors::InvalidFunctionAssociation,
                                     "The function ARN does not name a published (LIVE) function of this account."};
  const ErrorSpec kNoStore = {errors::InvalidArgument, "The key value store associated with the function does not exist."};
  const ErrorSpec kStoreInUse = {errors::CannotDeleteEntityWhileInUse,
                                 "The key value store is associated with a function; disassociate it first."};
  static const ReferenceRule kRules[] = {
      {"distribution", "Origins.Items[].S3OriginConfig.OriginAccessIdentity", "origin-access-identity",
       errors::InvalidOriginAccessIdentity, kOaiInUse, false, OriginAccessIdentityId},
      {"distribution", "Origins.Items[].OriginAccessControlId", "origin-access-control",
       errors::InvalidOriginAccessControl, errors::OriginAccessControlInUse},
      {"distribution", "DefaultCacheBehavior.CachePolicyId", "cache-policy", errors::NoSuchCachePolicy,
       errors::CachePolicyInUse, true},
      {"distribution", "CacheBehaviors.Items[].CachePolicyId", "cache-policy", errors::NoSuchCachePolicy,
       errors::CachePolicyInUse, true},
      {"distribution", "DefaultCacheBehavior.OriginRequestPolicyId", "origin-request-policy",
       errors::NoSuchOriginRequestPolicy, errors::OriginRequestPolicyInUse, true},
      {"distribution", "CacheBehaviors.Items[].OriginRequestPolicyId", "origin-request-policy",
       errors::NoSuchOriginRequestPolicy, errors::OriginRequestPolicyInUse, true},
      {"distribution", "DefaultCacheBehavior.ResponseHeadersPolicyId", "response-headers-policy",
       errors::NoSuchResponseHeadersPolicy, errors::ResponseHeadersPolicyInUse, true},
      {"distribution", "CacheBehaviors.Items[].ResponseHeadersPolicyId", "response-headers-policy",
       errors::NoSuchResponseHeadersPolicy, errors::ResponseHeadersPolicyInUse, true},
      {"distribution", "DefaultCacheBehavior.TrustedKeyGroups.Items[]", "key-group",
       errors::TrustedKeyGroupDoesNotExist, errors::ResourceInUse, true},
      {"distribution", "CacheBehaviors.Items[].TrustedKeyGroups.Items[]", "key-group",
       errors::TrustedKeyGroupDoesNotExist, errors::ResourceInUse, true},
      {"streaming-distribution", "S3Origin.OriginAccessIdentity", "origin-access-identity",
       errors::InvalidOriginAccessIdentity, kOaiInUse, false, OriginAccessIdentityId},
      {"key-group", "Items[]", "public-key", errors::NoSuchPublicKey, errors::PublicKeyInUse},
      {"field-level-encryption-profile", "EncryptionEntities.Items[].PublicKeyId", "public-key",
       errors::NoSuchPublicKey, errors::PublicKeyInUse},
      {"field-level-encryption-config", "QueryArgProfileConfig.QueryArgProfiles.Items[].ProfileId",
       "field-level-encryption-profile", errors::NoSuchFieldLevelEncryptionProfile,
       errors::FieldLevelEncryptionProfileInUse},
      {"field-level-encryption-config", "ContentTypeProfileConfig.ContentTypeProfiles.Items[].ProfileId",
       "field-level-encryption-profile", errors::NoSuchFieldLevelEncryptionProfile,
       errors::FieldLevelEncryptionProfileInUse},
      {"distribution", "DefaultCacheBehavior.FieldLevelEncryptionId", "field-level-encryption-config",
       errors::NoSuchFieldLevelEncryptionConfig, errors::FieldLevelEncryptionConfigInUse, true},
      {"distribution", "CacheBehaviors.Items[].FieldLevelEncryptionId", "field-level-encryption-config",
       errors::NoSuchFieldLevelEncryptionConfig, errors::FieldLevelEncryptionConfigInUse, true},
      {"distribution", "Origins.Items[].VpcOriginConfig.VpcOriginId", "vpc-origin", errors::EntityNotFound,
       errors::CannotDeleteEntityWhileInUse},
      {"distribution", "AnycastIpListId", "anycast-ip-list",
       {errors::EntityNotFound, "The Anycast static IP list that the distribution names does not exist."},
       {errors::CannotDeleteEntityWhileInUse, "The Anycast static IP list is in use by a distribution."}},
      {"connection-group", "AnycastIpListId", "anycast-ip-list",
       {errors::EntityNotFound, "The Anycast static IP list that the connection group names does not exist."},
       {errors::CannotDeleteEntityWhileInUse, "The Anycast static IP list is in use by a connection group."}},
      {"distribution", "ViewerMtlsConfig.TrustStoreConfig.TrustStoreId", "trust-store",
       {errors::EntityNotFound, "The trust store that the distribution's viewer mTLS names does not exist."},
       {errors::CannotDeleteEntityWhileInUse, "The trust store is in use by a distribution's viewer mTLS."}},
      {"distribution", "DefaultCacheBehavior.RealtimeLogConfigArn", "realtime-log-config",
       errors::NoSuchRealtimeLogConfig, errors::RealtimeLogConfigInUse, false, families::RealtimeLogConfigName},
      {"distribution", "CacheBehaviors.Items[].RealtimeLogConfigArn", "realtime-log-config",
       errors::NoSuchRealtimeLogConfig, errors::RealtimeLogConfigInUse, false, families::RealtimeLogConfigName},
      {"distribution", "ContinuousDeploymentPolicyId", "continuous-deployment-policy",
       errors::NoSuchContinuousDeploymentPolicy, errors::ContinuousDeploymentPolicyInUse, true},
      {.from_kind = "continuous-deployment-policy",
       .path = "StagingDistributionDnsNames.Items[]",
       .target_kind = "distribution",
       .missing = {errors::InvalidArgument, "The staging distribution that the policy names does not exist."},
       .in_use = errors::StagingDistributionInUse,
       // A continuous deployment policy names its staging distribution by domain name.
       .target_named_by = "DomainName",
       // Disabling a staging distribution that a policy names is refused.
       .target_keeps = [](const Json& config) { return config.value("Enabled", true); }},
      {"distribution", "DefaultCacheBehavior.FunctionAssociations.Items[].FunctionARN", "function-live",
       kNoLiveFunction, errors::FunctionInUse, false, FunctionNameOf},
      {"distribution", "CacheBehaviors.Items[].FunctionAssociations.Items[].FunctionARN", "function-live",
       kNoLiveFunction, errors::FunctionInUse, false, FunctionNameOf},
      // Both stages of a function name its store; the store's data-plane record has the ARN's id.
      {"function", "FunctionConfig.KeyValueStoreAssociations.Items[].KeyValueStoreARN", "key-value-store-data",
       kNoStore, kStoreInUse, false, StoreIdOfArn},
      {"function-live", "FunctionConfig.KeyValueStoreAssociations.Items[].KeyValueStoreARN", "key-value-store-data",
       kNoStore, kStoreInUse, false, StoreIdOfArn},
      {"connection-function", "ConnectionFunctionConfig.KeyValueStoreAssociations.Items[].KeyValueStoreARN",
       "key-value-store-data", kNoStore, kStoreInUse, false, StoreIdOfArn},
      {"connection-function-live", "ConnectionFunctionConfig.KeyValueStoreAssociations.Items[].KeyValueStoreARN",
       "key-value-store-data", kNoStore, kStoreInUse, false, StoreIdOfArn},
      // Only a published (LIVE) connection function can be associated with a distribution.
      {"distribution", "ConnectionFunctionAssociation.Id", "connection-function-live",
       {errors::EntityNotFound,
        "The connection function that ConnectionFunctionAssociation names does not exist or is not published (LIVE)."},
       {errors::CannotDeleteEntityWhileInUse,
        "The connection function is associated with a distribution; remove the association first."}},
      // A tenant belongs to its multi-tenant distribution and is reached through its connection group.
      {"distribution-tenant", "DistributionId", "distribution",
       {errors::EntityNotFound, "The multi-tenant distribution that the tenant names does not exist."},
       {errors::ResourceInUse, "The distribution has distribution tenants: delete them first."}},
      {"distribution-tenant", "ConnectionGroupId", "connection-group",
       {errors::EntityNotFound, "The connection group that the tenant names does not exist."},
       {errors::CannotDeleteEntityWhileInUse, "The connection group is used by distribution tenants."}},
  };
  return kRules;
}

}  // namespace cfl::engine
