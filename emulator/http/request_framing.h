// Framing of HTTP/1.1 requests (RFC 9112) on the bytes of one connection:
// where each request ends — for every method, however its body is framed —
// and whether it stays within the limits, decided as the bytes arrive and
// before cpp-httplib parses anything. The connection layer hands cpp-httplib
// exactly one framed request at a time, so a request can never be read as
// two, nor two as one.
//
// Pure: no sockets, no clocks, no threads. Not thread-safe (one per connection).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace cfl::http {

struct FramingLimits {
  std::size_t max_request_line = 8192;        // 414 beyond
  std::size_t max_header_line = 8192;         // 400 beyond
  std::size_t max_header_fields = 100;        // 400 beyond
  std::size_t max_header_bytes = 64 * 1024;   // names + values + 4 per field; 400 beyond
  std::size_t max_chunk_line = 4096;          // a chunk-size line with its extensions
  // The largest body (decoded, without chunk framing) a request to this
  // method and target may have: 413 beyond, as soon as that is known.
  std::function<std::size_t(std::string_view method, std::string_view target)> max_body;
};

// Why a request is refused before it is served. The connection is closed
// after the answer: what follows on it cannot be trusted to be framed right.
struct Refusal {
  int status = 400;
  std::string code;     // CloudFront-style error code, e.g. "MalformedInput"
  std::string message;
};

struct Frame {
  enum class State {
    kIncomplete,  // more bytes are needed
    kComplete,    // bytes [start, start + length) are one request
    kRefused,     // refusal says why; nothing of the request is served
  };
  State state = State::kIncomplete;
  std::size_t start = 0;   // blank lines before a request are skipped (RFC 9112 §2.2)
  std::size_t length = 0;  // kComplete: head and body, as sent
  // The head is complete and asks "Expect: 100-continue" for a body not yet
  // received (the caller answers "100 Continue" once).
  bool wants_continue = false;
  // kComplete: the client does not keep the connection (Connection: close, or
  // HTTP/1.0 without keep-alive).
  bool closes = false;
  Refusal refusal;
};

// An RFC 9110 token (a header's name, a method): one or more tchar.
bool IsToken(std::string_view text);
// ASCII letters compared without case, as header names are.
bool EqualsIgnoringCase(std::string_view a, std::string_view b);
// c with an ASCII capital made small; every other byte as is (no locale).
constexpr char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

class RequestFramer {
 public:
  explicit RequestFramer(FramingLimits limits);

  // Examines the bytes buffered for the connection's next request: the same
  // bytes, grown, on every call until Reset(). Work already done is not
  // repeated, so a client trickling bytes costs linear time in all.
  Frame Examine(std::string_view bytes);

  // Forgets the request just framed: the next Examine starts a new one on
  // bytes that begin right after it.
  void Reset();

  // Whether any byte of a request (other than blank lines) has been seen.
  bool Started(std::string_view bytes) const;

  const FramingLimits& limits() const { return limits_; }

 private:
  enum class Phase { kHead, kFixedBody, kChunkLine, kChunkData, kTrailers, kDone };

  Frame Refuse(int status, std::string code, std::string message);
  Frame ParseHead(std::string_view head);
  Frame ExamineChunks(std::string_view bytes);
  Frame Complete(std::size_t end);

  FramingLimits limits_;
  Phase phase_ = Phase::kHead;
  std::size_t start_ = 0;        // first byte of the request line
  std::size_t scanned_ = 0;      // the head's end was not found before this offset
  std::size_t request_line_end_ = std::string_view::npos;  // its CRLF, once seen
  std::size_t body_start_ = 0;   // first byte after the head
  std::uint64_t body_length_ = 0;  // Content-Length
  std::size_t max_body_ = 0;
  std::size_t chunk_at_ = 0;       // next chunk-size line, or trailer line
  std::uint64_t chunk_size_ = 0;   // size of the chunk whose data starts at chunk_at_
  std::uint64_t body_bytes_ = 0;   // chunk data so far
  std::size_t trailer_bytes_ = 0;
  bool expects_continue_ = false;
  bool closes_ = false;
  Frame done_;                     // what kDone answers again
};

}  // namespace cfl::http
