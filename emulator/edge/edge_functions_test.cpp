#include "emulator/edge/edge_functions.h"

#include <doctest/doctest.h>

#include <mutex>

#include "emulator/edge/edge.h"
#include "emulator/engine/handler_test_fixture.h"
#include "emulator/runtime/function_event.h"
#include "emulator/runtime/function_executor.h"

namespace cfl::edge {
namespace {

using Json = cfl::Json;

// Answers 200 with the target it was asked for and the headers it got.
struct EchoOrigin final : OriginFetcher {
  std::mutex mutex;
  std::vector<OriginRequest> seen;
  OriginResponse Fetch(const OriginRequest& request) override {
    std::lock_guard lock(mutex);
    seen.push_back(request);
    const int status = request.target.starts_with("/missing") ? 404 : 200;
    return {OriginResponse::Outcome::kAnswered, status, {{"Cache-Control", "max-age=60"}}, request.target, ""};
  }
};

// A function runtime that answers what the test sets, and keeps the events it got.
struct ScriptedExecutor final : runtime::FunctionExecutor {
  std::mutex mutex;
  runtime::ExecutionResult next;
  std::vector<Json> events;
  runtime::ExecutionResult Run(const runtime::Execution& execution, const runtime::Limits&) override {
    std::lock_guard lock(mutex);
    events.push_back(Json::parse(execution.event_json));
    return next;
  }
};

runtime::ExecutionResult Returning(const Json& output, std::vector<std::string> logs = {}) {
  runtime::ExecutionResult result;
  result.outcome = runtime::ExecutionResult::Outcome::kOk;
  result.output = output.dump();
  result.logs = std::move(logs);
  return result;
}

struct FunctionsFixture : engine::HandlerTestFixture {
  EchoOrigin origin;
  ScriptedExecutor executor;
  Edge edge{*store, clock, origin, EdgeSettings{}};
  EdgeFunctions functions{services, 10};

  FunctionsFixture() {
    services.functions = &executor;
    edge.UseFunctions(&functions);
  }

  // A published function associated with a new distribution's default
  // behavior for event_type, deployed; returns the distribution's domain.
  std::string DistributionWith(const std::string& event_type) {
    const auto created = Call("CreateFunction", {{"Name", "f"},
                                                 {"FunctionConfig", {{"Comment", ""}, {"Runtime", "cloudfront-js-2.0"}}},
                                                 {"FunctionCode", "ZnVuY3Rpb24gaGFuZGxlcihlKSB7fQ=="}});
    REQUIRE(created);
    REQUIRE(Call("PublishFunction", {{"Name", "f"}, {"IfMatch", created.value()["ETag"]}}));
    Json config = engine::MinimalDistributionConfig("fn");
    config["Origins"]["Items"][0] = {
        {"Id", "s3"},
        {"DomainName", "origin.test"},
        {"CustomOriginConfig", {{"HTTPPort", 80}, {"HTTPSPort", 443}, {"OriginProtocolPolicy", "http-only"}}}};
    config["DefaultCacheBehavior"]["FunctionAssociations"] = {
        {"Quantity", 1},
        {"Items", {{{"EventType", event_type}, {"FunctionARN", "arn:aws:cloudfront::111111111111:function/f"}}}}};
    const auto distribution = Call("CreateDistribution", {{"DistributionConfig", config}});
    REQUIRE(distribution);
    clock.Advance(std::chrono::seconds(6));
    return distribution.value()["Distribution"]["DomainName"];
  }

  ViewerResponse Get(const std::string& host, const std::string& target) {
    return edge.Serve({"GET", target, {{"Host", host}, {"Cookie", "a=1"}}, "", "10.0.0.1", 1234, false});
  }
};

}  // namespace

TEST_CASE_FIXTURE(FunctionsFixture, "edge: a viewer-request function's rewrite makes the cache key and the origin's target") {
  const std::string domain = DistributionWith("viewer-request");
  executor.next = Returning({{"request", {{"uri", "/rewritten"}, {"querystring", Json::object()}}}}, {"ran"});
  auto first = Get(domain, "/a");
  CHECK(first.status == 200);
  CHECK(first.body == "/rewritten");
  CHECK(HeaderValue(first.headers, "X-Cache") == "Miss from cloudfront");
  auto second = Get(domain, "/b");  // rewritten alike: the same cache key
  CHECK(HeaderValue(second.headers, "X-Cache") == "Hit from cloudfront");
  CHECK(origin.seen.size() == 1);
  REQUIRE(executor.events.size() == 2);
  CHECK(executor.events[0]["request"]["uri"] == "/a");
  CHECK(executor.events[0]["request"]["cookies"]["a"]["value"] == "1");
  CHECK(executor.events[0]["context"]["distributionDomainName"] == domain);
  CHECK(executor.events[0]["viewer"]["ip"] == "10.0.0.1");
  const auto runs = functions.logs().Recent("", "f", 10);
  REQUIRE(runs.size() == 2);
  CHECK(runs[0].lines == std::vector<std::string>{"ran"});

  executor.next = Returning({{"response", {{"statusCode", 302}, {"headers", {{"location", {{"value", "/x"}}}}}}}});
  auto generated = Get(domain, "/c");
  CHECK(generated.status == 302);
  CHECK(HeaderValue(generated.headers, "Location") == "/x");
  CHECK(HeaderValue(generated.headers, "X-Cache") == "FunctionGeneratedResponse from cloudfront");
  CHECK(origin.seen.size() == 1);

  executor.next = runtime::ExecutionResult{runtime::ExecutionResult::Outcome::kTimeLimit, "", {}, "too slow", 100};
  auto throttled = Get(domain, "/d");
  CHECK(throttled.status == 503);
  CHECK(HeaderValue(throttled.headers, "X-Cache") == "FunctionThrottledError from cloudfront");
  CHECK(functions.logs().Recent("", "", 1)[0].error == "too slow");
  executor.next = Returning({{"request", {{"uri", "no-slash"}}}});
  auto invalid = Get(domain, "/e");
  CHECK(invalid.status == 503);
  CHECK(HeaderValue(invalid.headers, "X-Cache") == "FunctionExecutionError from cloudfront");
}

TEST_CASE_FIXTURE(FunctionsFixture, "edge: a viewer-response function changes hits and misses") {
  const std::string domain = DistributionWith("viewer-response");
  executor.next = Returning({{"response", {{"statusCode", 201}, {"headers", {{"x-added", {{"value", "1"}}}}}}}});
  for (const char* expected : {"Miss from cloudfront", "Hit from cloudfront"}) {
    auto answer = Get(domain, "/a");
    CHECK(answer.status == 201);
    CHECK(answer.body == "/a");
    CHECK(HeaderValue(answer.headers, "x-added") == "1");
    CHECK(HeaderValue(answer.headers, "X-Cache") == "");  // the function's headers replace the answer's
    CHECK(executor.events.back()["response"]["headers"]["x-cache"]["value"] == expected);
  }
  CHECK(origin.seen.size() == 1);
  // An answer of 400 or more is not given to the function.
  const auto runs = executor.events.size();
  CHECK(Get(domain, "/missing").status == 404);
  CHECK(executor.events.size() == runs);
}

TEST_CASE("a viewer-request function's returned request: uri, querystring, headers, cookies") {
  const Headers original = {{"Host", "d1.cloudfront.net"}, {"Accept", "*/*"}, {"Cookie", "a=1"}};
  const auto returned = Json::parse(R"({
    "method": "GET", "uri": "/en/index.html",
    "querystring": {"q": {"value": "a b/c"}, "tag": {"value": "x", "multiValue": [{"value": "x"}, {"value": "y"}]}},
    "headers": {"accept": {"value": "text/html"}, "host": {"value": "evil.example"},
                "x-multi": {"value": "1", "multiValue": [{"value": "1"}, {"value": "2"}]}},
    "cookies": {"session": {"value": "s1"}, "theme": {"value": "dark"}}})");
  auto rewritten = RequestFromFunction(returned, original);
  REQUIRE(rewritten.ok());
  CHECK(rewritten.value().path == "/en/index.html");
  CHECK(rewritten.value().query == "q=a%20b%2Fc&tag=x&tag=y");
  const Headers expected = {{"Host", "d1.cloudfront.net"},  // read-only: the viewer's
                            {"accept", "text/html"},
                            {"x-multi", "1"},
                            {"x-multi", "2"},
                            {"cookie", "session=s1; theme=dark"}};
  CHECK(rewritten.value().headers == expected);

  CHECK_FALSE(RequestFromFunction(Json::parse(R"({"uri": "no-slash"})"), original).ok());
  CHECK_FALSE(RequestFromFunction(Json::parse(R"({"uri": "/", "headers": {"x": {"value": 1}}})"), original).ok());
  // A uri with what a request target cannot hold is encoded; '%' stays.
  auto spaced = RequestFromFunction(Json::parse(R"({"uri": "/a b?c%2F"})"), original);
  REQUIRE(spaced.ok());
  CHECK(spaced.value().path == "/a%20b%3Fc%2F");
  CHECK(spaced.value().headers == Headers{{"Host", "d1.cloudfront.net"}});  // no cookies: no Cookie header
}

TEST_CASE("a response generated by a viewer-request function") {
  auto redirect = ResponseFromFunction(Json::parse(R"({
    "statusCode": 302, "statusDescription": "Found",
    "headers": {"location": {"value": "https://example.com/"}, "content-length": {"value": "999"}},
    "cookies": {"id": {"value": "1", "attributes": "Secure; Path=/"},
                "m": {"value": "a", "multiValue": [{"value": "a"}, {"value": "b", "attributes": "HttpOnly"}]}}})"));
  REQUIRE(redirect.ok());
  CHECK(redirect.value().status == 302);
  const Headers expected = {{"location", "https://example.com/"},
                            {"set-cookie", "id=1; Secure; Path=/"},
                            {"set-cookie", "m=a"},
                            {"set-cookie", "m=b; HttpOnly"}};
  CHECK(redirect.value().headers == expected);
  CHECK(redirect.value().body.empty());

  auto text = ResponseFromFunction(Json::parse(R"({"statusCode": 200, "body": "hello"})"));
  REQUIRE(text.ok());
  CHECK(text.value().body == "hello");
  auto base64 = ResponseFromFunction(Json::parse(R"({"statusCode": 200, "body": {"data": "aGk=", "encoding": "base64"}})"));
  REQUIRE(base64.ok());
  CHECK(base64.value().body == "hi");
  CHECK_FALSE(ResponseFromFunction(Json::parse(R"({"statusCode": 200, "body": {"data": "x", "encoding": "hex"}})")).ok());
  CHECK_FALSE(ResponseFromFunction(Json::parse(R"({"statusCode": 42})")).ok());
  CHECK_FALSE(ResponseFromFunction(Json::parse(R"({"statusCode": 200, "body": ")" + std::string(41 * 1024, 'x') +
                                               R"("})"))
                  .ok());
}

TEST_CASE("a viewer-response function changes status, headers and cookies, never the body") {
  ViewerResponse response{200, {{"Content-Type", "text/html"}, {"Content-Length", "5"}, {"Set-Cookie", "old=1"}},
                          "hello"};
  const auto returned = Json::parse(R"({"statusCode": 404,
    "headers": {"content-type": {"value": "text/plain"}, "x-added": {"value": "yes"}, "content-length": {"value": "1"}},
    "cookies": {"new": {"value": "2"}}, "body": "ignored"})");
  REQUIRE(ApplyFunctionResponse(returned, response).ok());
  CHECK(response.status == 404);
  CHECK(response.body == "hello");
  const Headers expected = {
      {"Content-Length", "5"}, {"content-type", "text/plain"}, {"x-added", "yes"}, {"set-cookie", "new=2"}};
  CHECK(response.headers == expected);
}

TEST_CASE("the viewer-response event: the request, and the response with Set-Cookie as cookies") {
  const runtime::ViewerRequest request{"GET", "/a", "x=1", {{"Cookie", "c=3"}}, "203.0.113.9"};
  const runtime::ViewerResponseData data{
      200, "OK", {{"Content-Type", "text/html"}, {"Set-Cookie", "id=7; Path=/"}, {"Set-Cookie", "id=8"}}};
  const auto event = Json::parse(runtime::ViewerResponseEvent(request, data, {"d1.cloudfront.net", "E1", "rid"}));
  CHECK(event["context"]["eventType"] == "viewer-response");
  CHECK(event["viewer"]["ip"] == "203.0.113.9");
  CHECK(event["request"]["cookies"]["c"]["value"] == "3");
  CHECK(event["request"]["querystring"]["x"]["value"] == "1");
  CHECK(event["response"]["statusCode"] == 200);
  CHECK(event["response"]["headers"]["content-type"]["value"] == "text/html");
  CHECK_FALSE(event["response"]["headers"].contains("set-cookie"));
  CHECK(event["response"]["cookies"]["id"]["value"] == "7");
  CHECK(event["response"]["cookies"]["id"]["attributes"] == "Path=/");
  CHECK(event["response"]["cookies"]["id"]["multiValue"][1]["value"] == "8");
}

TEST_CASE("associations, Lambda@Edge skipped, function names") {
  const auto behavior = Json::parse(R"({
    "FunctionAssociations": {"Quantity": 1, "Items": [
      {"EventType": "viewer-response", "FunctionARN": "arn:aws:cloudfront::123456789012:function/add-header"}]},
    "LambdaFunctionAssociations": {"Quantity": 1, "Items": [
      {"EventType": "origin-request", "LambdaFunctionARN": "arn:aws:lambda:us-east-1:123456789012:function:f:1"}]}})");
  CHECK(AssociatedFunction(behavior, "viewer-request").empty());
  CHECK(AssociatedFunction(behavior, "viewer-response") == "arn:aws:cloudfront::123456789012:function/add-header");
  Headers headers;
  AddLambdaSkipped(behavior, headers);
  CHECK(headers ==
        Headers{{"X-Cfl-Lambda-Skipped", "origin-request=arn:aws:lambda:us-east-1:123456789012:function:f:1"}});
  CHECK(FunctionNameOf("arn:aws:cloudfront::123456789012:function/add-header") == "add-header");
  CHECK(FunctionNameOf("add-header").empty());
}

TEST_CASE("function logs: a bounded ring, newest first, filtered") {
  FunctionLogs logs(2);
  logs.Record({1, "E1", "f", "viewer-request", "r1", {"one"}, "", 1});
  logs.Record({2, "E2", "g", "viewer-request", "r2", {"two"}, "", 1});
  logs.Record({3, "E1", "f", "viewer-response", "r3", {"three"}, "boom", 1});
  auto all = logs.Recent("", "", 10);
  REQUIRE(all.size() == 2);  // the oldest went
  CHECK(all[0].request_id == "r3");
  CHECK(all[1].request_id == "r2");
  CHECK(logs.Recent("E1", "", 10).size() == 1);
  CHECK(logs.Recent("", "g", 10).size() == 1);
  CHECK(logs.Recent("", "", 1).size() == 1);
  CHECK(FunctionLogJson(all[0])["error"] == "boom");
  logs.Clear();
  CHECK(logs.Recent("", "", 10).empty());
}

}  // namespace cfl::edge
