// What the edge exchanges with viewers and origins, free of any HTTP library:
// the HTTP layer (emulator/http/edge_listener.h, origin_client.h) converts.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace cfl::edge {

using Headers = std::vector<std::pair<std::string, std::string>>;

// The first value of a header (names compared case-insensitively), or "".
std::string HeaderValue(const Headers& headers, std::string_view name);

struct ViewerRequest {
  std::string method;
  std::string target;  // path and query as sent, e.g. "/a/b.html?x=1"
  Headers headers;
  std::string body = {};
  std::string client_ip = {};
  int client_port = 0;
  bool https = false;
  std::string ssl_protocol = {};  // on HTTPS: the negotiated protocol and cipher
  std::string ssl_cipher = {};
  // Whether CloudFront's viewer headers are in headers already (geo.h).
  bool viewer_headers_added = false;
};

struct ViewerResponse {
  int status = 200;
  Headers headers;
  std::string body;
};

struct OriginRequest {
  std::string host;  // where to connect (after --origin-address mapping)
  int port = 80;
  std::string method;
  std::string target;  // origin path + path + forwarded query
  Headers headers;
  std::string body;
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds read_timeout{30000};
  std::size_t max_body = 0;  // a longer answer is kTooLarge
  // Over TLS: the certificate must name server_name (the origin's domain,
  // also sent as SNI) and the protocol be at least the lowest of
  // ssl_protocols (OriginSslProtocols' Items: SSLv3, TLSv1, TLSv1.1, TLSv1.2).
  bool https = false;
  std::string server_name = {};
  std::vector<std::string> ssl_protocols = {};
};

struct OriginResponse {
  enum class Outcome { kAnswered, kUnreachable, kTimedOut, kTooLarge };
  Outcome outcome = Outcome::kAnswered;
  int status = 0;
  Headers headers;
  std::string body;
  std::string detail;  // why it failed, for logs
};

// Fetches from an origin over HTTP. Implementations must be thread-safe and
// hold no lock of the edge's while they wait.
class OriginFetcher {
 public:
  virtual ~OriginFetcher() = default;
  virtual OriginResponse Fetch(const OriginRequest& request) = 0;
};

}  // namespace cfl::edge
