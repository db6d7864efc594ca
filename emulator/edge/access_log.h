// Access logs: one line per viewer request in CloudFront's standard log
// format (tab-separated, the documented fields in the documented order, "-"
// for an empty value), kept in a bounded ring for the control plane and
// optionally appended to a file.
//
// Thread-safe: Record and Recent may run on any number of threads.
#pragma once

#include <cstdint>
#include <cstdio>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace cfl::edge {

// The fields of the standard log format, in order (the file's #Fields line).
const std::vector<std::string_view>& AccessLogFields();

// One request, as the log tells it.
struct AccessLogEntry {
  std::int64_t time_ms = 0;
  std::string distribution_id;  // not in the line: for filtering
  std::string edge_location;    // x-edge-location
  std::uint64_t response_bytes = 0;
  std::string client_ip;
  std::string method;
  std::string distribution_domain;  // cs(Host)
  std::string uri_stem;
  int status = 0;
  std::string referer;
  std::string user_agent;
  std::string query;
  std::string cookie;
  std::string result_type;  // Hit, Miss, Error, Redirect, RefreshHit
  std::string request_id;
  std::string host_header;
  std::string protocol;  // http, https
  std::uint64_t request_bytes = 0;
  double time_taken_seconds = 0;
  std::string forwarded_for;
  std::string ssl_protocol;  // HTTPS only: TLSv1.3, ...
  std::string ssl_cipher;    // HTTPS only: TLS_AES_128_GCM_SHA256, ...
  std::string protocol_version;  // HTTP/1.1
  int client_port = 0;
  std::string detailed_result_type;
  std::string content_type;
  std::int64_t content_length = -1;  // -1: "-"
};

// The entry as a log line (no newline). Values are URL-encoded where
// CloudFront encodes them (stem, user agent, referer, query, cookie).
std::string FormatAccessLogLine(const AccessLogEntry& entry);

class AccessLog {
 public:
  // capacity: entries kept for Recent; file: "" for none (else appended, with
  // the #Version/#Fields header when it is empty).
  AccessLog(std::size_t capacity, const std::string& file);
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  // False when the file cannot be opened (error() says why).
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  // Keeps the entry; its line is made when read (Recent) or, with a file,
  // now: a request pays for formatting only when someone keeps lines.
  void Record(AccessLogEntry entry);
  // The latest lines, newest first: of one distribution when given, at most limit.
  std::vector<std::string> Recent(std::string_view distribution_id, std::size_t limit) const;
  void Clear();

 private:
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::deque<AccessLogEntry> entries_;  // oldest first
  std::FILE* file_ = nullptr;
  std::string error_;
};

}  // namespace cfl::edge
