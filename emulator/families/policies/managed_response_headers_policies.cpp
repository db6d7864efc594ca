// The AWS-managed response headers policies, as
// GetResponseHeadersPolicyConfig answers them in every account. Ids, names and
// header values: CloudFront Developer Guide, "Use managed response headers
// policies" (SimpleCORS: Access-Control-Allow-Origin *; CORS-With-Preflight
// adds Allow-Methods for every method and Expose-Headers *; the security
// headers: X-Content-Type-Options nosniff (overriding the origin),
// X-Frame-Options SAMEORIGIN, Referrer-Policy strict-origin-when-cross-origin,
// Strict-Transport-Security max-age=31536000, X-XSS-Protection 1; mode=block).
// How those values map onto the API's members (Allow-Headers "*", methods
// "ALL") is this table's reading of them. LastModifiedTime is fixed here.
#include "emulator/families/policies/managed_policies.h"

namespace cfl::families {
namespace {

constexpr std::int64_t kLastModifiedMs = 1635811200000;  // 2021-11-02T00:00:00.000Z

constexpr std::string_view kTable = R"json([
{"Id": "e61eb60c-9c35-4d20-a928-2b84e02af89c", "Config": {
  "Name": "Managed-CORS-and-SecurityHeadersPolicy",
  "Comment": "Allows all origins for simple CORS requests, and adds a set of security headers to every response",
  "CorsConfig": "SIMPLE_CORS", "SecurityHeadersConfig": "SECURITY_HEADERS"}},
{"Id": "5cc3b908-e619-4b99-88e5-2cf7f45965bd", "Config": {
  "Name": "Managed-CORS-With-Preflight",
  "Comment": "Allows all origins for CORS requests, including preflight requests",
  "CorsConfig": "PREFLIGHT_CORS"}},
{"Id": "eaab4381-ed33-4a86-88ca-d9558dc6cd63", "Config": {
  "Name": "Managed-CORS-with-preflight-and-SecurityHeadersPolicy",
  "Comment": "Allows all origins for CORS requests, including preflight requests, and adds a set of security headers to every response",
  "CorsConfig": "PREFLIGHT_CORS", "SecurityHeadersConfig": "SECURITY_HEADERS"}},
{"Id": "67f7725c-6f97-4210-82d7-5512b31e9d03", "Config": {
  "Name": "Managed-SecurityHeadersPolicy",
  "Comment": "Adds a set of security headers to every response",
  "SecurityHeadersConfig": "SECURITY_HEADERS"}},
{"Id": "60669652-455b-4ae9-85a4-c4c02393f86c", "Config": {
  "Name": "Managed-SimpleCORS",
  "Comment": "Allows all origins for simple CORS requests",
  "CorsConfig": "SIMPLE_CORS"}}
])json";

// The three building blocks the policies above combine, by placeholder.
constexpr std::string_view kParts = R"json({
"SIMPLE_CORS": {
  "AccessControlAllowOrigins": {"Quantity": 1, "Items": ["*"]},
  "AccessControlAllowHeaders": {"Quantity": 1, "Items": ["*"]},
  "AccessControlAllowMethods": {"Quantity": 1, "Items": ["ALL"]},
  "AccessControlAllowCredentials": false,
  "OriginOverride": false},
"PREFLIGHT_CORS": {
  "AccessControlAllowOrigins": {"Quantity": 1, "Items": ["*"]},
  "AccessControlAllowHeaders": {"Quantity": 1, "Items": ["*"]},
  "AccessControlAllowMethods": {"Quantity": 1, "Items": ["ALL"]},
  "AccessControlAllowCredentials": false,
  "AccessControlExposeHeaders": {"Quantity": 1, "Items": ["*"]},
  "OriginOverride": false},
"SECURITY_HEADERS": {
  "XSSProtection": {"Override": false, "Protection": true, "ModeBlock": true},
  "FrameOptions": {"Override": false, "FrameOption": "SAMEORIGIN"},
  "ReferrerPolicy": {"Override": false, "ReferrerPolicy": "strict-origin-when-cross-origin"},
  "ContentTypeOptions": {"Override": true},
  "StrictTransportSecurity": {"Override": false, "IncludeSubdomains": false, "Preload": false,
                              "AccessControlMaxAgeSec": 31536000}}
})json";

engine::ManagedRecords BuildTable() {
  engine::ManagedRecords table = ParseManagedPolicies(kTable, kLastModifiedMs);
  const Json parts = Json::parse(kParts);
  for (auto& policy : table) {
    for (auto& [member, value] : policy.config.items()) {
      if (value.is_string() && parts.contains(value.get<std::string>())) value = parts.at(value.get<std::string>());
    }
  }
  return table;
}

}  // namespace

const engine::ManagedRecords& ManagedResponseHeadersPolicies() {
  static const engine::ManagedRecords table = BuildTable();
  return table;
}

}  // namespace cfl::families
