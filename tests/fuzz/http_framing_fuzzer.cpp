// libFuzzer harness for the HTTP edge: raw bytes on a real socket, to a real
// cloudfront-local server running in this process (connection loop, framing,
// cpp-httplib, dispatcher, in-memory store; the control plane off, so no
// fault rule can put requests to sleep).
//
// Each input is sent as is on a new connection — any number of requests,
// pipelined, complete or not — then the client shuts its side down and reads
// until the server closes.
//
// Checks (abort on failure): the server closes the connection within a few
// seconds (it neither hangs nor waits for bytes that cannot come); what it
// sends is a sequence of complete HTTP/1.1 answers (status line, headers,
// a body framed by Content-Length or chunked) and nothing else; no answer is
// a 500; the server is still serving afterwards. ASan/UBSan watch the rest.
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "emulator/api/dispatcher.h"
#include "emulator/common/clock.h"
#include "emulator/common/options.h"
#include "emulator/control/control_plane.h"
#include "emulator/http/server.h"
#include "store/store.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

constexpr int kAnswerSeconds = 5;

struct World {
  World() {
    options.port = 0;
    options.log_level = "error";
    options.threads = 4;
    options.control_api = false;
    store = std::get<std::unique_ptr<cfl::store::Store>>(cfl::store::OpenSqliteStore(""));
    services = std::make_unique<cfl::api::Services>(cfl::api::Services{*store, clock, settings});
    dispatcher = std::make_unique<cfl::api::Dispatcher>(*services, options.account_id, nullptr);
    control = std::make_unique<cfl::control::ControlPlane>(cfl::control::ControlDeps{*services, clock, faults, journal});
    server = std::make_unique<cfl::http::Server>(options, *dispatcher, *control);
    port = server->Bind();
    if (port < 0) cfl::fuzz::Die("the server cannot bind");
    std::thread([this] { server->Listen(); }).detach();
  }

  cfl::Options options;
  std::unique_ptr<cfl::store::Store> store;
  cfl::SystemClock clock;
  cfl::api::RuntimeSettings settings;
  std::unique_ptr<cfl::api::Services> services;
  cfl::control::FaultRules faults;
  cfl::control::RequestJournal journal{16};
  std::unique_ptr<cfl::api::Dispatcher> dispatcher;
  std::unique_ptr<cfl::control::ControlPlane> control;
  std::unique_ptr<cfl::http::Server> server;
  int port = -1;
};

int Connect(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    cfl::fuzz::Die("cannot connect to the server");
  }
  timeval timeout{kAnswerSeconds, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  return fd;
}

// Everything the server sends until it closes; dies if it does not close.
std::string ReadUntilClosed(int fd) {
  std::string received;
  char buffer[16 * 1024];
  for (;;) {
    const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
    if (got > 0) {
      received.append(buffer, static_cast<std::size_t>(got));
      continue;
    }
    if (got == 0 || errno == ECONNRESET) return received;
    if (errno == EINTR) continue;
    cfl::fuzz::Die("the server neither answered nor closed within " + std::to_string(kAnswerSeconds) + " s");
  }
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

// Consumes one chunked body from the front of bytes; false if malformed.
bool SkipChunked(std::string_view& bytes) {
  for (;;) {
    const auto line_end = bytes.find("\r\n");
    if (line_end == std::string_view::npos) return false;
    std::size_t size = 0;
    for (const char c : bytes.substr(0, line_end)) {
      if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
      size = size * 16 + static_cast<std::size_t>(std::isdigit(c) ? c - '0' : std::tolower(c) - 'a' + 10);
      if (size > (std::size_t{1} << 30)) return false;
    }
    bytes.remove_prefix(line_end + 2);
    if (bytes.size() < size + 2 || bytes.substr(size, 2) != "\r\n") return false;
    bytes.remove_prefix(size + 2);
    if (size == 0) return true;
  }
}

// Every answer complete and well framed, none a 500. heads: the input holds
// a HEAD request, whose answer has a Content-Length and no body (which one it
// is is not tracked: a body-less answer is then accepted where the next
// answer, or the end, follows its head).
void CheckAnswers(std::string_view bytes, bool heads) {
  while (!bytes.empty()) {
    const auto head_end = bytes.find("\r\n\r\n");
    if (head_end == std::string_view::npos) cfl::fuzz::Die("an answer's head does not end");
    const std::string_view head = bytes.substr(0, head_end);
    bytes.remove_prefix(head_end + 4);
    if (head.size() < 12 || !head.starts_with("HTTP/1.1 ") || !std::isdigit(head[9]) || !std::isdigit(head[10]) ||
        !std::isdigit(head[11])) {
      cfl::fuzz::Die("not an HTTP/1.1 status line: " + std::string(head.substr(0, 60)));
    }
    const int status = (head[9] - '0') * 100 + (head[10] - '0') * 10 + (head[11] - '0');
    if (status == 500) cfl::fuzz::Die("the server answered 500:\n" + std::string(head));
    if (status < 200) continue;  // 100 Continue: no body, the real answer follows
    std::size_t length = 0;
    bool chunked = false;
    std::size_t at = head.find("\r\n");
    while (at != std::string_view::npos) {
      const auto next = head.find("\r\n", at + 2);
      const std::string_view line = head.substr(at + 2, next == std::string_view::npos ? next : next - at - 2);
      const auto colon = line.find(':');
      if (colon == std::string_view::npos) cfl::fuzz::Die("an answer header without a colon");
      const std::string_view name = line.substr(0, colon);
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      if (EqualsIgnoreCase(name, "Content-Length")) length = std::stoull(std::string(value));
      if (EqualsIgnoreCase(name, "Transfer-Encoding")) chunked = EqualsIgnoreCase(value, "chunked");
      at = next;
    }
    if (chunked) {
      if (!SkipChunked(bytes)) cfl::fuzz::Die("a chunked answer body is malformed");
    } else if (heads && (bytes.empty() || bytes.starts_with("HTTP/1.1 ")) &&
               (bytes.size() < length || bytes.substr(length).find("HTTP/1.1 ") != 0)) {
      continue;  // the answer to a HEAD
    } else {
      if (bytes.size() < length) cfl::fuzz::Die("an answer body is shorter than its Content-Length");
      bytes.remove_prefix(length);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World* world = new World();  // kept for the whole run: its threads serve every input
  const int fd = Connect(world->port);
  std::size_t sent = 0;
  while (sent < size) {
    const ssize_t n = ::send(fd, data + sent, size - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server refused something and closed: fine
    sent += static_cast<std::size_t>(n);
  }
  ::shutdown(fd, SHUT_WR);
  const std::string answers = ReadUntilClosed(fd);
  ::close(fd);
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  CheckAnswers(answers, input.find("HEAD ") != std::string_view::npos);
  static int inputs = 0;
  if (++inputs % 32 != 0) return 0;
  // Still serving.
  const int probe = Connect(world->port);
  constexpr std::string_view kProbe = "GET /2020-05-31/distribution HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  if (::send(probe, kProbe.data(), kProbe.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(kProbe.size())) {
    cfl::fuzz::Die("cannot send to the server after an input");
  }
  const std::string probed = ReadUntilClosed(probe);
  ::close(probe);
  if (!probed.starts_with("HTTP/1.1 200")) cfl::fuzz::Die("the server stopped serving: " + probed.substr(0, 100));
  return 0;
}
