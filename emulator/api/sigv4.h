// AWS Signature Version 4, checked the way a service checks it: the canonical
// request rebuilt from the request exactly as sent, the signing key derived
// from the secret, and the 403 errors AWS answers when something is off.
// No HTTP library here, and no clock: the caller says what time it is.
//
// The canonical request matches botocore's SigV4Auth for services other than
// S3: the raw path has its dot segments and repeated slashes removed and is
// then percent-encoded again (so "%2F" in a label is signed as "%252F").
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "emulator/api/credentials.h"
#include "emulator/common/clock.h"
#include "emulator/common/result.h"
#include "emulator/model/errors.h"

namespace cfl::api::sigv4 {

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kService = "cloudfront";  // the default Request::service
inline constexpr std::string_view kTerminator = "aws4_request";
// How far X-Amz-Date may be from now, either way. CloudFront answers
// "Signature expired: ... (... - 5 min.)" (a captured CloudFront 403).
inline constexpr std::chrono::minutes kMaxSkew{5};

// All values of a header, in the order sent; empty when absent. Names are
// case-insensitive.
using HeaderValues = std::function<std::vector<std::string>(std::string_view name)>;

// The request as it arrived.
struct Request {
  std::string_view method;
  std::string_view raw_target;  // path and query as sent, percent-encoding untouched
  HeaderValues header_values;
  std::string_view body;
  // The credential scope's service the request must be signed for: the
  // signing name of the routed operation's service.
  std::string_view service = kService;
};

// What an Authorization header says. Absent parameters are nullopt.
struct Authorization {
  std::string algorithm;  // the first word: "AWS4-HMAC-SHA256" for SigV4
  std::optional<std::string> credential;      // KEY/DATE/REGION/SERVICE/aws4_request
  std::optional<std::string> signed_headers;  // "host;x-amz-date"
  std::optional<std::string> signature;       // hex
};

// Parses "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...".
// A parameter without "=" is IncompleteSignature, worded as AWS words it.
Result<Authorization, ApiError> ParseAuthorization(std::string_view header);

// Primitives (OpenSSL's libcrypto). Hmac returns raw bytes.
std::string Sha256Hex(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);
std::string Hex(std::string_view bytes);

// RFC 3986 "remove dot segments", plus collapsing repeated slashes; "" is "/".
std::string NormalizePath(std::string_view path);
// Percent-encodes every byte but A-Z a-z 0-9 - _ . ~ (and "/" when keep_slash).
std::string UriEncode(std::string_view text, bool keep_slash);
// raw_path as sent → the CanonicalURI line.
std::string CanonicalUri(std::string_view raw_path);
// raw_query as sent (no "?") → the CanonicalQueryString line: each name and
// value decoded and encoded again, sorted by name then value.
std::string CanonicalQueryString(std::string_view raw_query);
// "name:value" lines for signed_header_names, in that order: values trimmed,
// inner runs of blanks collapsed, repeated headers joined with ",".
std::string CanonicalHeaders(const std::vector<std::string>& signed_header_names, const HeaderValues& header_values);

std::string CanonicalRequest(const Request& request, std::string_view signed_headers, std::string_view payload_hash);
std::string StringToSign(std::string_view timestamp, std::string_view scope, std::string_view canonical_request);
std::string SigningKey(std::string_view secret, std::string_view date, std::string_view region,
                       std::string_view service);
// Hex HMAC of string_to_sign under signing_key.
std::string Signature(std::string_view signing_key, std::string_view string_to_sign);

// "20150830T123600Z" ↔ time; nullopt when text is not ISO 8601 basic format.
std::optional<TimePoint> ParseAmzDate(std::string_view text);
std::string FormatAmzDate(TimePoint time);
// An HTTP date ("Mon, 09 Sep 2011 23:36:00 GMT"), for requests dated with
// Date instead of X-Amz-Date.
std::optional<TimePoint> ParseHttpDate(std::string_view text);

// A request to sign as an AWS client signs it (header signing), e.g. the
// edge's request to an S3 origin with origin access control.
struct SigningRequest {
  std::string_view method;
  std::string_view raw_target;  // path and query exactly as they will be sent
  std::string_view host;        // the Host header as it will be sent
  std::string_view payload;
  std::string_view region;
  std::string_view service;
};

// The headers a signed request carries: X-Amz-Date, X-Amz-Content-SHA256 and
// Authorization (signing host;x-amz-content-sha256;x-amz-date). The path is
// signed as S3 signs it: decoded once and encoded once, never normalized
// (services other than S3 normalize it: CanonicalUri).
struct SignedHeaders {
  std::string amz_date;
  std::string content_sha256;
  std::string authorization;
};
SignedHeaders SignRequest(const SigningRequest& request, std::string_view access_key, std::string_view secret,
                          TimePoint now);

// Checks requests against a fixed set of credentials, signed with SigV4 or
// SigV4A (sigv4a.h; its key pairs are derived at construction). Immutable
// after construction, so Verify may be called from any number of threads.
class SignatureVerifier {
 public:
  explicit SignatureVerifier(const std::vector<Credential>& credentials);

  // The account of the request's access key when its signature holds at now;
  // otherwise the 403 AWS answers: MissingAuthenticationToken (no
  // Authorization header), IncompleteSignature (a malformed one),
  // InvalidClientTokenId (an unknown access key), SignatureDoesNotMatch (a
  // wrong signature, scope, or a date more than kMaxSkew from now).
  Result<std::string, ApiError> Verify(const Request& request, TimePoint now) const;

 private:
  std::unordered_map<std::string, Credential> by_access_key_;
  std::unordered_map<std::string, std::string> v4a_public_keys_;  // SigV4A's key pair, derived once per key
};

}  // namespace cfl::api::sigv4
