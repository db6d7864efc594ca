#include "emulator/families/distributions/distribution_rules.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <string_view>

#include "emulator/engine/resource.h"
#include "emulator/families/distributions/distribution_defaults.h"

namespace cfl::families {
namespace {

using Json = cfl::Json;
using engine::ItemsOf;

// Quotas (API reference and the developer guide's "Quotas" page).
constexpr std::size_t kMaxDefaultRootObject = 255;
constexpr std::size_t kMaxResponsePagePath = 4000;
constexpr std::size_t kMaxPathPattern = 255;
constexpr std::size_t kMaxOriginGroups = 10;
constexpr std::size_t kMaxOriginCustomHeaders = 10;
constexpr std::size_t kMaxForwardedHeaders = 10;
constexpr std::size_t kMaxWhitelistedCookies = 10;
constexpr std::size_t kMaxQueryStringCacheKeys = 10;
constexpr std::size_t kMaxTrustedSigners = 5;
constexpr std::size_t kMaxLambdaAssociations = 4;    // one per event type
constexpr std::size_t kMaxFunctionAssociations = 2;  // viewer-request, viewer-response
constexpr std::int64_t kMaxOriginTimeout = 120;       // read and keep-alive, seconds

using Check = Result<Ok, ApiError>;

// The member's text, or "" when it is absent or not a string. The reference
// lives as long as object's member does.
const std::string& Text(const Json& object, std::string_view member) {
  static const std::string kEmpty;
  const Json* found = FindJsonMember(object, member);
  return found != nullptr && found->is_string() ? found->get_ref<const std::string&>() : kEmpty;
}

std::optional<std::int64_t> Integer(const Json& object, std::string_view member) {
  const Json* found = FindJsonMember(object, member);
  if (found == nullptr || !found->is_number()) return std::nullopt;
  return found->get<std::int64_t>();
}

const Json& Member(const Json& object, std::string_view member) {
  static const Json kNull;
  const Json* found = FindJsonMember(object, member);
  return found == nullptr ? kNull : *found;
}

bool IsTrue(const Json& object, std::string_view member) {
  const Json* found = FindJsonMember(object, member);
  return found != nullptr && found->is_boolean() && found->get<bool>();
}

std::set<std::string> StringSet(const Json& items) {
  std::set<std::string> values;
  for (const auto& item : items) {
    if (item.is_string()) values.insert(item.get<std::string>());
  }
  return values;
}

// ---- the default root object, error pages ----

bool IsDefaultRootObjectChar(char c) {
  static constexpr std::string_view kAllowed = "_-.*$/~\"'&";
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         kAllowed.find(c) != std::string_view::npos;
}

Check CheckDefaultRootObject(const Json& config) {
  const std::string object = Text(config, "DefaultRootObject");
  if (object.size() > kMaxDefaultRootObject || object.starts_with('/') ||
      !std::all_of(object.begin(), object.end(), IsDefaultRootObjectChar)) {
    return Fail(errors::InvalidDefaultRootObject(
        "The specified default root object is not valid: it must be at most 255 characters of A-Z, a-z, 0-9 and "
        "_-.*$/~\"'& and must not begin with a slash (/)."));
  }
  return Ok{};
}

bool IsErrorCodeCloudFrontCaches(std::int64_t code) {
  static constexpr std::array kCodes = {400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504};
  return std::find(kCodes.begin(), kCodes.end(), code) != kCodes.end();
}

bool IsResponseCode(std::string_view code) {
  static constexpr std::array<std::string_view, 12> kCodes = {"200", "400", "403", "404", "405", "414",
                                                              "416", "500", "501", "502", "503", "504"};
  return std::find(kCodes.begin(), kCodes.end(), code) != kCodes.end();
}

Check CheckCustomErrorResponse(const Json& response, std::set<std::int64_t>& seen) {
  const auto code = Integer(response, "ErrorCode");
  if (!code || !IsErrorCodeCloudFrontCaches(*code)) {
    return Fail(errors::InvalidErrorCode(
        "The ErrorCode of a custom error response must be one of 400, 403, 404, 405, 414, 416, 500, 501, 502, 503, "
        "504."));
  }
  if (!seen.insert(*code).second) {
    return Fail(errors::InvalidArgument("Your request contains more than one custom error response for the error code " +
                                        std::to_string(*code) + "."));
  }
  const std::string path = Text(response, "ResponsePagePath");
  const std::string response_code = Text(response, "ResponseCode");
  if (!path.empty() && (!path.starts_with('/') || path.size() > kMaxResponsePagePath)) {
    return Fail(errors::InvalidRelativePath(
        "The ResponsePagePath of a custom error response must begin with a slash (/) and be at most 4000 "
        "characters."));
  }
  if (!response_code.empty() && !IsResponseCode(response_code)) {
    return Fail(errors::InvalidResponseCode(
        "The ResponseCode of a custom error response must be one of 200, 400, 403, 404, 405, 414, 416, 500, 501, "
        "502, 503, 504."));
  }
  if (path.empty() != response_code.empty()) {
    return Fail(errors::InvalidArgument(
        "A custom error response needs both a ResponsePagePath and a ResponseCode, or neither."));
  }
  if (const auto ttl = Integer(response, "ErrorCachingMinTTL"); ttl && *ttl < 0) {
    return Fail(errors::InvalidArgument("The ErrorCachingMinTTL of a custom error response cannot be negative."));
  }
  return Ok{};
}

Check CheckCustomErrorResponses(const Json& config) {
  std::set<std::int64_t> seen;
  for (const auto& response : ItemsOf(Member(config, "CustomErrorResponses"))) {
    if (auto check = CheckCustomErrorResponse(response, seen); !check) return check;
  }
  return Ok{};
}

// ---- origins ----

// Headers CloudFront refuses to add to origin requests (developer guide:
// "Custom headers that CloudFront can't add to origin requests").
bool IsReservedOriginHeader(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  static const std::set<std::string, std::less<>> kReserved = {
      "cache-control",      "connection", "content-length", "cookie",   "host",
      "if-match",           "if-modified-since", "if-none-match", "if-range", "if-unmodified-since",
      "max-forwards",       "pragma",     "proxy-authorization", "proxy-connection", "range",
      "request-range",      "te",         "trailer",        "transfer-encoding", "upgrade",
      "via",                "x-real-ip"};
  return kReserved.contains(name) || name.starts_with("x-amz-") || name.starts_with("x-edge-");
}

Check CheckCustomHeaders(const Json& origin) {
  const Json& headers = ItemsOf(Member(origin, "CustomHeaders"));
  if (headers.size() > kMaxOriginCustomHeaders) {
    return Fail(errors::TooManyOriginCustomHeaders(
        "Your request contains more than 10 custom headers for an origin."));
  }
  std::set<std::string> names;
  for (const auto& header : headers) {
    std::string name = Text(header, "HeaderName");
    if (name.empty() || IsReservedOriginHeader(name)) {
      return Fail(errors::InvalidArgument("The parameter HeaderName : " + name + " is not allowed."));
    }
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    if (!names.insert(name).second) {
      return Fail(errors::InvalidArgument("Your request contains the origin custom header " + name + " more than once."));
    }
  }
  return Ok{};
}

bool IsPort(std::int64_t port) { return port == 80 || port == 443 || (port >= 1024 && port <= 65535); }

Check CheckTimeouts(const Json& settings) {
  if (const auto read = Integer(settings, "OriginReadTimeout"); read && (*read < 1 || *read > kMaxOriginTimeout)) {
    return Fail(errors::InvalidOriginReadTimeout(
        "The origin read timeout (OriginReadTimeout) must be between 1 and 120 seconds."));
  }
  if (const auto keepalive = Integer(settings, "OriginKeepaliveTimeout");
      keepalive && (*keepalive < 1 || *keepalive > kMaxOriginTimeout)) {
    return Fail(errors::InvalidOriginKeepaliveTimeout(
        "The origin keep-alive timeout (OriginKeepaliveTimeout) must be between 1 and 120 seconds."));
  }
  return Ok{};
}

Check CheckCustomOrigin(const Json& custom) {
  for (const std::string_view member : {"HTTPPort", "HTTPSPort"}) {
    const auto port = Integer(custom, member);
    if (port && !IsPort(*port)) {
      return Fail(errors::InvalidArgument("The parameter " + std::string(member) +
                                          " must be 80, 443, or between 1024 and 65535."));
    }
  }
  if (ItemsOf(Member(custom, "OriginSslProtocols")).empty()) {
    return Fail(errors::InvalidArgument("The parameter OriginSslProtocols must name at least one protocol."));
  }
  return CheckTimeouts(custom);
}

Check CheckOriginSettings(const Json& origin) {
  const bool s3 = Member(origin, "S3OriginConfig").is_object();
  const bool custom = Member(origin, "CustomOriginConfig").is_object();
  const bool vpc = Member(origin, "VpcOriginConfig").is_object();
  if (int{s3} + int{custom} + int{vpc} != 1) {
    return Fail(errors::InvalidArgument(
        "Exactly one of CustomOriginConfig, VpcOriginConfig and S3OriginConfig must be specified."));
  }
  const std::string path = Text(origin, "OriginPath");
  if (!path.empty() && (!path.starts_with('/') || path.ends_with('/'))) {
    return Fail(errors::InvalidArgument("The parameter OriginPath must begin with a slash (/) and must not end with one."));
  }
  if (const auto attempts = Integer(origin, "ConnectionAttempts"); attempts && (*attempts < 1 || *attempts > 3)) {
    return Fail(errors::InvalidArgument("The parameter ConnectionAttempts must be between 1 and 3."));
  }
  if (const auto timeout = Integer(origin, "ConnectionTimeout"); timeout && (*timeout < 1 || *timeout > 10)) {
    return Fail(errors::InvalidArgument("The parameter ConnectionTimeout must be between 1 and 10 seconds."));
  }
  const Json& shield = Member(origin, "OriginShield");
  if (shield.is_object() && IsTrue(shield, "Enabled") && Text(shield, "OriginShieldRegion").empty()) {
    return Fail(errors::InvalidArgument("The parameter OriginShieldRegion is required when Origin Shield is enabled."));
  }
  if (auto check = CheckCustomHeaders(origin); !check) return check;
  if (custom) return CheckCustomOrigin(Member(origin, "CustomOriginConfig"));
  if (s3) return CheckTimeouts(Member(origin, "S3OriginConfig"));
  return CheckTimeouts(Member(origin, "VpcOriginConfig"));
}

Check CheckOrigins(const Json& config) {
  for (const auto& origin : ItemsOf(Member(config, "Origins"))) {
    if (auto check = CheckOriginSettings(origin); !check) return check;
  }
  return Ok{};
}

bool IsFailoverStatusCode(std::int64_t code) {
  static constexpr std::array kCodes = {400, 403, 404, 416, 500, 502, 503, 504};
  return std::find(kCodes.begin(), kCodes.end(), code) != kCodes.end();
}

Check CheckOriginGroups(const Json& config) {
  const Json& groups = ItemsOf(Member(config, "OriginGroups"));
  if (groups.size() > kMaxOriginGroups) {
    return Fail(errors::TooManyOriginGroupsPerDistribution(
        "Your request contains more than 10 origin groups for the distribution."));
  }
  std::set<std::string> origin_ids;
  for (const auto& origin : ItemsOf(Member(config, "Origins"))) origin_ids.insert(Text(origin, "Id"));
  std::set<std::string> group_ids;
  for (const auto& group : groups) {
    const std::string id = Text(group, "Id");
    if (origin_ids.contains(id) || !group_ids.insert(id).second) {
      return Fail(errors::InvalidArgument("The origin group Id " + id +
                                          " must be unique among the origins and origin groups of the distribution."));
    }
    for (const auto& member : ItemsOf(Member(group, "Members"))) {
      if (!origin_ids.contains(Text(member, "OriginId"))) {
        return Fail(errors::NoSuchOrigin("The origin group " + id + " names an origin that does not exist: " +
                                         Text(member, "OriginId") + "."));
      }
    }
    for (const auto& code : ItemsOf(Member(Member(group, "FailoverCriteria"), "StatusCodes"))) {
      if (!code.is_number() || !IsFailoverStatusCode(code.get<std::int64_t>())) {
        return Fail(errors::InvalidArgument(
            "The failover status codes of an origin group must be among 400, 403, 404, 416, 500, 502, 503, 504."));
      }
    }
  }
  return Ok{};
}

// ---- cache behaviors ----

Check CheckTtlOrder(const Json& behavior) {
  const auto min_ttl = Integer(behavior, "MinTTL");
  const auto default_ttl = Integer(behavior, "DefaultTTL");
  const auto max_ttl = Integer(behavior, "MaxTTL");
  if ((min_ttl && *min_ttl < 0) || (default_ttl && *default_ttl < 0) || (max_ttl && *max_ttl < 0) ||
      (min_ttl && default_ttl && *min_ttl > *default_ttl) || (default_ttl && max_ttl && *default_ttl > *max_ttl) ||
      (min_ttl && max_ttl && *min_ttl > *max_ttl)) {
    return Fail(errors::InvalidTTLOrder(
        "The TTLs of a cache behavior must satisfy MinTTL <= DefaultTTL <= MaxTTL and none can be negative."));
  }
  return Ok{};
}

// Amazon S3 answers only these request headers differently
// (developer guide: "Caching content based on request headers").
bool IsHeaderForS3Origin(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  return name == "origin" || name == "access-control-request-headers" || name == "access-control-request-method";
}

Check CheckForwardedValues(const Json& forwarded, bool to_s3_origin) {
  const Json& cookies = Member(forwarded, "Cookies");
  const bool whitelist = Text(cookies, "Forward") == "whitelist";
  const Json& names = ItemsOf(Member(cookies, "WhitelistedNames"));
  if (whitelist == names.empty()) {
    return Fail(errors::InvalidForwardCookies(
        "Cookie names must be whitelisted when, and only when, cookies are forwarded by whitelist (Forward "
        "whitelist)."));
  }
  if (names.size() > kMaxWhitelistedCookies) {
    return Fail(errors::TooManyCookieNamesInWhiteList(
        "Your request contains more than 10 cookie names in the whitelist of a cache behavior."));
  }
  const Json& headers = ItemsOf(Member(forwarded, "Headers"));
  if (headers.size() > kMaxForwardedHeaders) {
    return Fail(errors::TooManyHeadersInForwardedValues(
        "Your request contains more than 10 headers in the forwarded values of a cache behavior."));
  }
  const bool all_headers = StringSet(headers).contains("*");
  if (all_headers && headers.size() > 1) {
    return Fail(errors::InvalidArgument("Forwarding all headers (*) cannot be combined with named headers."));
  }
  if (to_s3_origin) {
    for (const auto& header : headers) {
      if (!header.is_string() || !IsHeaderForS3Origin(header.get<std::string>())) {
        return Fail(errors::InvalidHeadersForS3Origin(
            "An Amazon S3 origin takes only the headers Origin, Access-Control-Request-Headers and "
            "Access-Control-Request-Method."));
      }
    }
  }
  const Json& keys = ItemsOf(Member(forwarded, "QueryStringCacheKeys"));
  if (keys.size() > kMaxQueryStringCacheKeys) {
    return Fail(errors::TooManyQueryStringParameters(
        "Your request contains more than 10 query string cache keys in a cache behavior."));
  }
  if (!keys.empty() && !IsTrue(forwarded, "QueryString")) {
    return Fail(errors::InvalidQueryStringParameters(
        "Query string cache keys can be named only when query strings are forwarded (QueryString true)."));
  }
  return Ok{};
}

bool SameSet(const std::set<std::string>& methods, std::initializer_list<std::string_view> expected) {
  return methods.size() == expected.size() &&
         std::all_of(expected.begin(), expected.end(), [&](std::string_view m) { return methods.contains(std::string(m)); });
}

Check CheckAllowedMethods(const Json& behavior, bool to_origin_group) {
  const Json& allowed = Member(behavior, "AllowedMethods");
  if (!allowed.is_object()) return Ok{};
  const auto methods = StringSet(ItemsOf(allowed));
  const bool read_only = SameSet(methods, {"GET", "HEAD"}) || SameSet(methods, {"GET", "HEAD", "OPTIONS"});
  if (!read_only && !SameSet(methods, {"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"})) {
    return Fail(errors::InvalidArgument(
        "The AllowedMethods of a cache behavior must be GET and HEAD; GET, HEAD and OPTIONS; or GET, HEAD, "
        "OPTIONS, PUT, PATCH, POST and DELETE."));
  }
  const auto cached = StringSet(ItemsOf(Member(allowed, "CachedMethods")));
  if (!SameSet(cached, {"GET", "HEAD"}) && !(SameSet(cached, {"GET", "HEAD", "OPTIONS"}) && methods.contains("OPTIONS"))) {
    return Fail(errors::InvalidArgument(
        "The CachedMethods of a cache behavior must be GET and HEAD, or GET, HEAD and OPTIONS when OPTIONS is "
        "allowed."));
  }
  if (to_origin_group && !read_only) {
    return Fail(errors::InvalidArgument(
        "A cache behavior whose target is an origin group can allow only GET, HEAD and OPTIONS."));
  }
  return Ok{};
}

// arn:aws:lambda:us-east-1:ACCOUNT:function:NAME:VERSION (a numbered version: not $LATEST, not an alias).
bool IsLambdaVersionArn(const std::string& arn) {
  static const std::regex kArn(R"(arn:aws:lambda:us-east-1:\d{12}:function:[A-Za-z0-9_-]{1,64}:\d+)");
  return std::regex_match(arn, kArn);
}

Check CheckLambdaAssociations(const Json& behavior) {
  const Json& associations = ItemsOf(Member(behavior, "LambdaFunctionAssociations"));
  if (associations.size() > kMaxLambdaAssociations) {
    return Fail(errors::TooManyLambdaFunctionAssociations(
        "Your request contains more than 4 Lambda@Edge function associations for a cache behavior."));
  }
  std::set<std::string> events;
  for (const auto& association : associations) {
    const std::string event = Text(association, "EventType");
    if (!IsLambdaVersionArn(Text(association, "LambdaFunctionARN"))) {
      return Fail(errors::InvalidLambdaFunctionAssociation(
          "The function ARN must reference a numbered version of a Lambda function in us-east-1 (not $LATEST "
          "or an alias): " + Text(association, "LambdaFunctionARN")));
    }
    if (!events.insert(event).second) {
      return Fail(errors::InvalidLambdaFunctionAssociation(
          "A cache behavior can have only one Lambda@Edge function association for the event type " + event + "."));
    }
    if (IsTrue(association, "IncludeBody") && event != "viewer-request" && event != "origin-request") {
      return Fail(errors::InvalidLambdaFunctionAssociation(
          "IncludeBody can be set only for the viewer-request and origin-request event types."));
    }
  }
  return Ok{};
}

Check CheckFunctionAssociations(const Json& behavior) {
  const Json& associations = ItemsOf(Member(behavior, "FunctionAssociations"));
  if (associations.size() > kMaxFunctionAssociations) {
    return Fail(errors::TooManyFunctionAssociations(
        "Your request contains more than 2 CloudFront function associations for a cache behavior."));
  }
  // Event types and the functions named are the functions family's rules
  // (families/functions/function_associations.cpp).
  return Ok{};
}

Check CheckTrustedSigners(const Json& behavior) {
  const Json& signers = Member(behavior, "TrustedSigners");
  const Json& accounts = ItemsOf(signers);
  if (accounts.size() > kMaxTrustedSigners) {
    return Fail(errors::TooManyTrustedSigners("Your request contains more than 5 trusted signers for a cache behavior."));
  }
  static const std::regex kAccount(R"(\d{12})");
  for (const auto& account : accounts) {
    if (!account.is_string() || (account != "self" && !std::regex_match(account.get<std::string>(), kAccount))) {
      return Fail(errors::TrustedSignerDoesNotExist("One or more of your trusted signers don't exist."));
    }
  }
  if (IsTrue(signers, "Enabled") && IsTrue(Member(behavior, "TrustedKeyGroups"), "Enabled")) {
    return Fail(errors::InvalidArgument("A cache behavior can trust key groups or trusted signers, not both."));
  }
  return Ok{};
}

Check CheckFieldLevelEncryption(const Json& behavior) {
  if (Text(behavior, "FieldLevelEncryptionId").empty()) return Ok{};
  const bool https = Text(behavior, "ViewerProtocolPolicy") != "allow-all";
  const bool post = StringSet(ItemsOf(Member(behavior, "AllowedMethods"))).contains("POST");
  if (!https || !post) {
    return Fail(errors::IllegalFieldLevelEncryptionConfigAssociationWithCacheBehavior(
        "Field-level encryption needs a cache behavior that allows POST and redirects or restricts viewers to "
        "HTTPS."));
  }
  return Ok{};
}

struct OriginKinds {
  std::set<std::string> s3;
  std::set<std::string> groups;
};

OriginKinds KindsOfOrigins(const Json& config) {
  OriginKinds kinds;
  for (const auto& origin : ItemsOf(Member(config, "Origins"))) {
    if (Member(origin, "S3OriginConfig").is_object()) kinds.s3.insert(Text(origin, "Id"));
  }
  for (const auto& group : ItemsOf(Member(config, "OriginGroups"))) kinds.groups.insert(Text(group, "Id"));
  return kinds;
}

Check CheckBehavior(const Json& behavior, const OriginKinds& origins) {
  const std::string target = Text(behavior, "TargetOriginId");
  const Json& forwarded = Member(behavior, "ForwardedValues");
  if (forwarded.is_object()) {
    if (auto check = CheckTtlOrder(behavior); !check) return check;
    if (auto check = CheckForwardedValues(forwarded, origins.s3.contains(target)); !check) return check;
  }
  if (auto check = CheckAllowedMethods(behavior, origins.groups.contains(target)); !check) return check;
  if (auto check = CheckTrustedSigners(behavior); !check) return check;
  if (auto check = CheckLambdaAssociations(behavior); !check) return check;
  if (auto check = CheckFunctionAssociations(behavior); !check) return check;
  return CheckFieldLevelEncryption(behavior);
}

Check CheckBehaviors(const Json& config) {
  const OriginKinds origins = KindsOfOrigins(config);
  std::set<std::string> patterns;
  for (const auto& behavior : ItemsOf(Member(config, "CacheBehaviors"))) {
    const std::string pattern = Text(behavior, "PathPattern");
    if (pattern.empty() || pattern.size() > kMaxPathPattern) {
      return Fail(errors::InvalidArgument("The PathPattern of a cache behavior must be 1 to 255 characters."));
    }
    if (!patterns.insert(pattern).second) {
      return Fail(errors::InvalidArgument("Your request contains more than one cache behavior with the path pattern " +
                                          pattern + "."));
    }
  }
  for (const Json* behavior : CacheBehaviors(config)) {
    if (auto check = CheckBehavior(*behavior, origins); !check) return check;
  }
  return Ok{};
}

// ---- aliases, certificate, restrictions, web ACL ----

Check CheckAliases(const Json& config) {
  for (const auto& alias : ItemsOf(Member(config, "Aliases"))) {
    if (!alias.is_string() || !IsAlias(alias.get<std::string>())) {
      return Fail(errors::InvalidArgument("The parameter CNAME contains one or more illegal characters."));
    }
  }
  return Ok{};
}

constexpr std::string_view kUnusableCertificate =
    "The specified SSL certificate doesn't exist, isn't in us-east-1 region, isn't valid, or doesn't include a "
    "valid certificate chain.";


Check CheckMinimumProtocol(const Json& certificate) {
  const std::string method = Text(certificate, "SSLSupportMethod");
  const std::string minimum = Text(certificate, "MinimumProtocolVersion");
  if (method == "sni-only" && minimum == "SSLv3") {
    return Fail(errors::InvalidProtocolSettings(
        "The parameter ViewerCertificate the specified distribution is configured for SNI and the Minimum SSL "
        "Protocol Version is specified as SSLv3. You cannot specify both."));
  }
  if (method == "vip" && !minimum.empty() && minimum != "SSLv3" && minimum != "TLSv1") {
    return Fail(errors::InvalidMinimumProtocolVersion(
        "The specified MinimumProtocolVersion cannot be used with the specified SSLSupportMethod"));
  }
  return Ok{};
}

Check CheckViewerCertificate(const Json& config) {
  const Json& certificate = Member(config, "ViewerCertificate");
  const bool default_certificate = IsTrue(certificate, "CloudFrontDefaultCertificate");
  const std::string acm = Text(certificate, "ACMCertificateArn");
  const std::string iam = Text(certificate, "IAMCertificateId");
  if (int{default_certificate} + int{!acm.empty()} + int{!iam.empty()} != 1) {
    return Fail(errors::InvalidViewerCertificate(
        "The ViewerCertificate must name exactly one certificate: CloudFrontDefaultCertificate, ACMCertificateArn "
        "or IAMCertificateId."));
  }
  if (!acm.empty() && !IsAcmCertificateArn(acm)) return Fail(errors::InvalidViewerCertificate(std::string(kUnusableCertificate)));
  if (!default_certificate && Text(certificate, "SSLSupportMethod").empty()) {
    return Fail(errors::InvalidViewerCertificate(
        "The parameter SSLSupportMethod is required when the distribution uses a custom SSL certificate."));
  }
  if (default_certificate && !ItemsOf(Member(config, "Aliases")).empty()) {
    return Fail(errors::InvalidViewerCertificate(
        "To add an alternate domain name (CNAME) to a CloudFront distribution, you must attach a trusted certificate "
        "that validates your authorization to use the domain name. For more details, see: "
        "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/CNAMEs.html#alternate-domain-names-"
        "requirements"));
  }
  if (default_certificate) return Ok{};
  return CheckMinimumProtocol(certificate);
}


Check CheckGeoRestriction(const Json& config) {
  const Json& geo = Member(Member(config, "Restrictions"), "GeoRestriction");
  const Json& locations = ItemsOf(geo);
  const bool none = Text(geo, "RestrictionType") == "none";
  if (none != locations.empty()) {
    return Fail(errors::InvalidGeoRestrictionParameter(
        "A geographic restriction of type whitelist or blacklist needs at least one location, and one of type none "
        "takes none."));
  }
  for (const auto& location : locations) {
    if (!location.is_string() || !IsCountryCode(location.get<std::string>())) {
      return Fail(errors::InvalidLocationCode("The location code " + (location.is_string() ? location.get<std::string>() : "") +
                                              " is not an ISO 3166-1 alpha-2 country code."));
    }
  }
  return Ok{};
}

Check CheckWebAcl(const Json& config) {
  const std::string id = Text(config, "WebACLId");
  if (!id.empty() && !IsWebAclId(id)) {
    return Fail(errors::InvalidWebACLId(
        "Web ACL is not accessible by the requester, or does not exist: use the ARN of a WAFv2 web ACL "
        "(arn:aws:wafv2:us-east-1:ACCOUNT:global/webacl/NAME/ID) or the id of a WAF Classic one."));
  }
  return Ok{};
}

Check CheckLogging(const Json& config) {
  const Json& logging = Member(config, "Logging");
  if (!IsTrue(logging, "Enabled")) return Ok{};
  const std::string bucket = Text(logging, "Bucket");
  if (bucket.find(".s3") == std::string::npos || !bucket.ends_with(".amazonaws.com")) {
    return Fail(errors::InvalidArgument("The S3 bucket that you specified for CloudFront logs doesn't exist: " + bucket));
  }
  return Ok{};
}

// A staging distribution (continuous deployment) is made by CopyDistribution
// and serves no domain of its own.
Check CheckStaging(const Json& config) {
  const bool staging = IsTrue(config, "Staging");
  if (staging && !ItemsOf(Member(config, "Aliases")).empty()) {
    return Fail(errors::InvalidArgument("A staging distribution can't have alternate domain names (CNAMEs)."));
  }
  const std::string policy = Text(config, "ContinuousDeploymentPolicyId");
  if (staging && !policy.empty()) {
    return Fail(errors::InvalidArgument(
        "A staging distribution can't have a continuous deployment policy: attach it to the primary distribution."));
  }
  const std::string http = Text(config, "HttpVersion");
  if (!policy.empty() && (http == "http3" || http == "http2and3")) {
    return Fail(errors::InvalidArgument("Continuous deployment can't be used with a distribution that supports HTTP/3."));
  }
  return Ok{};
}

// Viewer mTLS that checks client certificates checks them against a trust store.
Check CheckViewerMtls(const Json& config) {
  const Json& mtls = Member(config, "ViewerMtlsConfig");
  const std::string mode = Text(mtls, "Mode");
  if ((mode == "required" || mode == "optional") && Text(Member(mtls, "TrustStoreConfig"), "TrustStoreId").empty()) {
    return Fail(errors::InvalidArgument("Viewer mTLS in " + mode + " mode needs a TrustStoreConfig naming a trust store."));
  }
  return Ok{};
}

// A multi-tenant distribution (ConnectionMode tenant-only) is a template for
// its tenants: the domains, the static IPs and the staging are theirs and
// their connection group's (developer guide, "Unsupported features for SaaS
// Manager"); only it may define the tenants' parameters.
Check CheckConnectionMode(const Json& config) {
  const bool multi_tenant = Text(config, "ConnectionMode") == "tenant-only";
  if (!multi_tenant) {
    if (Member(config, "TenantConfig").is_object()) {
      return Fail(errors::InvalidArgument("TenantConfig is only for multi-tenant distributions (ConnectionMode "
                                          "tenant-only)."));
    }
    return Ok{};
  }
  const auto unsupported = [](std::string_view what) {
    return Fail(errors::InvalidArgument("A multi-tenant distribution (ConnectionMode tenant-only) can't have " +
                                        std::string(what) + "."));
  };
  if (!ItemsOf(Member(config, "Aliases")).empty()) return unsupported("alternate domain names (give its tenants domains)");
  if (!Text(config, "AnycastIpListId").empty()) return unsupported("an Anycast static IP list (use a connection group's)");
  if (IsTrue(config, "Staging") || !Text(config, "ContinuousDeploymentPolicyId").empty()) {
    return unsupported("continuous deployment");
  }
  if (!Text(Member(config, "ViewerCertificate"), "IAMCertificateId").empty()) {
    return unsupported("an IAM certificate (use an ACM certificate)");
  }
  const std::string acl = Text(config, "WebACLId");
  if (!acl.empty() && !IsWebAclId(acl, false)) return unsupported("a WAF Classic web ACL (use a WAFv2 one)");
  std::set<std::string> names;
  const Json& definitions = Member(Member(config, "TenantConfig"), "ParameterDefinitions");
  for (const auto& definition : definitions.is_array() ? definitions : Json::array()) {
    if (!names.insert(Text(definition, "Name")).second) {
      return Fail(errors::InvalidArgument("The parameter " + Text(definition, "Name") +
                                          " is defined more than once in TenantConfig."));
    }
  }
  return Ok{};
}

}  // namespace

bool IsAcmCertificateArn(const std::string& arn) {
  static const std::regex kArn(R"(arn:aws:acm:us-east-1:\d{12}:certificate/[0-9a-f-]{1,64})");
  return std::regex_match(arn, kArn);
}

bool IsCountryCode(std::string_view code) {
  static constexpr std::string_view kCodes =
      "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY "
      "BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM "
      "FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT "
      "JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN "
      "MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT "
      "PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL "
      "TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";
  if (code.size() != 2) return false;
  for (std::size_t at = 0; at < kCodes.size(); at += 3) {
    if (kCodes.substr(at, 2) == code) return true;
  }
  return false;
}

bool IsAlias(const std::string& alias) {
  static const std::regex kAlias(R"((\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9-]{2,63})");
  return alias.size() <= 253 && std::regex_match(alias, kAlias);
}

bool IsWebAclId(const std::string& id, bool or_classic_id) {
  static const std::regex kClassic(R"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})");
  static const std::regex kArn(R"(arn:aws:wafv2:us-east-1:\d{12}:global/webacl/[A-Za-z0-9_-]{1,128}/[0-9a-f-]{36})");
  return std::regex_match(id, kArn) || (or_classic_id && std::regex_match(id, kClassic));
}

Result<Ok, ApiError> CheckDistributionSettings(const Json& config) {
  for (const auto check : {CheckAliases, CheckViewerCertificate, CheckStaging, CheckDefaultRootObject, CheckOrigins,
                           CheckOriginGroups, CheckBehaviors, CheckCustomErrorResponses, CheckGeoRestriction,
                           CheckWebAcl, CheckLogging, CheckConnectionMode, CheckViewerMtls}) {
    if (auto result = check(config); !result) return result;
  }
  return Ok{};
}

void FillViewerCertificate(Json& config) {
  Json& certificate = config["ViewerCertificate"];
  if (IsTrue(certificate, "CloudFrontDefaultCertificate")) {
    certificate["MinimumProtocolVersion"] = "TLSv1";
    certificate["CertificateSource"] = "cloudfront";
    return;
  }
  certificate["CloudFrontDefaultCertificate"] = false;
  const std::string acm = Text(certificate, "ACMCertificateArn");
  certificate["Certificate"] = acm.empty() ? Text(certificate, "IAMCertificateId") : acm;
  certificate["CertificateSource"] = acm.empty() ? "iam" : "acm";
  if (Text(certificate, "MinimumProtocolVersion").empty()) certificate["MinimumProtocolVersion"] = "TLSv1";
}

}  // namespace cfl::families
