#include "emulator/http/connection_loop.h"

#include <doctest/doctest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace cfl::http {
namespace {

using namespace std::chrono_literals;

// Answers each request with its request line; a request line containing
// "block" waits until released.
class EchoServer final : public RequestServer {
 public:
  bool Serve(std::string_view request, bool closing, const ConnectionInfo&, ResponseWriter& out) override {
    const std::string line(request.substr(0, request.find("\r\n")));
    if (line.find("block") != std::string::npos) {
      std::unique_lock lock(mutex_);
      ++blocked_;
      changed_.notify_all();
      changed_.wait(lock, [this] { return released_; });
    }
    const std::string answer = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(line.size()) + "\r\n" +
                               (closing ? "Connection: close\r\n" : "") + "\r\n" + line;
    return out.Write(answer);
  }
  std::string RefusalAnswer(const Refusal& refusal) override {
    return "HTTP/1.1 " + std::to_string(refusal.status) + " X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
  }
  void WaitBlocked(int count) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, 10s, [&] { return blocked_ >= count; });
  }
  void Release() {
    std::lock_guard lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int blocked_ = 0;
  bool released_ = false;
};

struct Running {
  explicit Running(ServingLimits limits) : loop(limits, FramingLimits{}, server) {
    port = loop.Bind("127.0.0.1", 0);
    REQUIRE(port > 0);
    thread = std::thread([this] { loop.Run(); });
  }
  ~Running() {
    server.Release();
    loop.Stop();
    thread.join();
  }

  int Connect() const {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    return fd;
  }

  static void Send(int fd, std::string_view bytes) {
    REQUIRE(::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size()));
  }

  // Everything the server sends until it closes (then *closed is set) or
  // `wait` passes without a byte.
  static std::string Receive(int fd, std::chrono::milliseconds wait = 5s, bool* closed = nullptr) {
    std::string received;
    for (;;) {
      pollfd readable{fd, POLLIN, 0};
      if (::poll(&readable, 1, static_cast<int>(wait.count())) <= 0) break;
      char buffer[4096];
      const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
      if (got <= 0) {
        if (closed != nullptr) *closed = got == 0;
        break;
      }
      received.append(buffer, static_cast<std::size_t>(got));
    }
    return received;
  }

  EchoServer server;
  ConnectionLoop loop;
  int port = -1;
  std::thread thread;
};

std::size_t Count(std::string_view text, std::string_view what) {
  std::size_t count = 0;
  for (auto at = text.find(what); at != std::string_view::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

TEST_CASE("connection loop: pipelined requests are answered in order, then the half-closed connection closes") {
  Running running(ServingLimits{});
  const int fd = running.Connect();
  std::string pipeline;
  for (int i = 0; i < 40; ++i) pipeline += "GET /" + std::to_string(i) + " HTTP/1.1\r\n\r\n";
  Running::Send(fd, pipeline);
  ::shutdown(fd, SHUT_WR);
  const std::string answers = Running::Receive(fd);
  ::close(fd);
  CHECK(Count(answers, "HTTP/1.1 200 OK") == 40);
  std::size_t at = 0;
  for (int i = 0; i < 40; ++i) {
    const auto found = answers.find("GET /" + std::to_string(i) + " HTTP", at);
    REQUIRE(found != std::string::npos);
    at = found;
  }
  CHECK(answers.ends_with("GET /39 HTTP/1.1"));
}

TEST_CASE("connection loop: a request that arrives while the one before it is served is served next") {
  // Connections are registered edge-triggered: the second request's event
  // comes while a worker still holds the connection, and only once.
  Running running(ServingLimits{});
  const int fd = running.Connect();
  Running::Send(fd, "GET /block HTTP/1.1\r\n\r\n");
  running.server.WaitBlocked(1);
  Running::Send(fd, "GET /second HTTP/1.1\r\n\r\n");
  std::this_thread::sleep_for(100ms);  // the event is out, taken by another worker
  running.server.Release();
  const std::string answers = Running::Receive(fd, 2s);
  ::close(fd);
  CHECK(Count(answers, "HTTP/1.1 200 OK") == 2);
  CHECK(answers.ends_with("GET /second HTTP/1.1"));
}

TEST_CASE("connection loop: a request and a half-close that arrive together are answered, then the connection closes") {
  // Edge-triggered: the bytes and the end of input come as one event, once.
  // The only worker is held while both arrive, so they wait together.
  ServingLimits limits;
  limits.min_workers = limits.max_workers = 1;
  limits.idle_timeout = 30s;  // a connection left waiting would outlive the test's patience
  Running running(limits);
  const int busy = running.Connect();
  Running::Send(busy, "GET /block HTTP/1.1\r\n\r\n");
  running.server.WaitBlocked(1);
  const int fd = running.Connect();
  Running::Send(fd, "GET /half-closed HTTP/1.1\r\n\r\n");
  ::shutdown(fd, SHUT_WR);
  std::this_thread::sleep_for(50ms);
  running.server.Release();
  bool closed = false;
  const std::string answer = Running::Receive(fd, 3s, &closed);
  ::close(fd);
  ::close(busy);
  CHECK(answer.ends_with("GET /half-closed HTTP/1.1"));
  CHECK(closed);
}

TEST_CASE("connection loop: a request not complete by its deadline is answered 408; an idle one is closed") {
  ServingLimits limits;
  limits.request_deadline = 300ms;
  limits.idle_timeout = 200ms;
  limits.linger = 100ms;
  Running running(limits);
  const int slow = running.Connect();
  const int idle = running.Connect();
  Running::Send(slow, "GET / HT");
  const auto started = std::chrono::steady_clock::now();
  const std::string answer = Running::Receive(slow, 3s);
  const auto took = std::chrono::steady_clock::now() - started;
  CHECK(answer.starts_with("HTTP/1.1 408"));
  CHECK(took >= 250ms);
  CHECK(took < 2s);
  CHECK(Running::Receive(idle, 3s).empty());  // closed without a word
  ::close(slow);
  ::close(idle);
}

TEST_CASE("connection loop: workers grow while requests block, up to the maximum, and end when idle") {
  ServingLimits limits;
  limits.min_workers = 1;
  limits.max_workers = 3;
  limits.worker_idle_exit = 200ms;
  Running running(limits);
  std::vector<int> clients;
  for (int i = 0; i < 5; ++i) {
    clients.push_back(running.Connect());
    Running::Send(clients.back(), "GET /block HTTP/1.1\r\n\r\n");
  }
  running.server.WaitBlocked(3);
  std::this_thread::sleep_for(200ms);
  CHECK(running.loop.workers() == 3);  // 5 requests, 3 workers: 2 wait
  running.server.Release();
  for (const int fd : clients) {
    CHECK(Running::Receive(fd, 1s).find("GET /block") != std::string::npos);
    ::close(fd);
  }
  for (int i = 0; i < 50 && running.loop.workers() > 1; ++i) std::this_thread::sleep_for(50ms);
  CHECK(running.loop.workers() == 1);
}

TEST_CASE("connection loop: a refused request is answered and the connection closed, nothing after it served") {
  Running running(ServingLimits{});
  const int fd = running.Connect();
  Running::Send(fd, "POST / HTTP/1.1\r\nContent-Length: 2000000\r\n\r\nGET /after HTTP/1.1\r\n\r\n");
  const std::string answer = Running::Receive(fd);
  ::close(fd);
  CHECK(answer.starts_with("HTTP/1.1 413"));
  CHECK(answer.find("/after") == std::string::npos);
}

}  // namespace
}  // namespace cfl::http
