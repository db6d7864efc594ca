// A minimal blocking HTTP/1.1 client on raw sockets for the benchmark tools:
// one keep-alive connection, one request at a time, Content-Length bodies only.
// Small on purpose, so the client costs as little CPU as possible on a machine
// it shares with the server.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

namespace cfl::bench {

struct HttpResponse {
  int status = 0;
  std::string etag;
  std::string body;
};

// The value of a header in a raw header block, "" if absent (name case-insensitive).
inline std::string HeaderValue(std::string_view head, std::string_view name) {
  std::size_t line_start = head.find("\r\n");
  while (line_start != std::string_view::npos && line_start + 2 < head.size()) {
    line_start += 2;
    const std::size_t line_end = head.find("\r\n", line_start);
    const std::string_view line = head.substr(line_start, line_end - line_start);
    const std::size_t colon = line.find(':');
    if (colon == name.size() &&
        std::equal(name.begin(), name.end(), line.begin(),
                   [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
      return std::string(value);
    }
    line_start = line_end;
  }
  return {};
}

class HttpConnection {
 public:
  HttpConnection() = default;
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;
  HttpConnection(HttpConnection&& other) noexcept
      : fd_(std::exchange(other.fd_, -1)), buffer_(std::move(other.buffer_)) {}
  ~HttpConnection() { Close(); }

  // Connects to 127.0.0.1:port with TCP_NODELAY; false if refused.
  bool Connect(int port) {
    Close();
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return false;
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      Close();
      return false;
    }
    return true;
  }

  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    buffer_.clear();
  }

  bool connected() const { return fd_ >= 0; }

  // Sends one request (with Content-Length when body is set) and reads the
  // answer. False on any transport error; the connection is then closed.
  bool RoundTrip(std::string_view method, std::string_view path, std::string_view extra_headers,
                 std::string_view body, HttpResponse& response) {
    std::string request;
    request.reserve(160 + extra_headers.size() + body.size());
    request.append(method).append(" ").append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    request.append(extra_headers);
    if (!body.empty() || method == "POST" || method == "PUT") {
      request.append("Content-Type: text/xml\r\nContent-Length: ").append(std::to_string(body.size()));
      request.append("\r\n");
    }
    request.append("\r\n").append(body);
    if (!SendAll(request) || !ReadResponse(response)) {
      Close();
      return false;
    }
    return true;
  }

 private:
  bool SendAll(std::string_view data) {
    while (!data.empty()) {
      const ssize_t sent = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (sent < 0 && errno == EINTR) continue;
      if (sent <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(sent));
    }
    return true;
  }

  bool Fill() {
    char chunk[65536];
    while (true) {
      const ssize_t got = ::recv(fd_, chunk, sizeof chunk, 0);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) return false;
      buffer_.append(chunk, static_cast<std::size_t>(got));
      return true;
    }
  }

  bool ReadResponse(HttpResponse& response) {
    std::size_t head_end;
    while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return false;
    }
    const std::string_view head(buffer_.data(), head_end + 2);
    if (head.size() < 12 || !head.starts_with("HTTP/1.1 ")) return false;
    response.status = std::atoi(head.data() + 9);
    response.etag = HeaderValue(head, "ETag");
    const std::string length_text = HeaderValue(head, "Content-Length");
    const std::size_t length = length_text.empty() ? 0 : std::stoul(length_text);
    const std::size_t total = head_end + 4 + length;
    while (buffer_.size() < total) {
      if (!Fill()) return false;
    }
    response.body.assign(buffer_, head_end + 4, length);
    buffer_.erase(0, total);
    return true;
  }

  int fd_ = -1;
  std::string buffer_;
};

using Clock = std::chrono::steady_clock;

inline double MillisSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

}  // namespace cfl::bench
