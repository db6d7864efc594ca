#include "emulator/edge/s3_origin.h"

#include <doctest/doctest.h>

namespace cfl::edge {
namespace {

TEST_CASE("ParseS3Endpoint takes http://HOST[:PORT] and nothing else") {
  const auto endpoint = ParseS3Endpoint("http://127.0.0.1:4569/");
  REQUIRE(endpoint.ok());
  CHECK(endpoint.value().host == "127.0.0.1");
  CHECK(endpoint.value().port == 4569);
  CHECK(endpoint.value().HostHeader() == "127.0.0.1:4569");
  const auto plain = ParseS3Endpoint("http://minio.local");
  REQUIRE(plain.ok());
  CHECK(plain.value().port == 80);
  CHECK(plain.value().HostHeader() == "minio.local");
  const auto v6 = ParseS3Endpoint("http://[::1]:9000");
  REQUIRE(v6.ok());
  CHECK(v6.value().host == "::1");
  CHECK(v6.value().HostHeader() == "[::1]:9000");
  for (const char* bad : {"", "127.0.0.1:4569", "https://s3.local", "http://", "http://h:0", "http://h:70000",
                          "http://h:12x", "http://h/path", "http://user@h"}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseS3Endpoint(bad).ok());
  }
}

TEST_CASE("SetS3Credentials splits KEY:SECRET at the first colon") {
  S3Endpoint endpoint;
  CHECK(endpoint.access_key == "S3RVER");
  CHECK(SetS3Credentials(endpoint, "AKID:se:cret") == "");
  CHECK(endpoint.access_key == "AKID");
  CHECK(endpoint.secret == "se:cret");
  CHECK_FALSE(SetS3Credentials(endpoint, "nocolon").empty());
  CHECK_FALSE(SetS3Credentials(endpoint, ":secret").empty());
  CHECK_FALSE(SetS3Credentials(endpoint, "key:").empty());
}

TEST_CASE("ParseS3OriginDomain finds the bucket and its region") {
  const auto check = [](std::string_view domain, std::string_view bucket, std::string_view region) {
    CAPTURE(domain);
    const auto parsed = ParseS3OriginDomain(domain);
    REQUIRE(parsed);
    CHECK(parsed->name == bucket);
    CHECK(parsed->region == region);
  };
  check("site.s3.amazonaws.com", "site", "us-east-1");
  check("Site.S3.eu-west-3.amazonaws.com", "site", "eu-west-3");
  check("my.dotted.bucket.s3.us-west-2.amazonaws.com", "my.dotted.bucket", "us-west-2");
  check("site.s3-ap-southeast-1.amazonaws.com", "site", "ap-southeast-1");
  check("site.s3.dualstack.eu-central-1.amazonaws.com", "site", "eu-central-1");
  for (const char* other : {"example.com", "s3.amazonaws.com", ".s3.amazonaws.com",
                            "site.s3-website-us-east-1.amazonaws.com", "site.s3.a/b.amazonaws.com"}) {
    CAPTURE(other);
    CHECK_FALSE(ParseS3OriginDomain(other));
  }
}

TEST_CASE("SignsS3Request follows the OAC's signing behavior") {
  CHECK(SignsS3Request("always", "s3", false));
  CHECK(SignsS3Request("always", "s3", true));
  CHECK(SignsS3Request("no-override", "s3", false));
  CHECK_FALSE(SignsS3Request("no-override", "s3", true));
  CHECK_FALSE(SignsS3Request("never", "s3", false));
  CHECK_FALSE(SignsS3Request("always", "mediastore", false));
}

}  // namespace
}  // namespace cfl::edge

namespace cfl::edge {

TEST_CASE("OriginAccessIdentityId takes the id of origin-access-identity/cloudfront/ID") {
  CHECK(OriginAccessIdentityId("origin-access-identity/cloudfront/E2QWRUHAPOMQZL") == "E2QWRUHAPOMQZL");
  CHECK(OriginAccessIdentityId("") == "");
  CHECK(OriginAccessIdentityId("origin-access-identity/cloudfront/") == "");
  CHECK(OriginAccessIdentityId("E2QWRUHAPOMQZL") == "");
  CHECK(OriginAccessIdentityId("origin-access-identity/cloudfront/A/B") == "");
}

}  // namespace cfl::edge
