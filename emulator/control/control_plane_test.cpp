#include "emulator/control/control_plane.h"

#include <doctest/doctest.h>

#include "emulator/api/dispatcher.h"

namespace cfl::control {
namespace {

constexpr const char* kAccount = "111111111111";

// The control plane and the API pipeline on one in-memory store, without HTTP.
struct Env {
  std::unique_ptr<store::Store> store = std::get<std::unique_ptr<store::Store>>(store::OpenSqliteStore(""));
  SystemClock clock;
  api::RuntimeSettings settings;
  api::Services services{*store, clock, settings};
  FaultRules faults;
  RequestJournal journal{100};
  api::Dispatcher dispatcher{services, "123456789012", &faults};
  std::unique_ptr<ControlPlane> control;

  Env() {
    settings.propagation_delay_ms = 60'000;
    control = std::make_unique<ControlPlane>(ControlDeps{services, clock, faults, journal, "123456789012"});
  }

  ControlResponse Control(std::string_view method, std::string_view path, const Json& body = nullptr,
                          QueryMap query = {}) {
    const std::string text = body.is_null() ? "" : body.dump();
    auto response = control->Handle({method, path, text, std::move(query)});
    if (response.stream) {  // what the client would read, whole
      std::string streamed;
      REQUIRE(response.stream([&](std::string_view piece) {
        streamed.append(piece);
        return true;
      }));
      response.body = Json::parse(streamed);
    }
    return response;
  }

  model::HttpResponseParts Api(std::string_view method, std::string_view path, std::string body = "",
                               std::string if_match = "") {
    const model::QueryMap query;
    const std::string authorization =
        std::string("AWS4-HMAC-SHA256 Credential=") + kAccount + "/20240101/us-east-1/cloudfront/aws4_request";
    model::HttpRequestView view{method, path, query,
                                [&](std::string_view name) -> std::optional<std::string> {
                                  if (name == "Authorization") return authorization;
                                  if (name == "If-Match" && !if_match.empty()) return if_match;
                                  return std::nullopt;
                                },
                                body};
    api::CallRecord call;
    auto response = dispatcher.Handle(view, call);
    control->RecordCall(call);
    return response;
  }

  std::string Header(const model::HttpResponseParts& response, std::string_view name) {
    for (const auto& [key, value] : response.headers) {
      if (key == name) return value;
    }
    return "";
  }

  static std::string ConfigXml(const std::string& caller_reference) {
    return "<DistributionConfig><CallerReference>" + caller_reference +
           "</CallerReference><Origins><Quantity>1</Quantity><Items><Origin><Id>o</Id>"
           "<DomainName>b.s3.amazonaws.com</DomainName><S3OriginConfig><OriginAccessIdentity/>"
           "</S3OriginConfig></Origin></Items></Origins><DefaultCacheBehavior><TargetOriginId>o"
           "</TargetOriginId><ViewerProtocolPolicy>allow-all</ViewerProtocolPolicy><CachePolicyId>"
           "658327ea-f89d-4fab-a63d-7e88639e58f6</CachePolicyId></DefaultCacheBehavior><Comment/>"
           "<Enabled>true</Enabled></DistributionConfig>";
  }

  // Creates a distribution through the API; returns its id.
  std::string Create(const std::string& caller_reference) {
    auto response = Api("POST", "/2020-05-31/distribution", ConfigXml(caller_reference));
    REQUIRE(response.status == 201);
    const auto location = Header(response, "Location");
    return location.substr(location.rfind('/') + 1);
  }

  store::Record Stored(const std::string& id) { return *store->Get(kAccount, "distribution", id); }
};

TEST_CASE("health counts the operations of each model and names the ones without a handler") {
  Env env;
  const auto health = env.Control("GET", "/health");
  REQUIRE(health.status == 200);
  const auto& cloudfront = health.body["operations"]["cloudfront"];
  CHECK(cloudfront["operations"] == 167);
  CHECK(cloudfront["implemented"].get<int>() + cloudfront["not_implemented"].size() == 167);
  CHECK(health.body["operations"]["cloudfront-keyvaluestore"]["operations"] == 6);
}

TEST_CASE("the router answers 404 for unknown paths and 405 with the allowed methods") {
  Env env;
  CHECK(env.Control("GET", "/health").status == 200);
  CHECK(env.Control("GET", "/nope").status == 404);
  CHECK(env.Control("GET", "/").status == 404);
  CHECK(env.Control("GET", "/faults/a/b").status == 404);
  auto wrong = env.Control("DELETE", "/clock");
  CHECK(wrong.status == 405);
  CHECK(wrong.body["allow"] == Json::array({"GET", "POST"}));
  CHECK(env.Control("GET", "/faults/").status == 200);  // a trailing slash is the same path
  CHECK(env.Control("POST", "/reset", Json::array()).status == 400);
}

TEST_CASE("the clock moves forward only, and status follows it") {
  Env env;
  const std::string id = env.Create("clock");
  CHECK(env.Control("GET", "/state").body["resources"][0]["status"] == "InProgress");
  CHECK(env.Control("POST", "/clock", {{"advance_seconds", -5}}).status == 400);
  CHECK(env.Control("POST", "/clock", Json::object()).status == 400);
  auto advanced = env.Control("POST", "/clock", {{"advance_seconds", 60}});
  CHECK(advanced.status == 200);
  CHECK(advanced.body["offset_seconds"] == 60.0);
  CHECK(env.Control("GET", "/state").body["resources"][0]["status"] == "Deployed");
  CHECK(env.Control("POST", "/reset").body["clock"]["offset_seconds"] == 0.0);
  CHECK(env.clock.offset().count() == 0);
}

TEST_CASE("the state is streamed: a writer that stops stops the export") {
  Env env;
  for (int i = 0; i < 3; ++i) env.Create("stream-" + std::to_string(i));
  auto response = env.control->Handle({"GET", "/state", "", {}});
  REQUIRE(response.stream);
  int pieces = 0;
  CHECK_FALSE(response.stream([&](std::string_view) { return ++pieces > 5; }));
  CHECK(pieces == 1);
  // The export is the records as they were when it was asked for.
  env.Create("after");
  std::string text;
  CHECK(response.stream([&](std::string_view piece) { return text.append(piece), true; }));
  CHECK(Json::parse(text)["resources"].size() == 3);
}

TEST_CASE("the clock moves at most a century ahead in all: the 2262 wrap-around cannot be reached") {
  Env env;
  const Json century = {{"advance_seconds", 3153600000}};
  CHECK(env.Control("POST", "/clock", century).status == 200);
  const auto refused = env.Control("POST", "/clock", century);
  CHECK(refused.status == 400);
  CHECK(refused.body["error"].get<std::string>().find("100 years") != std::string::npos);
  CHECK(env.Control("POST", "/clock", {{"advance_seconds", 1}}).status == 400);
  const auto now = env.Control("GET", "/clock").body;
  CHECK(now["offset_seconds"] == 3153600000.0);
  CHECK(now["now"].get<std::string>() > "2120");
  CHECK(now["now"].get<std::string>() < "2200");
  CHECK(env.Control("POST", "/reset").status == 200);
  CHECK(env.Control("POST", "/clock", century).status == 200);
}

TEST_CASE("config changes the delays at run time; a full reset restores them") {
  Env env;
  auto patched = env.Control("PATCH", "/config", {{"propagation_delay_seconds", 0.5}, {"max_distributions", 2}});
  CHECK(patched.status == 200);
  CHECK(env.settings.propagation_delay_ms == 500);
  CHECK(env.settings.max_distributions == 2);
  CHECK(env.Control("PATCH", "/config", {{"propagation_delay_seconds", 3}, {"typo", 1}}).status == 400);
  CHECK(env.settings.propagation_delay_ms == 500);
  env.Control("POST", "/reset", {{"account", kAccount}});
  CHECK(env.settings.propagation_delay_ms == 500);  // per-account reset leaves settings alone
  env.Control("POST", "/reset");
  CHECK(env.settings.propagation_delay_ms == 60'000);
  CHECK(env.settings.max_distributions == 500);
}

TEST_CASE("settle finishes what is in progress; an unknown id is 404") {
  Env env;
  const std::string id = env.Create("settle");
  CHECK(env.Control("POST", "/settle", {{"id", "ENOPE"}}).status == 404);
  CHECK(env.Control("POST", "/settle", {{"id", id}, {"account", "222222222222"}}).status == 404);
  auto settled = env.Control("POST", "/settle", {{"id", id}});
  CHECK(settled.body["settled"] == 1);
  CHECK(env.Control("POST", "/settle").body["settled"] == 0);
}

TEST_CASE("touch makes a new version through the engine") {
  Env env;
  const std::string id = env.Create("touch");
  const auto before = env.Stored(id);
  auto touched = env.Control("POST", "/resources/" + id + "/touch", {{"enabled", false}, {"comment", "other"}});
  REQUIRE(touched.status == 200);
  const auto after = env.Stored(id);
  CHECK(after.etag == touched.body["etag"]);
  CHECK(touched.body["previous_etag"] == before.etag);
  CHECK(after.etag != before.etag);
  CHECK(after.document.find("\"Enabled\":false") != std::string::npos);
  CHECK(after.document.find("\"Comment\":\"other\"") != std::string::npos);
  CHECK(after.settles_at_ms == after.modified_ms + 60'000);

  // The old ETag now loses, as it would against another writer.
  auto stale = env.Api("DELETE", "/2020-05-31/distribution/" + id, "", before.etag);
  CHECK(stale.status == 412);
  CHECK(env.Control("POST", "/resources/ENOPE/touch").status == 404);
  CHECK(env.Control("POST", "/resources/" + id + "/touch", {{"enabled", 1}}).status == 400);
}

TEST_CASE("a fault answers before the handler with the real error and request id, and changes nothing") {
  Env env;
  const std::string id = env.Create("fault");
  const auto before = env.Stored(id);
  auto added = env.Control("POST", "/faults",
                           {{"operation", "UpdateDistribution"}, {"error", "PreconditionFailed"}, {"resource_id", id}});
  CHECK(added.status == 201);
  auto response = env.Api("PUT", "/2020-05-31/distribution/" + id + "/config", Env::ConfigXml("fault"), before.etag);
  CHECK(response.status == 412);
  const std::string request_id = env.Header(response, "x-amzn-RequestId");
  CHECK(response.body.find("<Code>PreconditionFailed</Code>") != std::string::npos);
  CHECK(response.body.find("<RequestId>" + request_id + "</RequestId>") != std::string::npos);
  CHECK(env.Stored(id).etag == before.etag);
  CHECK(env.Control("GET", "/faults").body["faults"].empty());
  // Without the rule the same request is served.
  CHECK(env.Api("PUT", "/2020-05-31/distribution/" + id + "/config", Env::ConfigXml("fault"), before.etag).status ==
        200);

  auto journal = env.Control("GET", "/requests", nullptr, {{"operation", "UpdateDistribution"}});
  REQUIRE(journal.body["requests"].size() == 2);
  CHECK(journal.body["requests"][0]["fault"] == false);
  const auto& call = journal.body["requests"][1];
  CHECK(call["fault"] == true);
  CHECK(call["request_id"] == request_id);
  CHECK(call["if_match"] == before.etag);
  CHECK(call["method"] == "PUT");
}

TEST_CASE("state export and import through the control plane") {
  Env env;
  env.Create("one");
  env.Create("two");
  const Json snapshot = env.Control("GET", "/state").body;
  REQUIRE(snapshot["resources"].size() == 2);
  env.Control("POST", "/reset");
  CHECK(std::get<std::vector<store::Record>>(env.store->All()).empty());
  CHECK(env.Control("PUT", "/state", {{"resources", {{{"id", "E1"}}}}}).status == 400);
  CHECK(std::get<std::vector<store::Record>>(env.store->All()).empty());
  auto imported = env.Control("PUT", "/state", snapshot);
  CHECK(imported.status == 200);
  CHECK(imported.body["resources"] == 2);
  CHECK(env.Control("GET", "/state").body["resources"] == snapshot["resources"]);
  Json duplicate = snapshot;
  duplicate["resources"].push_back(snapshot["resources"][0]);
  auto refused = env.Control("PUT", "/state", duplicate);
  CHECK(refused.status == 400);
  CHECK(std::get<std::vector<store::Record>>(env.store->All()).size() == 2);
}

TEST_CASE("reset of one account keeps the others") {
  Env env;
  env.Create("mine");
  store::Record other = std::get<std::vector<store::Record>>(env.store->All()).at(0);
  other.account = "222222222222";
  other.id = "EOTHER";
  other.sequence = 0;
  REQUIRE(std::holds_alternative<store::Record>(env.store->Insert(other)));
  env.faults.Add({"*", MakeError("Throttling", "Rate exceeded"), 1, "", kAccount, 0});
  CHECK(env.Control("POST", "/reset", {{"account", kAccount}}).status == 200);
  const auto left = std::get<std::vector<store::Record>>(env.store->All());
  REQUIRE(left.size() == 1);
  CHECK(left[0].account == "222222222222");
  CHECK(env.faults.List().empty());
  CHECK(env.Control("GET", "/requests", nullptr, {{"account", kAccount}}).body["requests"].empty());
}

// The routes of the dashboard: its files, and the JSON it reads.

// A GET of the control plane with a query.
ControlResponse Get(Env& env, std::string_view path, QueryMap query = {}) {
  return env.Control("GET", path, nullptr, std::move(query));
}

std::string ResponseHeader(const ControlResponse& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return "";
}

TEST_CASE("dashboard routes: the page and its files, with a policy that loads nothing from elsewhere") {
  Env env;
  for (const char* path : {"/ui", "/ui/", "/ui/index.html"}) {
    const auto page = Get(env, path);
    CHECK(page.status == 200);
    CHECK(page.content_type == "text/html; charset=utf-8");
    CHECK(page.text.find("/_emulator/ui/dashboard.js") != std::string::npos);
    CHECK(ResponseHeader(page, "Content-Security-Policy").starts_with("default-src 'none'; script-src 'self'"));
  }
  const auto script = Get(env, "/ui/dashboard.js");
  CHECK(script.status == 200);
  CHECK(script.content_type == "text/javascript; charset=utf-8");
  const auto missing = Get(env, "/ui/missing.js");
  CHECK(missing.status == 404);
  CHECK(missing.content_type.empty());  // a JSON error like every other control answer
  CHECK(env.control->Handle({"POST", "/ui", "{}", {}}).status == 405);
}

TEST_CASE("dashboard routes: accounts, resources and one resource answer JSON; bad queries are 400") {
  Env env;
  const auto accounts = Get(env, "/accounts");
  CHECK(accounts.status == 200);
  CHECK(accounts.content_type.empty());
  CHECK(accounts.body["default_account"] == "123456789012");
  CHECK(accounts.body["accounts"][0]["default"] == true);
  const auto page = Get(env, "/resources");
  CHECK(page.status == 200);
  CHECK(page.body["resources"].empty());
  CHECK(page.body["total"] == 0);
  CHECK(Get(env, "/resources", {{"limit", "x"}}).status == 400);
  CHECK(Get(env, "/resources/E123").status == 404);
  const auto journal = Get(env, "/requests", {{"after", "3"}});
  CHECK(journal.status == 200);
  CHECK(journal.body["last_sequence"] == 0);
}

}  // namespace
}  // namespace cfl::control
