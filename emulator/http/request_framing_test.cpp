#include "emulator/http/request_framing.h"

#include <doctest/doctest.h>

namespace cfl::http {
namespace {

using State = Frame::State;

FramingLimits Limits() {
  FramingLimits limits;
  limits.max_body = [](std::string_view method, std::string_view) -> std::size_t {
    return method == "PUT" ? 100 : 1 << 20;
  };
  return limits;
}

// Frames bytes fed one at a time: the result must not depend on how they arrive.
Frame FeedByteByByte(std::string_view bytes) {
  RequestFramer framer(Limits());
  Frame frame;
  for (std::size_t n = 1; n <= bytes.size(); ++n) {
    frame = framer.Examine(bytes.substr(0, n));
    if (frame.state != State::kIncomplete) return frame;
  }
  return frame;
}

Frame FrameAll(std::string_view bytes) {
  RequestFramer framer(Limits());
  return framer.Examine(bytes);
}

TEST_CASE("a request ends where its head says, for every method: a GET's body is its own, not a second request") {
  const std::string get_with_body = "GET /x HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nPOST /";
  for (const auto& frame : {FrameAll(get_with_body), FeedByteByByte(get_with_body)}) {
    REQUIRE(frame.state == State::kComplete);
    CHECK(frame.start == 0);
    CHECK(frame.length == get_with_body.size() - 1);
  }
  const std::string head_only = "GET /x HTTP/1.1\r\nHost: h\r\n\r\nGET /y HTTP/1.1\r\n";
  const Frame frame = FrameAll(head_only);
  REQUIRE(frame.state == State::kComplete);
  CHECK(head_only.substr(0, frame.length) == "GET /x HTTP/1.1\r\nHost: h\r\n\r\n");
}

TEST_CASE("pipelined requests are framed one after the other") {
  std::string pipeline;
  for (int i = 0; i < 101; ++i) pipeline += "GET /" + std::to_string(i) + " HTTP/1.1\r\nHost: h\r\n\r\n";
  RequestFramer framer(Limits());
  std::string_view rest = pipeline;
  int framed = 0;
  for (;;) {
    const Frame frame = framer.Examine(rest);
    if (frame.state != State::kComplete) break;
    CHECK(rest.substr(frame.start).starts_with("GET /" + std::to_string(framed) + " "));
    rest.remove_prefix(frame.start + frame.length);
    framer.Reset();
    ++framed;
  }
  CHECK(framed == 101);
  CHECK(rest.empty());
}

TEST_CASE("blank lines before a request are skipped, a few of them") {
  const Frame frame = FrameAll("\r\n\r\nGET / HTTP/1.1\r\n\r\n");
  REQUIRE(frame.state == State::kComplete);
  CHECK(frame.start == 4);
  CHECK(frame.length == 18);
  CHECK(FrameAll(std::string(100, '\n')).state == State::kRefused);
  RequestFramer framer(Limits());
  CHECK_FALSE(framer.Started("\r\n"));
  CHECK(framer.Started("\r\nG"));
}

TEST_CASE("chunked bodies are framed by their chunks, extensions and trailers included") {
  const std::string chunked =
      "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nabcd\r\n1\r\ne\r\n0\r\nX-T: v\r\n\r\nNEXT";
  for (const auto& frame : {FrameAll(chunked), FeedByteByByte(chunked)}) {
    REQUIRE(frame.state == State::kComplete);
    CHECK(frame.length == chunked.size() - 4);
  }
  CHECK(FrameAll("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcdXX").refusal.status == 400);
  CHECK(FrameAll("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0x4\r\n").refusal.status == 400);
  CHECK(FrameAll("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n").refusal.status == 400);
}

TEST_CASE("the body limit holds on the bytes as they arrive, however the body is framed") {
  // Declared: refused on the head alone, before any body byte.
  Frame frame = FrameAll("PUT /x HTTP/1.1\r\nContent-Length: 101\r\n\r\n");
  REQUIRE(frame.state == State::kRefused);
  CHECK(frame.refusal.status == 413);
  CHECK(frame.refusal.code == "RequestEntityTooLarge");
  CHECK(frame.refusal.message.find("101 bytes") != std::string::npos);
  CHECK(frame.refusal.message.find("at most 100 bytes") != std::string::npos);
  CHECK(FrameAll("PUT /x HTTP/1.1\r\nContent-Length: 100\r\n\r\n").state == State::kIncomplete);
  CHECK(FrameAll("PUT /x HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n").refusal.status == 413);
  // Chunked: refused at the chunk that passes the limit.
  frame = FrameAll("PUT /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n40\r\n" + std::string(64, 'a') +
                   "\r\n40\r\n");
  REQUIRE(frame.state == State::kRefused);
  CHECK(frame.refusal.status == 413);
  // Tiny chunks cannot make the framing itself a way around the limit.
  std::string tiny = "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 20000; ++i) tiny += "1\r\na\r\n";
  CHECK(FrameAll(tiny).refusal.status == 400);
}

TEST_CASE("content codings are refused: CloudFront takes bodies as they are") {
  const Frame frame = FrameAll("POST /x HTTP/1.1\r\nContent-Encoding: gzip\r\nContent-Length: 3\r\n\r\nabc");
  REQUIRE(frame.state == State::kRefused);
  CHECK(frame.refusal.status == 415);
  CHECK(frame.refusal.message.find("gzip") != std::string::npos);
  CHECK(FrameAll("POST /x HTTP/1.1\r\nContent-Encoding: identity\r\nContent-Length: 3\r\n\r\nabc").state ==
        State::kComplete);
}

TEST_CASE("ambiguous framing is refused, never guessed") {
  const auto refused = [](std::string head) { return FrameAll(head + "\r\n").refusal.status; };
  CHECK(refused("POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n") == 400);
  CHECK(refused("POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n") == 400);
  CHECK(refused("POST / HTTP/1.1\r\nContent-Length: 3x\r\n") == 400);
  CHECK(refused("POST / HTTP/1.1\r\nContent-Length: -1\r\n") == 400);
  CHECK(refused("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n") == 501);
  CHECK(refused("POST / HTTP/1.1\r\nContent-Length : 3\r\n") == 400);
  CHECK(refused("POST / HTTP/1.1\r\nX: a\r\n folded\r\n") == 400);
  CHECK(refused("POST / HTTP/1.1\r\nX: a\rb\r\n") == 400);
  CHECK(refused("GET / HTTP/2.0\r\n") == 505);
  CHECK(refused("GET /\r\n") == 400);
  CHECK(refused("G(T / HTTP/1.1\r\n") == 400);
  // The same value twice is one length.
  CHECK(FrameAll("POST / HTTP/1.1\r\nContent-Length: 1\r\ncontent-length: 1\r\n\r\nx").state == State::kComplete);
}

TEST_CASE("head limits: request line 414, header lines, fields and bytes 400") {
  CHECK(FrameAll("GET /" + std::string(9000, 'a') + " HTTP/1.1\r\n\r\n").refusal.status == 414);
  // Known as soon as the line passes 8 KB, without waiting for its end.
  CHECK(FrameAll("GET /" + std::string(9000, 'a')).refusal.status == 414);
  Frame frame = FrameAll("GET / HTTP/1.1\r\nX: " + std::string(9000, 'v') + "\r\n\r\n");
  CHECK(frame.refusal.status == 400);
  CHECK(frame.refusal.message.find("8 KB") != std::string::npos);
  std::string many = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 101; ++i) many += "X-" + std::to_string(i) + ": v\r\n";
  frame = FrameAll(many + "\r\n");
  CHECK(frame.refusal.status == 400);
  CHECK(frame.refusal.message.find("101 header fields") != std::string::npos);
  // A head that never ends is refused once it is larger than any allowed head.
  CHECK(FrameAll("GET / HTTP/1.1\r\n" + std::string(80'000, 'x')).refusal.status == 400);
}

TEST_CASE("Expect: 100-continue is noticed once the head is in and the body is not") {
  RequestFramer framer(Limits());
  const std::string head = "POST /x HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n";
  Frame frame = framer.Examine(head);
  CHECK(frame.state == State::kIncomplete);
  CHECK(frame.wants_continue);
  frame = framer.Examine(head + "abc");
  CHECK(frame.state == State::kComplete);
  CHECK_FALSE(FrameAll("GET / HTTP/1.1\r\nExpect: 100-continue\r\n\r\n").wants_continue);
}

TEST_CASE("HTTP/1.0 closes unless it asks to keep the connection; Connection: close closes") {
  CHECK(FrameAll("GET / HTTP/1.0\r\n\r\n").closes);
  CHECK_FALSE(FrameAll("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").closes);
  CHECK(FrameAll("GET / HTTP/1.1\r\nConnection: close\r\n\r\n").closes);
  CHECK_FALSE(FrameAll("GET / HTTP/1.1\r\n\r\n").closes);
}

}  // namespace
}  // namespace cfl::http
