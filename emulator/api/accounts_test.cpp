#include "emulator/api/accounts.h"

#include <doctest/doctest.h>

namespace cfl::api {
namespace {

const std::string kDefault = "123456789012";
const model::QueryMap kNoQuery;

std::string AccountOfHeader(std::string_view authorization) { return AccountFor(authorization, kNoQuery, kDefault); }

std::string AccountOfQuery(model::QueryMap query) { return AccountFor(std::nullopt, query, kDefault); }

TEST_CASE("accounts: every Authorization form names its access key's account") {
  CHECK(AccountOfHeader("AWS4-HMAC-SHA256 Credential=111111111111/20240315/us-east-1/cloudfront/aws4_request, "
                        "SignedHeaders=host;x-amz-date, Signature=abc") == "111111111111");
  CHECK(AccountOfHeader("AWS4-HMAC-SHA256 Credential=222222222222/20240315/eu-west-1/cloudfront/aws4_request,"
                        "SignedHeaders=host,Signature=abc") == "222222222222");
  CHECK(AccountOfHeader("AWS4-ECDSA-P256-SHA256 Credential=333333333333/20240315/cloudfront/aws4_request, "
                        "SignedHeaders=host;x-amz-date;x-amz-region-set, Signature=3045022100") == "333333333333");
  CHECK(AccountOfHeader("AWS 444444444444:frJIUN8DYpKDtOLCwo//yllqDzg=") == "444444444444");
}

TEST_CASE("accounts: presigned query strings name the account when there is no header") {
  CHECK(AccountOfQuery({{"X-Amz-Algorithm", "AWS4-HMAC-SHA256"},
                        {"X-Amz-Credential", "555555555555/20240315/us-east-1/cloudfront/aws4_request"},
                        {"X-Amz-Signature", "abc"}}) == "555555555555");
  CHECK(AccountOfQuery({{"X-Amz-Algorithm", "AWS4-ECDSA-P256-SHA256"},
                        {"X-Amz-Credential", "666666666666/20240315/cloudfront/aws4_request"}}) == "666666666666");
  CHECK(AccountOfQuery({{"AWSAccessKeyId", "777777777777"}, {"Expires", "1710500000"}, {"Signature", "x"}}) ==
        "777777777777");
}

TEST_CASE("accounts: the header wins over the query string") {
  const model::QueryMap query = {{"X-Amz-Credential", "555555555555/20240315/us-east-1/cloudfront/aws4_request"}};
  CHECK(AccountFor("AWS 444444444444:sig", query, kDefault) == "444444444444");
  CHECK(AccountFor("Bearer 444444444444", query, kDefault) == kDefault);
}

TEST_CASE("accounts: keys that are not 12 digits, and malformed forms, act for the default account") {
  CHECK(AccountOfHeader("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240315/us-east-1/cloudfront/aws4_request")
        == kDefault);
  CHECK(AccountOfHeader("AWS 12345678901:sig") == kDefault);    // 11 digits
  CHECK(AccountOfHeader("AWS 1234567890123:sig") == kDefault);  // 13 digits
  CHECK(AccountOfHeader("AWS4-HMAC-SHA256 Credential=111111111111") == kDefault);  // no scope
  CHECK(AccountOfHeader("AWS4-HMAC-SHA256 SignedHeaders=host, Signature=abc") == kDefault);
  CHECK(AccountOfHeader("AWS 111111111111") == kDefault);       // no signature part
  CHECK(AccountOfHeader("AWS4-HMAC-SHA256X Credential=111111111111/d/r/s/aws4_request") == kDefault);
  CHECK(AccountOfHeader("") == kDefault);
  CHECK(AccountOfHeader("AWS") == kDefault);
  CHECK(AccountOfQuery({{"X-Amz-Credential", "111111111111"}}) == kDefault);
  CHECK(AccountOfQuery({{"AWSAccessKeyId", ""}}) == kDefault);
  CHECK(AccountOfQuery({}) == kDefault);
  CHECK(AccessKeyOf("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240315/us-east-1/cloudfront/aws4_request", kNoQuery) ==
        "AKIDEXAMPLE");
}

}  // namespace
}  // namespace cfl::api
