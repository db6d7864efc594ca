#include "emulator/edge/signed_requests.h"

#include <doctest/doctest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <map>
#include <memory>

#include "emulator/codec/wire_text.h"
#include "emulator/common/openssl_handles.h"

namespace cfl::edge {
namespace {

// A key pair made for the test: its public key as PEM and a signer that
// makes CloudFront's URL-safe base64 signature of a text.
class TestKey {
 public:
  explicit TestKey(bool ecdsa)
      : key_(ecdsa ? EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")
                   : EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048)),
             EVP_PKEY_free) {
    REQUIRE(key_);
  }

  std::string PublicPem() const { return openssl::PublicKeyPem(key_.get()); }

  std::string Sign(std::string_view text, bool sha256 = false) const {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    REQUIRE(EVP_DigestSignInit(context.get(), nullptr, sha256 ? EVP_sha256() : EVP_sha1(), nullptr, key_.get()) == 1);
    std::size_t size = 0;
    const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
    REQUIRE(EVP_DigestSign(context.get(), nullptr, &size, bytes, text.size()) == 1);
    std::string signature(size, '\0');
    REQUIRE(EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &size, bytes,
                           text.size()) == 1);
    signature.resize(size);
    return UrlSafe(model::Base64Encode(signature));
  }

  static std::string UrlSafe(std::string base64) {
    for (char& c : base64) {
      if (c == '+') c = '-';
      else if (c == '=') c = '_';
      else if (c == '/') c = '~';
    }
    return base64;
  }

 private:
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key_;
};

const TestKey& RsaKey() {
  static const TestKey key(false);
  return key;
}

const TestKey& EcKey() {
  static const TestKey key(true);
  return key;
}

TrustedKeyLookup Trusting(std::map<std::string, std::string> keys) {
  return [keys = std::move(keys)](const std::string& id) -> std::optional<std::string> {
    const auto found = keys.find(id);
    if (found == keys.end()) return std::nullopt;
    return found->second;
  };
}

constexpr std::string_view kUrl = "http://d111111abcdef8.cloudfront.net/videos/a.mp4?size=large";
constexpr std::int64_t kNow = 1'700'000'000;

SignedRequestFacts Facts(std::string_view url = kUrl, std::string ip = "127.0.0.1", std::int64_t now = kNow) {
  return {std::string(url), std::move(ip), now * 1000};
}

SignedParameters Canned(const TestKey& key, std::int64_t expires, std::string_view url = kUrl) {
  return {"K1", key.Sign(CannedPolicy(url, expires)), "", std::to_string(expires), ""};
}

SignedParameters Custom(const TestKey& key, const std::string& policy, bool sha256 = false) {
  return {"K1", key.Sign(policy, sha256), TestKey::UrlSafe(model::Base64Encode(policy)), "", sha256 ? "SHA256" : ""};
}

}  // namespace

TEST_CASE("signed requests: CloudFront's URL-safe base64") {
  CHECK(DecodeCloudFrontBase64("aGk_") == "hi");
  CHECK(DecodeCloudFrontBase64("-~8_") == std::string("\xfb\xff", 2));
  CHECK(DecodeCloudFrontBase64("+/8=") == std::string("\xfb\xff", 2));  // standard base64 too
  CHECK_FALSE(DecodeCloudFrontBase64("aGk"));
  CHECK_FALSE(DecodeCloudFrontBase64("a@k_"));
  CHECK_FALSE(DecodeCloudFrontBase64(""));
}

TEST_CASE("signed requests: the canned policy is the signers' JSON, byte for byte") {
  CHECK(CannedPolicy("http://d1.cloudfront.net/a.txt", 1767290400) ==
        R"({"Statement":[{"Resource":"http://d1.cloudfront.net/a.txt","Condition":{"DateLessThan":{"AWS:EpochTime":1767290400}}}]})");
}

TEST_CASE("signed requests: a custom policy's statement and conditions") {
  const auto policy = ParseSignedPolicy(
      R"({"Statement":[{"Resource":"http://d1.cloudfront.net/*","Condition":{"DateLessThan":{"AWS:EpochTime":20},)"
      R"("DateGreaterThan":{"AWS:EpochTime":10},"IpAddress":{"AWS:SourceIp":"10.0.0.0/8"}}}]})");
  REQUIRE(policy);
  CHECK(policy->resource == "http://d1.cloudfront.net/*");
  CHECK(policy->date_less_than == 20);
  CHECK(policy->date_greater_than == 10);
  CHECK(policy->source_ip == "10.0.0.0/8");

  const auto no_resource = ParseSignedPolicy(R"({"Statement":[{"Condition":{"DateLessThan":{"AWS:EpochTime":5}}}]})");
  REQUIRE(no_resource);
  CHECK(no_resource->resource == "*");
  CHECK_FALSE(no_resource->date_greater_than);
  CHECK(no_resource->source_ip.empty());

  CHECK_FALSE(ParseSignedPolicy("not json"));
  CHECK_FALSE(ParseSignedPolicy(R"({"Statement":[]})"));
  CHECK_FALSE(ParseSignedPolicy(R"({"Statement":[{"Resource":"x"}]})"));  // DateLessThan is required
  CHECK_FALSE(ParseSignedPolicy(R"({"Statement":[{"Condition":{"DateLessThan":{"AWS:EpochTime":"5"}}}]})"));
  CHECK_FALSE(ParseSignedPolicy(R"({"Statement":[{"Resource":7,"Condition":{"DateLessThan":{"AWS:EpochTime":5}}}]})"));
  CHECK_FALSE(ParseSignedPolicy(
      R"({"Statement":[{"Condition":{"DateLessThan":{"AWS:EpochTime":5},"IpAddress":{"AWS:SourceIp":4}}}]})"));
}

TEST_CASE("signed requests: Resource wildcards") {
  CHECK(ResourceMatches("*", "http://d1.cloudfront.net/a"));
  CHECK(ResourceMatches("http://d1.cloudfront.net/videos/*", "http://d1.cloudfront.net/videos/a/b.mp4?x=1"));
  CHECK(ResourceMatches("http*://d1.cloudfront.net/a.???", "https://d1.cloudfront.net/a.mp4"));
  CHECK(ResourceMatches("http://d1.cloudfront.net/*/b*", "http://d1.cloudfront.net/x/y/bz"));
  CHECK_FALSE(ResourceMatches("http://d1.cloudfront.net/videos/*", "http://d1.cloudfront.net/images/a.jpg"));
  CHECK_FALSE(ResourceMatches("http://d1.cloudfront.net/a.???", "http://d1.cloudfront.net/a.mpeg"));
  CHECK_FALSE(ResourceMatches("http://d1.cloudfront.net/A", "http://d1.cloudfront.net/a"));  // case-sensitive
  CHECK_FALSE(ResourceMatches("http://d1.cloudfront.net/a", "http://d1.cloudfront.net/a?x=1"));
  // Many stars against a long non-match stays quick (no exponential backtracking).
  CHECK_FALSE(ResourceMatches(std::string(50, '*') + "b", std::string(5000, 'a')));
}

TEST_CASE("signed requests: IpAddress CIDRs") {
  CHECK(AddressInCidr("192.0.2.7", "192.0.2.0/24"));
  CHECK(AddressInCidr("192.0.2.7", "192.0.2.7"));
  CHECK(AddressInCidr("192.0.2.7", "0.0.0.0/0"));
  CHECK(AddressInCidr("::ffff:127.0.0.1", "127.0.0.0/8"));
  CHECK(AddressInCidr("2001:db8::1", "2001:db8::/32"));
  CHECK_FALSE(AddressInCidr("192.0.3.7", "192.0.2.0/24"));
  CHECK_FALSE(AddressInCidr("127.0.0.1", "10.0.0.0/8"));
  CHECK_FALSE(AddressInCidr("2001:db9::1", "2001:db8::/32"));
  CHECK_FALSE(AddressInCidr("192.0.2.7", "192.0.2.0/33"));
  CHECK_FALSE(AddressInCidr("192.0.2.7", "192.0.2.0/"));
  CHECK_FALSE(AddressInCidr("192.0.2.7", "not-an-ip/8"));
  CHECK_FALSE(AddressInCidr("2001:db8::1", "0.0.0.0/0"));  // another family
}

TEST_CASE("signed requests: the signing parameters leave the query, the URL's first") {
  CHECK(WithoutSigningParameters("size=large&Expires=5&Signature=abc&Key-Pair-Id=K1") == "size=large");
  CHECK(WithoutSigningParameters("Policy=p&a=1&Hash-Algorithm=SHA256&b&c=") == "a=1&b&c=");
  CHECK(WithoutSigningParameters("Expires=1") == "");
  CHECK(WithoutSigningParameters("Expiresx=1") == "Expiresx=1");

  const auto from_url = SignedParametersOf("a=1&Expires=9&Signature=s%7E_&Key-Pair-Id=K1",
                                           "CloudFront-Key-Pair-Id=K2; CloudFront-Signature=c");
  CHECK(from_url.key_pair_id == "K1");
  CHECK(from_url.signature == "s~_");
  CHECK(from_url.expires == "9");
  const auto from_cookies = SignedParametersOf(
      "a=1", "theme=dark; CloudFront-Policy=p; CloudFront-Signature=c; CloudFront-Key-Pair-Id=K2; "
             "CloudFront-Hash-Algorithm=SHA256");
  CHECK(from_cookies.key_pair_id == "K2");
  CHECK(from_cookies.signature == "c");
  CHECK(from_cookies.policy == "p");
  CHECK(from_cookies.hash_algorithm == "SHA256");
  CHECK(SignedParametersOf("a=1", "theme=dark").key_pair_id.empty());
}

TEST_CASE("signed requests: a canned policy signed with the trusted RSA key passes until it expires") {
  const auto trusted = Trusting({{"K1", RsaKey().PublicPem()}});
  CHECK_FALSE(JudgeSignedRequest(Canned(RsaKey(), kNow + 60), Facts(), trusted));
  CHECK(JudgeSignedRequest(Canned(RsaKey(), kNow + 60), Facts(kUrl, "127.0.0.1", kNow + 60), trusted) ==
        kAccessDenied);
  // Signed for another URL (here: another query), the canned policy's signature does not verify.
  CHECK(JudgeSignedRequest(Canned(RsaKey(), kNow + 60), Facts("http://d111111abcdef8.cloudfront.net/videos/a.mp4"),
                           trusted) == kAccessDenied);
}

TEST_CASE("signed requests: custom policies, SHA-256 and ECDSA") {
  const std::string policy =
      R"({"Statement":[{"Resource":"http://d111111abcdef8.cloudfront.net/videos/*","Condition":{)"
      R"("DateLessThan":{"AWS:EpochTime":1700000100},"DateGreaterThan":{"AWS:EpochTime":1699999990},)"
      R"("IpAddress":{"AWS:SourceIp":"127.0.0.0/8"}}}]})";
  for (const TestKey* key : {&RsaKey(), &EcKey()}) {
    CAPTURE(key == &EcKey());
    const auto trusted = Trusting({{"K1", key->PublicPem()}});
    CHECK_FALSE(JudgeSignedRequest(Custom(*key, policy), Facts(), trusted));
    CHECK_FALSE(JudgeSignedRequest(Custom(*key, policy, true), Facts(), trusted));
    CHECK(JudgeSignedRequest(Custom(*key, policy), Facts(kUrl, "10.1.2.3"), trusted) == kAccessDenied);
    CHECK(JudgeSignedRequest(Custom(*key, policy), Facts(kUrl, "127.0.0.1", 1699999980), trusted) == kAccessDenied);
    CHECK(JudgeSignedRequest(Custom(*key, policy), Facts(kUrl, "127.0.0.1", 1700000100), trusted) == kAccessDenied);
    CHECK(JudgeSignedRequest(Custom(*key, policy), Facts("http://d111111abcdef8.cloudfront.net/images/b.jpg"),
                             trusted) == kAccessDenied);
    // Signed with SHA-256 but not saying so (or the other way round): no match.
    auto unsaid = Custom(*key, policy, true);
    unsaid.hash_algorithm.clear();
    CHECK(JudgeSignedRequest(unsaid, Facts(), trusted) == kAccessDenied);
    auto unknown = Custom(*key, policy);
    unknown.hash_algorithm = "MD5";
    CHECK(JudgeSignedRequest(unknown, Facts(), trusted) == kAccessDenied);
  }
}

TEST_CASE("signed requests: each refusal, in CloudFront's words") {
  const auto trusted = Trusting({{"K1", RsaKey().PublicPem()}});
  auto missing = Canned(RsaKey(), kNow + 60);
  missing.key_pair_id.clear();
  CHECK(JudgeSignedRequest(missing, Facts(), trusted) == kMissingKey);
  CHECK(JudgeSignedRequest(SignedParameters{}, Facts(), trusted) == kMissingKey);

  auto unknown = Canned(RsaKey(), kNow + 60);
  unknown.key_pair_id = "K2";
  CHECK(JudgeSignedRequest(unknown, Facts(), trusted) == kUnknownKey);
  // Signed by a key the behavior does not trust, under a trusted id.
  CHECK(JudgeSignedRequest(Canned(EcKey(), kNow + 60), Facts(), trusted) == kAccessDenied);

  auto unencoded = Canned(RsaKey(), kNow + 60);
  unencoded.signature = "not base64!";
  CHECK(JudgeSignedRequest(unencoded, Facts(), trusted) == kMalformedSignature);
  unencoded.signature.clear();
  CHECK(JudgeSignedRequest(unencoded, Facts(), trusted) == kMalformedSignature);

  auto tampered = Canned(RsaKey(), kNow + 60);
  tampered.signature[10] = tampered.signature[10] == 'A' ? 'B' : 'A';
  CHECK(JudgeSignedRequest(tampered, Facts(), trusted) == kAccessDenied);

  auto no_policy = Canned(RsaKey(), kNow + 60);
  no_policy.expires.clear();
  CHECK(JudgeSignedRequest(no_policy, Facts(), trusted) == kMalformedPolicy);
  no_policy.expires = "soon";
  CHECK(JudgeSignedRequest(no_policy, Facts(), trusted) == kMalformedPolicy);
  CHECK(JudgeSignedRequest(Custom(RsaKey(), R"({"Statement":[{"Resource":"*"}]})"), Facts(), trusted) ==
        kMalformedPolicy);
  auto unencoded_policy = Custom(RsaKey(), "{}");
  unencoded_policy.policy = "%%%";
  CHECK(JudgeSignedRequest(unencoded_policy, Facts(), trusted) == kMalformedPolicy);

  CHECK(JudgeSignedRequest(Canned(RsaKey(), kNow + 60), Facts(), Trusting({{"K1", "not a key"}})) == kAccessDenied);

  const auto page = SignatureDenialPage(kMissingKey);
  CHECK(page.status == 403);
  CHECK(page.body ==
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>MissingKey</Code><Message>Missing Key-Pair-Id "
        "query parameter or cookie value</Message></Error>");
  CHECK(HeaderValue(page.headers, "Content-Type") == "text/xml");
  CHECK(HeaderValue(page.headers, "X-Cache") == "Error from cloudfront");
}

TEST_CASE("signed requests: which behaviors restrict viewer access") {
  using Json = cfl::Json;
  CHECK(RestrictsViewerAccess(Json::parse(R"({"TrustedKeyGroups":{"Enabled":true,"Quantity":1,"Items":["g"]}})")));
  CHECK(RestrictsViewerAccess(Json::parse(R"({"TrustedSigners":{"Enabled":true,"Quantity":1,"Items":["self"]}})")));
  CHECK_FALSE(RestrictsViewerAccess(Json::parse(R"({"TrustedKeyGroups":{"Enabled":false,"Quantity":0}})")));
  CHECK_FALSE(RestrictsViewerAccess(Json::object()));
}

}  // namespace cfl::edge
