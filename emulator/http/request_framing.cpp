#include "emulator/http/request_framing.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <optional>
#include <vector>

namespace cfl::http {
namespace {

constexpr std::string_view kCrlf = "\r\n";
constexpr std::size_t kMaxLeadingBlankBytes = 64;
constexpr std::size_t kDefaultMaxBody = 1 << 20;

bool IsTokenChar(unsigned char c) {
  if (std::isalnum(c)) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

std::string_view Trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// "1 MiB", "64 MiB", "1500 bytes".
std::string HumanBytes(std::size_t bytes) {
  if (bytes >= (1 << 20) && bytes % (1 << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  if (bytes >= 1024 && bytes % 1024 == 0) return std::to_string(bytes >> 10) + " KiB";
  return std::to_string(bytes) + " bytes";
}

std::string TooLarge(std::string_view what, std::size_t limit) {
  return std::string(what) + "; CloudFront Local accepts at most " + std::to_string(limit) + " bytes (" +
         HumanBytes(limit) + ").";
}

// A comma-separated header value's elements, trimmed, empty ones dropped.
std::vector<std::string_view> Elements(std::string_view value) {
  std::vector<std::string_view> elements;
  while (!value.empty()) {
    const auto comma = value.find(',');
    const auto element = Trimmed(value.substr(0, comma));
    if (!element.empty()) elements.push_back(element);
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return elements;
}

// Digits only; more than 18 of them is "too many bytes to count".
std::optional<std::uint64_t> ParseDecimal(std::string_view digits) {
  if (digits.empty()) return std::nullopt;
  std::uint64_t value = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    if (value < 100'000'000'000'000'000ULL) value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return digits.size() > 18 ? std::numeric_limits<std::uint64_t>::max() : value;
}

// A chunk-size line without its CRLF: 1*HEXDIG [ BWS ";" chunk-ext ].
std::optional<std::uint64_t> ParseChunkSize(std::string_view line) {
  std::size_t digits = 0;
  std::uint64_t size = 0;
  while (digits < line.size() && std::isxdigit(static_cast<unsigned char>(line[digits]))) {
    if (digits == 15) return std::nullopt;  // 2^60 and more: nobody sends that
    const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(line[digits])));
    size = size * 16 + static_cast<std::uint64_t>(c <= '9' ? c - '0' : c - 'a' + 10);
    ++digits;
  }
  if (digits == 0) return std::nullopt;
  const auto rest = Trimmed(line.substr(digits));
  if (!rest.empty() && rest.front() != ';') return std::nullopt;
  for (const char c : rest) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\t') return std::nullopt;
  }
  return size;
}

bool HasControlBytes(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte == 0 || byte == '\r' || byte == '\n';
  });
}

}  // namespace

bool IsToken(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return IsTokenChar(c); });
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return AsciiLower(x) == AsciiLower(y); });
}

RequestFramer::RequestFramer(FramingLimits limits) : limits_(std::move(limits)) {}

void RequestFramer::Reset() {
  phase_ = Phase::kHead;
  start_ = scanned_ = body_start_ = chunk_at_ = trailer_bytes_ = max_body_ = 0;
  request_line_end_ = std::string_view::npos;
  body_length_ = chunk_size_ = body_bytes_ = 0;
  expects_continue_ = closes_ = false;
  done_ = Frame{};
}

bool RequestFramer::Started(std::string_view bytes) const {
  return bytes.find_first_not_of(kCrlf) != std::string_view::npos;
}

Frame RequestFramer::Refuse(int status, std::string code, std::string message) {
  done_ = Frame{};
  done_.state = Frame::State::kRefused;
  done_.start = start_;
  done_.refusal = {status, std::move(code), std::move(message)};
  phase_ = Phase::kDone;
  return done_;
}

Frame RequestFramer::Complete(std::size_t end) {
  done_ = Frame{};
  done_.state = Frame::State::kComplete;
  done_.start = start_;
  done_.length = end - start_;
  done_.closes = closes_;
  phase_ = Phase::kDone;
  return done_;
}

Frame RequestFramer::Examine(std::string_view bytes) {
  if (phase_ == Phase::kDone) return done_;
  if (phase_ == Phase::kHead) {
    if (scanned_ <= start_) {  // nothing of a request line yet: skip blank lines
      while (start_ < bytes.size() && (bytes[start_] == '\r' || bytes[start_] == '\n')) ++start_;
      scanned_ = start_;
      if (start_ > kMaxLeadingBlankBytes) {
        return Refuse(400, "MalformedInput", "The request starts with more than 64 bytes of blank lines.");
      }
      if (start_ == bytes.size()) return Frame{};
    }
    const std::size_t from = std::max(start_, scanned_ >= 3 ? scanned_ - 3 : 0);
    const std::size_t end = bytes.find("\r\n\r\n", from);
    if (end == std::string_view::npos) {
      // Only the new bytes are searched: a client trickling a long line costs
      // linear time, not quadratic.
      if (request_line_end_ == std::string_view::npos) {
        request_line_end_ = bytes.find(kCrlf, std::max(start_, scanned_ >= 1 ? scanned_ - 1 : 0));
      }
      scanned_ = bytes.size();
      const std::size_t line =
          (request_line_end_ == std::string_view::npos ? bytes.size() : request_line_end_) - start_;
      if (line > limits_.max_request_line) {
        return Refuse(414, "MalformedInput", "The request line is longer than 8 KB.");
      }
      const std::size_t max_head =
          limits_.max_request_line + limits_.max_header_bytes + 4 * (limits_.max_header_fields + 1);
      if (bytes.size() - start_ > max_head) {
        return Refuse(400, "MalformedInput",
                      "The request head is larger than " + std::to_string(max_head) + " bytes without ending.");
      }
      return Frame{};
    }
    body_start_ = end + 4;
    Frame head = ParseHead(bytes.substr(start_, end + 2 - start_));
    if (head.state != Frame::State::kIncomplete || phase_ == Phase::kDone) return head;
  }
  if (phase_ == Phase::kFixedBody) {
    if (bytes.size() - body_start_ >= body_length_) return Complete(body_start_ + body_length_);
  } else {
    Frame chunks = ExamineChunks(bytes);
    if (chunks.state != Frame::State::kIncomplete) return chunks;
  }
  Frame waiting;
  waiting.wants_continue = expects_continue_;
  return waiting;
}

// head: the request line and the header lines, each ending in CRLF.
Frame RequestFramer::ParseHead(std::string_view head) {
  const std::size_t line_end = head.find(kCrlf);
  const std::string_view request_line = head.substr(0, line_end);
  if (request_line.size() > limits_.max_request_line) {
    return Refuse(414, "MalformedInput", "The request line is longer than 8 KB.");
  }
  const auto first_space = request_line.find(' ');
  const auto last_space = request_line.rfind(' ');
  if (first_space == std::string_view::npos || first_space == last_space) {
    return Refuse(400, "MalformedInput", "The request line is not METHOD TARGET HTTP-VERSION.");
  }
  const std::string_view method = request_line.substr(0, first_space);
  const std::string_view target = request_line.substr(first_space + 1, last_space - first_space - 1);
  const std::string_view version = request_line.substr(last_space + 1);
  if (!IsToken(method) || target.empty() || target.find_first_of(" \t") != std::string_view::npos ||
      HasControlBytes(request_line)) {
    return Refuse(400, "MalformedInput", "The request line is not METHOD TARGET HTTP-VERSION.");
  }
  if (version != "HTTP/1.1" && version != "HTTP/1.0") {
    const bool is_version = version.size() == 8 && version.starts_with("HTTP/") && std::isdigit(version[5]) &&
                            version[6] == '.' && std::isdigit(version[7]);
    if (is_version) return Refuse(505, "MalformedInput", "Only HTTP/1.1 and HTTP/1.0 are supported.");
    return Refuse(400, "MalformedInput", "The request line is not METHOD TARGET HTTP-VERSION.");
  }
  bool keep_alive_asked = false;
  std::optional<std::uint64_t> content_length;
  std::string transfer_encoding;
  bool has_transfer_encoding = false;
  std::size_t fields = 0;
  std::size_t field_bytes = 0;
  std::size_t at = line_end + 2;
  while (at < head.size()) {
    const std::size_t next = head.find(kCrlf, at);
    const std::string_view line = head.substr(at, next - at);
    at = next + 2;
    if (line.size() > limits_.max_header_line) {
      return Refuse(400, "MalformedInput", "A header line is longer than 8 KB.");
    }
    if (line.front() == ' ' || line.front() == '\t') {
      return Refuse(400, "MalformedInput", "A header line is folded (starts with white space).");
    }
    const auto colon = line.find(':');
    const std::string_view name = line.substr(0, colon);
    if (colon == std::string_view::npos || !IsToken(name)) {
      return Refuse(400, "MalformedInput", "A header line is not NAME: VALUE.");
    }
    const std::string_view value = Trimmed(line.substr(colon + 1));
    if (HasControlBytes(value)) return Refuse(400, "MalformedInput", "A header value holds a CR, LF or NUL byte.");
    ++fields;
    field_bytes += name.size() + value.size() + 4;
    if (EqualsIgnoringCase(name, "Content-Length")) {
      const auto length = ParseDecimal(value);
      if (!length) return Refuse(400, "MalformedInput", "Content-Length is not a number of bytes.");
      if (content_length && *content_length != *length) {
        return Refuse(400, "MalformedInput", "The request has two different Content-Length headers.");
      }
      content_length = length;
    } else if (EqualsIgnoringCase(name, "Transfer-Encoding")) {
      transfer_encoding += (has_transfer_encoding ? "," : "") + std::string(value);
      has_transfer_encoding = true;
    } else if (EqualsIgnoringCase(name, "Content-Encoding")) {
      for (const auto coding : Elements(value)) {
        if (!EqualsIgnoringCase(coding, "identity")) {
          Frame refused = Refuse(415, "UnsupportedMediaType",
                                 "Content-Encoding " + std::string(coding.substr(0, 64)) +
                                     " is not supported: CloudFront takes request bodies as they are, without a "
                                     "content coding.");
          return refused;
        }
      }
    } else if (EqualsIgnoringCase(name, "Expect")) {
      expects_continue_ = EqualsIgnoringCase(value, "100-continue");
    } else if (EqualsIgnoringCase(name, "Connection")) {
      for (const auto option : Elements(value)) {
        if (EqualsIgnoringCase(option, "close")) closes_ = true;
        if (EqualsIgnoringCase(option, "keep-alive")) keep_alive_asked = true;
      }
    }
  }
  if (fields > limits_.max_header_fields || field_bytes > limits_.max_header_bytes) {
    return Refuse(400, "MalformedInput",
                  "The request has " + std::to_string(fields) + " header fields (" + std::to_string(field_bytes) +
                      " bytes); CloudFront Local accepts at most " + std::to_string(limits_.max_header_fields) +
                      " fields and " + std::to_string(limits_.max_header_bytes) + " bytes.");
  }
  if (version == "HTTP/1.0" && !keep_alive_asked) closes_ = true;
  max_body_ = limits_.max_body ? limits_.max_body(method, target) : kDefaultMaxBody;
  if (has_transfer_encoding) {
    if (content_length) {
      return Refuse(400, "MalformedInput", "The request has both Content-Length and Transfer-Encoding.");
    }
    const auto codings = Elements(transfer_encoding);
    if (codings.size() != 1 || !EqualsIgnoringCase(codings.front(), "chunked")) {
      return Refuse(501, "NotImplemented",
                    "Transfer-Encoding " + transfer_encoding.substr(0, 64) + " is not supported; only chunked is.");
    }
    phase_ = Phase::kChunkLine;
    chunk_at_ = body_start_;
    return Frame{};
  }
  body_length_ = content_length.value_or(0);
  if (body_length_ > max_body_) {
    return Refuse(413, "RequestEntityTooLarge",
                  TooLarge("The request body is " + std::to_string(body_length_) + " bytes", max_body_));
  }
  if (body_length_ == 0) expects_continue_ = false;
  phase_ = Phase::kFixedBody;
  return Frame{};
}

Frame RequestFramer::ExamineChunks(std::string_view bytes) {
  for (;;) {
    if (phase_ == Phase::kChunkData) {
      if (bytes.size() - chunk_at_ < chunk_size_ + 2) return Frame{};
      if (bytes.substr(chunk_at_ + chunk_size_, 2) != kCrlf) {
        return Refuse(400, "MalformedInput", "A chunk of the body does not end with CRLF.");
      }
      body_bytes_ += chunk_size_;
      chunk_at_ += chunk_size_ + 2;
      phase_ = Phase::kChunkLine;
      // Framing beyond a generous 64 KB plus the data itself: tiny chunks as a
      // way to make the server buffer far more than the body limit.
      if (chunk_at_ - body_start_ > 2 * body_bytes_ + 64 * 1024) {
        return Refuse(400, "MalformedInput", "The chunked body has too many, too small chunks.");
      }
    }
    const bool trailers = phase_ == Phase::kTrailers;
    const std::size_t line_end = bytes.find(kCrlf, chunk_at_);
    const std::size_t max_line = trailers ? limits_.max_header_line : limits_.max_chunk_line;
    if (line_end == std::string_view::npos) {
      if (bytes.size() - chunk_at_ > max_line) {
        return Refuse(400, "MalformedInput", trailers ? "A trailer line is longer than 8 KB."
                                                      : "A chunk-size line is too long.");
      }
      return Frame{};
    }
    const std::string_view line = bytes.substr(chunk_at_, line_end - chunk_at_);
    chunk_at_ = line_end + 2;
    if (trailers) {
      if (line.empty()) return Complete(chunk_at_);
      trailer_bytes_ += line.size();
      if (line.size() > max_line || trailer_bytes_ > limits_.max_header_bytes) {
        return Refuse(400, "MalformedInput", "The trailer fields are too large.");
      }
      continue;
    }
    const auto size = ParseChunkSize(line);
    if (!size) return Refuse(400, "MalformedInput", "A chunk-size line of the body is malformed.");
    if (*size > max_body_ - body_bytes_) {
      return Refuse(413, "RequestEntityTooLarge",
                    TooLarge("The request body is more than " + std::to_string(max_body_) + " bytes", max_body_));
    }
    if (*size == 0) {
      expects_continue_ = false;
      phase_ = Phase::kTrailers;
    } else {
      chunk_size_ = *size;
      phase_ = Phase::kChunkData;
    }
  }
}

}  // namespace cfl::http
