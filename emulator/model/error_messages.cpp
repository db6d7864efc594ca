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
    {"DistributionAlreadyExists",
     "The caller reference that you are using to create a distribution is associated with another distribution."},
    {"DistributionNotDisabled", "The distribution you are trying to delete has not been disabled."},
    {"EntityAlreadyExists", "The entity already exists. You must provide a unique entity."},
    {"EntityLimitExceeded", "The entity limit has been exceeded."},
    {"EntityNotFound", "The entity was not found."},
    {"FunctionAlreadyExists", "A function with the same name already exists in this Amazon Web Services account."},
    {"FunctionInUse", "Cannot delete the function because it's attached to one or more cache behaviors."},
    {"FunctionSizeLimitExceeded", "The function is too large."},
    {"IllegalDelete", "Deletion is not allowed for this entity."},
    {"IllegalOriginAccessConfiguration",
     "An origin cannot contain both an origin access control (OAC) and an origin access identity (OAI)."},
    {"IllegalUpdate", "The update contains modifications that are not allowed."},
    {"InconsistentQuantities", "The value of Quantity and the size of Items don't match."},
    {"InternalError", "We encountered an internal error. Please try again."},
    {"InvalidArgument", "The argument is invalid."},
    {"InvalidFunctionAssociation", "A CloudFront function association is invalid."},
    {"InvalidIfMatchVersion", "The If-Match version is missing or not valid for the resource."},
    {"InvalidOriginAccessIdentity", "The specified origin access identity does not exist or is not valid."},
    {"InvalidTagging", "The tagging specified is not valid."},
    {"KeyGroupAlreadyExists",
     "A key group with this name already exists. You must provide a unique name. To modify an existing key group, "
     "use UpdateKeyGroup."},
    {"MissingBody", "The request body is missing."},
    {"NoSuchCachePolicy", "The cache policy does not exist."},
    {"NoSuchCloudFrontOriginAccessIdentity", "The specified origin access identity does not exist."},
    {"NoSuchDistribution", "The specified distribution does not exist."},
    {"NoSuchFunctionExists", "The function does not exist."},
    {"NoSuchInvalidation", "The specified invalidation does not exist."},
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
    {"ResourceInUse", "Cannot delete this resource because it is in use."},
    {"ResponseHeadersPolicyAlreadyExists",
     "A response headers policy with this name already exists. You must provide a unique name. To modify an "
     "existing response headers policy, use UpdateResponseHeadersPolicy."},
    {"ResponseHeadersPolicyInUse",
     "Cannot delete the response headers policy because it is attached to one or more cache behaviors."},
    {"StreamingDistributionAlreadyExists",
     "The caller reference that you are using to create a streaming distribution is associated with another "
     "streaming distribution."},
    {"StreamingDistributionNotDisabled", "The streaming distribution you are trying to delete has not been disabled."},
    {"TestFunctionFailed", "The CloudFront function failed."},
    {"Throttling", "Rate exceeded"},
    {"TooManyCachePolicies",
     "You have reached the maximum number of cache policies for this Amazon Web Services account."},
    {"TooManyCloudFrontOriginAccessIdentities",
     "Processing your request would cause you to exceed the maximum number of origin access identities allowed."},
    {"TooManyDistributions", "Your request contains more distributions than are allowed per AWS account."},
    {"TooManyFunctions",
     "You have reached the maximum number of CloudFront functions for this Amazon Web Services account."},
    {"TooManyInvalidationsInProgress",
     "Processing your request will cause you to exceed the maximum number of in-progress wildcard invalidations "
     "or invalidation paths."},
    {"TooManyKeyGroups", "You have reached the maximum number of key groups for this Amazon Web Services account."},
    {"TooManyOriginAccessControls",
     "The number of origin access controls in your Amazon Web Services account exceeds the maximum allowed."},
    {"TooManyOriginRequestPolicies",
     "You have reached the maximum number of origin request policies for this Amazon Web Services account."},
    {"TooManyPublicKeys",
     "The maximum number of public keys have been created. To create a new public key, delete one of the existing "
     "keys."},
    {"TooManyResponseHeadersPolicies",
     "You have reached the maximum number of response headers policies for this Amazon Web Services account."},
    {"TooManyStreamingDistributions",
     "Your request contains more streaming distributions than are allowed per AWS account."},
    {"TrustedKeyGroupDoesNotExist", "The specified key group does not exist."},
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
