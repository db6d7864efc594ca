// S3 origins at the edge: CloudFront fetches them from S3; cloudfront-local
// fetches them path-style from an S3-compatible server (--s3-endpoint), and
// signs with SigV4 when the origin's origin access control says so
// (--s3-credentials). Pure functions, no I/O: safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "emulator/common/result.h"

namespace cfl::edge {

// Where S3 origins are fetched from (--s3-endpoint) and with which keys.
struct S3Endpoint {
  std::string host;  // "" when no endpoint was given: S3 origins answer 502
  int port = 80;
  std::string access_key = "S3RVER";  // s3rver's default key pair
  std::string secret = "S3RVER";
  // The Host header the endpoint gets: "host:port" (port omitted when 80).
  std::string HostHeader() const;
};

// "http://HOST[:PORT]" (a trailing "/" allowed) → host and port; else why not.
Result<S3Endpoint, std::string> ParseS3Endpoint(std::string_view url);
// "KEY:SECRET" (--s3-credentials, split at the first colon) into endpoint; "" on success, else why not.
std::string SetS3Credentials(S3Endpoint& endpoint, std::string_view spec);

// What an S3 origin's domain names: BUCKET.s3.amazonaws.com (us-east-1),
// BUCKET.s3.REGION.amazonaws.com, BUCKET.s3-REGION.amazonaws.com,
// BUCKET.s3.dualstack.REGION.amazonaws.com. Bucket names may hold dots.
struct S3Bucket {
  std::string name;
  std::string region;
};
std::optional<S3Bucket> ParseS3OriginDomain(std::string_view domain);

// Whether the edge signs a request to an S3 origin, from its origin access
// control's SigningBehavior and OriginAccessControlOriginType (as CloudFront
// does): "always" signs (replacing a viewer's Authorization), "no-override"
// signs only when the viewer sent no Authorization, "never" does not; an OAC
// for another origin type (mediastore, lambda, mediapackagev2) does not sign S3.
// The id in a legacy S3OriginConfig.OriginAccessIdentity
// ("origin-access-identity/cloudfront/E2QWRUHAPOMQZL"), "" when it names none.
std::string OriginAccessIdentityId(std::string_view origin_access_identity);

bool SignsS3Request(std::string_view signing_behavior, std::string_view origin_type, bool viewer_authorization);

}  // namespace cfl::edge
