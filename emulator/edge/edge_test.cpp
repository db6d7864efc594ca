#include "emulator/edge/edge.h"

#include <doctest/doctest.h>

#include <mutex>

#include "emulator/engine/handler_test_fixture.h"

namespace cfl::edge {
namespace {

using engine::Json;

// Answers 200 with the target it was asked for; remembers every request.
struct FakeOrigin final : OriginFetcher {
  std::mutex mutex;
  std::vector<OriginRequest> seen;
  OriginResponse::Outcome outcome = OriginResponse::Outcome::kAnswered;
  OriginResponse Fetch(const OriginRequest& request) override {
    std::lock_guard lock(mutex);
    seen.push_back(request);
    OriginResponse answer;
    answer.outcome = outcome;
    answer.status = 200;
    answer.headers = {{"Content-Type", "text/plain"}, {"Connection", "close"}};
    answer.body = request.host + ":" + std::to_string(request.port) + request.target;
    return answer;
  }
};

Json CustomConfig(const std::string& reference, const std::string& domain) {
  Json config = engine::MinimalDistributionConfig(reference);
  config["Origins"]["Items"][0] = {
      {"Id", "s3"},
      {"DomainName", domain},
      {"CustomOriginConfig", {{"HTTPPort", 8080}, {"HTTPSPort", 443}, {"OriginProtocolPolicy", "http-only"}}}};
  return config;
}

struct EdgeFixture : engine::HandlerTestFixture {
  FakeOrigin origin;
  Edge edge{*store, clock, origin, Settings()};

  static EdgeSettings Settings() {
    EdgeSettings settings;
    CHECK(AddOriginAddress(settings, "mapped.test=127.0.0.1:9999") == "");
    return settings;
  }

  ViewerResponse Get(const std::string& host, const std::string& target, const std::string& method = "GET") {
    return edge.Serve({method, target, {{"Host", host}}, "", "10.0.0.1", 1234, false});
  }
};

}  // namespace

TEST_CASE_FIXTURE(EdgeFixture, "edge: routes by domain name, serves the last deployed config on the clock") {
  const auto created = Call("CreateDistribution", {{"DistributionConfig", CustomConfig("r1", "first.test")}});
  REQUIRE(created);
  const std::string domain = created.value()["Distribution"]["DomainName"];
  const std::string id = created.value()["Distribution"]["Id"];
  CHECK(Get(domain, "/x").status == 403);  // InProgress since creation: nothing deployed
  clock.Advance(std::chrono::seconds(6));
  auto served = Get(domain, "/x");
  CHECK(served.status == 200);
  CHECK(served.body == "first.test:8080/x");
  CHECK(HeaderValue(served.headers, "Connection") == "");  // hop-by-hop headers stay behind
  CHECK(HeaderValue(served.headers, "X-Amz-Cf-Id").size() == 56);

  const auto updated = Call("UpdateDistribution", {{"Id", id},
                                                   {"IfMatch", created.value()["ETag"]},
                                                   {"DistributionConfig", CustomConfig("r1", "mapped.test")}});
  REQUIRE(updated);
  CHECK(Get(domain, "/y").body == "first.test:8080/y");  // still propagating
  clock.Advance(std::chrono::seconds(6));
  CHECK(Get(domain, "/y").body == "first.test:8080/y");  // cached: an update does not empty the cache
  CHECK(Get(domain, "/z").body == "127.0.0.1:9999/z");  // deployed, and mapped by --origin-address
}

TEST_CASE_FIXTURE(EdgeFixture, "edge: unknown hosts, S3 origins and origin failures answer CloudFront's pages") {
  CHECK(Get("dnothere.cloudfront.net", "/").status == 403);
  CHECK(HeaderValue(Get("", "/").headers, "X-Cache") == "Error from cloudfront");
  const auto created = Call("CreateDistribution", {{"DistributionConfig", engine::MinimalDistributionConfig("s3")}});
  REQUIRE(created);
  clock.Advance(std::chrono::seconds(6));
  const std::string domain = created.value()["Distribution"]["DomainName"];
  CHECK(Get(domain, "/").status == 502);  // S3 origins are not fetched yet: said so on the page
  CHECK(Get(domain, "/").body.find("S3 origins") != std::string::npos);

  const auto custom = Call("CreateDistribution", {{"DistributionConfig", CustomConfig("c", "o.test")}});
  REQUIRE(custom);
  clock.Advance(std::chrono::seconds(6));
  const std::string custom_domain = custom.value()["Distribution"]["DomainName"];
  origin.outcome = OriginResponse::Outcome::kUnreachable;
  CHECK(Get(custom_domain, "/").status == 502);
  CHECK(origin.seen.size() == 3);  // ConnectionAttempts' default
  origin.outcome = OriginResponse::Outcome::kTimedOut;
  CHECK(Get(custom_domain, "/").status == 504);
  CHECK(Get(custom_domain, std::string(9000, 'a')).status == 414);
}

TEST_CASE("origin addresses: DOMAIN=HOST:PORT only") {
  EdgeSettings settings;
  CHECK(AddOriginAddress(settings, "API.example.com=127.0.0.1:8080") == "");
  CHECK(settings.origin_addresses.at("api.example.com") == "127.0.0.1:8080");
  CHECK(AddOriginAddress(settings, "api.example.com") != "");
  CHECK(AddOriginAddress(settings, "=127.0.0.1:80") != "");
  CHECK(AddOriginAddress(settings, "a=127.0.0.1:0") != "");
  CHECK(AddOriginAddress(settings, "a=127.0.0.1:x") != "");
}

TEST_CASE("hosts: port and case dropped, nonsense refused") {
  CHECK(NormalizedHost("D123.CloudFront.net:8080") == "d123.cloudfront.net");
  CHECK(NormalizedHost("www.example.com.") == "www.example.com");
  CHECK(NormalizedHost("[::1]:80") == "");
  CHECK(NormalizedHost("a b") == "");
  CHECK(NormalizedHost(std::string(300, 'a')) == "");
}

}  // namespace cfl::edge
