// The fast path against cpp-httplib itself: the same framed requests go
// through both, and what each reads and writes must be the same.
#include "emulator/http/plain_http.h"

#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "emulator/http/framed_httplib.h"

namespace cfl::http {
namespace {

class StringWriter final : public ResponseWriter {
 public:
  bool Write(std::string_view bytes) override {
    written.append(bytes);
    return true;
  }
  std::string written;
};

// What cpp-httplib's handler saw of a request.
struct Seen {
  bool served = false;
  std::string method, path, target, body;
  std::vector<std::pair<std::string, std::string>> headers;  // in its map's order, its own left out
};

struct HttplibResult {
  Seen seen;
  std::string answer;
  bool keep = false;
};

// Serves framed through cpp-httplib, answering parts as server.cpp does.
HttplibResult ThroughHttplib(std::string_view framed, const model::HttpResponseParts& parts, bool closing) {
  HttplibResult result;
  FramedServer http;
  RouteEverything(http, [&](const httplib::Request& request, std::string_view body, httplib::Response& response) {
    result.seen = {true, request.method, request.path, request.target, std::string(body), {}};
    for (const auto& [name, value] : request.headers) {
      if (!IsHttplibOwnHeader(name)) result.seen.headers.emplace_back(name, value);
    }
    SendParts(response, parts);
  });
  StringWriter out;
  const ConnectionInfo connection;
  result.keep = ServeFramed(http, framed, closing, connection, out);
  result.answer = out.written;
  return result;
}

model::HttpResponseParts Answer(int status, std::vector<std::pair<std::string, std::string>> headers,
                                std::string body) {
  return model::HttpResponseParts{status, std::move(headers), std::move(body)};
}

const model::HttpResponseParts kOk = Answer(200, {{"x-amzn-RequestId", "r-1"}}, "<A/>");

// Reads framed both ways and checks they agree on everything the API uses.
void CheckReadAlike(const std::string& framed) {
  CAPTURE(framed);
  const auto plain = ParsePlainRequest(framed);
  REQUIRE(plain.has_value());
  const auto httplib = ThroughHttplib(framed, kOk, false);
  REQUIRE(httplib.seen.served);
  CHECK(plain->method == httplib.seen.method);
  CHECK(plain->path == httplib.seen.path);
  CHECK(plain->target == httplib.seen.target);
  CHECK(plain->body == httplib.seen.body);
  std::vector<std::string> httplib_names;
  for (const auto& [name, value] : httplib.seen.headers) httplib_names.push_back(name);
  CHECK(plain->HeaderNames() == httplib_names);
  for (const auto& [name, value] : httplib.seen.headers) {
    std::vector<std::string> values;
    for (const auto& [other, other_value] : httplib.seen.headers) {
      if (EqualsIgnoringCase(other, name)) values.push_back(other_value);
    }
    CHECK(plain->HeaderValues(name) == values);
    REQUIRE(plain->Header(name).has_value());
    CHECK(*plain->Header(name) == values.front());
  }
  CHECK_FALSE(plain->Header("Not-Sent").has_value());
  CHECK(PlainAnswerHead(kOk, plain->ClientCloses()) + kOk.body == httplib.answer);
  CHECK(!plain->ClientCloses() == httplib.keep);
}

TEST_CASE("plain requests read as cpp-httplib reads them") {
  CheckReadAlike("GET /2020-05-31/distribution HTTP/1.1\r\nHost: localhost:4566\r\n\r\n");
  CheckReadAlike("GET /2020-05-31/distribution?MaxItems=5&Marker=a+b HTTP/1.1\r\nHost: h\r\n\r\n");
  CheckReadAlike("GET /2020-05-31/distribution? HTTP/1.1\r\nHost: h\r\n\r\n");
  CheckReadAlike(
      "PUT /2020-05-31/distribution/E1/config HTTP/1.1\r\nHost: h\r\nIf-Match: E2QWRUHAPOMQZL\r\n"
      "Content-Type: text/xml\r\nContent-Length: 9\r\n\r\n<a>\xff\x00</a>");
  CheckReadAlike(
      "POST /2020-05-31/distribution HTTP/1.1\r\nhost:h\r\nX-Amz-Date:   20261202T000000Z  \r\n"
      "x-amz-meta-b: 2\r\nX-AMZ-META-a: 1\r\nx-amz-meta-B: 3\r\nContent-Length: 2\r\n\r\nab");
  CheckReadAlike("DELETE /2020-05-31/distribution/E1 HTTP/1.1\r\nIf-Match: E1\r\nConnection: close\r\n\r\n");
  CheckReadAlike("GET /x HTTP/1.1\r\nConnection: keep-alive\r\nAccept-Encoding: identity\r\n\r\n");
  CheckReadAlike("GET /x HTTP/1.1\r\nContent-Length: 4\r\n\r\nbody");  // read by neither
  CheckReadAlike("DELETE /x HTTP/1.1\r\nContent-Length: 4\r\n\r\nbody");
  // cpp-httplib's multipart test is a case-sensitive prefix of the value.
  CheckReadAlike("PUT /x HTTP/1.1\r\nContent-Type: Multipart/Form-Data\r\nContent-Length: 4\r\n\r\nbody");
  CheckReadAlike("PUT /x HTTP/1.1\r\nContent-Type: text/xml; multipart/form-data\r\nContent-Length: 4\r\n\r\nbody");
  CheckReadAlike("GET /x HTTP/1.1\r\nConnection: Close\r\nUser-Agent: a\tb\r\n\r\n");
  CheckReadAlike("GET /x HTTP/1.1\r\nAuthorization: AWS4-HMAC-SHA256 Credential=AKID/20261202/us-east-1/"
                 "cloudfront/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc\r\n\r\n");
}

TEST_CASE("requests cpp-httplib reads otherwise are left to it") {
  const std::vector<std::string> others = {
      "HEAD /x HTTP/1.1\r\n\r\n",
      "OPTIONS /x HTTP/1.1\r\n\r\n",
      "PATCH /x HTTP/1.1\r\n\r\n",
      "GET /x HTTP/1.0\r\n\r\n",
      "GET /a%2Fb HTTP/1.1\r\n\r\n",
      "GET /a?b?c HTTP/1.1\r\n\r\n",
      "GET /a?b#c HTTP/1.1\r\n\r\n",
      "GET x HTTP/1.1\r\n\r\n",
      "GET  /x HTTP/1.1\r\n\r\n",
      "GET /x\t HTTP/1.1\r\n\r\n",
      "GET /x HTTP/1.1\r\nX-Empty:\r\n\r\n",
      "GET /x HTTP/1.1\r\nX-Spaces:   \r\n\r\n",
      "GET /x HTTP/1.1\r\nX-Encoded: a%20b\r\n\r\n",
      "GET /x HTTP/1.1\r\nNo-Colon\r\n\r\n",
      "GET /x HTTP/1.1\r\nBad Name: v\r\n\r\n",
      "GET /x HTTP/1.1\r\n Folded: v\r\n\r\n",
      "GET /x HTTP/1.1\nHost: h\r\n\r\n",
      "GET /x HTTP/1.1\r\nHost: h\nX: y\r\n\r\n",
      "GET /x HTTP/1.1\r\nX-Control: a\x01z\r\n\r\n",
      "GET /x HTTP/1.1\r\nX-Utf8: caf\xc3\xa9\r\n\r\n",
      "GET /x HTTP/1.1\r\nAccept-Encoding: gzip\r\n\r\n",
      "GET /x HTTP/1.1\r\naccept-encoding: br\r\n\r\n",
      "GET /x HTTP/1.1\r\nRange: bytes=0-1\r\n\r\n",
      "GET /x HTTP/1.1\r\nlocal_port: 1\r\n\r\n",
      "GET /x HTTP/1.1\r\nREMOTE_ADDR: 10.0.0.1\r\n\r\n",
      "PUT /x HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\na",
      "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n",
      "GET /x HTTP/1.1\r\n",
      "PUT /x HTTP/1.1\r\nContent-Type: multipart/form-data\r\nContent-Length: 1\r\n\r\na",
      "PUT /x HTTP/1.1\r\ncontent-type: multipart/form-datatext/xml\r\nContent-Length: 1\r\n\r\na",
      "POST /x HTTP/1.1\r\nContent-Type: text/xml\r\nContent-Type: multipart/form-data; boundary=b\r\n"
      "Content-Length: 1\r\n\r\na",
  };
  for (const auto& framed : others) {
    CAPTURE(framed);
    CHECK_FALSE(ParsePlainRequest(framed).has_value());
  }
}

TEST_CASE("plain answers are cpp-httplib's bytes") {
  const std::string request = "GET /x HTTP/1.1\r\nHost: h\r\n\r\n";
  const std::vector<model::HttpResponseParts> answers = {
      kOk,
      Answer(201, {{"x-amzn-RequestId", "r"}, {"Location", "https://h/E1"}, {"ETag", "E2"}}, "<Distribution/>"),
      Answer(204, {{"x-amzn-RequestId", "r"}}, ""),
      Answer(200, {{"Content-Type", "application/json"}, {"x-amzn-RequestId", "r"}}, "{}"),
      Answer(200, {{"Content-Type", "application/octet-stream"}}, std::string("\x00\xff", 2)),
      Answer(412, {{"x-amzn-RequestId", "r"}, {"x-amzn-ErrorType", "PreconditionFailed"}}, "<ErrorResponse/>"),
      Answer(200, {{"b", "2"}, {"A", "1"}, {"a", "0"}, {"B", "3"}}, "x"),
      Answer(200, {{"X-Bad", "a\r\nInjected: 1"}, {"X-Good", "v"}}, "x"),
      Answer(200, {{"content-type", "text/plain"}}, "x"),
      Answer(200, {{"Content-Length", "0"}}, ""),
      Answer(304, {{"ETag", "E1"}}, ""),
  };
  for (const bool closing : {false, true}) {
    for (const auto& parts : answers) {
      CAPTURE(closing);
      CAPTURE(parts.status);
      CHECK(PlainAnswerHead(parts, closing) + parts.body == ThroughHttplib(request, parts, closing).answer);
    }
  }
}

TEST_CASE("reason phrases are cpp-httplib's, for every status") {
  const std::string request = "GET /x HTTP/1.1\r\n\r\n";
  for (int status = 100; status < 600; ++status) {
    CAPTURE(status);
    const auto parts = Answer(status, {}, "x");
    const std::string httplib = ThroughHttplib(request, parts, false).answer;
    CHECK(httplib.substr(0, httplib.find("\r\n")) ==
          "HTTP/1.1 " + std::to_string(status) + " " + HttplibReasonPhrase(status));
  }
}

}  // namespace
}  // namespace cfl::http
