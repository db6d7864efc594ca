#include "emulator/api/sigv4a.h"

#include <doctest/doctest.h>

#include <cctype>

#include "emulator/api/sigv4.h"

namespace cfl::api::sigv4 {
namespace {

std::string Hexed(std::string_view bytes) { return Hex(bytes); }

// A request signed by botocore 1.29's CrtSigV4AsymAuth (awscrt 0.16) for the
// KeyValueStore data plane, with AWS's example credentials.
constexpr std::string_view kKey = "AKIDEXAMPLE";
constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr std::string_view kTarget =
    "/key-value-stores/arn%3Aaws%3Acloudfront%3A%3A123456789012%3Akey-value-store%2Fabc/keys?MaxResults=10";
constexpr std::string_view kBody = R"({"Puts":[]})";
constexpr std::string_view kAuthorization =
    "AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/20261201/cloudfront-keyvaluestore/aws4_request, "
    "SignedHeaders=host;if-match;x-amz-date;x-amz-region-set, "
    "Signature=3046022100bdffde039fbe3eefd4fe572e5e5e39ae3d9840eae3c21cba46ffe2f161e970d8022100e074ac42092af867bec8"
    "b33fc5fd770637f3e465fb88c6b38f990e692c172321";

struct Signed {
  std::string method = "POST";
  std::string target{kTarget};
  std::string body{kBody};
  std::vector<std::pair<std::string, std::string>> headers = {
      {"If-Match", "E1"}, {"host", "123456789012.localhost:4750"}, {"X-Amz-Date", "20261201T011215Z"},
      {"X-Amz-Region-Set", "*"}, {"Authorization", std::string(kAuthorization)}};

  Request View(std::string_view service = "cloudfront-keyvaluestore") const {
    return {method, target,
            [this](std::string_view name) {
              std::vector<std::string> values;
              for (const auto& [key, value] : headers) {
                if (key.size() == name.size() &&
                    std::equal(key.begin(), key.end(), name.begin(),
                               [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
                  values.push_back(value);
                }
              }
              return values;
            },
            body, service};
  }
};

const TimePoint kSignedAt = *ParseAmzDate("20261201T011215Z");

TEST_CASE("SigV4A key derivation gives the key pair awscrt signs with") {
  const auto key = DeriveV4aPublicKey(kKey, kSecret);
  REQUIRE(key.has_value());
  // The public key of the private key aws-c-auth's KDF derives (computed with Python's cryptography).
  CHECK(Hexed(*key) ==
        "04b6618f6a65740a99e650b33b6b4b5bd0d43b176d721a3edfea7e7d2d56d936b1865ed22a7eadc9c5cb9d2cbaca1b3699139fedc504"
        "3dc6661864218330c8e518");
  CHECK(DeriveV4aPublicKey(kKey, "another secret") != key);
}

TEST_CASE("Verify accepts botocore's SigV4A signature and refuses it tampered or for another service") {
  const SignatureVerifier verifier({{std::string(kKey), std::string(kSecret), "111122223333"}});
  Signed request;
  auto verified = verifier.Verify(request.View(), kSignedAt);
  REQUIRE_MESSAGE(verified.ok(), (verified.ok() ? "" : verified.error().message));
  CHECK(verified.value() == "111122223333");

  SUBCASE("the body") { request.body = R"({"Puts":[1]})"; }
  SUBCASE("a signed header") { request.headers[0].second = "E2"; }
  SUBCASE("the query") { request.target += "&x=1"; }
  SUBCASE("the signature") { request.headers.back().second.back() = '0'; }
  SUBCASE("the service") {
    auto refused = verifier.Verify(request.View("cloudfront"), kSignedAt);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().message == "Credential should be scoped to correct service: 'cloudfront'. ");
    return;
  }
  SUBCASE("a scope with a region") {
    request.headers.back().second = "AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/20261201/us-east-1/"
                                    "cloudfront-keyvaluestore/aws4_request, SignedHeaders=host, Signature=00";
    auto refused = verifier.Verify(request.View(), kSignedAt);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == "IncompleteSignature");
    return;
  }
  auto refused = verifier.Verify(request.View(), kSignedAt);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == "SignatureDoesNotMatch");
  CHECK(refused.error().message.find("AWS4-ECDSA-P256-SHA256\n20261201T011215Z\n"
                                     "20261201/cloudfront-keyvaluestore/aws4_request\n") != std::string::npos);
}

}  // namespace
}  // namespace cfl::api::sigv4
