// libFuzzer harness for the API's fast path (emulator/http/plain_http.h): it
// must read a request exactly as cpp-httplib reads it, or leave it to
// cpp-httplib, and write cpp-httplib's bytes.
//
// Each input is framed as the connection loop frames it (RequestFramer); a
// complete request the fast path takes is also served through cpp-httplib
// (FramedServer, the same RouteEverything as the server), whose handler sees
// the request and answers one of a few fixed answers.
//
// Checks (abort on failure): cpp-httplib served it too; method, path, target,
// body, every header name (in cpp-httplib's order) and each one's values are
// the same; the answer's bytes are the same, and so is whether the
// connection stays open.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emulator/http/framed_httplib.h"
#include "emulator/http/plain_http.h"
#include "emulator/http/request_framing.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using cfl::http::PlainRequest;

struct Seen {
  bool served = false;
  std::string method, path, target, body;
  std::vector<std::pair<std::string, std::string>> headers;  // cpp-httplib's order, its own left out
};

class StringWriter final : public cfl::http::ResponseWriter {
 public:
  bool Write(std::string_view bytes) override {
    written.append(bytes);
    return true;
  }
  std::string written;
};

// A few answers, as the dispatcher gives them: picked by the input's length.
cfl::model::HttpResponseParts AnswerFor(std::size_t size) {
  switch (size % 4) {
    case 0: return {200, {{"x-amzn-RequestId", "r"}, {"ETag", "E2"}}, "<Distribution/>"};
    case 1: return {201, {{"Location", "https://h/x"}, {"x-amzn-RequestId", "r"}}, "<A/>"};
    case 2: return {204, {{"x-amzn-RequestId", "r"}}, ""};
    default: return {412, {{"Content-Type", "application/json"}, {"x-amzn-ErrorType", "P"}}, "{}"};
  }
}

void Check(bool condition, const std::string& what, std::string_view request) {
  if (!condition) cfl::fuzz::Die(what + " differs from cpp-httplib's for:\n" + std::string(request));
}

void Compare(const PlainRequest& plain, const Seen& seen, std::string_view framed) {
  Check(seen.served, "being served", framed);
  Check(plain.method == seen.method, "the method", framed);
  Check(plain.path == seen.path, "the path (cpp-httplib's: " + seen.path + ")", framed);
  Check(plain.target == seen.target, "the target (cpp-httplib's: " + seen.target + ")", framed);
  Check(plain.body == seen.body,
        "the body (" + std::to_string(plain.body.size()) + " bytes, cpp-httplib's " + std::to_string(seen.body.size()) +
            ")",
        framed);
  std::vector<std::string> names;
  for (const auto& [name, value] : seen.headers) names.push_back(name);
  Check(plain.HeaderNames() == names, "the header names", framed);
  for (const auto& [name, value] : seen.headers) {
    std::vector<std::string> values;
    for (const auto& [other, other_value] : seen.headers) {
      if (cfl::http::EqualsIgnoringCase(other, name)) values.push_back(other_value);
    }
    Check(plain.HeaderValues(name) == values, "a header's values", framed);
    const auto first = plain.Header(name);
    Check(first && *first == values.front(), "a header's first value", framed);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  cfl::http::FramingLimits limits;
  limits.max_body = [](std::string_view, std::string_view) { return std::size_t{1} << 20; };
  cfl::http::RequestFramer framer(limits);
  const auto frame = framer.Examine(input);
  if (frame.state != cfl::http::Frame::State::kComplete) return 0;
  const std::string_view framed = input.substr(frame.start, frame.length);
  const auto plain = cfl::http::ParsePlainRequest(framed);
  if (!plain) return 0;  // cpp-httplib serves it: nothing to compare

  static Seen seen;
  static cfl::model::HttpResponseParts answer;
  static cfl::http::FramedServer* http = [] {
    auto* server = new cfl::http::FramedServer();
    cfl::http::RouteEverything(*server, [](const httplib::Request& request, std::string_view body,
                                           httplib::Response& response) {
      seen = {true, request.method, request.path, request.target, std::string(body), {}};
      for (const auto& [name, value] : request.headers) {
        if (!cfl::http::IsHttplibOwnHeader(name)) seen.headers.emplace_back(name, value);
      }
      cfl::http::SendParts(response, answer);
    });
    return server;
  }();
  seen = Seen{};
  answer = AnswerFor(size);
  StringWriter out;
  const cfl::http::ConnectionInfo connection;
  const bool keep = cfl::http::ServeFramed(*http, framed, false, connection, out);

  Compare(*plain, seen, framed);
  Check(cfl::http::PlainAnswerHead(answer, plain->ClientCloses()) + answer.body == out.written, "the answer",
        framed);
  Check(keep == !plain->ClientCloses(), "keeping the connection", framed);
  return 0;
}
