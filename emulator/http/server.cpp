#include "emulator/http/server.h"

#include <httplib.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "emulator/common/clock.h"
#include "emulator/common/ids.h"

namespace cfl::http {
namespace {

constexpr std::string_view kControlPrefix = "/_emulator";
constexpr std::size_t kMaxBodyBytes = 1 << 20;

model::QueryMap QueryOf(const httplib::Request& request) {
  return model::QueryMap(request.params.begin(), request.params.end());
}

void Send(httplib::Response& response, model::HttpResponseParts parts) {
  response.status = parts.status;
  std::string content_type = "text/xml";
  for (auto& [name, value] : parts.headers) {
    if (name == "Content-Type") {
      content_type = value;
    } else {
      response.set_header(name, value);
    }
  }
  if (!parts.body.empty()) response.set_content(std::move(parts.body), content_type);
}

// One line per request on stderr, written with one write(2) so lines from
// concurrent requests never interleave.
void LogLine(const std::string& line) {
  const std::string text = line + "\n";
  [[maybe_unused]] auto written = ::write(STDERR_FILENO, text.data(), text.size());
}

std::string RequestLogLine(const api::CallRecord& call, double ms) {
  char duration[32];
  std::snprintf(duration, sizeof duration, "%.2f", ms);
  return FormatIso8601(ToMillis(std::chrono::system_clock::now())) + " request_id=" + call.request_id +
         " account=" + call.account + " operation=" + (call.operation.empty() ? "-" : call.operation) +
         " status=" + std::to_string(call.status) + " error=" + (call.error_code.empty() ? "-" : call.error_code) +
         " ms=" + duration;
}

}  // namespace

struct Server::Impl {
  const Options& options;
  api::Dispatcher& dispatcher;
  control::ControlPlane& control;
  httplib::Server server;
  int port = -1;
  std::atomic<int> in_flight{0};

  bool LogRequests() const { return options.log_level == "debug" || options.log_level == "info"; }

  void ServeApi(const httplib::Request& request, httplib::Response& response) {
    const auto started = std::chrono::steady_clock::now();
    const auto query = QueryOf(request);
    model::HttpRequestView view{
        request.method, request.path, query,
        [&request](std::string_view name) -> std::optional<std::string> {
          const std::string key(name);
          if (!request.has_header(key)) return std::nullopt;
          return request.get_header_value(key);
        },
        request.body, request.target,
        [&request](std::string_view name) {
          const std::string key(name);
          std::vector<std::string> values(request.get_header_value_count(key));
          for (std::size_t i = 0; i < values.size(); ++i) values[i] = request.get_header_value(key, i);
          return values;
        }};
    api::CallRecord call;
    Send(response, dispatcher.Handle(view, call));
    if (options.control_api) control.RecordCall(call);
    if (LogRequests()) {
      LogLine(RequestLogLine(call, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                                               started).count()));
    }
  }

  void ServeControl(const httplib::Request& request, httplib::Response& response) {
    const auto started = std::chrono::steady_clock::now();
    const std::string_view path = std::string_view(request.path).substr(kControlPrefix.size());
    control::ControlResponse answer{404, {{"error", "the control API is turned off (--no-control-api)"}}};
    if (options.control_api) {
      answer = control.Handle({request.method, path.empty() ? "/" : path, request.body, QueryOf(request)});
    }
    response.status = answer.status;
    if (answer.status == 405 && answer.body.contains("allow")) {
      std::string allow;
      for (const auto& method : answer.body["allow"]) allow += (allow.empty() ? "" : ", ") + method.get<std::string>();
      response.set_header("Allow", allow);
    }
    // Paths and bodies may hold bytes that are not UTF-8: replace them, never throw.
    response.set_content(answer.body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                         "application/json");
    if (LogRequests()) {
      api::CallRecord call;
      call.request_id = "-";
      call.account = "-";
      call.operation = "control:" + request.method + " " + request.path;
      call.status = answer.status;
      LogLine(RequestLogLine(call, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                                               started).count()));
    }
  }

  void Route(const httplib::Request& request, httplib::Response& response) {
    ++in_flight;
    struct Done {
      std::atomic<int>& count;
      ~Done() { --count; }
    } done{in_flight};
    const std::string_view path = request.path;
    if (path == kControlPrefix || path.starts_with(std::string(kControlPrefix) + "/")) {
      ServeControl(request, response);
    } else {
      ServeApi(request, response);
    }
  }

  void Configure() {
    server.set_tcp_nodelay(true);
    server.set_keep_alive_max_count(1'000'000);
    server.set_keep_alive_timeout(30);
    server.set_read_timeout(10, 0);
    server.set_write_timeout(10, 0);
    server.set_payload_max_length(kMaxBodyBytes);
    const int threads = options.threads;
    server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    const auto handler = [this](const httplib::Request& request, httplib::Response& response) {
      Route(request, response);
    };
    server.Get(".*", handler);
    server.Post(".*", handler);
    server.Put(".*", handler);
    server.Delete(".*", handler);
    server.Patch(".*", handler);
    server.Options(".*", handler);
    server.set_exception_handler([](const httplib::Request&, httplib::Response& response, std::exception_ptr) {
      response.status = 500;
      response.set_content("internal error", "text/plain");
    });
    // Requests httplib refuses before routing (e.g. a body over the limit)
    // still get an AWS-style error; responses that already have one keep it.
    server.set_error_handler([](const httplib::Request&, httplib::Response& response) {
      if (!response.body.empty()) return;
      const ApiError error = response.status == 413
                                 ? MakeError("RequestEntityTooLarge", "The request body is too large.")
                                 : MakeError("MalformedInput", "The request could not be parsed.");
      const std::string request_id = ids::RequestId();
      response.set_header("x-amzn-RequestId", request_id);
      response.set_content(model::EncodeError(error, request_id).body, "text/xml");
    });
  }
};

Server::Server(const Options& options, api::Dispatcher& dispatcher, control::ControlPlane& control)
    : impl_(new Impl{options, dispatcher, control, {}, -1}) {
  impl_->Configure();
}

Server::~Server() = default;

int Server::Bind() {
  if (impl_->options.port == 0) {
    impl_->port = impl_->server.bind_to_any_port(impl_->options.host);
  } else if (impl_->server.bind_to_port(impl_->options.host, impl_->options.port)) {
    impl_->port = impl_->options.port;
  }
  return impl_->port;
}

bool Server::Listen() { return impl_->server.listen_after_bind(); }

void Server::Stop() { impl_->server.stop(); }

void Server::WaitForInFlightRequests(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (impl_->in_flight.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

}  // namespace cfl::http
