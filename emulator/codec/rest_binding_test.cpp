#include "emulator/codec/rest_binding.h"

#include <doctest/doctest.h>

#include "emulator/codec/wire_text.h"

namespace cfl::model {
namespace {

std::string RouteName(std::string_view method, std::string_view path, const QueryMap& query = {}) {
  const auto route = FindRoute(method, path, query);
  return route ? std::string(route->operation->name) : "";
}

TEST_CASE("routes every operation of the model by method, path and required query") {
  CHECK(RouteName("POST", "/2020-05-31/distribution") == "CreateDistribution");
  CHECK(RouteName("POST", "/2020-05-31/distribution", {{"WithTags", ""}}) == "CreateDistributionWithTags");
  CHECK(RouteName("GET", "/2020-05-31/distribution/E123/config") == "GetDistributionConfig");
  CHECK(RouteName("PUT", "/2020-05-31/distribution/E123/config") == "UpdateDistribution");
  CHECK(RouteName("POST", "/2020-05-31/tagging", {{"Operation", "Tag"}}) == "TagResource");
  CHECK(RouteName("POST", "/2020-05-31/tagging", {{"Operation", "Untag"}}) == "UntagResource");
  CHECK(RouteName("GET", "/2020-05-31/distribution/E1/invalidation/I2") == "GetInvalidation");
  CHECK(RouteName("GET", "/2019-03-26/distribution") == "");
  CHECK(RouteName("PATCH", "/2020-05-31/distribution") == "");
  const auto route = FindRoute("GET", "/2020-05-31/distribution/E1/invalidation/I2", {});
  REQUIRE(route);
  CHECK(route->labels.at("DistributionId") == "E1");
  CHECK(route->labels.at("Id") == "I2");
}

TEST_CASE("every operation's own path routes back to it") {
  for (const auto& operation : Operations()) {
    std::string path(operation.path);
    QueryMap query;
    if (!operation.required_query.empty()) {
      const auto equals = operation.required_query.find('=');
      query.emplace(std::string(operation.required_query.substr(0, equals)),
                    equals == std::string_view::npos ? "" : std::string(operation.required_query.substr(equals + 1)));
    }
    static constexpr const char* kMethods[] = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"};
    CAPTURE(operation.name);
    CHECK(RouteName(kMethods[static_cast<int>(operation.method)], path, query) == operation.name);
  }
}

TEST_CASE("decodes labels, headers and payload; a missing body is a null member (MalformedXML)") {
  const QueryMap query;
  const auto route = FindRoute("PUT", "/2020-05-31/distribution/E1/config", query);
  REQUIRE(route);
  HttpRequestView request{"PUT", "/2020-05-31/distribution/E1/config", query,
                          [](std::string_view name) -> std::optional<std::string> {
                            if (name == "If-Match") return "ETAG1";
                            return std::nullopt;
                          },
                          ""};
  auto missing = DecodeRequest(*route, request);
  REQUIRE_FALSE(missing.ok());
  // As CloudFront answers (aws/aws-sdk-php#1973: "Value null at 'invalidationBatch' ... Member must not be null").
  CHECK(missing.error().code == "MalformedXML");
  CHECK(missing.error().message ==
        "1 validation error detected: Value null at 'distributionConfig' failed to satisfy constraint: Member must "
        "not be null");

  request.body = "<DistributionConfig><CallerReference>r</CallerReference><Comment/><Enabled>false</Enabled>"
                 "<Origins><Quantity>1</Quantity><Items><Origin><Id>o</Id><DomainName>d</DomainName></Origin></Items></Origins>"
                 "<DefaultCacheBehavior><TargetOriginId>o</TargetOriginId>"
                 "<ViewerProtocolPolicy>allow-all</ViewerProtocolPolicy></DefaultCacheBehavior>"
                 "</DistributionConfig>";
  auto input = DecodeRequest(*route, request);
  REQUIRE(input.ok());
  CHECK(input.value()["Id"] == "E1");
  CHECK(input.value()["IfMatch"] == "ETAG1");
  CHECK(input.value()["DistributionConfig"]["Enabled"] == false);
}

TEST_CASE("encodes headers and payload; errors in CloudFront's shape") {
  const auto* operation = FindOperation("GetDistributionConfig");
  REQUIRE(operation);
  const auto response = EncodeResponse(*operation, {{"ETag", "E2QWRUHAPOMQZL"}, {"DistributionConfig", {{"Comment", "c"}}}});
  CHECK(response.status == 200);
  CHECK(response.body.find("<DistributionConfig xmlns=") != std::string::npos);
  CHECK(response.body.find("<Comment>c</Comment>") != std::string::npos);
  bool has_etag = false;
  for (const auto& [name, value] : response.headers) has_etag |= name == "ETag" && value == "E2QWRUHAPOMQZL";
  CHECK(has_etag);

  const auto error = EncodeError(MakeError("PreconditionFailed", "stale <etag>"), "req-1");
  CHECK(error.status == 412);
  CHECK(error.body.find("<Type>Sender</Type><Code>PreconditionFailed</Code><Message>stale &lt;etag&gt;</Message>") !=
        std::string::npos);
  CHECK(error.body.find("<RequestId>req-1</RequestId>") != std::string::npos);
}

HttpRequestView Request(std::string_view method, std::string_view path, const QueryMap& query, std::string_view body,
                        std::map<std::string, std::string> headers = {}) {
  return {method, path, query,
          [headers](std::string_view name) -> std::optional<std::string> {
            for (const auto& [key, value] : headers) {
              if (key == name) return value;
            }
            return std::nullopt;
          },
          body};
}

std::string HeaderOf(const HttpResponseParts& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return "<absent>";
}

TEST_CASE("routes the KeyValueStore data plane by its encoded ARN label; errors in its JSON") {
  const QueryMap query;
  const std::string arn = "arn:aws:cloudfront::123456789012:key-value-store/0e8a6e3c-1b1d-4e7f-9c6a-1e2b3c4d5e6f";
  const std::string encoded = "arn%3Aaws%3Acloudfront%3A%3A123456789012%3Akey-value-store%2F0e8a6e3c-1b1d-4e7f-9c6a-1e2b3c4d5e6f";
  auto route = FindRoute("GET", "/key-value-stores/" + encoded + "/keys/my%20key", query);
  REQUIRE(route);
  CHECK(route->operation->name == "GetKey");
  CHECK(ServiceOf(*route->operation).protocol == ProtocolKind::kRestJson);
  CHECK(ServiceOf(*route->operation).signing_name == "cloudfront-keyvaluestore");
  CHECK(route->labels.at("KvsARN") == arn);
  CHECK(route->labels.at("Key") == "my key");
  route = FindRoute("GET", "/key-value-stores/" + encoded, query);
  REQUIRE(route);
  CHECK(route->operation->name == "DescribeKeyValueStore");
  CHECK(route->operation != FindOperation("DescribeKeyValueStore"));  // CloudFront has one of that name too
  CHECK(ServiceForPath("/key-value-stores/x/nothing/here").name == "cloudfront-keyvaluestore");
  CHECK(ServiceForPath("/2020-05-31/nothing").name == "cloudfront");
  CHECK(ServiceForPath("/").name == "cloudfront");

  const auto error = EncodeError(kvs_errors::ConflictException("stale \"etag\""), "req-1", ProtocolKind::kRestJson);
  CHECK(error.status == 409);
  CHECK(HeaderOf(error, "x-amzn-ErrorType") == "ConflictException");
  CHECK(HeaderOf(error, "Content-Type") == "application/json");
  const auto body = Json::parse(error.body);
  CHECK(body["message"] == "stale \"etag\"");
  CHECK(body["__type"] == "ConflictException");
}

TEST_CASE("rest-json: JSON body, query and header members in; JSON body, ETag header and timestamps out") {
  const auto& kvs = *FindService("cloudfront-keyvaluestore");
  QueryMap query{{"MaxResults", "10"}, {"NextToken", "t"}};
  auto route = FindRoute("GET", "/key-value-stores/arn%3Ax/keys", query);
  REQUIRE(route);
  auto input = DecodeRequest(*route, Request("GET", "", query, ""));
  REQUIRE(input.ok());
  CHECK(input.value() == Json({{"KvsARN", "arn:x"}, {"MaxResults", 10}, {"NextToken", "t"}}));
  query = {{"MaxResults", "ten"}};
  input = DecodeRequest(*route, Request("GET", "", query, ""));
  REQUIRE_FALSE(input.ok());
  CHECK(input.error().code == "SerializationException");
  query = {{"MaxResults", "0"}};
  input = DecodeRequest(*route, Request("GET", "", query, ""));
  REQUIRE_FALSE(input.ok());
  CHECK(input.error().code == "ValidationException");

  query = {};
  route = FindRoute("POST", "/key-value-stores/arn%3Ax/keys", query);
  REQUIRE(route);
  input = DecodeRequest(*route, Request("POST", "", query, R"({"Puts":[{"Key":"k","Value":"v"}],"Deletes":[{"Key":"d"}],"Unknown":1})",
                                        {{"If-Match", "E1"}}));
  REQUIRE(input.ok());
  CHECK(input.value() == Json({{"KvsARN", "arn:x"}, {"IfMatch", "E1"}, {"Puts", {{{"Key", "k"}, {"Value", "v"}}}},
                               {"Deletes", {{{"Key", "d"}}}}}));
  for (const std::string_view bad : {"{", R"({"Puts":"x"})", R"({"Puts":[{"Key":1}]})"}) {
    input = DecodeRequest(*route, Request("POST", "", query, bad, {{"If-Match", "E1"}}));
    REQUIRE_FALSE(input.ok());
    CHECK(input.error().code == "SerializationException");
  }
  input = DecodeRequest(*route, Request("POST", "", query, std::string(100, '[') + std::string(100, ']'), {{"If-Match", "E1"}}));
  REQUIRE_FALSE(input.ok());
  CHECK(input.error().code == "SerializationException");
  input = DecodeRequest(*route, Request("POST", "", query, "{}"));
  REQUIRE_FALSE(input.ok());
  CHECK(input.error().message == "1 validation error detected: Value null at 'ifMatch' failed to satisfy constraint: "
                                 "Member must not be null");

  const auto response = EncodeResponse(*FindOperation(kvs, "DescribeKeyValueStore"),
                                       {{"ETag", "E2"}, {"KvsARN", "arn:x"}, {"ItemCount", 3}, {"TotalSizeInBytes", 42},
                                        {"Created", "2024-03-15T10:00:00.500Z"}, {"LastModified", "2024-03-15T10:00:01.000Z"}});
  CHECK(response.status == 200);
  CHECK(HeaderOf(response, "ETag") == "E2");
  CHECK(HeaderOf(response, "Content-Type") == "application/json");
  CHECK(Json::parse(response.body) == Json({{"KvsARN", "arn:x"}, {"ItemCount", 3}, {"TotalSizeInBytes", 42},
                                            {"Created", 1710496800.5}, {"LastModified", 1710496801}}));
}

TEST_CASE("rest-xml bodies without a payload member: root element and namespace from the model") {
  const QueryMap query;
  auto route = FindRoute("POST", "/2020-05-31/function", query);
  REQUIRE(route);
  const std::string code = Base64Encode(std::string("function handler(e) { return e; }\xFF\x00", 36));
  const std::string body =
      "<CreateFunctionRequest xmlns=\"http://cloudfront.amazonaws.com/doc/2020-05-31/\"><Name>f1</Name>"
      "<FunctionConfig><Comment>c</Comment><Runtime>cloudfront-js-2.0</Runtime></FunctionConfig>"
      "<FunctionCode>" + code + "</FunctionCode></CreateFunctionRequest>";
  auto input = DecodeRequest(*route, Request("POST", "", query, body));
  REQUIRE_MESSAGE(input.ok(), input.error().message);
  CHECK(input.value()["Name"] == "f1");
  CHECK(input.value()["FunctionCode"] == code);
  CHECK(input.value()["FunctionConfig"]["Runtime"] == "cloudfront-js-2.0");
  auto wrong_root = DecodeRequest(*route, Request("POST", "", query, "<FunctionConfig/>"));
  REQUIRE_FALSE(wrong_root.ok());
  CHECK(wrong_root.error().code == "MalformedInput");
  auto bad_base64 = DecodeRequest(
      *route, Request("POST", "", query, "<CreateFunctionRequest><FunctionCode>@@</FunctionCode></CreateFunctionRequest>"));
  REQUIRE_FALSE(bad_base64.ok());
  CHECK(bad_base64.error().code == "MalformedInput");

  // An output with body members and no payload: rooted at the output shape's name.
  const auto response = EncodeResponse(*FindOperation("GetResourcePolicy"),
                                       {{"ResourceArn", "arn:r"}, {"PolicyDocument", "{}"}});
  CHECK(response.body.find("<GetResourcePolicyResult xmlns=\"http://cloudfront.amazonaws.com/doc/2020-05-31/\">"
                           "<ResourceArn>arn:r</ResourceArn><PolicyDocument>{}</PolicyDocument>") != std::string::npos);
  CHECK(HeaderOf(response, "Content-Type") == "text/xml");
}

TEST_CASE("payload blobs travel as raw bytes; the model's ETtag goes out as ETag too") {
  const std::string bytes("\x00\xFF\xFEjs", 5);
  auto response = EncodeResponse(*FindOperation("GetFunction"),
                                 {{"FunctionCode", Base64Encode(bytes)}, {"ETag", "E1"}, {"ContentType", "application/javascript"}});
  CHECK(response.body == bytes);
  CHECK(HeaderOf(response, "Content-Type") == "application/javascript");
  response = EncodeResponse(*FindOperation("UpdateFunction"), {{"ETag", "E2"}, {"FunctionSummary", {{"Name", "f"}}}});
  CHECK(HeaderOf(response, "ETtag") == "E2");
  CHECK(HeaderOf(response, "ETag") == "E2");
}

TEST_CASE("timestamps: any client form in, canonical ISO 8601 in values, the wire's form out") {
  CHECK(ParseTimestamp("2024-03-15T10:00:00Z") == 1710496800000);
  CHECK(ParseTimestamp("2024-03-15T10:00:00.5Z") == 1710496800500);
  CHECK(ParseTimestamp("2024-03-15T12:00:00+02:00") == 1710496800000);
  CHECK(ParseTimestamp("1710496800.5") == 1710496800500);
  CHECK(ParseTimestamp("Fri, 15 Mar 2024 10:00:00 GMT") == 1710496800000);
  CHECK_FALSE(ParseTimestamp("2024-02-30T10:00:00Z"));
  CHECK_FALSE(ParseTimestamp("yesterday"));
  CHECK_FALSE(ParseTimestamp("0001-01-01T00:00:00+01:00"));  // the year 0
  CHECK(ParseTimestamp("0001-01-01T00:00:00Z") == -62135596800000);
  CHECK_FALSE(ParseTimestamp("253402300800"));  // 10000-01-01
  CHECK(ParseTimestamp("253402300799.999") == 253402300799999);
  CHECK(FormatRfc822(1710496800000) == "Fri, 15 Mar 2024 10:00:00 GMT");
  CHECK(FormatEpochSeconds(1710496800500) == "1710496800.5");
  CHECK(Base64Decode(Base64Encode(std::string("\x00\x01\xFF", 3))) == std::string("\x00\x01\xFF", 3));
  CHECK_FALSE(Base64Decode("abc"));
  CHECK_FALSE(Base64Decode("a=bc"));
  CHECK(Base64DecodedSize("YWI=") == 2);
  auto decoded = DecodeXml("<Invalidation><Id>I</Id><Status>s</Status><CreateTime>2024-03-15T12:00:00+02:00</CreateTime>"
                           "</Invalidation>", "Invalidation", *FindShape("Invalidation"));
  REQUIRE(decoded.ok());
  CHECK(decoded.value()["CreateTime"] == "2024-03-15T10:00:00.000Z");
  decoded = DecodeXml("<Invalidation><CreateTime>soon</CreateTime></Invalidation>", "Invalidation", *FindShape("Invalidation"));
  REQUIRE_FALSE(decoded.ok());
  CHECK(decoded.error().code == "MalformedInput");
}

TEST_CASE("the error catalogue has the model's statuses and the extra errors") {
  CHECK(MakeError("NoSuchDistribution", "").status == 404);
  CHECK(MakeError("DistributionNotDisabled", "").status == 409);
  CHECK(MakeError("InvalidIfMatchVersion", "").status == 400);
  CHECK(MakeError("MalformedInput", "").status == 400);
  CHECK(MakeError("ServiceUnavailable", "").status == 503);
  CHECK(MakeError("NoSuchThing", "").code == "InternalError");
  CHECK(IsKnownErrorCode("Throttling"));
  CHECK_FALSE(IsKnownErrorCode("Distribution"));  // a shape, not an error
  // Generated constructors carry the model's status and fault.
  CHECK(errors::NoSuchDistribution("m").status == 404);
  CHECK(errors::NoSuchDistribution("m").code == "NoSuchDistribution");
  CHECK(errors::NoSuchDistribution("m").message == "m");
  CHECK(kvs_errors::ServiceQuotaExceededException("").status == 402);
  CHECK_FALSE(kvs_errors::InternalServerException("").sender_fault);
  CHECK(MakeError("ConflictException", "").status == 409);  // the KeyValueStore's codes are known at run time too
  CHECK(errors::MalformedXML("").status == 400);
}

}  // namespace
}  // namespace cfl::model

namespace cfl::model {
namespace {

// A body decoded before comes from DecodedPayloads: the answer must be what a
// first decode gives, bound members read afresh, and a caller's changes to it
// must not reach the next request.
TEST_CASE("a body decoded again answers as the first decode did") {
  const QueryMap query;
  std::string if_match = "ETAG1";
  const auto request_to = [&](std::string_view path, std::string_view body) {
    return HttpRequestView{"PUT", path, query,
                           [&if_match](std::string_view name) -> std::optional<std::string> {
                             if (name == "If-Match") return if_match;
                             return std::nullopt;
                           },
                           body};
  };
  const std::string body =
      "<DistributionConfig><CallerReference>again</CallerReference><Comment/><Enabled>false</Enabled>"
      "<Origins><Quantity>1</Quantity><Items><Origin><Id>o</Id><DomainName>d</DomainName></Origin></Items></Origins>"
      "<DefaultCacheBehavior><TargetOriginId>o</TargetOriginId>"
      "<ViewerProtocolPolicy>allow-all</ViewerProtocolPolicy></DefaultCacheBehavior>"
      "</DistributionConfig>";
  const auto route1 = FindRoute("PUT", "/2020-05-31/distribution/E1/config", query);
  const auto route2 = FindRoute("PUT", "/2020-05-31/distribution/E2/config", query);
  REQUIRE(route1);
  REQUIRE(route2);
  auto first = DecodeRequest(*route1, request_to("/2020-05-31/distribution/E1/config", body));
  REQUIRE(first.ok());
  first.value()["DistributionConfig"]["Comment"] = "changed by a handler";
  if_match = "ETAG2";
  auto second = DecodeRequest(*route2, request_to("/2020-05-31/distribution/E2/config", body));
  REQUIRE(second.ok());
  CHECK(second.value()["Id"] == "E2");
  CHECK(second.value()["IfMatch"] == "ETAG2");
  CHECK(second.value()["DistributionConfig"]["Comment"] == "");
  CHECK(second.value()["DistributionConfig"]["CallerReference"] == "again");

  // An invalid body is never kept: each decode finds its violation.
  std::string bad = body;
  bad.replace(bad.find("allow-all"), 9, "sometimes-https");
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto refused = DecodeRequest(*route1, request_to("/2020-05-31/distribution/E1/config", bad));
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == "MalformedXML");
    CHECK(refused.error().message.find("distributionConfig.defaultCacheBehavior.viewerProtocolPolicy") !=
          std::string::npos);
  }
}

}  // namespace
}  // namespace cfl::model
