#include "emulator/http/server.h"

#include <httplib.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <thread>

#include "emulator/common/clock.h"
#include "emulator/common/ids.h"
#include "emulator/http/request_log.h"

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
  if (parts.body.empty()) return;
  // What set_content does, but moving the body: a list page can be 1 MB.
  response.body = std::move(parts.body);
  response.set_header("Content-Type", content_type);
}

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

struct Server::Impl {
  const Options& options;
  api::Dispatcher& dispatcher;
  control::ControlPlane& control;
  httplib::Server server;
  int port = -1;
  std::atomic<int> in_flight{0};
  RequestLog log{STDERR_FILENO};  // one line per request

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
        },
        [&request] {
          std::vector<std::string> names;
          for (const auto& [name, value] : request.headers) {
            if (name != "REMOTE_ADDR" && name != "REMOTE_PORT") names.push_back(name);
          }
          return names;
        }};
    api::CallRecord call;
    Send(response, dispatcher.Handle(view, call));
    if (options.control_api) control.RecordCall(call);
    if (LogRequests()) {
      log.Write(RequestLogLine(call, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
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
    if (!answer.content_type.empty()) {  // the dashboard's files
      for (const auto& [name, value] : answer.headers) response.set_header(name, value);
      response.set_content(std::move(answer.text), answer.content_type);
    } else {
      // Paths and bodies may hold bytes that are not UTF-8: replace them, never throw.
      response.set_content(answer.body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
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
    // Limits. cpp-httplib serves each connection on one worker thread from
    // the moment it is accepted until it closes, and its compiled-in limits
    // are: request line 8 KB (414), header line 8 KB (400), listen backlog 5,
    // no limit on the number of headers nor on chunked bodies. Hence:
    //  - workers: options.threads, more on demand up to kMaxWorkers (below);
    //  - keep-alive 5 s: an idle connection holds its worker at most that long
    //    (clients reconnect transparently);
    //  - read timeout 5 s: a request that stalls that long mid-way is dropped
    //    (a client that trickles bytes within the timeout is not: cpp-httplib
    //    has no whole-request deadline);
    //  - TCP_DEFER_ACCEPT: a connection that sends nothing is not accepted (so
    //    holds no worker) for kDeferAcceptSeconds; every real client sends its
    //    request at once. The kernel queues such connections in the listen
    //    backlog, which is raised from 5 to SOMAXCONN once listening;
    //  - at most kMaxHeaders header fields and kMaxHeaderBytes in all (400),
    //    bodies over kMaxBodyBytes (413) however they are framed.
    constexpr time_t kKeepAliveSeconds = 5;
    constexpr time_t kReadTimeoutSeconds = 5;
    constexpr time_t kWriteTimeoutSeconds = 5;
    constexpr int kDeferAcceptSeconds = 30;
    constexpr std::size_t kMaxWorkers = 1024;
    constexpr std::size_t kMaxHeaders = 100;
    constexpr std::size_t kMaxHeaderBytes = 64 * 1024;
    server.set_tcp_nodelay(true);
    server.set_keep_alive_max_count(1'000'000);
    server.set_keep_alive_timeout(kKeepAliveSeconds);
    server.set_read_timeout(kReadTimeoutSeconds, 0);
    server.set_write_timeout(kWriteTimeoutSeconds, 0);
    server.set_payload_max_length(kMaxBodyBytes);
    // A duplicate of the listening socket's descriptor, to raise its backlog
    // from the listening thread without touching the descriptor that Stop()
    // closes from another thread.
    const auto listen_socket = std::make_shared<std::atomic<int>>(-1);
    server.set_socket_options([listen_socket](socket_t sock) {
      httplib::default_socket_options(sock);
      const int seconds = kDeferAcceptSeconds;
      ::setsockopt(sock, IPPROTO_TCP, TCP_DEFER_ACCEPT, &seconds, sizeof seconds);
      if (const int previous = listen_socket->exchange(::dup(sock)); previous >= 0) ::close(previous);
    });
    // Each accepted connection is a job that holds its worker until the
    // connection closes. A fixed pool lets idle keep-alive connections (SDK
    // connection pools, parallel test suites) starve new clients for up to the
    // keep-alive timeout; this one starts options.threads workers and adds one
    // whenever a connection arrives and none is free, up to kMaxWorkers.
    // Workers stay until shutdown: an idle worker is a parked thread.
    class GrowingPool final : public httplib::TaskQueue {
     public:
      GrowingPool(std::size_t initial, std::size_t cap) : cap_(std::max(initial, cap)) {
        std::lock_guard lock(mutex_);
        while (workers_.size() < initial) Spawn();
      }
      void enqueue(std::function<void()> job) override {
        {
          std::lock_guard lock(mutex_);
          jobs_.push_back(std::move(job));
          if (idle_ < jobs_.size() && workers_.size() < cap_) Spawn();
        }
        cond_.notify_one();
      }
      void shutdown() override {
        std::vector<std::thread> workers;
        {
          std::lock_guard lock(mutex_);
          stopping_ = true;
          workers.swap(workers_);
        }
        cond_.notify_all();
        for (auto& worker : workers) worker.join();
      }

     private:
      // REQUIRES: mutex_ held. Without a new thread the job waits for a free worker.
      void Spawn() {
        try {
          workers_.emplace_back([this] { Work(); });
        } catch (const std::system_error&) {
        }
      }
      void Work() {
        std::unique_lock lock(mutex_);
        for (;;) {
          ++idle_;
          cond_.wait(lock, [this] { return !jobs_.empty() || stopping_; });
          --idle_;
          if (jobs_.empty()) return;  // stopping
          auto job = std::move(jobs_.front());
          jobs_.pop_front();
          lock.unlock();
          job();
          lock.lock();
        }
      }

      const std::size_t cap_;
      std::mutex mutex_;
      std::condition_variable cond_;
      std::list<std::function<void()>> jobs_;
      std::vector<std::thread> workers_;
      std::size_t idle_ = 0;
      bool stopping_ = false;
    };
    const auto threads = static_cast<std::size_t>(options.threads);
    // Called once listen() has run (with cpp-httplib's backlog of 5).
    server.new_task_queue = [threads, listen_socket] {
      if (const int sock = listen_socket->exchange(-1); sock >= 0) {
        ::listen(sock, SOMAXCONN);
        ::close(sock);
      }
      return new GrowingPool(threads, kMaxWorkers);
    };
    // In the error format of the service the request's path belongs to.
    const auto send_error = [](const httplib::Request& request, httplib::Response& response, int status,
                               const ApiError& error) {
      const std::string request_id = ids::RequestId();
      auto parts = model::EncodeError(error, request_id, model::ServiceForPath(request.path).protocol);
      parts.status = status;
      parts.headers.emplace_back("x-amzn-RequestId", request_id);
      Send(response, std::move(parts));
    };
    const auto too_large = [](std::size_t bytes) {
      const bool known = bytes != 0 && bytes != std::numeric_limits<std::size_t>::max();
      return MakeError("RequestEntityTooLarge",
                       "The request body is " + (known ? std::to_string(bytes) + " bytes" : std::string("too large")) +
                           "; CloudFront Local accepts at most " + std::to_string(kMaxBodyBytes) + " bytes (1 MiB).");
    };
    // Content-Length as declared: 0 when absent or not a plain number, and
    // kUnknownLength when too long to count.
    constexpr std::size_t kUnknownLength = std::numeric_limits<std::size_t>::max();
    const auto declared_length = [](const httplib::Request& request) {
      std::size_t length = 0;
      for (const char c : request.get_header_value("Content-Length")) {
        if (c < '0' || c > '9') return std::size_t{0};
        if (length > kMaxBodyBytes * 1'000'000) return kUnknownLength;
        length = length * 10 + static_cast<std::size_t>(c - '0');
      }
      return length;
    };
    server.set_pre_routing_handler([send_error](const httplib::Request& request, httplib::Response& response) {
      std::size_t count = 0;
      std::size_t bytes = 0;
      for (const auto& [name, value] : request.headers) {
        if (name == "REMOTE_ADDR" || name == "REMOTE_PORT") continue;  // added by cpp-httplib
        ++count;
        bytes += name.size() + value.size() + 4;
      }
      if (count <= kMaxHeaders && bytes <= kMaxHeaderBytes) return httplib::Server::HandlerResponse::Unhandled;
      // The body (if any) is not read: ask the client not to reuse the connection.
      response.set_header("Connection", "close");
      send_error(request, response, 400,
                 MakeError("MalformedInput", "The request has " + std::to_string(count) + " header fields (" +
                                                 std::to_string(bytes) + " bytes); CloudFront Local accepts at most " +
                                                 std::to_string(kMaxHeaders) + " fields and " +
                                                 std::to_string(kMaxHeaderBytes) + " bytes."));
      return httplib::Server::HandlerResponse::Handled;
    });
    const auto handler = [this, send_error, too_large](const httplib::Request& request,
                                                        httplib::Response& response) {
      // Chunked bodies are not held to set_payload_max_length by cpp-httplib 0.11.
      if (request.body.size() > kMaxBodyBytes) return send_error(request, response, 413, too_large(request.body.size()));
      Route(request, response);
    };
    server.Get(".*", handler);
    server.Post(".*", handler);
    server.Put(".*", handler);
    server.Delete(".*", handler);
    server.Patch(".*", handler);
    server.Options(".*", handler);
    // Nothing should throw this far (the dispatcher and the control plane
    // catch), but if something does the client still gets CloudFront's shape.
    server.set_exception_handler([send_error](const httplib::Request& request, httplib::Response& response,
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
    // A client that asks first (Expect: 100-continue, as curl does for big
    // bodies) is refused before it sends an oversized body.
    server.set_expect_100_continue_handler(
        [send_error, too_large, declared_length](const httplib::Request& request, httplib::Response& response) {
          const std::size_t length = declared_length(request);
          if (length <= kMaxBodyBytes) return 100;
          response.set_header("Connection", "close");
          send_error(request, response, 413, too_large(length));
          return 413;
        });
    // Requests httplib refuses before routing (e.g. a body over the limit)
    // still get an AWS-style error; responses that already have one keep it.
    server.set_error_handler([send_error, too_large, declared_length](const httplib::Request& request,
                                                                     httplib::Response& response) {
      if (!response.body.empty()) return;
      if (response.status == 413) return send_error(request, response, 413, too_large(declared_length(request)));
      const std::string why =
          response.status == 414 ? "The request line is longer than 8 KB."
          : response.status == 400
              ? "The request could not be parsed as HTTP/1.1: a malformed request line or header, a header line "
                "longer than 8 KB, or a request not finished within " +
                    std::to_string(kReadTimeoutSeconds) + " s."
              : "The request could not be parsed.";
      send_error(request, response, response.status, errors::MalformedInput(why));
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
  impl_->log.Flush();
}

}  // namespace cfl::http
