// The AWS-managed cache policies, as GetCachePolicyConfig answers them in every
// account. Ids, names and settings: CloudFront Developer Guide, "Use managed
// cache policies"; comments and header spellings: an export of a real
// account's ListCachePolicies(Type=managed). LastModifiedTime is fixed here
// (the real ones differ per policy).
#include "emulator/families/policies/managed_policies.h"

namespace cfl::families {
namespace {

constexpr std::int64_t kLastModifiedMs = 1595376000000;  // 2020-07-22T00:00:00.000Z

constexpr std::string_view kTable = R"json([
{"Id": "2e54312d-136d-493c-8eb9-b001f22f67d2", "Config": {
  "Name": "Managed-Amplify", "Comment": "Policy for Amplify Origin",
  "MinTTL": 2, "DefaultTTL": 2, "MaxTTL": 600,
  "ParametersInCacheKeyAndForwardedToOrigin": {
    "EnableAcceptEncodingGzip": true, "EnableAcceptEncodingBrotli": true,
    "HeadersConfig": {"HeaderBehavior": "whitelist",
      "Headers": {"Quantity": 3, "Items": ["Authorization", "CloudFront-Viewer-Country", "Host"]}},
    "CookiesConfig": {"CookieBehavior": "all"},
    "QueryStringsConfig": {"QueryStringBehavior": "all"}}}},
{"Id": "4d1d2f1d-3a71-49ad-9e08-7ea5d843a556", "Config": {
  "Name": "Managed-Amplify-Default", "Comment": "Default Amplify cache policy",
  "MinTTL": 0, "DefaultTTL": 0, "MaxTTL": 31536000,
  "ParametersInCacheKeyAndForwardedToOrigin": {
    "EnableAcceptEncodingGzip": true, "EnableAcceptEncodingBrotli": true,
    "HeadersConfig": {"HeaderBehavior": "whitelist",
      "Headers": {"Quantity": 4, "Items": ["Accept", "Authorization", "CloudFront-Viewer-Country", "Host"]}},
    "CookiesConfig": {"CookieBehavior": "all"},
    "QueryStringsConfig": {"QueryStringBehavior": "all"}}}},
{"Id": "a6bad946-36c3-4c33-aa98-362c74a7fb13", "Config": {
  "Name": "Managed-Amplify-DefaultNoCookies", "Comment": "Default Amplify cache policy without cookies",
  "MinTTL": 0, "DefaultTTL": 0, "MaxTTL": 31536000,
  "ParametersInCacheKeyAndForwardedToOrigin": {
    "EnableAcceptEncodingGzip": true, "EnableAcceptEncodingBrotli": true,
    "HeadersConfig": {"HeaderBehavior": "whitelist",
      "Headers": {"Quantity": 4, "Items": ["Accept", "Authorization", "CloudFront-Viewer-Country", "Host"]}},
    "CookiesConfig": {"CookieBehavior": "none"},
    "QueryStringsConfig": {"QueryStringBehavior": "all"}}}},
{"Id": "1c6db51a-a33f-469a-8245-dae26771f530", "Config": {
  "Name": "Managed-Amplify-ImageOptimization", "Comment": "Amplify cache policy for image optimization",
  "MinTTL": 0, "DefaultTTL": 0, "MaxTTL": 31536000,
  "ParametersInCacheKeyAndForwardedToOrigin": {
    "EnableAcceptEncodingGzip": true, "EnableAcceptEncodingBrotli": true,
    "HeadersConfig": {"HeaderBehavior": "whitelist",
      "Headers": {"Quantity": 3, "Items": ["Accept", "Authorization", "Host"]}},
    "CookiesConfig": {"CookieBehavior": "none"},
    "QueryStringsConfig": {"QueryStringBehavior": "all"}}}},
{"Id": "7e5fad67-ee98-4ad0-b05a-394999eefc1a", "Config": {
  "Name": "Managed-Amplify-StaticContent", "Comment": "Amplify cache policy for static content",
  "MinTTL": 0, "DefaultTTL": 0, "MaxTTL": 31536000,
  "ParametersInCacheKeyAndForwardedToOrigin": {
    "EnableAcceptEncodingGzip": true, "EnableAcceptEncodingBrotli": true,
    "HeadersConfig": {"HeaderBehavior": "whitelist",
      "Headers": {"Quantity": 2, "Items": ["Authorization", "Host"]}},
    "CookiesConfig": {"CookieBehavior": "none"},
    "QueryStringsConfig": {"QueryStringBehavior": "none"}}}},
{"Id": "4135ea2d-6df8-44a3-9df3-4b5a84be39ad", "Config": {
  "Name": "Managed-CachingDisabled", "Comment": "Policy with caching disabled",
  "MinTTL": 0, "DefaultTTL": 0, "MaxTTL": 0,
  "ParametersInCacheKeyAndForwardedToOrigin": {
    "EnableAcceptEncodingGzip": false, "EnableAcceptEncodingBrotli": false,
    "HeadersConfig": {"HeaderBehavior": "none"},
    "CookiesConfig": {"CookieBehavior": "none"},
    "QueryStringsConfig": {"QueryStringBehavior": "none"}}}},
{"Id": "658327ea-f89d-4fab-a63d-7e88639e58f6", "Config": {
  "Name": "Managed-CachingOptimized", "Comment": "Policy with caching enabled. Supports Gzip and Brotli compression.",
  "MinTTL": 1, "DefaultTTL": 86400, "MaxTTL": 31536000,
  "ParametersInCacheKeyAndForwardedToOrigin": {
    "EnableAcceptEncodingGzip": true, "EnableAcceptEncodingBrotli": true,
    "HeadersConfig": {"HeaderBehavior": "none"},
    "CookiesConfig": {"CookieBehavior": "none"},
    "QueryStringsConfig": {"QueryStringBehavior": "none"}}}},
{"Id": "b2884449-e4de-46a7-ac36-70bc7f1ddd6d", "Config": {
  "Name": "Managed-CachingOptimizedForUncompressedObjects", "Comment": "Default policy when compression is disabled",
  "MinTTL": 1, "DefaultTTL": 86400, "MaxTTL": 31536000,
  "ParametersInCacheKeyAndForwardedToOrigin": {
    "EnableAcceptEncodingGzip": false, "EnableAcceptEncodingBrotli": false,
    "HeadersConfig": {"HeaderBehavior": "none"},
    "CookiesConfig": {"CookieBehavior": "none"},
    "QueryStringsConfig": {"QueryStringBehavior": "none"}}}},
{"Id": "08627262-05a9-4f76-9ded-b50ca2e3a84f", "Config": {
  "Name": "Managed-Elemental-MediaPackage", "Comment": "Policy for Elemental MediaPackage Origin",
  "MinTTL": 0, "DefaultTTL": 86400, "MaxTTL": 31536000,
  "ParametersInCacheKeyAndForwardedToOrigin": {
    "EnableAcceptEncodingGzip": true, "EnableAcceptEncodingBrotli": false,
    "HeadersConfig": {"HeaderBehavior": "whitelist", "Headers": {"Quantity": 1, "Items": ["origin"]}},
    "CookiesConfig": {"CookieBehavior": "none"},
    "QueryStringsConfig": {"QueryStringBehavior": "whitelist",
      "QueryStrings": {"Quantity": 4, "Items": ["aws.manifestfilter", "end", "m", "start"]}}}}},
{"Id": "83da9c7e-98b4-4e11-a168-04f0df8e2c65", "Config": {
  "Name": "UseOriginCacheControlHeaders",
  "Comment": "Policy for origins that return Cache-Control headers. Query strings are not included in the cache key.",
  "MinTTL": 0, "DefaultTTL": 0, "MaxTTL": 31536000,
  "ParametersInCacheKeyAndForwardedToOrigin": {
    "EnableAcceptEncodingGzip": true, "EnableAcceptEncodingBrotli": true,
    "HeadersConfig": {"HeaderBehavior": "whitelist",
      "Headers": {"Quantity": 5,
                  "Items": ["host", "origin", "x-http-method", "x-http-method-override", "x-method-override"]}},
    "CookiesConfig": {"CookieBehavior": "all"},
    "QueryStringsConfig": {"QueryStringBehavior": "none"}}}},
{"Id": "4cc15a8a-d715-48a4-82b8-cc0b614638fe", "Config": {
  "Name": "UseOriginCacheControlHeaders-QueryStrings",
  "Comment": "Policy for origins that return Cache-Control headers and serve different content based on values present in the query string.",
  "MinTTL": 0, "DefaultTTL": 0, "MaxTTL": 31536000,
  "ParametersInCacheKeyAndForwardedToOrigin": {
    "EnableAcceptEncodingGzip": true, "EnableAcceptEncodingBrotli": true,
    "HeadersConfig": {"HeaderBehavior": "whitelist",
      "Headers": {"Quantity": 5,
                  "Items": ["host", "origin", "x-http-method", "x-http-method-override", "x-method-override"]}},
    "CookiesConfig": {"CookieBehavior": "all"},
    "QueryStringsConfig": {"QueryStringBehavior": "all"}}}}
])json";

}  // namespace

const engine::ManagedRecords& ManagedCachePolicies() {
  static const engine::ManagedRecords table = ParseManagedPolicies(kTable, kLastModifiedMs);
  return table;
}

}  // namespace cfl::families
