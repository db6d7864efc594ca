// Signed URLs and signed cookies (restricted viewer access). A cache behavior
// whose TrustedKeyGroups (or legacy TrustedSigners) is enabled serves only
// requests that carry a valid CloudFront signature, judged before the cache:
//   - signed URL: Key-Pair-Id, Signature and either Expires (canned policy) or
//     Policy (custom policy) in the query, optionally Hash-Algorithm=SHA256;
//   - signed cookies: CloudFront-Key-Pair-Id, CloudFront-Signature and
//     CloudFront-Expires or CloudFront-Policy (CloudFront-Hash-Algorithm).
// A request with both uses the URL. The signature is RSA (PKCS#1 v1.5) or
// ECDSA (P-256, DER) over the policy's bytes with SHA-1 (or SHA-256), made
// with the private key of a public key the behavior trusts. Values are in
// CloudFront's URL-safe base64 ('-' for '+', '_' for '=', '~' for '/').
//
// Everything here is a pure function of its arguments except
// RefusedSignedRequest, which reads key groups (as deployed) and public keys through the
// store; all of it is safe to call from any number of threads.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "emulator/common/json.h"

#include "emulator/edge/edge_types.h"
#include "store/store.h"

namespace cfl::edge {

// Why a request is refused, as CloudFront words it (403, XML body).
struct SignatureDenial {
  std::string_view code;
  std::string_view message;
  bool operator==(const SignatureDenial&) const = default;
};

inline constexpr SignatureDenial kMissingKey{"MissingKey", "Missing Key-Pair-Id query parameter or cookie value"};
inline constexpr SignatureDenial kUnknownKey{"InvalidKey", "Unknown Key"};
inline constexpr SignatureDenial kMalformedSignature{"MalformedSignature", "Could not unencode Signature"};
inline constexpr SignatureDenial kMalformedPolicy{"MalformedPolicy", "Malformed Policy"};
// An invalid signature, an expired or not yet valid policy, another IP
// address or a resource the policy does not cover.
inline constexpr SignatureDenial kAccessDenied{"AccessDenied", "Access denied"};

// The signing values a viewer brought (still encoded as sent, but
// percent-decoded), from the query when it has Key-Pair-Id, Signature or
// Policy, else from the cookies when they have CloudFront-Key-Pair-Id or
// CloudFront-Signature.
struct SignedParameters {
  std::string key_pair_id;
  std::string signature;
  std::string policy;   // URL-safe base64 of the policy JSON; "" for a canned policy
  std::string expires;  // the canned policy's epoch seconds
  std::string hash_algorithm;
};
SignedParameters SignedParametersOf(std::string_view query, std::string_view cookie_header);

// The query without the signing parameters (Expires, Policy, Signature,
// Key-Pair-Id, Hash-Algorithm), the others as sent and in order: what the
// policy's Resource is matched against, what the cache key and the origin see.
std::string WithoutSigningParameters(std::string_view query);

// CloudFront's URL-safe base64 decoded (standard base64 is taken too);
// nullopt when it is not base64.
std::optional<std::string> DecodeCloudFrontBase64(std::string_view text);

// A policy's one statement.
struct SignedPolicy {
  std::string resource = "*";  // with * and ? wildcards; a policy without one covers every URL
  std::int64_t date_less_than = 0;
  std::optional<std::int64_t> date_greater_than;
  std::string source_ip;  // a CIDR ("" when the policy has none)
};
// nullopt when json is not a policy: no Statement[0], no
// Condition.DateLessThan.AWS:EpochTime, or a member of the wrong type.
std::optional<SignedPolicy> ParseSignedPolicy(std::string_view json);

// The canned policy a URL and its Expires stand for, byte for byte as the
// signers make it.
std::string CannedPolicy(std::string_view url, std::int64_t expires);

// Whether url matches a Resource pattern (* any characters, ? one; case-sensitive).
bool ResourceMatches(std::string_view pattern, std::string_view url);

// Whether an IPv4 or IPv6 address is in a CIDR ("a.b.c.d/n", "x::/n", or one
// address); false when either is malformed. IPv4-mapped IPv6 addresses count
// as IPv4.
bool AddressInCidr(std::string_view address, std::string_view cidr);

// Whether signature is a valid signature of message under a PEM public key
// (RSA PKCS#1 v1.5 or ECDSA), hashed with SHA-1 or SHA-256. False for a key
// that does not parse.
bool SignatureVerifies(std::string_view public_key_pem, std::string_view message, std::string_view signature,
                       bool sha256);

// The public key (PEM) of a key pair id the behavior trusts; nullopt when it
// trusts no such key.
using TrustedKeyLookup = std::function<std::optional<std::string>(const std::string& key_pair_id)>;

// What the judgement needs to know of the request.
struct SignedRequestFacts {
  std::string url;  // scheme://host/path?query, the query WithoutSigningParameters
  std::string viewer_ip;
  // The emulator's clock: a policy's DateLessThan and DateGreaterThan are
  // compared with it in whole seconds, and it decides which key group
  // versions are deployed.
  std::int64_t now_ms = 0;

  std::int64_t NowSeconds() const { return now_ms / 1000; }
};

// nullopt when the request may pass; else why not. Checked in CloudFront's
// order: the key pair id, the key, the signature's encoding, the policy, the
// signature, then the policy's conditions.
std::optional<SignatureDenial> JudgeSignedRequest(const SignedParameters& signed_parameters,
                                                  const SignedRequestFacts& facts, const TrustedKeyLookup& trusted);

// The 403 CloudFront answers (Content-Type text/xml).
ViewerResponse SignatureDenialPage(const SignatureDenial& denial);

// Whether a cache behavior restricts viewer access (TrustedKeyGroups or
// TrustedSigners enabled).
bool RestrictsViewerAccess(const cfl::Json& behavior);

// The keys a behavior of a distribution of `account` trusts: the public keys
// of its trusted key groups (of the same account), and for TrustedSigners
// ("self" or account ids) every public key of those accounts — the emulator's
// stand-in for the legacy CloudFront key pairs, which have no API. Key groups
// are read as deployed at now_ms.
TrustedKeyLookup TrustedKeysOf(store::Store& store, const std::string& account, const cfl::Json& behavior,
                               std::int64_t now_ms);

// For a behavior that restricts viewer access: the 403 a request without a
// valid signature gets, or nullopt to let it through. `url` as in
// SignedRequestFacts.
std::optional<ViewerResponse> RefusedSignedRequest(store::Store& store, const std::string& account,
                                                   const cfl::Json& behavior, const ViewerRequest& request,
                                                   std::string_view query, const SignedRequestFacts& facts);

}  // namespace cfl::edge
