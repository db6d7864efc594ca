#include "emulator/model/error_messages.h"

#include <algorithm>
#include <array>
#include <utility>

namespace cfl::model {
namespace {

using Entry = std::pair<std::string_view, std::string_view>;

// Sorted by code (a unit test checks). Wording as CloudFront answers, where known.
constexpr auto kMessages = std::to_array<Entry>({
    {"BatchTooLarge", "Invalidation batch specified is too large."},
    {"CNAMEAlreadyExists", "One or more of the CNAMEs you provided are already associated with a different resource."},
    {"CachePolicyAlreadyExists",
     "A cache policy with this name already exists. You must provide a unique name. To modify an existing cache "
     "policy, use UpdateCachePolicy."},
    {"CachePolicyInUse", "Cannot delete the cache policy because it is attached to one or more cache behaviors."},
    {"CannotChangeImmutablePublicKeyFields", "You can't change the value of a public key."},
    {"CannotDeleteEntityWhileInUse", "The entity cannot be deleted while it is in use."},
    {"CloudFrontOriginAccessIdentityAlreadyExists",
     "If the CallerReference is a value you already sent in a previous request to create an identity but the "
     "content of the CloudFrontOriginAccessIdentityConfig is different from the original request, CloudFront "
     "returns a CloudFrontOriginAccessIdentityAlreadyExists error."},
    {"CloudFrontOriginAccessIdentityInUse", "The Origin Access Identity specified is already in use."},
    {"ContinuousDeploymentPolicyAlreadyExists",
     "A continuous deployment policy with this configuration already exists."},
    {"ContinuousDeploymentPolicyInUse",
     "You cannot delete a continuous deployment policy that is associated with a primary distribution."},
    {"DistributionAlreadyExists",
     "The caller reference that you are using to create a distribution is associated with another distribution."},
    {"DistributionNotDisabled", "The distribution you are trying to delete has not been disabled."},
    {"EntityAlreadyExists", "The entity already exists. You must provide a unique entity."},
    {"EntityLimitExceeded", "The entity limit has been exceeded."},
    {"EntityNotFound", "The entity was not found."},
    {"FieldLevelEncryptionConfigAlreadyExists",
     "The specified configuration for field-level encryption already exists."},
    {"FieldLevelEncryptionConfigInUse", "The specified configuration for field-level encryption is in use."},
    {"FieldLevelEncryptionProfileAlreadyExists", "The specified profile for field-level encryption already exists."},
    {"FieldLevelEncryptionProfileInUse", "The specified profile for field-level encryption is in use."},
    {"FieldLevelEncryptionProfileSizeExceeded",
     "The maximum size of a profile for field-level encryption was exceeded."},
    {"FunctionAlreadyExists", "A function with the same name already exists in this Amazon Web Services account."},
    {"FunctionInUse", "Cannot delete the function because it's attached to one or more cache behaviors."},
    {"FunctionSizeLimitExceeded", "The function is too large."},
    {"IllegalDelete", "Deletion is not allowed for this entity."},
    {"IllegalFieldLevelEncryptionConfigAssociationWithCacheBehavior",
     "The specified configuration for field-level encryption can't be associated with the specified cache "
     "behavior."},
    {"IllegalOriginAccessConfiguration",
     "An origin cannot contain both an origin access control (OAC) and an origin access identity (OAI)."},
    {"IllegalUpdate", "The update contains modifications that are not allowed."},
    {"InconsistentQuantities", "The value of Quantity and the size of Items don't match."},
    {"InternalError", "We encountered an internal error. Please try again."},
    {"InvalidArgument", "The argument is invalid."},
    {"InvalidDefaultRootObject", "The default root object file name is too big or contains an invalid character."},
    {"InvalidErrorCode", "An invalid error code was specified."},
    {"InvalidForwardCookies",
     "Your request contains forward cookies option which doesn't match with the expectation for the "
     "whitelisted list of cookie names. Either list of cookie names has been specified when not allowed or "
     "list of cookie names is missing when expected."},
    {"InvalidFunctionAssociation", "A CloudFront function association is invalid."},
    {"InvalidGeoRestrictionParameter", "The specified geo restriction parameter is not valid."},
    {"InvalidHeadersForS3Origin", "The headers specified are not valid for an Amazon S3 origin."},
    {"InvalidIfMatchVersion", "The If-Match version is missing or not valid for the resource."},
    {"InvalidLambdaFunctionAssociation", "The specified Lambda@Edge function association is invalid."},
    {"InvalidLocationCode", "The location code specified is not valid."},
    {"InvalidMinimumProtocolVersion", "The minimum protocol version specified is not valid."},
    {"InvalidOriginAccessControl", "The origin access control is not valid."},
    {"InvalidOriginAccessIdentity", "The specified origin access identity does not exist or is not valid."},
    {"InvalidOriginKeepaliveTimeout", "The keep alive timeout specified for the origin is not valid."},
    {"InvalidOriginReadTimeout", "The read timeout specified for the origin is not valid."},
    {"InvalidProtocolSettings",
     "You cannot specify SSLv3 as the minimum protocol version if you only want to support only clients "
     "that support Server Name Indication (SNI)."},
    {"InvalidQueryStringParameters", "The query string parameters specified are not valid."},
    {"InvalidRelativePath", "The relative path is too big, is not URL-encoded, or does not begin with a slash (/)."},
    {"InvalidResponseCode", "A response code is not valid."},
    {"InvalidTTLOrder", "The TTL order specified is not valid."},
    {"InvalidTagging", "The tagging specified is not valid."},
    {"InvalidViewerCertificate", "A viewer certificate specified is not valid."},
    {"InvalidWebACLId", "A web ACL ID specified is not valid."},
    {"KeyGroupAlreadyExists",
     "A key group with this name already exists. You must provide a unique name. To modify an existing key group, "
     "use UpdateKeyGroup."},
    {"MissingBody", "The request body is missing."},
    {"MonitoringSubscriptionAlreadyExists", "A monitoring subscription already exists for the specified distribution."},
    {"NoSuchCachePolicy", "The cache policy does not exist."},
    {"NoSuchCloudFrontOriginAccessIdentity", "The specified origin access identity does not exist."},
    {"NoSuchContinuousDeploymentPolicy", "The continuous deployment policy doesn't exist."},
    {"NoSuchDistribution", "The specified distribution does not exist."},
    {"NoSuchFieldLevelEncryptionConfig", "The specified configuration for field-level encryption doesn't exist."},
    {"NoSuchFieldLevelEncryptionProfile", "The specified profile for field-level encryption doesn't exist."},
    {"NoSuchFunctionExists", "The function does not exist."},
    {"NoSuchInvalidation", "The specified invalidation does not exist."},
    {"NoSuchMonitoringSubscription", "A monitoring subscription does not exist for the specified distribution."},
    {"NoSuchOrigin", "No origin exists with the specified Origin Id."},
    {"NoSuchOriginAccessControl", "The origin access control does not exist."},
    {"NoSuchOriginRequestPolicy", "The origin request policy does not exist."},
    {"NoSuchPublicKey", "The specified public key doesn't exist."},
    {"NoSuchResource", "A resource that was specified is not valid."},
    {"NoSuchResponseHeadersPolicy", "The response headers policy does not exist."},
    {"NoSuchStreamingDistribution", "The specified streaming distribution does not exist."},
    {"OriginAccessControlAlreadyExists", "An origin access control with the specified parameters already exists."},
    {"OriginAccessControlInUse",
     "Cannot delete the origin access control because it's in use by one or more distributions."},
    {"OriginRequestPolicyAlreadyExists",
     "An origin request policy with this name already exists. You must provide a unique name. To modify an "
     "existing origin request policy, use UpdateOriginRequestPolicy."},
    {"OriginRequestPolicyInUse",
     "Cannot delete the origin request policy because it is attached to one or more cache behaviors."},
    {"PreconditionFailed",
     "The request failed because it didn't meet the preconditions in one or more request-header fields."},
    {"PublicKeyAlreadyExists", "The specified public key already exists."},
    {"PublicKeyInUse", "The specified public key is in use."},
    {"QueryArgProfileEmpty", "No profile specified for the field-level encryption query argument."},
    {"ResourceInUse", "Cannot delete this resource because it is in use."},
    {"ResponseHeadersPolicyAlreadyExists",
     "A response headers policy with this name already exists. You must provide a unique name. To modify an "
     "existing response headers policy, use UpdateResponseHeadersPolicy."},
    {"ResponseHeadersPolicyInUse",
     "Cannot delete the response headers policy because it is attached to one or more cache behaviors."},
    {"StagingDistributionInUse", "A continuous deployment policy for this staging distribution already exists."},
    {"StreamingDistributionAlreadyExists",
     "The caller reference that you are using to create a streaming distribution is associated with another "
     "streaming distribution."},
    {"StreamingDistributionNotDisabled", "The streaming distribution you are trying to delete has not been disabled."},
    {"TestFunctionFailed", "The CloudFront function failed."},
    {"Throttling", "Rate exceeded"},
    {"TooManyCacheBehaviors", "You cannot create more cache behaviors for the distribution."},
    {"TooManyCachePolicies", "You have reached the maximum number of cache policies for this Amazon Web Services account."},
    {"TooManyCloudFrontOriginAccessIdentities",
     "Processing your request would cause you to exceed the maximum number of origin access identities allowed."},
    {"TooManyContinuousDeploymentPolicies",
     "You have reached the maximum number of continuous deployment policies for this Amazon Web Services "
     "account."},
    {"TooManyCookieNamesInWhiteList",
     "Your request contains more cookie names in the whitelist than are allowed per cache behavior."},
    {"TooManyDistributionCNAMEs", "Your request contains more CNAMEs than are allowed per distribution."},
    {"TooManyDistributions", "Your request contains more distributions than are allowed per AWS account."},
    {"TooManyFieldLevelEncryptionConfigs",
     "The maximum number of configurations for field-level encryption have been created."},
    {"TooManyFieldLevelEncryptionContentTypeProfiles",
     "The maximum number of content type profiles for field-level encryption have been created."},
    {"TooManyFieldLevelEncryptionEncryptionEntities",
     "The number of field-level encryption encryption entities exceeds the maximum allowed."},
    {"TooManyFieldLevelEncryptionFieldPatterns",
     "The maximum number of field patterns for field-level encryption have been created."},
    {"TooManyFieldLevelEncryptionProfiles",
     "The maximum number of profiles for field-level encryption have been created."},
    {"TooManyFieldLevelEncryptionQueryArgProfiles",
     "The maximum number of query arg profiles for field-level encryption have been created."},
    {"TooManyFunctionAssociations",
     "You have reached the maximum number of CloudFront function associations for this distribution."},
    {"TooManyFunctions",
     "You have reached the maximum number of CloudFront functions for this Amazon Web Services account."},
    {"TooManyHeadersInForwardedValues", "Your request contains too many headers in forwarded values."},
    {"TooManyInvalidationsInProgress",
     "Processing your request will cause you to exceed the maximum number of in-progress wildcard invalidations "
     "or invalidation paths."},
    {"TooManyKeyGroups", "You have reached the maximum number of key groups for this Amazon Web Services account."},
    {"TooManyLambdaFunctionAssociations",
     "Your request contains more Lambda@Edge function associations than are allowed per distribution."},
    {"TooManyOriginAccessControls",
     "The number of origin access controls in your Amazon Web Services account exceeds the maximum allowed."},
    {"TooManyOriginCustomHeaders", "Your request contains too many origin custom headers."},
    {"TooManyOriginGroupsPerDistribution",
     "Processing your request would cause you to exceed the maximum number of origin groups allowed."},
    {"TooManyOriginRequestPolicies",
     "You have reached the maximum number of origin request policies for this Amazon Web Services account."},
    {"TooManyOrigins", "You cannot create more origins for the distribution."},
    {"TooManyPublicKeys",
     "The maximum number of public keys have been created. To create a new public key, delete one of the existing "
     "keys."},
    {"TooManyQueryStringParameters", "Your request contains too many query string parameters."},
    {"TooManyResponseHeadersPolicies",
     "You have reached the maximum number of response headers policies for this Amazon Web Services account."},
    {"TooManyStreamingDistributions", "Your request contains more streaming distributions than are allowed per AWS account."},
    {"TooManyTrustedSigners", "Your request contains more trusted signers than are allowed per distribution."},
    {"TrustedKeyGroupDoesNotExist", "The specified key group does not exist."},
    {"TrustedSignerDoesNotExist", "One or more of your trusted signers don't exist."},
    {"UnsupportedOperation", "This operation is not supported."},
});

}  // namespace

std::string_view DefaultMessage(std::string_view code) {
  const auto it = std::lower_bound(kMessages.begin(), kMessages.end(), code,
                                   [](const Entry& entry, std::string_view key) { return entry.first < key; });
  if (it != kMessages.end() && it->first == code) return it->second;
  return "The request failed.";
}

bool ErrorMessagesAreSorted() {
  return std::is_sorted(kMessages.begin(), kMessages.end(),
                        [](const Entry& a, const Entry& b) { return a.first < b.first; });
}

}  // namespace cfl::model
