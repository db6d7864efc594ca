// The AWS-managed origin request policies, as GetOriginRequestPolicyConfig
// answers them in every account. Ids, names and settings: CloudFront Developer
// Guide, "Use managed origin request policies". LastModifiedTime is fixed here
// (the real ones differ per policy).
#include "emulator/families/policies/managed_policies.h"

namespace cfl::families {
namespace {

constexpr std::int64_t kLastModifiedMs = 1595376000000;  // 2020-07-22T00:00:00.000Z

constexpr std::string_view kTable = R"json([
{"Id": "216adef6-5c7f-47e4-b989-5492eafa07d3", "Config": {
  "Name": "Managed-AllViewer", "Comment": "Policy to forward all parameters in viewer requests",
  "HeadersConfig": {"HeaderBehavior": "allViewer"},
  "CookiesConfig": {"CookieBehavior": "all"},
  "QueryStringsConfig": {"QueryStringBehavior": "all"}}},
{"Id": "33f36d7e-f396-46d9-90e0-52428a34d9dc", "Config": {
  "Name": "Managed-AllViewerAndCloudFrontHeaders-2022-06",
  "Comment": "Policy to forward all parameters in viewer requests and all CloudFront headers released through June 2022",
  "HeadersConfig": {"HeaderBehavior": "allViewerAndWhitelistCloudFront",
    "Headers": {"Quantity": 21, "Items": [
      "CloudFront-Forwarded-Proto", "CloudFront-Is-Android-Viewer", "CloudFront-Is-Desktop-Viewer",
      "CloudFront-Is-IOS-Viewer", "CloudFront-Is-Mobile-Viewer", "CloudFront-Is-SmartTV-Viewer",
      "CloudFront-Is-Tablet-Viewer", "CloudFront-Viewer-Address", "CloudFront-Viewer-ASN",
      "CloudFront-Viewer-City", "CloudFront-Viewer-Country", "CloudFront-Viewer-Country-Name",
      "CloudFront-Viewer-Country-Region", "CloudFront-Viewer-Country-Region-Name",
      "CloudFront-Viewer-Http-Version", "CloudFront-Viewer-Latitude", "CloudFront-Viewer-Longitude",
      "CloudFront-Viewer-Metro-Code", "CloudFront-Viewer-Postal-Code", "CloudFront-Viewer-Time-Zone",
      "CloudFront-Viewer-TLS"]}},
  "CookiesConfig": {"CookieBehavior": "all"},
  "QueryStringsConfig": {"QueryStringBehavior": "all"}}},
{"Id": "b689b0a8-53d0-40ab-baf2-68738e2966ac", "Config": {
  "Name": "Managed-AllViewerExceptHostHeader",
  "Comment": "Policy to forward all parameters in viewer requests except for the Host header",
  "HeadersConfig": {"HeaderBehavior": "allExcept", "Headers": {"Quantity": 1, "Items": ["host"]}},
  "CookiesConfig": {"CookieBehavior": "all"},
  "QueryStringsConfig": {"QueryStringBehavior": "all"}}},
{"Id": "59781a5b-3903-41f3-afcb-af62929ccde1", "Config": {
  "Name": "Managed-CORS-CustomOrigin", "Comment": "Policy for Custom Origin with CORS",
  "HeadersConfig": {"HeaderBehavior": "whitelist", "Headers": {"Quantity": 1, "Items": ["origin"]}},
  "CookiesConfig": {"CookieBehavior": "none"},
  "QueryStringsConfig": {"QueryStringBehavior": "none"}}},
{"Id": "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf", "Config": {
  "Name": "Managed-CORS-S3Origin", "Comment": "Policy for S3 origin with CORS",
  "HeadersConfig": {"HeaderBehavior": "whitelist",
    "Headers": {"Quantity": 3, "Items": ["origin", "access-control-request-headers", "access-control-request-method"]}},
  "CookiesConfig": {"CookieBehavior": "none"},
  "QueryStringsConfig": {"QueryStringBehavior": "none"}}},
{"Id": "775133bc-15f2-49f9-abea-afb2e0bf67d2", "Config": {
  "Name": "Managed-Elemental-MediaTailor-PersonalizedManifests",
  "Comment": "Policy for Elemental MediaTailor Personalized Manifests",
  "HeadersConfig": {"HeaderBehavior": "whitelist",
    "Headers": {"Quantity": 5, "Items": ["origin", "access-control-request-headers", "access-control-request-method",
                                         "user-agent", "x-forwarded-for"]}},
  "CookiesConfig": {"CookieBehavior": "none"},
  "QueryStringsConfig": {"QueryStringBehavior": "all"}}},
{"Id": "acba4595-bd28-49b8-b9fe-13317c0390fa", "Config": {
  "Name": "Managed-UserAgentRefererHeaders", "Comment": "Policy for forwarding User-Agent and Referer headers",
  "HeadersConfig": {"HeaderBehavior": "whitelist", "Headers": {"Quantity": 2, "Items": ["user-agent", "referer"]}},
  "CookiesConfig": {"CookieBehavior": "none"},
  "QueryStringsConfig": {"QueryStringBehavior": "none"}}}
])json";

}  // namespace

const engine::ManagedRecords& ManagedOriginRequestPolicies() {
  static const engine::ManagedRecords table = ParseManagedPolicies(kTable, kLastModifiedMs);
  return table;
}

}  // namespace cfl::families
