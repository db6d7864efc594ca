#include "emulator/api/sigv4.h"

#include <doctest/doctest.h>

#include <cctype>
#include <map>

namespace cfl::api::sigv4 {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

std::string LowerCase(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

HeaderValues ValuesOf(const Headers& headers) {
  return [headers](std::string_view name) {
    std::vector<std::string> values;
    for (const auto& [key, value] : headers) {
      if (LowerCase(key) == LowerCase(name)) values.push_back(value);
    }
    return values;
  };
}

// AWS's SigV4 test suite (aws-c-auth tests/aws-signing-test-suite/v4, the
// header-signed-request.txt files): credentials, date and scope they share.
constexpr std::string_view kSuiteKey = "AKIDEXAMPLE";
constexpr std::string_view kSuiteSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr std::string_view kSuiteDate = "20150830T123600Z";

std::string SuiteSignature(std::string_view method, std::string_view target, Headers headers,
                           std::string_view signed_headers, std::string_view body = "") {
  headers.emplace_back("Host", "example.amazonaws.com");
  headers.emplace_back("X-Amz-Date", std::string(kSuiteDate));
  const Request request{method, target, ValuesOf(headers), body};
  const auto canonical = CanonicalRequest(request, signed_headers, Sha256Hex(body));
  const auto to_sign = StringToSign(kSuiteDate, "20150830/us-east-1/service/aws4_request", canonical);
  return Signature(SigningKey(kSuiteSecret, "20150830", "us-east-1", "service"), to_sign);
}

TEST_CASE("AWS SigV4 test suite: header-signed requests") {
  const std::string vanilla = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
  CHECK(SuiteSignature("GET", "/", {}, "host;x-amz-date") == vanilla);  // get-vanilla
  CHECK(SuiteSignature("GET", "/?Param2=value2&Param1=value1", {}, "host;x-amz-date") ==
        "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");  // get-vanilla-query-order-key-case
  CHECK(SuiteSignature("GET", "/?Param1=value1", {}, "host;x-amz-date") ==
        "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb");  // get-vanilla-empty-query-key
  CHECK(SuiteSignature("POST", "/", {}, "host;x-amz-date") ==
        "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");  // post-vanilla
  CHECK(SuiteSignature("POST", "/?Param1=value1", {}, "host;x-amz-date") ==
        "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11");  // post-vanilla-query
  CHECK(SuiteSignature("GET", "/\xE1\x88\xB4", {}, "host;x-amz-date") ==
        "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85");  // get-utf8
  CHECK(SuiteSignature("GET", "/?\xE1\x88\xB4=bar", {}, "host;x-amz-date") ==
        "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04");  // get-vanilla-utf8-query
  CHECK(SuiteSignature("GET", "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", {},
                       "host;x-amz-date") ==
        "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f");  // get-unreserved
  CHECK(SuiteSignature("GET",
                       "/?-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz="
                       "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
                       {}, "host;x-amz-date") ==
        "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197");  // get-vanilla-query-unreserved
  CHECK(SuiteSignature("GET", "/", {{"My-Header1", " value1"}, {"My-Header2", " \"a   b   c\""}},
                       "host;my-header1;my-header2;x-amz-date") ==
        "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736");  // get-header-value-trim
  CHECK(SuiteSignature("GET", "/", {{"My-Header1", "value2"}, {"My-Header1", "value2"}, {"My-Header1", "value1"}},
                       "host;my-header1;x-amz-date") ==
        "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea");  // get-header-key-duplicate
  // The *-normalized cases: what botocore does for every service but S3.
  CHECK(SuiteSignature("GET", "//example//", {}, "host;x-amz-date") ==
        "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84");  // get-slashes-normalized
  CHECK(SuiteSignature("GET", "/example1/example2/../..", {}, "host;x-amz-date") == vanilla);
  CHECK(SuiteSignature("GET", "/example space/", {}, "host;x-amz-date") ==
        "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741");  // get-space-normalized
  // post-x-www-form-urlencoded: a body, its hash sent and signed.
  const std::string form = "Param1=value1";
  CHECK(Sha256Hex(form) == "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e");
  CHECK(SuiteSignature("POST", "/",
                       {{"Content-Type", "application/x-www-form-urlencoded"},
                        {"Content-Length", "13"},
                        {"x-amz-content-sha256", Sha256Hex(form)}},
                       "content-length;content-type;host;x-amz-content-sha256;x-amz-date", form) ==
        "d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b");
}

TEST_CASE("botocore's get-space vector: a percent-encoded path is encoded again, Date dates it") {
  // botocore tests/unit/auth/aws4_testsuite/get-space.{creq,sts,authz}: "GET /%20/foo".
  const Headers headers = {{"Date", "Mon, 09 Sep 2011 23:36:00 GMT"}, {"Host", "host.foo.com"}};
  const Request request{"GET", "/%20/foo", ValuesOf(headers), ""};
  const auto canonical = CanonicalRequest(request, "date;host", Sha256Hex(""));
  CHECK(canonical ==
        "GET\n/%2520/foo\n\ndate:Mon, 09 Sep 2011 23:36:00 GMT\nhost:host.foo.com\n\ndate;host\n"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const auto date = ParseHttpDate("Mon, 09 Sep 2011 23:36:00 GMT");
  REQUIRE(date);
  CHECK(FormatAmzDate(*date) == "20110909T233600Z");
  const auto to_sign = StringToSign(FormatAmzDate(*date), "20110909/us-east-1/host/aws4_request", canonical);
  CHECK(to_sign ==
        "AWS4-HMAC-SHA256\n20110909T233600Z\n20110909/us-east-1/host/aws4_request\n"
        "35975885599128f8963ce9be7219598b2b5a344321bae304529556c891e9e6ba");
  CHECK(Signature(SigningKey(kSuiteSecret, "20110909", "us-east-1", "host"), to_sign) ==
        "2be9e587d1ee1f0fd02128724b86b4358ba3630d39f493b6e06610a19a50779e");
}

TEST_CASE("canonical pieces") {
  CHECK(NormalizePath("") == "/");
  CHECK(NormalizePath("/") == "/");
  CHECK(NormalizePath("/a/./b/../c/") == "/a/c/");
  CHECK(NormalizePath("/../..") == "/");
  CHECK(CanonicalUri("/2020-05-31/distribution/E1/config") == "/2020-05-31/distribution/E1/config");
  CHECK(CanonicalUri("/a%2Fb:c") == "/a%252Fb%3Ac");
  // Names and values are decoded and encoded again; a bare name has "=".
  CHECK(CanonicalQueryString("WithTags") == "WithTags=");
  CHECK(CanonicalQueryString("Resource=arn%3Aaws%3Acloudfront%3A%3A1%3Adistribution%2FE1&Operation=Tag") ==
        "Operation=Tag&Resource=arn%3Aaws%3Acloudfront%3A%3A1%3Adistribution%2FE1");
  CHECK(CanonicalQueryString("Resource=arn:aws:x/y&a=1&&b") == "Resource=arn%3Aaws%3Ax%2Fy&a=1&b=");
  CHECK(CanonicalQueryString("a=2&a=1&A=3") == "A=3&a=1&a=2");
  CHECK(CanonicalQueryString("k=a+b%20c%zz") == "k=a%2Bb%20c%25zz");
  CHECK(ParseAmzDate("20150830T123600Z"));
  CHECK_FALSE(ParseAmzDate("2015-08-30T12:36:00Z"));
  CHECK_FALSE(ParseAmzDate("20150230T123600Z"));
  CHECK_FALSE(ParseAmzDate("20150830T123600"));
  CHECK(FormatAmzDate(*ParseAmzDate("20240229T235959Z")) == "20240229T235959Z");
}

TEST_CASE("ParseAuthorization") {
  auto parsed = ParseAuthorization("AWS4-HMAC-SHA256 Credential=K/20150830/r/cloudfront/aws4_request, "
                                   "SignedHeaders=host;x-amz-date, Signature=abc");
  REQUIRE(parsed);
  CHECK(parsed->credential == "K/20150830/r/cloudfront/aws4_request");
  CHECK(parsed->signed_headers == "host;x-amz-date");
  CHECK(parsed->signature == "abc");
  // AWS's wording for a blank after "Credential=".
  const std::string spaced = "AWS4-HMAC-SHA256 Credential= K/20150830/r/cloudfront/aws4_request, Signature=abc";
  auto bad = ParseAuthorization(spaced);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == "IncompleteSignature");
  CHECK(bad.error().message == "'K/20150830/r/cloudfront/aws4_request' not a valid key=value pair (missing "
                               "equal-sign) in Authorization header: '" + spaced + "'.");
  auto v2 = ParseAuthorization("AWS AKIDEXAMPLE:c2lnbmF0dXJl");
  REQUIRE(v2);
  CHECK(v2->algorithm == "AWS");
  CHECK_FALSE(v2->credential);
}

// A request signed for CloudFront by these functions, as a client would.
struct Signed {
  Headers headers;
  std::string target;
  std::string body;
  std::string method = "POST";

  Request View() const { return {method, target, ValuesOf(headers), body}; }
};

constexpr std::string_view kKey = "AKIAEMULATOREXAMPLE";
constexpr std::string_view kSecret = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMzQ";
const TimePoint kNow = *ParseAmzDate("20240315T101500Z");

Signed SignFor(std::string_view amz_date, std::string_view secret = kSecret, std::string_view key = kKey,
               std::string_view service = "cloudfront") {
  Signed request;
  request.target = "/2020-05-31/tagging?Operation=Tag&Resource=arn%3Aaws%3Acloudfront%3A%3A111122223333%3Adistribution%2FE1";
  request.body = "<Tags><Items><Tag><Key>k</Key><Value>v</Value></Tag></Items></Tags>";
  request.headers = {{"Host", "127.0.0.1:4750"}, {"X-Amz-Date", std::string(amz_date)}, {"User-Agent", "test"}};
  const std::string date(amz_date.substr(0, 8));
  const std::string signed_headers = "host;x-amz-date";
  const auto canonical = CanonicalRequest(request.View(), signed_headers, Sha256Hex(request.body));
  const std::string scope = date + "/eu-west-3/" + std::string(service) + "/aws4_request";
  const auto signature = Signature(SigningKey(secret, date, "eu-west-3", service),
                                   StringToSign(amz_date, scope, canonical));
  request.headers.emplace_back("Authorization", "AWS4-HMAC-SHA256 Credential=" + std::string(key) + "/" + scope +
                                                    ", SignedHeaders=" + signed_headers + ", Signature=" + signature);
  return request;
}

void SetHeader(Signed& request, std::string_view name, std::string value) {
  for (auto& [key, old] : request.headers) {
    if (LowerCase(key) == LowerCase(name)) old = value;
  }
}

std::string HeaderOf(const Signed& request, std::string_view name) {
  for (const auto& [key, value] : request.headers) {
    if (LowerCase(key) == LowerCase(name)) return value;
  }
  return "";
}

const SignatureVerifier& Verifier() {
  static const SignatureVerifier verifier(std::vector<Credential>{
      {std::string(kKey), std::string(kSecret), "111122223333"}, {"444455556666", "other", "444455556666"}});
  return verifier;
}

void CheckError(const Result<std::string, ApiError>& result, std::string_view code, std::string_view message) {
  REQUIRE_FALSE(result);
  CHECK(result.error().code == code);
  CHECK(result.error().status == 403);
  CHECK(result.error().message == message);
}

constexpr std::string_view kMismatch =
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access "
    "Key and signing method. Consult the service documentation for details.";

TEST_CASE("Verify: a good signature acts for its key's account, in any region") {
  const auto request = SignFor("20240315T101500Z");
  auto verified = Verifier().Verify(request.View(), kNow);
  REQUIRE(verified);
  CHECK(verified.value() == "111122223333");
  // Within five minutes either way.
  CHECK(Verifier().Verify(SignFor("20240315T101000Z").View(), kNow));
  CHECK(Verifier().Verify(SignFor("20240315T102000Z").View(), kNow));
  CHECK(Verifier().Verify(SignFor("20240315T101000Z").View(), kNow + std::chrono::milliseconds(999)));
}

TEST_CASE("Verify: tampering is SignatureDoesNotMatch with the canonical strings") {
  auto request = SignFor("20240315T101500Z");
  SUBCASE("one byte of the signature") {
    auto authorization = HeaderOf(request, "Authorization");
    authorization.back() = authorization.back() == '0' ? '1' : '0';
    SetHeader(request, "Authorization", authorization);
  }
  SUBCASE("the body") { request.body[10] = 'X'; }
  SUBCASE("a signed header") { SetHeader(request, "Host", "127.0.0.1:4751"); }
  SUBCASE("the query") { request.target += "&Extra=1"; }
  SUBCASE("the method") { request.method = "PUT"; }
  SUBCASE("an x-amz-content-sha256 that is not the body's hash") {
    request.body = "<Tags/>";
    request.headers.emplace_back("X-Amz-Content-SHA256", Sha256Hex(SignFor("20240315T101500Z").body));
  }
  auto result = Verifier().Verify(request.View(), kNow);
  REQUIRE_FALSE(result);
  CHECK(result.error().code == "SignatureDoesNotMatch");
  CHECK(result.error().status == 403);
  CHECK(result.error().message.starts_with(std::string(kMismatch) +
                                           "\n\nThe Canonical String for this request should have been\n'"));
  CHECK(result.error().message.find("'\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n20240315T101500Z\n"
                                    "20240315/eu-west-3/cloudfront/aws4_request\n") != std::string::npos);
  CHECK(result.error().message.ends_with("'\n"));
}

TEST_CASE("Verify: the message shows the canonical request the service computed") {
  const auto request = SignFor("20240315T101500Z", "wrong-secret");
  const auto canonical = CanonicalRequest(request.View(), "host;x-amz-date", Sha256Hex(request.body));
  const auto to_sign = StringToSign("20240315T101500Z", "20240315/eu-west-3/cloudfront/aws4_request", canonical);
  CHECK(canonical ==
        "POST\n/2020-05-31/tagging\n"
        "Operation=Tag&Resource=arn%3Aaws%3Acloudfront%3A%3A111122223333%3Adistribution%2FE1\n"
        "host:127.0.0.1:4750\nx-amz-date:20240315T101500Z\n\nhost;x-amz-date\n" +
            Sha256Hex(request.body));
  CheckError(Verifier().Verify(request.View(), kNow), "SignatureDoesNotMatch",
             std::string(kMismatch) + "\n\nThe Canonical String for this request should have been\n'" + canonical +
                 "'\n\nThe String-to-Sign should have been\n'" + to_sign + "'\n");
}

TEST_CASE("Verify: UNSIGNED-PAYLOAD signs no body") {
  auto request = SignFor("20240315T101500Z");
  request.headers.emplace_back("X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD");
  const auto canonical = CanonicalRequest(request.View(), "host;x-amz-date", "UNSIGNED-PAYLOAD");
  const auto signature = Signature(SigningKey(kSecret, "20240315", "eu-west-3", "cloudfront"),
                                   StringToSign("20240315T101500Z", "20240315/eu-west-3/cloudfront/aws4_request",
                                                canonical));
  SetHeader(request, "Authorization",
            "AWS4-HMAC-SHA256 Credential=" + std::string(kKey) +
                "/20240315/eu-west-3/cloudfront/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + signature);
  CHECK(Verifier().Verify(request.View(), kNow));
}

TEST_CASE("Verify: unknown keys, missing and malformed headers, scope and time") {
  CheckError(Verifier().Verify(SignFor("20240315T101500Z", kSecret, "AKIAUNKNOWN").View(), kNow),
             "InvalidClientTokenId", "The security token included in the request is invalid.");

  auto unsigned_request = SignFor("20240315T101500Z");
  unsigned_request.headers.pop_back();
  CheckError(Verifier().Verify(unsigned_request.View(), kNow), "MissingAuthenticationToken",
             "Missing Authentication Token");

  auto v2 = SignFor("20240315T101500Z");
  SetHeader(v2, "Authorization", "AWS AKIAEMULATOREXAMPLE:c2lnbmF0dXJl");
  CheckError(Verifier().Verify(v2.View(), kNow), "IncompleteSignature",
             "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' "
             "parameter. Authorization header requires 'SignedHeaders' parameter. "
             "Authorization=AWS AKIAEMULATOREXAMPLE:c2lnbmF0dXJl");

  auto undated = SignFor("20240315T101500Z");
  SetHeader(undated, "X-Amz-Date", "");
  const auto authorization = HeaderOf(undated, "Authorization");
  CheckError(Verifier().Verify(undated.View(), kNow), "IncompleteSignature",
             "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=" +
                 authorization);

  auto four = SignFor("20240315T101500Z");
  SetHeader(four, "Authorization",
            "AWS4-HMAC-SHA256 Credential=K/20240315/cloudfront/aws4_request, SignedHeaders=host, Signature=00");
  CheckError(Verifier().Verify(four.View(), kNow), "IncompleteSignature",
             "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got "
             "'K/20240315/cloudfront/aws4_request'");

  auto bad_date = SignFor("20240315T101500Z");
  SetHeader(bad_date, "X-Amz-Date", "2024-03-15T10:15:00Z");
  CheckError(Verifier().Verify(bad_date.View(), kNow), "IncompleteSignature",
             "Date must be in ISO-8601 'basic format'. Got '2024-03-15T10:15:00Z'. See "
             "http://en.wikipedia.org/wiki/ISO_8601");

  auto other_day = SignFor("20240315T101500Z");
  SetHeader(other_day, "X-Amz-Date", "20240316T101500Z");
  CheckError(Verifier().Verify(other_day.View(), kNow), "SignatureDoesNotMatch",
             "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20240315' != "
             "'20240316', from '20240316T101500Z'.");

  CheckError(Verifier().Verify(SignFor("20240315T101500Z", kSecret, kKey, "s3").View(), kNow),
             "SignatureDoesNotMatch", "Credential should be scoped to correct service: 'cloudfront'. ");

  auto unhosted = SignFor("20240315T101500Z");
  auto header = HeaderOf(unhosted, "Authorization");
  header.replace(header.find("host;x-amz-date"), 15, "x-amz-date");
  SetHeader(unhosted, "Authorization", header);
  CheckError(Verifier().Verify(unhosted.View(), kNow), "IncompleteSignature",
             "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");

  CheckError(Verifier().Verify(SignFor("20240315T100959Z").View(), kNow), "SignatureDoesNotMatch",
             "Signature expired: 20240315T100959Z is now earlier than 20240315T101000Z (20240315T101500Z - 5 min.)");
  CheckError(Verifier().Verify(SignFor("20240315T102001Z").View(), kNow), "SignatureDoesNotMatch",
             "Signature not yet current: 20240315T102001Z is still later than 20240315T102000Z "
             "(20240315T101500Z + 5 min.)");
  // An expired request from an unknown key is answered as expired.
  CheckError(Verifier().Verify(SignFor("20240315T095500Z", kSecret, "AKIAUNKNOWN").View(), kNow),
             "SignatureDoesNotMatch",
             "Signature expired: 20240315T095500Z is now earlier than 20240315T101000Z (20240315T101500Z - 5 min.)");
}

TEST_CASE("credentials: flags and file") {
  auto own = ParseCredentialSpec("111122223333:secret", "123456789012");
  REQUIRE(own);
  CHECK(own->account == "111122223333");
  auto defaulted = ParseCredentialSpec("AKIAEXAMPLE:se/cr+et", "123456789012");
  REQUIRE(defaulted);
  CHECK(defaulted->secret == "se/cr+et");
  CHECK(defaulted->account == "123456789012");
  auto explicit_account = ParseCredentialSpec("AKIAEXAMPLE:secret:444455556666", "123456789012");
  REQUIRE(explicit_account);
  CHECK(explicit_account->account == "444455556666");
  CHECK_FALSE(ParseCredentialSpec("AKIAEXAMPLE", "123456789012"));
  CHECK_FALSE(ParseCredentialSpec("AKIAEXAMPLE:", "123456789012"));
  CHECK_FALSE(ParseCredentialSpec("AKIA/EXAMPLE:secret", "123456789012"));
  CHECK_FALSE(ParseCredentialSpec("AKIAEXAMPLE:secret:12345", "123456789012"));
  CHECK_FALSE(ParseCredentialSpec("a:b:111122223333:d", "123456789012"));

  auto file = ParseCredentialsFile("# team keys\n\nAKIAONE  secret1\n\t111122223333 secret2\r\n"
                                   "AKIATHREE secret3 444455556666  \n  # indented comment\n",
                                   "keys.txt", "123456789012");
  REQUIRE(file);
  REQUIRE(file->size() == 3);
  CHECK(file.value()[0].account == "123456789012");
  CHECK(file.value()[1].access_key == "111122223333");
  CHECK(file.value()[1].secret == "secret2");
  CHECK(file.value()[1].account == "111122223333");
  CHECK(file.value()[2].account == "444455556666");
  auto bad = ParseCredentialsFile("AKIAONE secret1\nAKIATWO\n", "keys.txt", "123456789012");
  REQUIRE_FALSE(bad);
  CHECK(bad.error() == "keys.txt:2: expected ACCESS_KEY SECRET [ACCOUNT]");

  auto twice = GatherCredentials({"AKIAONE:a", "AKIAONE:b"}, "", "123456789012");
  REQUIRE_FALSE(twice);
  CHECK(twice.error() == "access key AKIAONE is configured twice");
  CHECK_FALSE(GatherCredentials({}, "/nonexistent/credentials", "123456789012"));
}

}  // namespace
}  // namespace cfl::api::sigv4

namespace cfl::api::sigv4 {
namespace {

// The examples of AWS's "Signature Calculations for the Authorization Header"
// (S3 API reference, header-based auth): GET Bucket Lifecycle and GET Bucket
// (List Objects), both signing host;x-amz-content-sha256;x-amz-date.
constexpr std::string_view kS3ExampleKey = "AKIAIOSFODNN7EXAMPLE";
constexpr std::string_view kS3ExampleSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

SignedHeaders SignS3Example(std::string_view target) {
  const SigningRequest request{"GET", target, "examplebucket.s3.amazonaws.com", "", "us-east-1", "s3"};
  return SignRequest(request, kS3ExampleKey, kS3ExampleSecret, *ParseAmzDate("20130524T000000Z"));
}

TEST_CASE("SignRequest signs S3 requests as AWS's documented examples") {
  const auto lifecycle = SignS3Example("/?lifecycle");
  CHECK(lifecycle.amz_date == "20130524T000000Z");
  CHECK(lifecycle.content_sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(lifecycle.authorization ==
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
        "SignedHeaders=host;x-amz-content-sha256;x-amz-date, "
        "Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
  CHECK(SignS3Example("/?max-keys=2&prefix=J").authorization.ends_with(
      "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"));
}

TEST_CASE("SignRequest encodes an S3 path once and never normalizes it") {
  // "/a/../b c" and "/a/../b%20c" are the same S3 key, signed alike; a
  // normalizing signer would sign "/b%20c" instead.
  const SigningRequest spaced{"GET", "/a/../b c", "h", "", "us-east-1", "s3"};
  const SigningRequest encoded{"GET", "/a/../b%20c", "h", "", "us-east-1", "s3"};
  const SigningRequest normalized{"GET", "/b%20c", "h", "", "us-east-1", "s3"};
  const auto at = *ParseAmzDate("20130524T000000Z");
  CHECK(SignRequest(spaced, "K", "S", at).authorization == SignRequest(encoded, "K", "S", at).authorization);
  CHECK(SignRequest(encoded, "K", "S", at).authorization != SignRequest(normalized, "K", "S", at).authorization);
}

}  // namespace
}  // namespace cfl::api::sigv4
