#include "emulator/edge/edge.h"
#include "emulator/edge/viewer_protocol.h"

#include "emulator/common/json.h"

#include <charconv>
#include <random>
#include <variant>

#include "emulator/api/sigv4.h"
#include "emulator/edge/behaviors.h"
#include "emulator/edge/compression.h"
#include "emulator/edge/deployed_configs.h"
#include "emulator/edge/edge_functions.h"
#include "emulator/edge/error_pages.h"
#include "emulator/edge/field_level_encryption.h"
#include "emulator/edge/response_headers.h"
#include "emulator/edge/s3_origin.h"
#include "emulator/edge/signed_requests.h"
#include "emulator/edge/caching.h"
#include "emulator/engine/deployed.h"
#include "emulator/families/policies/managed_policies.h"

namespace cfl::edge {
namespace {

using Json = cfl::Json;

constexpr std::string_view kPathFormPrefix = "/_edge/";
// Headers that describe one connection, never relayed.
constexpr std::string_view kHopByHop[] = {"connection", "keep-alive", "transfer-encoding", "content-length",
                                          "proxy-connection", "upgrade", "te", "trailer"};

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

bool IsHopByHop(std::string_view name) {
  for (const auto hop : kHopByHop) {
    if (EqualsIgnoringCase(name, hop)) return true;
  }
  return false;
}

std::string RandomText(std::size_t length, std::string_view alphabet) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::string text(length, ' ');
  for (char& c : text) c = alphabet[pick(random)];
  return text;
}

// 56 characters like CloudFront's: base64url of 40 bytes (six bits of a
// 64-bit draw per character: one draw per ten characters, on every request).
std::string NewCfId() {
  static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  thread_local std::mt19937_64 random{std::random_device{}()};
  std::string id(56, '=');
  std::uint64_t bits = 0;
  for (std::size_t i = 0; i < 54; ++i) {
    if (i % 10 == 0) bits = random();
    id[i] = kAlphabet[bits & 63];
    bits >>= 6;
  }
  return id;
}

const std::string& ViaValue() {
  static const std::string via = "1.1 " + RandomText(32, "0123456789abcdef") + ".cloudfront.net (CloudFront)";
  return via;
}

std::int64_t SecondsMember(const Json& object, std::string_view name, std::int64_t fallback) {
  const auto found = object.find(name);
  return found != object.end() && found->is_number_integer() ? found->get<std::int64_t>() : fallback;
}

struct Target {
  std::string path;   // starts with '/'
  std::string query;  // without '?', "" when none
};

Target SplitTarget(std::string_view target) {
  const auto question = target.find('?');
  Target split{std::string(target.substr(0, question)), ""};
  if (question != std::string_view::npos) split.query = target.substr(question + 1);
  if (split.path.empty() || split.path[0] != '/') split.path.insert(0, "/");
  return split;
}

bool HostServedBy(const Json& config, const Json& metadata, const std::string& host) {
  if (metadata.value("DomainName", "") == host) return true;
  const auto aliases = config.find("Aliases");
  if (aliases == config.end() || !aliases->is_object() || !aliases->contains("Items")) return false;
  const auto dot = host.find('.');
  const std::string wildcard = dot == std::string::npos ? std::string() : "*" + host.substr(dot);
  for (const auto& alias : (*aliases)["Items"]) {
    if (!alias.is_string()) continue;
    std::string name = alias.get<std::string>();
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name == host || (!wildcard.empty() && name == wildcard)) return true;
  }
  return false;
}

const Json* FindOriginGroup(const Json& config, const std::string& group_id) {
  const auto groups = config.find("OriginGroups");
  if (groups == config.end() || !groups->is_object() || !groups->contains("Items")) return nullptr;
  for (const auto& group : (*groups)["Items"]) {
    if (group.is_object() && group.value("Id", "") == group_id) return &group;
  }
  return nullptr;
}

// Member `index` (0: primary, 1: secondary) of an origin group, or null.
const Json* GroupMember(const Json& config, const std::string& group_id, std::size_t index) {
  const Json* group = FindOriginGroup(config, group_id);
  if (!group) return nullptr;
  const Json members = group->value("Members", Json::object()).value("Items", Json::array());
  if (members.size() <= index || !members[index].is_object()) return nullptr;
  return FindOrigin(config, members[index].value("OriginId", ""));
}

// The origin a behavior targets; for an origin group, its primary.
const Json* TargetOrigin(const Json& config, const std::string& target_id) {
  if (const Json* origin = FindOrigin(config, target_id)) return origin;
  return GroupMember(config, target_id, 0);
}

// For an origin group, its secondary; null for an origin.
const Json* SecondaryOrigin(const Json& config, const std::string& target_id) {
  return FindOrigin(config, target_id) ? nullptr : GroupMember(config, target_id, 1);
}

// Whether the primary's status is one of the group's FailoverCriteria.
bool FailsOver(const Json& config, const std::string& group_id, int status) {
  const Json* group = FindOriginGroup(config, group_id);
  if (!group) return false;
  const Json codes = group->value("FailoverCriteria", Json::object()).value("StatusCodes", Json::object());
  for (const auto& code : codes.value("Items", Json::array())) {
    if (code == status) return true;
  }
  return false;
}

// The CustomErrorResponses item for an error status, or null.
const Json* CustomErrorResponseFor(const Json& config, int status) {
  const auto list = config.find("CustomErrorResponses");
  if (list == config.end() || !list->is_object() || !list->contains("Items")) return nullptr;
  for (const auto& item : (*list)["Items"]) {
    if (item.is_object() && item.value("ErrorCode", 0) == status) return &item;
  }
  return nullptr;
}

// A policy's config as the edges have it at now_ms: an AWS-managed one, else
// the account's own as deployed (an update reaches viewers once the
// distributions it renews deploy); null when gone or not deployed yet.
// Shared, not copied: a hit reads one or two.
std::shared_ptr<const Json> PolicyConfig(store::Store& store, const std::string& account, std::string_view kind,
                                         const engine::ManagedRecords& managed, const std::string& id,
                                         std::int64_t now_ms) {
  if (const auto* found = engine::FindManaged(&managed, id)) {
    return std::shared_ptr<const Json>(std::shared_ptr<const Json>(), &found->config);  // static: not owned
  }
  const auto record = store.Get(account, kind, id);
  return record ? DeployedOnly(*record, now_ms) : nullptr;
}

// Whether a selection of headers may take one of CloudFront's viewer headers
// (or a viewer's X-Cfl-Viewer-* test header, which must not reach an origin).
bool MayTakeViewerHeaders(const Selection& headers) {
  if (headers.pick == Selection::Pick::kAll || headers.pick == Selection::Pick::kAllExcept) return true;
  if (headers.pick != Selection::Pick::kListed) return false;
  for (const auto& name : headers.names) {
    if (IsCloudFrontViewerHeader(name) || IsViewerTestHeader(name)) return true;
  }
  return false;
}

}  // namespace

std::string HeaderValue(const Headers& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoringCase(key, name)) return value;
  }
  return "";
}

std::string AddOriginAddress(EdgeSettings& settings, std::string_view flag_value) {
  const auto equals = flag_value.find('=');
  const auto colon = flag_value.rfind(':');
  int port = 0;
  const bool port_ok = colon != std::string_view::npos && colon > equals &&
                       std::from_chars(flag_value.data() + colon + 1, flag_value.data() + flag_value.size(), port).ec ==
                           std::errc() &&
                       port > 0 && port < 65536;
  if (equals == std::string_view::npos || equals == 0 || colon == equals + 1 || !port_ok) {
    return "--origin-address needs DOMAIN=HOST:PORT (e.g. api.example.com=127.0.0.1:8080), got '" +
           std::string(flag_value) + "'";
  }
  std::string domain(flag_value.substr(0, equals));
  for (char& c : domain) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  settings.origin_addresses[domain] = std::string(flag_value.substr(equals + 1));
  return "";
}

Edge::Edge(store::Store& store, const Clock& clock, OriginFetcher& origins, EdgeSettings settings)
    : store_(store),
      clock_(clock),
      origins_(origins),
      settings_(std::move(settings)),
      index_(store),
      cache_(settings_.cache_max_entries, settings_.cache_max_bytes),
      log_(settings_.log_capacity, settings_.log_file),
      viewer_profile_(std::make_shared<const ViewerLocation>()) {}

EdgeStats Edge::Stats() const { return {requests_.load(), errors_.load()}; }

void Edge::SetViewerProfile(ViewerLocation profile) {
  auto shared = std::make_shared<const ViewerLocation>(std::move(profile));
  std::lock_guard lock(viewer_mutex_);
  viewer_profile_ = std::move(shared);
}

std::shared_ptr<const ViewerLocation> Edge::ViewerProfile() const {
  std::lock_guard lock(viewer_mutex_);
  return viewer_profile_;
}

ViewerRequest Edge::WithViewerHeaders(const ViewerRequest& request) const {
  return WithCloudFrontViewerHeaders(request, LocateViewer(request.headers, *ViewerProfile()));
}

// What one request came to, for its headers and its log line.
struct Edge::Served {
  std::string cf_id = NewCfId();
  std::int64_t now_ms = 0;
  std::string distribution_id;
  std::string distribution_domain;
  std::string owner_account;
  std::string path;  // as the distribution sees it (without the /_edge/<id> of the path form)
  std::string result_type = "Error";  // Hit, RefreshHit, Miss, Error, Redirect, FunctionGeneratedResponse
  std::string detailed_result_type;    // when it says more than result_type (FunctionExecutionError, ClientGeoBlocked)
  std::string set_cookie;              // continuous deployment's session cookie, "" for none
  std::optional<double> upstream_ms;   // time spent on origins, when one was asked
  double server_timing_rate = 0;       // the share (0–100) of answers given Server-Timing
};

namespace {

// A HEAD's answer: the headers a GET gets, with the length of its body, and
// no body (an origin's HEAD answer brings its own Content-Length).
void WithoutBody(ViewerResponse& response) {
  if (response.body.empty()) return;
  std::erase_if(response.headers, [](const auto& header) { return EqualsIgnoringCase(header.first, "Content-Length"); });
  response.headers.emplace_back("Content-Length", std::to_string(response.body.size()));
  response.body.clear();
}

// Whether this answer is one of the share a SamplingRate asks for.
bool Sampled(double rate) {
  if (rate >= 100) return true;
  if (rate <= 0) return false;
  thread_local std::mt19937_64 random{std::random_device{}()};
  return std::uniform_real_distribution<double>(0, 100)(random) < rate;
}

}  // namespace

ViewerResponse Edge::Serve(const ViewerRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  ++requests_;
  Served served;
  served.now_ms = ToMillis(clock_.Now());
  ViewerResponse response;
  try {
    response = Route(request, served);
  } catch (const std::exception&) {  // a config the edge did not expect must not end the listener
    served.result_type = "Error";
    response = ErrorPage(502, kBadRequestText, served.cf_id);
  }
  if (served.result_type == "Error") ++errors_;
  if (request.method == "HEAD") WithoutBody(response);
  if (Sampled(served.server_timing_rate)) {
    const double elapsed_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    response.headers.emplace_back(
        "Server-Timing",
        ServerTimingValue({served.result_type, std::string(kPop), served.cf_id, served.upstream_ms, elapsed_ms}));
  }
  if (!served.set_cookie.empty()) response.headers.emplace_back("Set-Cookie", served.set_cookie);
  response.headers.emplace_back("Via", ViaValue());
  response.headers.emplace_back("X-Amz-Cf-Pop", std::string(kPop));
  response.headers.emplace_back("X-Amz-Cf-Id", served.cf_id);

  AccessLogEntry entry;
  entry.time_ms = served.now_ms;
  entry.distribution_id = served.distribution_id;
  entry.edge_location = std::string(kPop);
  entry.response_bytes = response.body.size();
  entry.client_ip = request.client_ip;
  entry.method = request.method;
  entry.distribution_domain = served.distribution_domain;
  const Target target = SplitTarget(request.target);
  entry.uri_stem = served.path.empty() ? target.path : served.path;
  entry.query = target.query;
  entry.status = response.status;
  entry.referer = HeaderValue(request.headers, "Referer");
  entry.user_agent = HeaderValue(request.headers, "User-Agent");
  entry.cookie = HeaderValue(request.headers, "Cookie");
  entry.result_type = served.result_type;
  entry.detailed_result_type = served.detailed_result_type.empty() ? served.result_type : served.detailed_result_type;
  entry.request_id = served.cf_id;
  entry.host_header = HeaderValue(request.headers, "Host");
  entry.protocol = request.https ? "https" : "http";
  entry.ssl_protocol = request.ssl_protocol;
  entry.ssl_cipher = request.ssl_cipher;
  entry.request_bytes = request.target.size() + request.body.size();
  entry.time_taken_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  entry.protocol_version = "HTTP/1.1";
  entry.client_port = request.client_port;
  entry.content_type = HeaderValue(response.headers, "Content-Type");
  entry.content_length = static_cast<std::int64_t>(response.body.size());
  log_.Record(std::move(entry));
  return response;
}

ViewerResponse Edge::Route(const ViewerRequest& request, Served& served) {
  const auto refuse = [&](int status, std::string_view text) { return ErrorPage(status, text, served.cf_id); };
  if (request.target.size() > settings_.max_target) return refuse(414, kBadRequestText);
  Target target = SplitTarget(request.target);
  std::optional<DistributionRef> ref;
  const std::string host = NormalizedHost(HeaderValue(request.headers, "Host"));
  const bool path_form = target.path.starts_with(kPathFormPrefix);
  if (path_form) {
    // /_edge/<distribution-id>/<path>: for clients that cannot set Host.
    const std::string_view rest = std::string_view(target.path).substr(kPathFormPrefix.size());
    const auto slash = rest.find('/');
    ref = index_.ById(rest.substr(0, slash));
    target.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  } else if (!host.empty()) {
    ref = index_.ByHost(host);
  }
  if (!ref) return refuse(403, kBadRequestText);
  const auto record = store_.Get(ref->account, "distribution", ref->id);
  if (!record) return refuse(403, kBadRequestText);  // deleted since the index was read
  const DeployedConfig deployed = DeployedConfigOf(*record, served.now_ms);
  if (!deployed.config) return refuse(403, kBadRequestText);  // never deployed yet
  std::shared_ptr<const Json> config = deployed.config;
  const Json& metadata = *deployed.metadata;
  if (!config->is_object() || !config->value("Enabled", false)) return refuse(403, kBadRequestText);
  if (!path_form && !HostServedBy(*config, metadata, host)) return refuse(403, kBadRequestText);
  // Viewers reach a staging distribution only through its primary.
  if (config->value("Staging", false)) return refuse(403, kBadRequestText);
  served.distribution_id = record->id;
  served.owner_account = record->account;
  served.path = target.path;
  served.distribution_domain = metadata.value("DomainName", "");
  if (auto staging = StagingConfigFor(*config, request, served)) config = std::move(staging);
  if (GeoRestricted(*config) && GeoBlocked(*config, LocateViewer(request.headers, *ViewerProfile()).country)) {
    served.detailed_result_type = "ClientGeoBlocked";
    return WithCustomErrorPage(request, served, *config, refuse(403, kGeoBlockedText));
  }

  const Json& behavior = SelectBehavior(*config, target.path);
  if (!MethodAllowed(behavior, request.method)) return refuse(403, kMethodNotAllowedText);
  const std::string policy = behavior.value("ViewerProtocolPolicy", "allow-all");
  if (!request.https && policy == "https-only") return refuse(403, kBadRequestText);
  if (!request.https && policy == "redirect-to-https") {
    served.result_type = "Redirect";
    return RedirectPage(HttpsRedirectLocation(HeaderValue(request.headers, "Host"), https_port_, request.target));
  }
  // CloudFront's viewer headers are made for a function's event only (or,
  // in FromOrigin, for a policy that may select them): they cost a copy.
  std::optional<ViewerRequest> with_viewer_headers;
  if (functions_ && (!AssociatedFunction(behavior, "viewer-request").empty() ||
                     !AssociatedFunction(behavior, "viewer-response").empty())) {
    with_viewer_headers = WithViewerHeaders(request);
  }
  const ViewerRequest& passed = with_viewer_headers ? *with_viewer_headers : request;
  std::optional<ViewerResponse> refused;
  if (RestrictsViewerAccess(behavior)) {
    // Signed URLs and cookies, judged before the cache; the signing
    // parameters are then neither in the cache key nor sent to the origin.
    const std::string query = WithoutSigningParameters(target.query);
    const std::string url = (passed.https ? "https://" : "http://") + (path_form ? served.distribution_domain : host) +
                            target.path + (query.empty() ? "" : "?" + query);
    refused = RefusedSignedRequest(store_, served.owner_account, behavior, passed, target.query,
                                   {url, passed.client_ip, served.now_ms});
    target.query = query;
  }
  // Unless refused, a viewer-request function may rewrite the request (what reaches the
  // cache key and the origin) or answer itself.
  std::optional<ViewerRequest> rewritten;
  const FunctionCall call{served.owner_account, served.distribution_id, served.distribution_domain, served.cf_id,
                          served.now_ms};
  if (functions_ && !refused) {
    FunctionStep step = functions_->OnViewerRequest(behavior, call, passed, target.path, target.query);
    if (step.response) {
      served.result_type = step.kind == FunctionStep::Kind::kGenerated ? step.detailed_result_type : "Error";
      served.detailed_result_type = step.detailed_result_type;
      AddLambdaSkipped(behavior, step.response->headers);
      return std::move(*step.response);
    }
    if (step.request) {
      target.path = std::move(step.request->path);
      target.query = std::move(step.request->query);
      rewritten = ViewerRequest{passed.method, target.query.empty() ? target.path : target.path + "?" + target.query,
                                std::move(step.request->headers), passed.body, passed.client_ip,
                                passed.client_port, passed.https};
      rewritten->viewer_headers_added = passed.viewer_headers_added;
    }
  }
  // Field-level encryption of a POST body's configured fields (field_level_encryption.h).
  std::optional<ViewerRequest> encrypted;
  if (!refused) {
    const ViewerRequest& sent = rewritten ? *rewritten : passed;
    FieldLevelOutcome fle =
        FieldLevelEncrypted(store_, served.owner_account, behavior, served.now_ms, sent, target.query, served.cf_id);
    if (fle.refusal) refused = std::move(fle.refusal);
    if (fle.body) {
      encrypted = sent;
      encrypted->body = std::move(*fle.body);
    }
  }
  const ViewerRequest& viewer = encrypted ? *encrypted : rewritten ? *rewritten : passed;
  const Target seen = target;  // as a viewer-response function sees the request
  const std::string root = config->value("DefaultRootObject", "");
  if (target.path == "/" && !root.empty()) target.path += root;
  auto response = refused ? std::move(*refused) : FromOrigin(viewer, served, *config, behavior, target.path, target.query);
  response = WithCustomErrorPage(viewer, served, *config, std::move(response));
  if (const std::string id = behavior.value("ResponseHeadersPolicyId", ""); !id.empty()) {
    if (const auto policy = PolicyConfig(store_, served.owner_account, "response-headers-policy",
                                         families::ManagedResponseHeadersPolicies(), id, served.now_ms)) {
      ApplyResponseHeadersPolicy(*policy, viewer, response.headers);
      served.server_timing_rate = ServerTimingRate(*policy);
    }
  }
  // CloudFront does not run viewer-response functions on answers of 400 or more.
  if (functions_ && response.status < 400) {
    FunctionStep step = functions_->OnViewerResponse(behavior, call, viewer, seen.path, seen.query, response);
    if (step.kind == FunctionStep::Kind::kFailed) {
      served.result_type = "Error";
      served.detailed_result_type = step.detailed_result_type;
      response = std::move(*step.response);
    }
  }
  AddLambdaSkipped(behavior, response.headers);
  return response;
}

// A primary distribution's continuous deployment policy: the staging
// distribution's deployed config when the policy sends this request there
// (served then names the staging distribution: its cache, its log), else null.
// A policy, staging distribution or staging config the edge cannot have
// (deleted, another account's, not deployed yet, disabled) leaves the request
// to the primary.
std::shared_ptr<const Json> Edge::StagingConfigFor(const Json& primary_config, const ViewerRequest& request,
                                                   Served& served) {
  const std::string policy_id = primary_config.value("ContinuousDeploymentPolicyId", "");
  if (policy_id.empty()) return nullptr;
  const auto policy_record = store_.Get(served.owner_account, "continuous-deployment-policy", policy_id);
  if (!policy_record) return nullptr;
  const auto policy = DeployedOnly(*policy_record, served.now_ms);
  if (!policy) return nullptr;
  const StagingDecision decision =
      staging_traffic_.Decide(*policy, served.distribution_id, request.headers, served.now_ms);
  served.set_cookie = decision.set_cookie;
  if (!decision.staging) return nullptr;
  const Json names = policy->value("StagingDistributionDnsNames", Json::object()).value("Items", Json::array());
  if (names.empty() || !names.front().is_string()) return nullptr;
  const auto ref = index_.ByHost(NormalizedHost(names.front().get<std::string>()));
  if (!ref || ref->account != served.owner_account) return nullptr;
  const auto record = store_.Get(ref->account, "distribution", ref->id);
  if (!record) return nullptr;
  const DeployedConfig staging = DeployedConfigOf(*record, served.now_ms);
  if (!staging.config || !staging.config->is_object() || !staging.config->value("Enabled", false)) return nullptr;
  served.distribution_id = record->id;
  return staging.config;
}

// CustomErrorResponses: an error with a ResponsePagePath answers that page,
// fetched through the distribution (its behavior, its cache), with
// ResponseCode; when the page cannot be had, the error as it was.
ViewerResponse Edge::WithCustomErrorPage(const ViewerRequest& request, Served& served, const Json& config,
                                         ViewerResponse response) {
  const Json* custom = CustomErrorResponseFor(config, response.status);
  if (!custom) return response;
  const std::string page_path = custom->value("ResponsePagePath", "");
  if (page_path.empty() || !page_path.starts_with('/')) return response;
  ViewerRequest page_request;
  page_request.method = "GET";
  page_request.target = page_path;
  page_request.headers = request.headers;
  page_request.client_ip = request.client_ip;
  page_request.https = request.https;
  Served page_served = served;
  auto page = FromOrigin(page_request, page_served, config, SelectBehavior(config, page_path), page_path, "");
  if (page.status < 200 || page.status > 299) return response;
  std::erase_if(page.headers, [](const auto& header) {
    return EqualsIgnoringCase(header.first, "Age") || EqualsIgnoringCase(header.first, "X-Cache");
  });
  page.headers.emplace_back("X-Cache", "Error from cloudfront");
  const std::string code = custom->value("ResponseCode", "");
  int status = response.status;
  if (!code.empty()) std::from_chars(code.data(), code.data() + code.size(), status);
  page.status = status;
  served.result_type = "Error";
  return page;
}

namespace {


// Statuses CloudFront caches by the TTLs; and the error statuses it caches for
// the error caching minimum TTL (10 s unless CustomErrorResponses say).
bool CachedByTtl(int status) { return status == 200 || status == 203 || status == 300 || status == 301 || status == 410; }
bool CachedAsError(int status) {
  for (const int error : {400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504}) {
    if (status == error) return true;
  }
  return false;
}
constexpr std::int64_t kErrorCachingMinTtlSeconds = 10;

// How long an origin's error status is cached: its CustomErrorResponse's
// ErrorCachingMinTTL, else 10 s.
std::int64_t ErrorCachingTtl(const Json& config, int status) {
  const Json* custom = CustomErrorResponseFor(config, status);
  return custom ? SecondsMember(*custom, "ErrorCachingMinTTL", kErrorCachingMinTtlSeconds)
                : kErrorCachingMinTtlSeconds;
}

bool MethodCached(const Json& behavior, std::string_view method) {
  if (method == "GET" || method == "HEAD") return true;
  const Json cached = behavior.value("AllowedMethods", Json::object()).value("CachedMethods", Json::object());
  for (const auto& item : cached.value("Items", Json::array())) {
    if (item == method) return true;
  }
  return false;
}

}  // namespace

// Fetches from one origin (custom origins over HTTP, S3 origins from
// --s3-endpoint): the origin's answer,
// or the edge's own error page when it cannot be had.
std::variant<OriginResponse, ViewerResponse> Edge::FetchFrom(const Json& origin_config, const ViewerRequest& request,
                                                            Served& served, const std::string& path,
                                                            const std::string& forwarded_query,
                                                            const RequestParts& key_parts,
                                                            const RequestParts& forwarded_parts,
                                                            const Headers& validators) {
  const auto refuse = [&](int status, std::string_view text) { return ErrorPage(status, text, served.cf_id); };
  const Json* origin = &origin_config;
  const auto custom = origin->find("CustomOriginConfig");
  const bool s3 = custom == origin->end() || !custom->is_object();
  const std::string domain = origin->value("DomainName", "");
  OriginRequest fetch;
  std::string origin_host = domain;
  std::optional<S3Bucket> bucket;
  if (s3) {
    // S3 origins: path-style from the S3-compatible server of --s3-endpoint.
    if (settings_.s3.host.empty()) {
      return refuse(502, "cloudfront-local fetches S3 origins from an S3-compatible server: start it with "
                         "--s3-endpoint http://HOST:PORT (s3rver, MinIO, ...), or give this origin a "
                         "CustomOriginConfig.");
    }
    bucket = ParseS3OriginDomain(domain);
    if (!bucket) {
      return refuse(502, "cloudfront-local cannot tell the bucket of this S3 origin: its domain must be "
                         "BUCKET.s3.amazonaws.com or BUCKET.s3.REGION.amazonaws.com.");
    }
    fetch.host = settings_.s3.host;
    fetch.port = settings_.s3.port;
    fetch.target = "/" + bucket->name;
    origin_host = settings_.s3.HostHeader();
  } else {
    const std::string protocol = custom->value("OriginProtocolPolicy", "http-only");
    fetch.https = protocol == "https-only" || (protocol == "match-viewer" && request.https);
    fetch.host = domain;
    fetch.port = static_cast<int>(fetch.https ? SecondsMember(*custom, "HTTPSPort", 443)
                                              : SecondsMember(*custom, "HTTPPort", 80));
    if (fetch.https) {
      fetch.server_name = domain;
      fetch.ssl_protocols = OriginSslProtocols(*custom);
    }
    std::string lowered = domain;
    for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (const auto mapped = settings_.origin_addresses.find(lowered); mapped != settings_.origin_addresses.end()) {
      const auto colon = mapped->second.rfind(':');
      fetch.host = mapped->second.substr(0, colon);
      fetch.port = std::stoi(mapped->second.substr(colon + 1));
    }
  }
  fetch.method = request.method;
  fetch.target += origin->value("OriginPath", "") + path;
  if (!forwarded_query.empty()) {
    fetch.target += "?" + forwarded_query;
  }
  fetch.connect_timeout = std::chrono::seconds(SecondsMember(*origin, "ConnectionTimeout", 10));
  fetch.read_timeout = std::chrono::seconds(s3 ? 30 : SecondsMember(*custom, "OriginReadTimeout", 30));
  fetch.max_body = settings_.max_origin_body;
  std::string cookies;
  for (const auto& [name, value] : request.headers) {
    if (IsHopByHop(name) || EqualsIgnoringCase(name, "Via") || EqualsIgnoringCase(name, "X-Amz-Cf-Id")) continue;
    if (EqualsIgnoringCase(name, "Cookie")) {
      std::string_view rest = value;
      while (!rest.empty()) {  // only the cookies the policies select
        const auto end = rest.find(';');
        std::string_view pair = rest.substr(0, end);
        while (pair.starts_with(' ')) pair.remove_prefix(1);
        const auto cookie_name = pair.substr(0, pair.find('='));
        if (!pair.empty() && (key_parts.cookies.Selects(cookie_name) || forwarded_parts.cookies.Selects(cookie_name))) {
          cookies += (cookies.empty() ? "" : "; ") + std::string(pair);
        }
        if (end == std::string_view::npos) break;
        rest.remove_prefix(end + 1);
      }
      continue;
    }
    if (!key_parts.headers.Selects(name) && !forwarded_parts.headers.Selects(name)) continue;
    if (EqualsIgnoringCase(name, "Host")) {
      // A forwarded Host reaches a custom origin as the viewer sent it; an S3
      // endpoint needs its own.
      if (!s3) origin_host = value;
    } else {
      fetch.headers.emplace_back(name, value);
    }
  }
  fetch.headers.emplace_back("Host", origin_host);
  if (const auto encodings = NormalizedAcceptEncoding(key_parts, HeaderValue(request.headers, "Accept-Encoding"));
      !encodings.empty() && HeaderValue(fetch.headers, "Accept-Encoding").empty()) {
    fetch.headers.emplace_back("Accept-Encoding", encodings);
  }
  if (!key_parts.headers.Selects("User-Agent") && !forwarded_parts.headers.Selects("User-Agent")) {
    fetch.headers.emplace_back("User-Agent", "Amazon CloudFront");
  }
  if (!cookies.empty()) fetch.headers.emplace_back("Cookie", cookies);
  fetch.headers.emplace_back("Via", ViaValue());
  fetch.headers.emplace_back("X-Amz-Cf-Id", served.cf_id);
  std::string forwarded_for = HeaderValue(request.headers, "X-Forwarded-For");
  fetch.headers.emplace_back("X-Forwarded-For",
                             forwarded_for.empty() ? request.client_ip : forwarded_for + ", " + request.client_ip);
  if (!request.body.empty() || (request.method != "GET" && request.method != "HEAD")) {
    fetch.body = request.body;
    const std::string type = HeaderValue(request.headers, "Content-Type");
    if (!type.empty() && HeaderValue(fetch.headers, "Content-Type").empty()) {
      fetch.headers.emplace_back("Content-Type", type);
    }
  }
  for (const auto& header : origin->value("CustomHeaders", Json::object()).value("Items", Json::array())) {
    fetch.headers.emplace_back(header.value("HeaderName", ""), header.value("HeaderValue", ""));
  }
  for (const auto& validator : validators) fetch.headers.push_back(validator);
  if (s3) SignForOriginAccessControl(*origin, request, served, bucket->region, origin_host, fetch);

  const auto attempts = std::max<std::int64_t>(1, SecondsMember(*origin, "ConnectionAttempts", 3));
  OriginResponse answer;
  const auto asked = std::chrono::steady_clock::now();
  for (std::int64_t attempt = 0; attempt < attempts; ++attempt) {
    answer = origins_.Fetch(fetch);
    if (answer.outcome != OriginResponse::Outcome::kUnreachable) break;
  }
  served.upstream_ms = served.upstream_ms.value_or(0) +
                       std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - asked).count();
  switch (answer.outcome) {
    case OriginResponse::Outcome::kUnreachable: return refuse(502, kOriginUnreachableText);
    case OriginResponse::Outcome::kTimedOut: return refuse(504, kOriginTimeoutText);
    case OriginResponse::Outcome::kTooLarge:
      return refuse(502, "The origin's answer is larger than cloudfront-local relays (64 MiB).");
    case OriginResponse::Outcome::kAnswered: break;
  }
  return answer;
}

// An S3 origin with an origin access control that signs: the request gets
// SigV4 headers as CloudFront's (service s3, the bucket's region), replacing
// any Authorization the viewer's headers brought. A legacy origin access
// identity (S3OriginConfig.OriginAccessIdentity) is a grant S3 knows and an
// S3-compatible server does not: its fetch is signed the same way, with
// --s3-credentials standing for the identity. An OAC or OAI gone from the
// store signs nothing.
void Edge::SignForOriginAccessControl(const Json& origin, const ViewerRequest& request, const Served& served,
                                      const std::string& region, const std::string& host_header,
                                      OriginRequest& fetch) {
  const std::string oac_id = origin.value("OriginAccessControlId", "");
  if (!oac_id.empty()) {
    const auto record = store_.Get(served.owner_account, "origin-access-control", oac_id);
    const Json oac = record ? Json::parse(record->document, nullptr, false) : Json();
    if (!oac.is_object() ||
        !SignsS3Request(oac.value("SigningBehavior", ""), oac.value("OriginAccessControlOriginType", ""),
                        !HeaderValue(request.headers, "Authorization").empty())) {
      return;
    }
  } else {
    const Json s3_config = origin.value("S3OriginConfig", Json::object());
    const std::string oai_id =
        OriginAccessIdentityId(s3_config.is_object() ? s3_config.value("OriginAccessIdentity", "") : "");
    if (oai_id.empty() || !store_.Get(served.owner_account, "origin-access-identity", oai_id)) return;
  }
  std::erase_if(fetch.headers, [](const auto& header) {
    return EqualsIgnoringCase(header.first, "Authorization") || EqualsIgnoringCase(header.first, "X-Amz-Date") ||
           EqualsIgnoringCase(header.first, "X-Amz-Content-Sha256") ||
           EqualsIgnoringCase(header.first, "X-Amz-Security-Token");
  });
  // Dated by the wall clock, not the injected one: the S3 server checks the
  // date against its own clock (s3rver refuses 15 minutes of skew), and tests
  // move the emulator's clock by hours.
  const api::sigv4::SigningRequest to_sign{fetch.method, fetch.target, host_header, fetch.body, region, "s3"};
  const auto signed_headers =
      api::sigv4::SignRequest(to_sign, settings_.s3.access_key, settings_.s3.secret, std::chrono::system_clock::now());
  fetch.headers.emplace_back("X-Amz-Date", signed_headers.amz_date);
  fetch.headers.emplace_back("X-Amz-Content-Sha256", signed_headers.content_sha256);
  fetch.headers.emplace_back("Authorization", signed_headers.authorization);
}

ViewerResponse Edge::FromOrigin(const ViewerRequest& viewer_request, Served& served, const Json& config,
                                const Json& behavior, const std::string& path, const std::string& query) {
  const auto refuse = [&](int status, std::string_view text) { return ErrorPage(status, text, served.cf_id); };
  const Json* origin = TargetOrigin(config, behavior.value("TargetOriginId", ""));
  if (!origin) return refuse(502, kOriginUnreachableText);

  // What makes the cache key, what else reaches the origin, and for how long.
  RequestParts key_parts, forwarded_parts;
  TtlBounds ttl_bounds;
  const std::string cache_policy_id = behavior.value("CachePolicyId", "");
  const std::string& owner = served.owner_account;
  if (!cache_policy_id.empty()) {
    static const Json kNoPolicy = Json::object();  // a policy gone since: CloudFront's defaults
    const auto policy = PolicyConfig(store_, owner, "cache-policy", families::ManagedCachePolicies(), cache_policy_id,
                                     served.now_ms);
    key_parts = CacheKeyPartsOf(policy ? *policy : kNoPolicy);
    ttl_bounds = TtlBoundsOf(policy ? *policy : kNoPolicy);
  } else {
    key_parts = LegacyPartsOf(behavior);
    ttl_bounds = LegacyTtlBoundsOf(behavior);
  }
  if (const std::string id = behavior.value("OriginRequestPolicyId", ""); !id.empty()) {
    if (const auto policy =
            PolicyConfig(store_, owner, "origin-request-policy", families::ManagedOriginRequestPolicies(), id,
                         served.now_ms)) {
      forwarded_parts = ForwardedPartsOf(*policy);
    }
  }
  std::optional<ViewerRequest> with_viewer_headers;
  if (!viewer_request.viewer_headers_added &&
      (MayTakeViewerHeaders(key_parts.headers) || MayTakeViewerHeaders(forwarded_parts.headers))) {
    with_viewer_headers = WithViewerHeaders(viewer_request);
  }
  const ViewerRequest& request = with_viewer_headers ? *with_viewer_headers : viewer_request;

  const bool cacheable = MethodCached(behavior, request.method);
  std::shared_ptr<const CachedObject> stale;
  // HEAD and GET share an object (a HEAD answers from a GET's headers).
  const std::string cache_key =
      CacheKey(served.distribution_id, path, query, request.headers, key_parts) + (request.method == "OPTIONS" ? "O" : "");
  if (cacheable) {
    const auto invalidations = index_.InvalidationsOf(served.distribution_id);
    const std::int64_t now_ms = served.now_ms;
    const auto purged = [&](const CachedObject& object) {
      for (const auto& invalidation : *invalidations) {
        if (invalidation.completes_ms > now_ms || invalidation.completes_ms <= object.stored_ms) continue;
        for (const auto& covered : invalidation.paths) {
          if (InvalidationCovers(covered, object.path)) return true;
        }
      }
      return false;
    };
    auto found = cache_.Find(cache_key, now_ms, purged);
    if (const auto& hit = found.fresh) {
      // An origin's error served again is still an error (CloudFront's X-Cache and log say so).
      const bool error = hit->status >= 400;
      served.result_type = error ? "Error" : "Hit";
      ViewerResponse response{hit->status, hit->headers, hit->body};
      response.headers.emplace_back("X-Cache", error ? "Error from cloudfront" : "Hit from cloudfront");
      response.headers.emplace_back("Age", std::to_string(std::max<std::int64_t>(0, (now_ms - hit->stored_ms) / 1000)));
      return response;
    }
    stale = std::move(found.stale);
  }
  // An expired object is revalidated: the origin's 304 keeps it (RefreshHit).
  Headers validators;
  if (stale && !stale->etag.empty()) validators.emplace_back("If-None-Match", stale->etag);
  if (stale && !stale->last_modified.empty()) validators.emplace_back("If-Modified-Since", stale->last_modified);

  const std::string forwarded_query = ForwardedQuery(query, key_parts, forwarded_parts);
  auto fetched = FetchFrom(*origin, request, served, path, forwarded_query, key_parts, forwarded_parts, validators);
  // An origin group fails over to its second origin on the failover statuses
  // or when the first cannot be had (GET, HEAD and OPTIONS only).
  const Json* secondary = SecondaryOrigin(config, behavior.value("TargetOriginId", ""));
  if (secondary && (request.method == "GET" || request.method == "HEAD" || request.method == "OPTIONS")) {
    const auto* answered = std::get_if<OriginResponse>(&fetched);
    if (!answered || FailsOver(config, behavior.value("TargetOriginId", ""), answered->status)) {
      fetched = FetchFrom(*secondary, request, served, path, forwarded_query, key_parts, forwarded_parts, validators);
    }
  }
  if (auto* refused = std::get_if<ViewerResponse>(&fetched)) return std::move(*refused);
  OriginResponse answer = std::get<OriginResponse>(std::move(fetched));
  if (stale && answer.status == 304) return Refreshed(served, *stale, answer, cache_key, ttl_bounds);
  served.result_type = answer.status >= 400 ? "Error" : "Miss";
  auto object = std::make_shared<CachedObject>();
  object->status = answer.status;
  const Encoding encoding = ChosenEncoding(behavior.value("Compress", false), key_parts,
                                           HeaderValue(request.headers, "Accept-Encoding"));
  std::optional<std::string> compressed;
  if (encoding != Encoding::kIdentity && Compressible(answer.status, answer.headers, answer.body)) {
    compressed = Compress(encoding, answer.body);
  }
  for (auto& [name, value] : answer.headers) {
    // A HEAD's Content-Length is the length of the body a GET gets: relayed.
    const bool head_length = request.method == "HEAD" && EqualsIgnoringCase(name, "Content-Length");
    if ((IsHopByHop(name) && !head_length) || EqualsIgnoringCase(name, "Via")) continue;
    if (EqualsIgnoringCase(name, "ETag")) object->etag = value;
    if (EqualsIgnoringCase(name, "Last-Modified")) object->last_modified = value;
    // A compressed answer's ETag is weak: its bytes are no longer the origin's.
    if (compressed && EqualsIgnoringCase(name, "ETag") && !value.starts_with("W/")) value = "W/" + value;
    object->headers.emplace_back(name, std::move(value));
  }
  if (compressed) object->headers.emplace_back("Content-Encoding", std::string(EncodingName(encoding)));
  object->body = compressed ? std::move(*compressed) : std::move(answer.body);
  object->distribution_id = served.distribution_id;
  object->path = path;
  object->stored_ms = served.now_ms;
  ViewerResponse response{object->status, object->headers, object->body};
  response.headers.emplace_back("X-Cache", object->status >= 400 ? "Error from cloudfront" : "Miss from cloudfront");
  if (cacheable && request.method != "HEAD") {
    std::int64_t ttl = 0;
    if (CachedByTtl(object->status)) ttl = TtlSeconds(ttl_bounds, object->headers, served.now_ms);
    if (CachedAsError(object->status)) ttl = ErrorCachingTtl(config, object->status);
    if (ttl > 0) {
      object->expires_ms = served.now_ms + ttl * 1000;
      cache_.Insert(cache_key, std::move(object));
    }
  }
  return response;
}

// An expired object the origin confirmed (304): served again, with the
// freshness the 304 gives (its Cache-Control, Expires and Date replace the
// stored ones), and kept for that long.
ViewerResponse Edge::Refreshed(Served& served, const CachedObject& stale,
                               const OriginResponse& not_modified, const std::string& cache_key,
                               const TtlBounds& ttl_bounds) {
  served.result_type = "RefreshHit";
  auto refreshed = std::make_shared<CachedObject>(stale);
  for (const char* name : {"Cache-Control", "Expires", "Date"}) {
    const std::string value = HeaderValue(not_modified.headers, name);
    if (value.empty()) continue;
    std::erase_if(refreshed->headers, [name](const auto& header) { return EqualsIgnoringCase(header.first, name); });
    refreshed->headers.emplace_back(name, value);
  }
  refreshed->stored_ms = served.now_ms;
  const std::int64_t ttl = TtlSeconds(ttl_bounds, refreshed->headers, served.now_ms);
  refreshed->expires_ms = served.now_ms + ttl * 1000;
  ViewerResponse response{refreshed->status, refreshed->headers, refreshed->body};
  response.headers.emplace_back("X-Cache", "RefreshHit from cloudfront");
  if (ttl > 0) cache_.Insert(cache_key, std::move(refreshed));
  return response;
}

}  // namespace cfl::edge
