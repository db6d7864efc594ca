// The API's plain requests, read and answered without cpp-httplib — byte for
// byte as cpp-httplib 0.11 (Debian's) reads and answers them.
//
// Why: cpp-httplib parses each request into maps of strings with
// case-insensitive keys, matches routes by regex and formats its answer
// through a stream; for an UpdateDistribution that was a fifth of the
// server's instructions. The connection loop has framed the request already.
//
// "Plain" is narrow on purpose; anything else goes to cpp-httplib, unchanged:
//  - the request line is "METHOD SP TARGET SP HTTP/1.1", the method GET, PUT,
//    POST or DELETE, the target visible ASCII starting with "/", with at most
//    one "?" and no "%" before it (cpp-httplib percent-decodes the path), and
//    no "#" (it cuts a fragment off);
//  - every header line is "name:value" ending in CRLF, the name a token, the
//    value (trimmed) not empty and ASCII without "%" or control characters
//    (cpp-httplib percent-decodes values, and reads an empty one its own way);
//  - no Transfer-Encoding, Expect or Range, Accept-Encoding absent or
//    "identity" (cpp-httplib would compress the answer), and no header named
//    as one cpp-httplib adds itself (REMOTE_ADDR, LOCAL_PORT, ...).
// plain_http_test.cpp serves the same requests through both and compares.
//
// Pure functions of their arguments: thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emulator/codec/rest_binding.h"

namespace cfl::http {

// What cpp-httplib's keep-alive settings say in every answer (RouteEverything
// sets them; the connection loop enforces its own limits).
inline constexpr int kKeepAliveSeconds = 5;
inline constexpr int kKeepAliveMaxCount = 1'000'000;

// Views into the framed request's bytes: valid while those are.
struct PlainRequest {
  std::string_view method;
  std::string_view target;  // as sent: path and query
  std::string_view path;    // the target before "?" (it holds no "%": decoded, it is the same)
  std::vector<std::pair<std::string_view, std::string_view>> headers;  // as sent, values trimmed
  std::string_view body;  // empty for a GET: cpp-httplib reads none

  // The first value sent under name (compared without case); nullopt if none.
  std::optional<std::string_view> Header(std::string_view name) const;
  // Every value sent under name, in order.
  std::vector<std::string> HeaderValues(std::string_view name) const;
  // Every name sent (repeats included) in cpp-httplib's order: sorted without case.
  std::vector<std::string> HeaderNames() const;
  // "Connection: close" (cpp-httplib looks at the first Connection header only).
  bool ClientCloses() const;
};

// The request, if it is plain (see above); nullopt: let cpp-httplib serve it.
// framed: exactly one request, head and body, as the connection loop framed it.
std::optional<PlainRequest> ParsePlainRequest(std::string_view framed);

// The head (status line and headers, through the blank line) cpp-httplib
// writes for an answer whose status, headers and body are parts (put in its
// Response by SendParts, framed_httplib.h), to a request of a method other
// than HEAD; parts.body follows it as is. close_connection: "Connection:
// close" in place of the Keep-Alive header.
std::string PlainAnswerHead(const model::HttpResponseParts& parts, bool close_connection);

// cpp-httplib 0.11's reason phrase for status.
const char* HttplibReasonPhrase(int status);

}  // namespace cfl::http
