#include "emulator/http/server.h"

#include <httplib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>

#include "emulator/common/clock.h"
#include "emulator/common/ids.h"
#include "emulator/http/connection_loop.h"
#include "emulator/http/framed_httplib.h"
#include "emulator/http/plain_http.h"
#include "emulator/http/request_log.h"

namespace cfl::http {
namespace {

constexpr std::string_view kControlPrefix = "/_emulator";
constexpr std::size_t kMaxBodyBytes = 1 << 20;
// PUT /_emulator/state takes a whole snapshot.
constexpr std::size_t kMaxSnapshotBodyBytes = std::size_t{256} << 20;

// The query string's parameters only: cpp-httplib's request.params also holds
// the fields of a form-encoded body, which must not pass for query parameters.
model::QueryMap QueryOf(std::string_view target) {
  const auto question = target.find('?');
  if (question == std::string_view::npos) return {};
  httplib::Params params;
  httplib::detail::parse_query_text(std::string(target.substr(question + 1)), params);
  return model::QueryMap(params.begin(), params.end());
}

bool IsControlPath(std::string_view path) {
  return path == kControlPrefix || (path.starts_with(kControlPrefix) && path[kControlPrefix.size()] == '/');
}

std::size_t MaxBodyFor(std::string_view method, std::string_view target) {
  const std::string_view path = target.substr(0, target.find('?'));
  if (method == "PUT" && path == "/_emulator/state") return kMaxSnapshotBodyBytes;
  return kMaxBodyBytes;
}


// An error answer in the format of the service the request's path belongs to.
model::HttpResponseParts ErrorParts(std::string_view path, int status, const ApiError& error) {
  const std::string request_id = ids::RequestId();
  auto parts = model::EncodeError(error, request_id, model::ServiceForPath(path).protocol);
  parts.status = status;
  parts.headers.emplace_back("x-amzn-RequestId", request_id);
  return parts;
}

// Counts a request in flight for as long as it lives.
class InFlight {
 public:
  explicit InFlight(std::atomic<int>& count) : count_(count) { ++count_; }
  ~InFlight() { --count_; }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;

 private:
  std::atomic<int>& count_;
};

std::string RequestLogLine(const api::CallRecord& call, double ms) {
  char duration[32];
  const auto written = std::to_chars(duration, duration + sizeof duration, ms, std::chars_format::fixed, 2);
  std::string line = FormatIso8601(ToMillis(std::chrono::system_clock::now()));
  line.reserve(160);
  line.append(" request_id=").append(call.request_id).append(" account=").append(call.account);
  line.append(" operation=").append(call.operation.empty() ? "-" : call.operation);
  line.append(" status=").append(std::to_string(call.status));
  line.append(" error=").append(call.error_code.empty() ? "-" : call.error_code);
  line.append(" ms=").append(duration, written.ec == std::errc() ? written.ptr : duration);
  return line;
}

}  // namespace

struct Server::Impl final : RequestServer {
  Impl(const Options& options, api::Dispatcher& dispatcher, control::ControlPlane& control)
      : options(options), dispatcher(dispatcher), control(control), loop(Limits(options), Framing(), *this) {
    Configure();
  }

  const Options& options;
  api::Dispatcher& dispatcher;
  control::ControlPlane& control;
  FramedServer http;
  ConnectionLoop loop;
  int port = -1;
  std::atomic<int> in_flight{0};
  RequestLog log{STDERR_FILENO};  // one line per request

  static ServingLimits Limits(const Options& options) {
    ServingLimits limits;
    limits.max_workers = static_cast<std::size_t>(std::max(1, options.threads));
    limits.min_workers = std::min<std::size_t>(2, limits.max_workers);
    return limits;
  }

  static FramingLimits Framing() {
    FramingLimits limits;
    limits.max_body = MaxBodyFor;
    return limits;
  }

  bool LogRequests() const { return options.log_level == "debug" || options.log_level == "info"; }

  bool Serve(std::string_view request, bool closing, const ConnectionInfo& connection, ResponseWriter& out) override {
    if (auto plain = ParsePlainRequest(request); plain && !IsControlPath(plain->path)) {
      return ServePlainApi(*plain, closing, out);
    }
    return ServeFramed(http, request, closing, connection, out);
  }

  // An API request cpp-httplib would read the same way (plain_http.h),
  // answered as cpp-httplib would answer it through ServeApi.
  bool ServePlainApi(const PlainRequest& request, bool closing, ResponseWriter& out) {
    const InFlight counted(in_flight);
    const auto query = QueryOf(request.target);
    const model::HttpRequestView view{
        request.method,
        request.path,
        query,
        [&request](std::string_view name) -> std::optional<std::string> {
          const auto value = request.Header(name);
          if (!value) return std::nullopt;
          return std::string(*value);
        },
        request.body,
        request.target,
        [&request](std::string_view name) { return request.HeaderValues(name); },
        [&request] { return request.HeaderNames(); }};
    model::HttpResponseParts parts;
    try {
      parts = AnswerApi(view);
    } catch (const std::exception& error) {  // as the exception handler Configure gives cpp-httplib
      parts = ErrorParts(request.path, 500, errors::InternalError(std::string("Internal error: ") + error.what()));
    } catch (...) {
      parts = ErrorParts(request.path, 500, errors::InternalError("Internal error: unknown exception"));
    }
    if (parts.status >= 400 && parts.body.empty()) {  // as the error handler Configure gives cpp-httplib
      parts = ErrorParts(request.path, parts.status,
                         errors::MalformedInput("The request could not be parsed as an HTTP/1.1 request."));
    }
    const bool client_closes = request.ClientCloses();
    // Head and body apart: the body is not copied once more (the writer gathers both).
    return out.Write(PlainAnswerHead(parts, closing || client_closes)) && out.Write(parts.body) && !client_closes;
  }

  std::string RefusalAnswer(const Refusal& refusal) override {
    api::CallRecord call;
    call.request_id = ids::RequestId();
    call.account = "-";
    call.status = refusal.status;
    call.error_code = refusal.code;
    const auto encoded = model::EncodeError(MakeError(refusal.code, refusal.message), call.request_id);
    std::string answer = "HTTP/1.1 " + std::to_string(refusal.status) + " " + ReasonPhrase(refusal.status) + "\r\n";
    answer += "Content-Type: text/xml\r\nContent-Length: " + std::to_string(encoded.body.size()) + "\r\n";
    answer += "x-amzn-RequestId: " + call.request_id + "\r\n";
    if (refusal.status == 415) answer += "Accept-Encoding: identity\r\n";
    answer += "Connection: close\r\n\r\n" + encoded.body;
    if (LogRequests()) log.Write(RequestLogLine(call, 0));
    return answer;
  }

  void ServeApi(const httplib::Request& request, std::string_view body, httplib::Response& response) {
    const auto query = QueryOf(request.target);
    model::HttpRequestView view{
        request.method, request.path, query,
        // One case-insensitive search, not has_header then get_header_value:
        // the codec asks for every header member of the operation.
        [&request](std::string_view name) -> std::optional<std::string> {
          const std::string key(name);
          const auto first = request.headers.lower_bound(key);  // the first value sent, as get_header_value
          if (first == request.headers.end() || request.headers.key_comp()(key, first->first)) return std::nullopt;
          return first->second;
        },
        body, request.target,
        [&request](std::string_view name) {
          const std::string key(name);
          std::vector<std::string> values(request.get_header_value_count(key));
          for (std::size_t i = 0; i < values.size(); ++i) values[i] = request.get_header_value(key, i);
          return values;
        },
        [&request] {
          std::vector<std::string> names;
          for (const auto& [name, value] : request.headers) {
            if (!IsHttplibOwnHeader(name)) names.push_back(name);
          }
          return names;
        }};
    SendParts(response, AnswerApi(view));
  }

  // The dispatcher's answer, the call recorded and logged.
  model::HttpResponseParts AnswerApi(const model::HttpRequestView& view) {
    const auto started = std::chrono::steady_clock::now();
    api::CallRecord call;
    auto parts = dispatcher.Handle(view, call);
    if (options.control_api) control.RecordCall(call);
    if (LogRequests()) {
      log.Write(RequestLogLine(call, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                                               started).count()));
    }
    return parts;
  }

  // With --control-token, every control request must present the token
  // (compared in constant time) but GET /health and the dashboard's own files
  // (/ui, /ui/…): they hold no secrets, and a browser cannot add the header to
  // a page it is sent to; the page's API calls carry the token.
  bool TokenAccepted(const httplib::Request& request, std::string_view path) const {
    if (options.control_token.empty()) return true;
    if (request.method == "GET" && (path == "/health" || path == "/ui" || path.starts_with("/ui/"))) return true;
    const std::string expected = "Bearer " + options.control_token;
    const std::string given = request.get_header_value("Authorization");
    unsigned char difference = given.size() == expected.size() ? 0 : 1;
    for (std::size_t i = 0; i < expected.size(); ++i) {
      difference |= static_cast<unsigned char>(expected[i] ^ (i < given.size() ? given[i] : 0));
    }
    return difference == 0;
  }

  void ServeControl(const httplib::Request& request, std::string_view body, httplib::Response& response) {
    const auto started = std::chrono::steady_clock::now();
    const std::string_view path = std::string_view(request.path).substr(kControlPrefix.size());
    control::ControlResponse answer{404, {{"error", "the control API is turned off (--no-control-api)"}}};
    if (options.control_api && !TokenAccepted(request, path)) {
      answer = {401, {{"error", "the control plane needs \"Authorization: Bearer TOKEN\" with the token given "
                                "to --control-token (or CFL_CONTROL_TOKEN)"}}};
      response.set_header("WWW-Authenticate", "Bearer realm=\"cloudfront-local control plane\"");
    } else if (options.control_api) {
      answer = control.Handle({request.method, path.empty() ? "/" : path, body, QueryOf(request.target)});
    }
    response.status = answer.status;
    if (answer.status == 405 && answer.body.contains("allow")) {
      std::string allow;
      for (const auto& method : answer.body["allow"]) allow += (allow.empty() ? "" : ", ") + method.get<std::string>();
      response.set_header("Allow", allow);
    }
    if (answer.stream) {
      // Chunked, written as the client reads it (connection_loop bounds what
      // waits unread and for how long). The charset parameter keeps httplib
      // from compressing the stream for a client that accepts br or gzip (it
      // compresses "application/json" exactly): its br encoder held tens of
      // MB of a large snapshot.
      response.set_chunked_content_provider(
          "application/json; charset=utf-8", [stream = std::move(answer.stream)](std::size_t, httplib::DataSink& sink) {
            if (stream([&sink](std::string_view piece) { return sink.write(piece.data(), piece.size()); })) {
              sink.done();
            }
            return true;
          });
    } else if (!answer.content_type.empty()) {  // the dashboard's files
      for (const auto& [name, value] : answer.headers) response.set_header(name, value);
      response.set_content(std::move(answer.text), answer.content_type);
    } else {
      // Paths and bodies may hold bytes that are not UTF-8: replace them, never throw.
      response.set_content(answer.body.dump(-1, ' ', false, cfl::Json::error_handler_t::replace),
                           "application/json");
    }
    // Reads of the control plane (a dashboard polls several a second) log at debug only.
    if (LogRequests() && (request.method != "GET" || options.log_level == "debug")) {
      api::CallRecord call;
      call.request_id = "-";
      call.account = "-";
      call.operation = "control:" + request.method + " " + request.path;
      call.status = answer.status;
      log.Write(RequestLogLine(call, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                                               started).count()));
    }
  }

  void Route(const httplib::Request& request, std::string_view body, httplib::Response& response) {
    const InFlight counted(in_flight);
    if (IsControlPath(request.path)) {
      ServeControl(request, body, response);
    } else {
      ServeApi(request, body, response);
    }
  }

  // Framing, limits, deadlines and threads are the connection loop's
  // (connection_loop.h, request_framing.h); cpp-httplib parses each framed
  // request and runs the handlers.
  void Configure() {
    const auto send_error = [](const httplib::Request& request, httplib::Response& response, int status,
                               const ApiError& error) {
      SendParts(response, ErrorParts(request.path, status, error));
    };
    const auto handler = [this](const httplib::Request& request, std::string_view body, httplib::Response& response) {
      Route(request, body, response);
    };
    RouteEverything(http, handler);
    // Nothing should throw this far (the dispatcher and the control plane
    // catch), but if something does the client still gets CloudFront's shape.
    http.set_exception_handler([send_error](const httplib::Request& request, httplib::Response& response,
                                            std::exception_ptr thrown) {
      std::string what = "unknown exception";
      try {
        std::rethrow_exception(thrown);
      } catch (const std::exception& error) {
        what = error.what();
      } catch (...) {
      }
      send_error(request, response, 500, errors::InternalError("Internal error: " + what));
    });
    // Requests cpp-httplib refuses itself (a method it has no handlers for, a
    // bad Range) still get an AWS-style error; responses that already have
    // one keep it.
    http.set_error_handler([send_error](const httplib::Request& request, httplib::Response& response) {
      if (!response.body.empty()) return;
      send_error(request, response, response.status,
                 errors::MalformedInput("The request could not be parsed as an HTTP/1.1 request."));
    });
  }
};

Server::Server(const Options& options, api::Dispatcher& dispatcher, control::ControlPlane& control)
    : impl_(std::make_unique<Impl>(options, dispatcher, control)) {}

Server::~Server() = default;

int Server::Bind() {
  impl_->port = impl_->loop.Bind(impl_->options.host, impl_->options.port);
  if (impl_->port >= 0) impl_->http.SetListening(impl_->loop.listening_socket());
  return impl_->port;
}

std::string Server::BindError() const { return impl_->loop.error(); }

bool Server::Listen() {
  impl_->loop.Run();
  return true;
}

void Server::Stop() {
  impl_->http.SetListening(INVALID_SOCKET);
  impl_->loop.Stop();
}

void Server::WaitForInFlightRequests(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (impl_->in_flight.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  impl_->log.Flush();
}

}  // namespace cfl::http
