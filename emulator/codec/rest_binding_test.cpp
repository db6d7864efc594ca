#include "emulator/codec/rest_binding.h"

#include <doctest/doctest.h>

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
    static constexpr const char* kMethods[] = {"GET", "POST", "PUT", "DELETE"};
    CAPTURE(operation.name);
    CHECK(RouteName(kMethods[static_cast<int>(operation.method)], path, query) == operation.name);
  }
}

TEST_CASE("decodes labels, headers and payload; missing body is MissingBody") {
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
  CHECK(missing.error().code == "MissingBody");

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

TEST_CASE("the error catalogue has the model's statuses and the extra errors") {
  CHECK(MakeError("NoSuchDistribution", "").status == 404);
  CHECK(MakeError("DistributionNotDisabled", "").status == 409);
  CHECK(MakeError("InvalidIfMatchVersion", "").status == 400);
  CHECK(MakeError("MalformedInput", "").status == 400);
  CHECK(MakeError("ServiceUnavailable", "").status == 503);
  CHECK(MakeError("NoSuchThing", "").code == "InternalError");
  CHECK(IsKnownErrorCode("Throttling"));
  CHECK_FALSE(IsKnownErrorCode("Distribution"));  // a shape, not an error
}

}  // namespace
}  // namespace cfl::model
