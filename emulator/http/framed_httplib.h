// cpp-httplib serving one request the connection loop has framed: shared by
// the API's server (server.cpp) and the edge's listener (edge_listener.cpp).
// Internal to emulator/http/ (it includes httplib.h).
#pragma once

#include <httplib.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>

#include "emulator/codec/rest_binding.h"
#include "emulator/http/connection_loop.h"
#include "emulator/http/plain_http.h"

namespace cfl::http {

// Exposes cpp-httplib's handling of one request (parse, route, handler, write)
// for a request the connection loop has framed.
class FramedServer final : public httplib::Server {
 public:
  bool ServeOne(httplib::Stream& stream, bool closing, bool& client_closes) {
    return process_request(stream, closing, client_closes, nullptr);
  }
  // cpp-httplib writes a streamed body (a content provider) only while its
  // own listening socket is set: it takes an unset one for "shutting down".
  // Its accept loop is not used, so the connection loop's socket stands in;
  // unset again, streams being written stop.
  void SetListening(socket_t listening) { svr_sock_ = listening; }
};

// One framed request as cpp-httplib's Stream: reads yield exactly the
// request's bytes and then end; writes go to the connection's writer.
class RequestStream final : public httplib::Stream {
 public:
  RequestStream(std::string_view request, const ConnectionInfo& connection, ResponseWriter& out)
      : rest_(request), connection_(connection), out_(out) {}

  bool is_readable() const override { return true; }
  bool is_writable() const override { return writable_; }
  ssize_t read(char* ptr, size_t size) override {
    const std::size_t n = std::min(size, rest_.size());
    std::memcpy(ptr, rest_.data(), n);
    rest_.remove_prefix(n);
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* ptr, size_t size) override {
    writable_ = writable_ && out_.Write(std::string_view(ptr, size));
    return writable_ ? static_cast<ssize_t>(size) : -1;
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = connection_.remote_ip;
    port = connection_.remote_port;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = connection_.local_ip;
    port = connection_.local_port;
  }
  socket_t socket() const override { return connection_.fd; }

 private:
  std::string_view rest_;
  const ConnectionInfo& connection_;
  ResponseWriter& out_;
  bool writable_ = true;
};

// A request and its body. The body is apart from the request: copying a
// cpp-httplib Request (its header map, its strings) to fill in the body read
// through a ContentReader cost more than a tenth of the HTTP layer's work.
using FramedHandler = std::function<void(const httplib::Request& request, std::string_view body,
                                         httplib::Response& response)>;

// Sends every request (any path, every method cpp-httplib routes) to handler,
// with keep-alive as long as the connection loop allows.
inline void RouteEverything(FramedServer& http, const FramedHandler& handler) {
  http.set_keep_alive_timeout(kKeepAliveSeconds);
  http.set_keep_alive_max_count(kKeepAliveMaxCount);
  // Every path, also one whose decoded form holds a CR or LF ("." does not
  // match those): the handler decides what a path means.
  const std::string any_path = R"([\s\S]*)";
  // GET and OPTIONS: cpp-httplib reads no body (request.body stays empty).
  const auto without_reader = [handler](const httplib::Request& request, httplib::Response& response) {
    handler(request, request.body, response);
  };
  // Bodies are read here rather than by cpp-httplib, which refuses an
  // application/x-www-form-urlencoded body over 8 KB with 413 (curl -d labels
  // every body so; the limit is compiled into Debian's library). The
  // connection loop has bounded the bytes already.
  const auto with_body = [handler](const httplib::Request& request, httplib::Response& response,
                                   const httplib::ContentReader& read) {
    std::string body;
    if (request.is_multipart_form_data()) {
      // cpp-httplib gives a multipart body only in parts: it reaches the
      // handler empty, as it always did (no operation takes one).
      read([](const httplib::MultipartFormData&) { return true; }, [](const char*, std::size_t) { return true; });
    } else {
      read([&body](const char* data, std::size_t size) {
        body.append(data, size);
        return true;
      });
    }
    handler(request, body, response);
  };
  http.Get(any_path, without_reader);
  http.Post(any_path, with_body);
  http.Put(any_path, with_body);
  http.Delete(any_path, with_body);
  http.Patch(any_path, with_body);
  http.Options(any_path, without_reader);
}

// The headers cpp-httplib adds to every request it reads: not the client's.
inline bool IsHttplibOwnHeader(std::string_view name) {
  return name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" || name == "LOCAL_PORT";
}

// An answer's parts into cpp-httplib's response: Content-Type text/xml unless
// given, and only with a body (PlainAnswerHead writes the same without cpp-httplib).
inline void SendParts(httplib::Response& response, model::HttpResponseParts parts) {
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

// Serves one framed request through http; false when the connection must
// not carry another (it is broken, or the client asked to close).
inline bool ServeFramed(FramedServer& http, std::string_view request, bool closing, const ConnectionInfo& connection,
                        ResponseWriter& out) {
  RequestStream stream(request, connection, out);
  bool client_closes = false;
  const bool written = http.ServeOne(stream, closing, client_closes);
  return written && !client_closes;
}

// The reason phrase of the statuses the servers answer themselves.
inline const char* ReasonPhrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 301: return "Moved Permanently";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 408: return "Request Timeout";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "Error";
  }
}

}  // namespace cfl::http
