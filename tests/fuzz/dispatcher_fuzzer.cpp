// libFuzzer harness for whole API requests through cfl::api::Dispatcher, with
// an in-memory store, a ManualClock and RuntimeSettings; no HTTP.
//
// Input: text, so that seeds are readable and mutations stay meaningful. Up to
// kMaxSteps steps separated by a line "%%":
//
//   @UpdateDistribution {id} ?Extra=1      an operation of the model: its method,
//                                          path (labels filled in order from the
//                                          arguments, default {id}) and required query
//   PUT /2020-05-31/distribution/{id}/config?x=y     or a literal method and target
//   If-Match: {etag}                       header lines, up to a blank line
//   Authorization: AWS4-HMAC-SHA256 Credential=111111111111/20240101/us-east-1/cloudfront/aws4_request
//
//   <DistributionConfig>...</DistributionConfig>     the body: the rest of the step
//
// A step "+SECONDS" advances the clock. Placeholders, expanded everywhere:
// {id} {id1} {id2} {id3} (ids answered by earlier steps, newest first), {etag}
// (the last ETag answered), {arn} (the last ARN answered), {account}.
//
// Checks (abort on failure): no exception escapes Handle; never a 500; every
// response has x-amzn-RequestId; every error is an <ErrorResponse> that a strict
// XML parser accepts; every XML success body is XML 1.0 text that decodes with
// the operation's output payload shape. CFL_FUZZ_VERBOSE=1 prints each step.
#include <cctype>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/api/dispatcher.h"
#include "emulator/common/clock.h"
#include "emulator/codec/xml_codec.h"
#include "store/store.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using namespace std::string_view_literals;

constexpr std::size_t kMaxSteps = 16;
constexpr std::size_t kMaxBody = 64 * 1024;
constexpr std::string_view kAccount = "123456789012";
constexpr std::int64_t kStartMs = 1'700'000'000'000;

struct Answered {
  std::deque<std::string> ids;  // newest first
  std::string etag;
  std::string arn;
};

std::string Expand(std::string_view text, const Answered& answered) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '{') {
      const auto close = text.find('}', i);
      if (close != std::string_view::npos && close - i <= 8) {
        const auto name = text.substr(i + 1, close - i - 1);
        bool known = true;
        if (name.size() >= 2 && name.substr(0, 2) == "id" && (name.size() == 2 || (name.size() == 3 &&
                                                                                   name[2] >= '1' && name[2] <= '3'))) {
          const std::size_t index = name.size() == 2 ? 0 : static_cast<std::size_t>(name[2] - '0');
          out += index < answered.ids.size() ? answered.ids[index] : "ENOSUCHID00000";
        } else if (name == "etag") {
          out += answered.etag;
        } else if (name == "arn") {
          out += answered.arn;
        } else if (name == "account") {
          out += kAccount;
        } else {
          known = false;
        }
        if (known) {
          i = close + 1;
          continue;
        }
      }
    }
    out += text[i++];
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// As cpp-httplib decodes paths (plus_is_space=false) and query text (true).
std::string PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int high = HexValue(text[i + 1]);
      const int low = HexValue(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out += static_cast<char>(high * 16 + low);
        i += 2;
        continue;
      }
    }
    out += (plus_is_space && text[i] == '+') ? ' ' : text[i];
  }
  return out;
}

void ParseQuery(std::string_view text, cfl::model::QueryMap& query) {
  while (!text.empty()) {
    const auto amp = text.find('&');
    const auto pair = text.substr(0, amp);
    if (!pair.empty()) {
      const auto equals = pair.find('=');
      query.emplace(PercentDecode(pair.substr(0, equals), true),
                    equals == std::string_view::npos ? "" : PercentDecode(pair.substr(equals + 1), true));
    }
    if (amp == std::string_view::npos) break;
    text.remove_prefix(amp + 1);
  }
}

std::string_view MethodName(cfl::model::HttpMethod method) {
  switch (method) {
    case cfl::model::HttpMethod::kGet: return "GET";
    case cfl::model::HttpMethod::kPost: return "POST";
    case cfl::model::HttpMethod::kPut: return "PUT";
    case cfl::model::HttpMethod::kDelete: return "DELETE";
    case cfl::model::HttpMethod::kPatch: return "PATCH";
    case cfl::model::HttpMethod::kHead: return "HEAD";
  }
  return "GET";
}

std::vector<std::string_view> SplitWords(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    const auto start = i;
    while (i < text.size() && text[i] != ' ') ++i;
    if (i > start) words.push_back(text.substr(start, i - start));
  }
  return words;
}

struct Request {
  std::string method;
  std::string target;  // as sent: path and query, still percent-encoded
  std::string path;
  cfl::model::QueryMap query;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

// "@Op args ?query" → method, path and query from the model.
bool ResolveOperationLine(std::string_view line, const Answered& answered, Request& request) {
  const auto question = line.find('?');
  const auto words = SplitWords(line.substr(1, question == std::string_view::npos ? line.npos : question - 1));
  if (words.empty()) return false;
  const auto* operation = cfl::model::FindOperation(words[0]);
  if (!operation) return false;
  request.method = MethodName(operation->method);
  std::size_t next_arg = 1;
  std::string path;
  for (std::size_t i = 0; i < operation->path.size(); ++i) {
    if (operation->path[i] == '{') {
      const auto close = operation->path.find('}', i);
      path += next_arg < words.size() ? Expand(words[next_arg], answered) : Expand("{id}", answered);
      ++next_arg;
      i = close;
    } else {
      path += operation->path[i];
    }
  }
  request.path = PercentDecode(path, false);
  std::string query(operation->required_query);
  if (question != std::string_view::npos) {
    query += query.empty() ? "" : "&";
    query += Expand(line.substr(question + 1), answered);
  }
  ParseQuery(query, request.query);
  request.target = query.empty() ? path : path + "?" + query;
  return true;
}

bool ParseStep(std::string_view step, const Answered& answered, Request& request) {
  const auto first_newline = step.find('\n');
  const auto line = step.substr(0, first_newline);
  std::string_view rest = first_newline == std::string_view::npos ? ""sv : step.substr(first_newline + 1);
  if (line.starts_with("@")) {
    if (!ResolveOperationLine(line, answered, request)) return false;
  } else {
    const auto space = line.find(' ');
    if (space == std::string_view::npos) return false;
    request.method = std::string(line.substr(0, space));
    const std::string target = Expand(line.substr(space + 1), answered);
    request.target = target;
    const auto question = target.find('?');
    request.path = PercentDecode(std::string_view(target).substr(0, question), false);
    if (question != std::string::npos) ParseQuery(std::string_view(target).substr(question + 1), request.query);
  }
  while (!rest.empty()) {
    const auto newline = rest.find('\n');
    const auto header = rest.substr(0, newline);
    rest = newline == std::string_view::npos ? ""sv : rest.substr(newline + 1);
    if (header.empty()) break;
    const auto colon = header.find(':');
    if (colon == std::string_view::npos) continue;
    auto value = header.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    request.headers.emplace_back(std::string(header.substr(0, colon)), Expand(value, answered));
  }
  if (rest.size() > kMaxBody) rest = rest.substr(0, kMaxBody);
  request.body = Expand(rest, answered);
  return true;
}

std::vector<std::string_view> SplitSteps(std::string_view input) {
  std::vector<std::string_view> steps;
  while (steps.size() < kMaxSteps) {
    const auto separator = input.find("\n%%\n");
    steps.push_back(input.substr(0, separator));
    if (separator == std::string_view::npos) break;
    input.remove_prefix(separator + 4);
  }
  return steps;
}

std::string HeaderOf(const cfl::model::HttpResponseParts& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (EqualsIgnoreCase(key, name)) return value;
  }
  return "";
}

void Remember(const cfl::model::HttpResponseParts& response, Answered& answered) {
  if (const auto etag = HeaderOf(response, "ETag"); !etag.empty()) answered.etag = etag;
  if (response.body.empty()) return;
  tinyxml2::XMLDocument document;
  if (document.Parse(response.body.data(), response.body.size()) != tinyxml2::XML_SUCCESS) return;
  const auto* root = document.RootElement();
  if (!root) return;
  if (const auto id = cfl::fuzz::ElementText(root->FirstChildElement("Id")); !id.empty()) {
    if (answered.ids.empty() || answered.ids.front() != id) answered.ids.push_front(id);
    if (answered.ids.size() > 4) answered.ids.pop_back();
  }
  if (const auto arn = cfl::fuzz::ElementText(root->FirstChildElement("ARN")); !arn.empty()) answered.arn = arn;
}

void CheckResponse(const Request& request, const cfl::model::HttpResponseParts& response,
                   const cfl::api::CallRecord& call) {
  const std::string what = request.method + " " + request.path + " (" +
                           (call.operation.empty() ? "no operation" : call.operation) + ") → " +
                           std::to_string(response.status) + " " + call.error_code;
  if (response.status == 500 || response.status < 100 || response.status > 599) {
    cfl::fuzz::Die("status " + std::to_string(response.status) + ": " + what + "\n" + response.body);
  }
  const std::string request_id = HeaderOf(response, "x-amzn-RequestId");
  if (request_id.empty() || request_id != call.request_id) cfl::fuzz::Die("missing x-amzn-RequestId: " + what);
  if (response.status >= 400) {
    // The KeyValueStore data plane (rest-json) answers JSON errors; CloudFront <ErrorResponse>.
    const bool json = HeaderOf(response, "Content-Type") == "application/json";
    if (auto problem = json ? cfl::fuzz::JsonErrorProblem(response.body, HeaderOf(response, "x-amzn-ErrorType"))
                            : cfl::fuzz::ErrorResponseProblem(response.body, request_id)) {
      cfl::fuzz::Die(*problem + ": " + what + "\n" + response.body);
    }
    return;
  }
  if (HeaderOf(response, "Content-Type") != "text/xml" || response.body.empty()) return;
  if (!cfl::fuzz::IsXmlText(response.body)) {
    cfl::fuzz::Die("success body is not XML 1.0 text: " + what + "\n" + response.body);
  }
  const auto* operation = cfl::model::FindOperation(call.operation);
  if (!operation || operation->output == cfl::model::kNoShape) cfl::fuzz::Die("XML body without output: " + what);
  const auto& output = cfl::model::Shape(operation->output);
  // Without a payload member, the body members travel under the output shape's name.
  const auto* payload = cfl::model::FindMember(output, output.payload);
  auto decoded = payload ? cfl::model::DecodeXml(response.body, payload->wire_name, payload->shape)
                         : cfl::model::DecodeXml(response.body, output.name, operation->output);
  if (!decoded) {
    cfl::fuzz::Die("our own answer does not decode (" + decoded.error().message + "): " + what + "\n" +
                   response.body);
  }
}

// CFL_FUZZ_VERBOSE=1: one line per step on stderr (for writing seeds).
bool Verbose() {
  static const bool verbose = std::getenv("CFL_FUZZ_VERBOSE") != nullptr;
  return verbose;
}

// Built once (the handler table and the schema cost more than most inputs);
// reset to the same state for every input, so runs are reproducible.
struct World {
  std::unique_ptr<cfl::store::Store> store;
  cfl::ManualClock clock{cfl::FromMillis(kStartMs)};
  cfl::api::RuntimeSettings settings;
  std::unique_ptr<cfl::api::Services> services;
  std::unique_ptr<cfl::api::Dispatcher> dispatcher;

  World() {
    auto opened = cfl::store::OpenSqliteStore("");
    if (auto* error = std::get_if<cfl::store::StoreError>(&opened)) cfl::fuzz::Die("store: " + error->message);
    store = std::get<std::unique_ptr<cfl::store::Store>>(std::move(opened));
    services = std::make_unique<cfl::api::Services>(cfl::api::Services{*store, clock, settings});
    dispatcher = std::make_unique<cfl::api::Dispatcher>(*services, std::string(kAccount));
  }

  void Reset() {
    (void)store->Reset(std::nullopt);
    clock.Advance(std::chrono::milliseconds(kStartMs - cfl::ToMillis(clock.Now())));  // back to the start
    settings.propagation_delay_ms = 0;
    settings.invalidation_delay_ms = 0;
    settings.max_distributions = 5;  // a limit inputs can reach
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World world;
  world.Reset();
  auto& clock = world.clock;
  auto& dispatcher = *world.dispatcher;

  Answered answered;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  for (const auto step : SplitSteps(input)) {
    if (step.starts_with("+")) {
      std::int64_t seconds = 0;
      for (const char c : step.substr(1, 6)) {
        if (c < '0' || c > '9') break;
        seconds = seconds * 10 + (c - '0');
      }
      clock.Advance(std::chrono::seconds(seconds));
      continue;
    }
    Request request;
    if (!ParseStep(step, answered, request)) continue;
    const cfl::model::HttpRequestView view{
        request.method, request.path, request.query,
        [&request](std::string_view name) -> std::optional<std::string> {
          for (const auto& [key, value] : request.headers) {
            if (EqualsIgnoreCase(key, name)) return value;
          }
          return std::nullopt;
        },
        request.body, request.target};
    cfl::api::CallRecord call;
    cfl::model::HttpResponseParts response;
    try {
      response = dispatcher.Handle(view, call);
    } catch (const std::exception& error) {
      cfl::fuzz::Die(std::string("exception escaped Dispatcher::Handle: ") + error.what());
    } catch (...) {
      cfl::fuzz::Die("a non-std exception escaped Dispatcher::Handle");
    }
    CheckResponse(request, response, call);
    if (Verbose()) {
      std::fprintf(stderr, "%s %s -> %d %s %s\n", request.method.c_str(), request.target.c_str(), response.status,
                   call.operation.c_str(), call.error_code.c_str());
    }
    Remember(response, answered);
  }
  return 0;
}
