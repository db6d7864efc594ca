#include "emulator/control/control_plane.h"

#include <malloc.h>

#include <charconv>
#include <cmath>

#include "emulator/control/dashboard_files.h"
#include "emulator/control/resource_browser.h"
#include "emulator/control/snapshot.h"
#include "emulator/control/touch.h"
#include "emulator/edge/edge_functions.h"
#include "emulator/engine/registry.h"

namespace cfl::control {
namespace {

constexpr double kMaxAdvanceSeconds = static_cast<double>(kMaxClockOffset.count()) / 1000.0;
constexpr double kMaxDelaySeconds = 7.0 * 24 * 3600;              // a week

// {"cloudfront": {"api_version", "operations", "implemented", "not_implemented": [...]}, ...}
Json OperationsJson() {
  Json operations = Json::object();
  for (const auto& coverage : engine::CoverageOf(engine::Registry::Get().Handlers())) {
    Json missing = Json::array();
    for (const auto name : coverage.not_implemented) missing.push_back(name);
    operations[std::string(coverage.service->name)] = {
        {"api_version", coverage.service->api_version},
        {"operations", coverage.operations},
        {"implemented", coverage.operations - coverage.not_implemented.size()},
        {"not_implemented", std::move(missing)}};
  }
  return operations;
}

ControlResponse Error(const Problem& problem) {
  Json body = {{"error", problem.message}};
  if (!problem.code.empty()) body["code"] = problem.code;
  return {problem.status, std::move(body)};
}

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> segments;
  while (!path.empty()) {
    const auto slash = path.find('/');
    const auto segment = path.substr(0, slash);
    if (!segment.empty()) segments.push_back(segment);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

bool Match(std::string_view pattern, const std::vector<std::string_view>& path, ControlPlane::Params& params) {
  const auto parts = Segments(pattern);
  if (parts.size() != path.size()) return false;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i] == "{}") {
      params.emplace_back(path[i]);
    } else if (parts[i] != path[i]) {
      return false;
    }
  }
  return true;
}

std::int64_t SecondsToMillis(double seconds) { return static_cast<std::int64_t>(std::llround(seconds * 1000.0)); }

double MillisToSeconds(std::int64_t ms) { return static_cast<double>(ms) / 1000.0; }

// Reads the body as an object with only the allowed members.
Result<Json, Problem> Body(const ControlRequest& request, std::initializer_list<std::string_view> allowed) {
  auto body = ParseObject(request.body);
  if (!body) return body;
  if (auto ok = OnlyMembers(body.value(), allowed); !ok) return Fail(std::move(ok).error());
  return body;
}

Result<bool, Problem> Exists(store::Store& store, const std::string& id, const std::optional<std::string>& account) {
  auto all = store.All();
  if (auto* error = std::get_if<store::StoreError>(&all)) return Fail(StoreProblem(*error));
  for (const auto& record : std::get<std::vector<store::Record>>(all)) {
    if (record.id == id && (!account || record.account == *account)) return true;
  }
  return false;
}

}  // namespace

const std::vector<ControlPlane::Endpoint>& ControlPlane::Endpoints() {
  static const std::vector<Endpoint> endpoints = {
      {"GET", "/health", &ControlPlane::Health},
      {"POST", "/reset", &ControlPlane::Reset},
      {"GET", "/clock", &ControlPlane::GetClock},
      {"POST", "/clock", &ControlPlane::AdvanceClock},
      {"POST", "/settle", &ControlPlane::Settle},
      {"GET", "/config", &ControlPlane::GetConfig},
      {"PATCH", "/config", &ControlPlane::PatchConfig},
      {"POST", "/resources/{}/touch", &ControlPlane::Touch},
      {"POST", "/faults", &ControlPlane::AddFault},
      {"GET", "/faults", &ControlPlane::ListFaults},
      {"DELETE", "/faults", &ControlPlane::ClearFaults},
      {"DELETE", "/faults/{}", &ControlPlane::RemoveFault},
      {"GET", "/requests", &ControlPlane::ListRequests},
      {"DELETE", "/requests", &ControlPlane::ClearRequests},
      {"GET", "/state", &ControlPlane::ExportState},
      {"PUT", "/state", &ControlPlane::ImportState},
      {"GET", "/accounts", &ControlPlane::ListAccounts},
      {"GET", "/resources", &ControlPlane::BrowseResources},
      {"GET", "/resources/{}", &ControlPlane::DescribeResource},
      {"DELETE", "/edge/cache", &ControlPlane::ClearEdgeCache},
      {"GET", "/edge/logs", &ControlPlane::EdgeLogs},
      {"DELETE", "/edge/logs", &ControlPlane::ClearEdgeLogs},
      {"GET", "/edge/ca.pem", &ControlPlane::EdgeCaPem},
      {"GET", "/edge/function-logs", &ControlPlane::EdgeFunctionLogs},
      {"DELETE", "/edge/function-logs", &ControlPlane::ClearEdgeFunctionLogs},
      {"GET", "/edge/viewer", &ControlPlane::EdgeViewer},
      {"PUT", "/edge/viewer", &ControlPlane::SetEdgeViewer},
      {"GET", "/edge/traffic", &ControlPlane::EdgeTraffic},
      {"PUT", "/edge/traffic", &ControlPlane::SetEdgeTraffic},
      {"GET", "/ui", &ControlPlane::DashboardPage},
      {"GET", "/ui/{}", &ControlPlane::DashboardFile},
  };
  return endpoints;
}

ControlPlane::ControlPlane(ControlDeps deps)
    : deps_(deps),
      startup_{deps.services.settings.propagation_delay_ms.load(), deps.services.settings.invalidation_delay_ms.load(),
               deps.services.settings.max_distributions.load(), deps.services.settings.function_time_limit_ms.load(),
               deps.services.settings.function_memory_limit_mb.load()},
      operations_(OperationsJson()) {}

ControlResponse ControlPlane::Handle(const ControlRequest& request) {
  const auto path = Segments(request.path);
  Json allowed = Json::array();
  for (const auto& endpoint : Endpoints()) {
    Params params;
    if (!Match(endpoint.pattern, path, params)) continue;
    if (endpoint.method != request.method) {
      allowed.push_back(endpoint.method);
      continue;
    }
    try {
      return (this->*endpoint.action)(request, params);
    } catch (const std::exception& error) {
      return {500, {{"error", std::string("internal error: ") + error.what()}}};
    }
  }
  const std::string where = "/_emulator" + std::string(request.path);
  if (!allowed.empty()) {
    return {405, {{"error", std::string(request.method) + " is not allowed on " + where}, {"allow", allowed}}};
  }
  return {404, {{"error", "no control endpoint " + where}}};
}

void ControlPlane::RecordCall(const api::CallRecord& call) { deps_.journal.Record(call); }

std::int64_t ControlPlane::NowMs() const { return ToMillis(deps_.clock.Now()); }

Json ControlPlane::ClockJson() const {
  const std::int64_t now = NowMs();
  return {{"now", FormatIso8601(now)},
          {"now_ms", now},
          {"offset_seconds", MillisToSeconds(deps_.clock.offset().count())}};
}

Json ControlPlane::ConfigJson() const {
  const auto& settings = deps_.services.settings;
  return {{"propagation_delay_seconds", MillisToSeconds(settings.propagation_delay_ms.load())},
          {"invalidation_delay_seconds", MillisToSeconds(settings.invalidation_delay_ms.load())},
          {"max_distributions", settings.max_distributions.load()},
          {"function_time_limit_ms", settings.function_time_limit_ms.load()},
          {"function_memory_limit_mb", settings.function_memory_limit_mb.load()}};
}

ControlResponse ControlPlane::Health(const ControlRequest&, const Params&) {
  auto counts = deps_.services.store.CountByKind();
  if (auto* error = std::get_if<store::StoreError>(&counts)) return Error(StoreProblem(*error));
  Json resources = Json::object();
  for (const auto& count : std::get<std::vector<store::Counts>>(counts)) {
    resources[count.kind] = resources.value(count.kind, 0) + count.count;
  }
  const auto uptime = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  Json health = {{"status", "ok"}, {"version", CFL_VERSION}, {"uptime_seconds", uptime}, {"resources", resources}};
  health["operations"] = operations_;
  if (deps_.edge) health["edge"] = EdgeJson();
  return {200, std::move(health)};
}

Json ControlPlane::EdgeJson() const {
  const auto stats = deps_.edge->Stats();
  const auto cache = deps_.edge->CacheStatistics();
  return {{"http", deps_.edge_http},
          {"https", deps_.edge_https},
          {"requests", stats.requests},
          {"errors", stats.errors},
          {"cache",
           {{"hits", cache.hits},
            {"misses", cache.misses},
            {"entries", cache.entries},
            {"bytes", cache.bytes},
            {"max_entries", cache.max_entries},
            {"max_bytes", cache.max_bytes}}}};
}

ControlResponse ControlPlane::ClearEdgeCache(const ControlRequest&, const Params&) {
  if (!deps_.edge) return {404, {{"error", "the edge is turned off (--no-edge)"}}};
  return {200, {{"cleared", deps_.edge->ClearCache()}}};
}

namespace {

// The limit parameter of the edge's log endpoints: 0 to 10000, 100 when absent.
Result<std::size_t, Problem> LimitParameter(const ControlRequest& request) {
  auto given = Parameter(request.query, "limit");
  if (!given) return std::size_t{100};
  std::size_t number = 0;
  const auto parsed = std::from_chars(given->data(), given->data() + given->size(), number);
  if (given->empty() || parsed.ec != std::errc() || parsed.ptr != given->data() + given->size() || number > 10000) {
    return Fail(BadRequest("limit must be an integer from 0 to 10000, got \"" + given->substr(0, 64) + "\""));
  }
  return number;
}

}  // namespace

ControlResponse ControlPlane::EdgeLogs(const ControlRequest& request, const Params&) {
  if (!deps_.edge) return {404, {{"error", "the edge is turned off (--no-edge)"}}};
  if (auto ok = OnlyParameters(request.query, {"distribution", "limit"}); !ok) return Error(ok.error());
  const auto limit_given = LimitParameter(request);
  if (!limit_given) return Error(limit_given.error());
  const std::size_t limit = limit_given.value();
  Json fields = Json::array();
  for (const auto field : edge::AccessLogFields()) fields.push_back(field);
  Json lines = Json::array();
  for (auto& line : deps_.edge->log().Recent(Parameter(request.query, "distribution").value_or(""), limit)) {
    lines.push_back(std::move(line));
  }
  return {200, {{"fields", std::move(fields)}, {"lines", std::move(lines)}}};
}

ControlResponse ControlPlane::EdgeFunctionLogs(const ControlRequest& request, const Params&) {
  if (!deps_.edge || !deps_.edge->functions()) return {404, {{"error", "the edge is turned off (--no-edge)"}}};
  if (auto ok = OnlyParameters(request.query, {"distribution", "function", "limit"}); !ok) return Error(ok.error());
  const auto limit = LimitParameter(request);
  if (!limit) return Error(limit.error());
  Json runs = Json::array();
  for (const auto& run : deps_.edge->functions()->logs().Recent(Parameter(request.query, "distribution").value_or(""),
                                                               Parameter(request.query, "function").value_or(""),
                                                               limit.value())) {
    runs.push_back(edge::FunctionLogJson(run));
  }
  return {200, {{"runs", std::move(runs)}}};
}

ControlResponse ControlPlane::ClearEdgeFunctionLogs(const ControlRequest&, const Params&) {
  if (!deps_.edge || !deps_.edge->functions()) return {404, {{"error", "the edge is turned off (--no-edge)"}}};
  deps_.edge->functions()->logs().Clear();
  return {200, {{"cleared", true}}};
}

ControlResponse ControlPlane::ClearEdgeLogs(const ControlRequest&, const Params&) {
  if (!deps_.edge) return {404, {{"error", "the edge is turned off (--no-edge)"}}};
  deps_.edge->log().Clear();
  return {200, {{"cleared", true}}};
}

// Where viewers without X-Cfl-Viewer-* test headers are (edge/geo.h).
ControlResponse ControlPlane::EdgeViewer(const ControlRequest&, const Params&) {
  if (!deps_.edge) return {404, {{"error", "the edge is turned off (--no-edge)"}}};
  return {200, edge::ViewerLocationJson(*deps_.edge->ViewerProfile())};
}

ControlResponse ControlPlane::SetEdgeViewer(const ControlRequest& request, const Params&) {
  if (!deps_.edge) return {404, {{"error", "the edge is turned off (--no-edge)"}}};
  auto body = ParseObject(request.body);
  if (!body) return Error(body.error());
  auto location = edge::ViewerLocationFromJson(body.value());
  if (!location) return Error(BadRequest(location.error()));
  deps_.edge->SetViewerProfile(location.value());
  return {200, edge::ViewerLocationJson(location.value())};
}

// The seed of continuous deployment's weighted draws (edge/staging_traffic.h).
ControlResponse ControlPlane::EdgeTraffic(const ControlRequest&, const Params&) {
  if (!deps_.edge) return {404, {{"error", "the edge is turned off (--no-edge)"}}};
  return {200, {{"seed", deps_.edge->staging_traffic().Seed()}}};
}

ControlResponse ControlPlane::SetEdgeTraffic(const ControlRequest& request, const Params&) {
  if (!deps_.edge) return {404, {{"error", "the edge is turned off (--no-edge)"}}};
  auto body = Body(request, {"seed"});
  if (!body) return Error(body.error());
  const auto seed = body.value().find("seed");
  if (seed == body.value().end() || !seed->is_number_unsigned()) {
    return Error(BadRequest("seed must be a non-negative integer"));
  }
  deps_.edge->staging_traffic().SetSeed(seed->get<std::uint64_t>());
  return {200, {{"seed", seed->get<std::uint64_t>()}}};
}

ControlResponse ControlPlane::Reset(const ControlRequest& request, const Params&) {
  auto body = Body(request, {"account"});
  if (!body) return Error(body.error());
  auto account = OptionalAccount(body.value(), "account");
  if (!account) return Error(account.error());
  if (auto reset = deps_.services.store.Reset(*account); auto* error = std::get_if<store::StoreError>(&reset)) {
    return Error(StoreProblem(*error));
  }
  deps_.faults.Clear(*account);
  deps_.journal.Clear(*account);
  if (*account) return {200, {{"reset", "account"}, {"account", **account}}};
  deps_.clock.ResetOffset();
  auto& settings = deps_.services.settings;
  settings.propagation_delay_ms = startup_.propagation_delay_ms;
  settings.invalidation_delay_ms = startup_.invalidation_delay_ms;
  settings.max_distributions = startup_.max_distributions;
  settings.function_time_limit_ms = startup_.function_time_limit_ms;
  settings.function_memory_limit_mb = startup_.function_memory_limit_mb;
  if (deps_.edge) {  // the edge's viewer profile and traffic seed are run-time settings too
    deps_.edge->SetViewerProfile({});
    deps_.edge->staging_traffic().SetSeed(0);
  }
  return {200, {{"reset", "all"}, {"clock", ClockJson()}, {"config", ConfigJson()}}};
}

ControlResponse ControlPlane::GetClock(const ControlRequest&, const Params&) { return {200, ClockJson()}; }

ControlResponse ControlPlane::AdvanceClock(const ControlRequest& request, const Params&) {
  auto body = Body(request, {"advance_seconds"});
  if (!body) return Error(body.error());
  const auto given = body->find("advance_seconds");
  if (given != body->end() && given->is_number() && given->get<double>() < 0) {
    return Error(BadRequest("the clock only moves forward: \"advance_seconds\" must be >= 0"));
  }
  auto seconds = OptionalNumber(body.value(), "advance_seconds", 0, kMaxAdvanceSeconds);
  if (!seconds) return Error(seconds.error());
  if (!*seconds) return Error(BadRequest("\"advance_seconds\" is required"));
  if (!deps_.clock.Advance(std::chrono::milliseconds(SecondsToMillis(**seconds)))) {
    return Error(BadRequest("the clock moves at most " + Json(kMaxAdvanceSeconds).dump() +
                            " seconds (100 years) ahead in all; it is " +
                            Json(MillisToSeconds(deps_.clock.offset().count())).dump() +
                            " seconds ahead already (POST /_emulator/reset sets it back)"));
  }
  return {200, ClockJson()};
}

ControlResponse ControlPlane::Settle(const ControlRequest& request, const Params&) {
  auto body = Body(request, {"id", "account"});
  if (!body) return Error(body.error());
  auto id = OptionalString(body.value(), "id");
  if (!id) return Error(id.error());
  auto account = OptionalAccount(body.value(), "account");
  if (!account) return Error(account.error());
  if (*id) {
    auto exists = Exists(deps_.services.store, **id, *account);
    if (!exists) return Error(exists.error());
    if (!exists.value()) {
      return Error(NotFound("no resource " + **id + (*account ? " in account " + **account : std::string())));
    }
  }
  auto settled = deps_.services.store.SettleAll(NowMs(), *account, *id);
  if (auto* error = std::get_if<store::StoreError>(&settled)) return Error(StoreProblem(*error));
  return {200, {{"settled", std::get<std::int64_t>(settled)}}};
}

ControlResponse ControlPlane::GetConfig(const ControlRequest&, const Params&) { return {200, ConfigJson()}; }

ControlResponse ControlPlane::PatchConfig(const ControlRequest& request, const Params&) {
  auto body = Body(request, {"propagation_delay_seconds", "invalidation_delay_seconds", "max_distributions",
                             "function_time_limit_ms", "function_memory_limit_mb"});
  if (!body) return Error(body.error());
  auto propagation = OptionalNumber(body.value(), "propagation_delay_seconds", 0, kMaxDelaySeconds);
  if (!propagation) return Error(propagation.error());
  auto invalidation = OptionalNumber(body.value(), "invalidation_delay_seconds", 0, kMaxDelaySeconds);
  if (!invalidation) return Error(invalidation.error());
  auto max_distributions = OptionalInteger(body.value(), "max_distributions", 0, 1'000'000'000);
  if (!max_distributions) return Error(max_distributions.error());
  auto time_limit = OptionalInteger(body.value(), "function_time_limit_ms", 1, 60'000);
  if (!time_limit) return Error(time_limit.error());
  auto memory_limit = OptionalInteger(body.value(), "function_memory_limit_mb", 1, 1024);
  if (!memory_limit) return Error(memory_limit.error());
  auto& settings = deps_.services.settings;
  if (*propagation) settings.propagation_delay_ms = SecondsToMillis(**propagation);
  if (*invalidation) settings.invalidation_delay_ms = SecondsToMillis(**invalidation);
  if (*max_distributions) settings.max_distributions = **max_distributions;
  if (*time_limit) settings.function_time_limit_ms = **time_limit;
  if (*memory_limit) settings.function_memory_limit_mb = **memory_limit;
  return {200, ConfigJson()};
}

ControlResponse ControlPlane::Touch(const ControlRequest& request, const Params& params) {
  auto body = ParseObject(request.body);
  if (!body) return Error(body.error());
  auto touch = ParseTouch(body.value());
  if (!touch) return Error(touch.error());
  auto touched = control::Touch(deps_.services, params.at(0), touch.value());
  if (!touched) return Error(touched.error());
  return {200, std::move(touched).value()};
}

ControlResponse ControlPlane::AddFault(const ControlRequest& request, const Params&) {
  auto body = ParseObject(request.body);
  if (!body) return Error(body.error());
  auto spec = ParseFaultRule(body.value());
  if (!spec) return Error(spec.error());
  const std::string id = deps_.faults.Add(std::move(spec).value());
  for (const auto& rule : deps_.faults.List()) {
    if (rule.id == id) return {201, FaultRuleJson(rule)};
  }
  return {201, {{"id", id}}};  // already used up by a request that raced this answer
}

ControlResponse ControlPlane::ListFaults(const ControlRequest&, const Params&) {
  Json rules = Json::array();
  for (const auto& rule : deps_.faults.List()) rules.push_back(FaultRuleJson(rule));
  return {200, {{"faults", std::move(rules)}}};
}

ControlResponse ControlPlane::ClearFaults(const ControlRequest&, const Params&) {
  const auto removed = deps_.faults.List().size();
  deps_.faults.Clear();
  return {200, {{"removed", removed}}};
}

ControlResponse ControlPlane::RemoveFault(const ControlRequest&, const Params& params) {
  if (!deps_.faults.Remove(params.at(0))) return Error(NotFound("no fault rule " + params.at(0)));
  return {200, {{"removed", params.at(0)}}};
}

ControlResponse ControlPlane::ListRequests(const ControlRequest& request, const Params&) {
  auto filter = ParseJournalFilter(request.query);
  if (!filter) return Error(filter.error());
  Json calls = Json::array();
  for (const auto& call : deps_.journal.Recent(filter.value())) calls.push_back(CallJson(call));
  return {200,
          {{"requests", std::move(calls)},
           {"capacity", deps_.journal.capacity()},
           {"last_sequence", deps_.journal.last_sequence()}}};
}

ControlResponse ControlPlane::ClearRequests(const ControlRequest&, const Params&) {
  deps_.journal.Clear();
  return {200, {{"cleared", true}}};
}

ControlResponse ControlPlane::ExportState(const ControlRequest&, const Params&) {
  // One consistent view of the records now; written out as the client reads.
  auto records = std::make_shared<const std::vector<std::shared_ptr<const store::Record>>>(
      deps_.services.store.Current());
  const std::int64_t now_ms = NowMs();
  ControlResponse response{200, nullptr};
  response.stream = [records, now_ms](const std::function<bool(std::string_view)>& write) {
    return WriteSnapshot(*records, now_ms, write);
  };
  return response;
}

ControlResponse ControlPlane::ImportState(const ControlRequest& request, const Params&) {
  auto records = ReadSnapshot(request.body);
  if (!records) return Error(records.error());
  const auto count = records->size();
  auto replaced = deps_.services.store.ReplaceAll(std::move(records).value());
  malloc_trim(0);  // the body and the records read from it are gone: give the memory back
  if (auto* error = std::get_if<store::StoreError>(&replaced)) {
    const int status = error->kind == store::StoreErrorKind::kInvalidInput ? 400 : 500;
    return Error({status, "the snapshot cannot be imported: " + error->message, ""});
  }
  return {200, {{"resources", count}}};
}

ControlResponse ControlPlane::ListAccounts(const ControlRequest&, const Params&) {
  auto accounts = AccountsJson(deps_.services.store, deps_.default_account);
  if (!accounts) return Error(accounts.error());
  return {200, std::move(accounts).value()};
}

ControlResponse ControlPlane::BrowseResources(const ControlRequest& request, const Params&) {
  auto page = control::BrowseResources(deps_.services.store, request.query, NowMs());
  if (!page) return Error(page.error());
  return {200, std::move(page).value()};
}

ControlResponse ControlPlane::DescribeResource(const ControlRequest& request, const Params& params) {
  auto described = control::DescribeResource(deps_.services.store, params.at(0), request.query, NowMs());
  if (!described) return Error(described.error());
  return {200, std::move(described).value()};
}

ControlResponse ControlPlane::EdgeCaPem(const ControlRequest&, const Params&) {
  if (!deps_.edge) return {404, {{"error", "the edge is turned off (--no-edge)"}}};
  if (!deps_.edge_ca_pem) {
    return {404, {{"error", "the HTTPS edge presents the certificate of --edge-cert; there is no generated CA"}}};
  }
  ControlResponse answer;
  answer.text = deps_.edge_ca_pem();
  if (answer.text.empty()) return {500, {{"error", "OpenSSL could not generate the edge's CA"}}};
  answer.content_type = "application/x-pem-file";
  return answer;
}

ControlResponse ControlPlane::DashboardPage(const ControlRequest& request, const Params&) {
  return DashboardFile(request, {"index.html"});
}

ControlResponse ControlPlane::DashboardFile(const ControlRequest&, const Params& params) {
  const auto* file = FindDashboardFile(params.at(0));
  if (!file) return Error(NotFound("no dashboard file " + params.at(0)));
  ControlResponse answer;
  answer.content_type = std::string(file->content_type);
  answer.text = std::string(file->content);
  // Everything the page loads comes from the emulator itself.
  answer.headers = {{"Content-Security-Policy",
                     "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' "
                     "data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"},
                    {"X-Content-Type-Options", "nosniff"},
                    {"Cache-Control", "no-cache"}};
  return answer;
}

}  // namespace cfl::control
