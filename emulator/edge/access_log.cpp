#include "emulator/edge/access_log.h"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <ctime>

namespace cfl::edge {
namespace {

// As CloudFront writes these fields: RFC 3986 unreserved characters as is,
// everything else (spaces, tabs, non-ASCII) percent-encoded.
std::string Encoded(std::string_view text) {
  if (text.empty()) return "-";
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : text) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       std::strchr("-._~/:;=&,+()*!'@$", c) != nullptr;
    if (plain && c != 0) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string OrDash(std::string_view text) { return text.empty() ? "-" : std::string(text); }

}  // namespace

const std::vector<std::string_view>& AccessLogFields() {
  static const std::vector<std::string_view> fields = {
      "date", "time", "x-edge-location", "sc-bytes", "c-ip", "cs-method", "cs(Host)", "cs-uri-stem", "sc-status",
      "cs(Referer)", "cs(User-Agent)", "cs-uri-query", "cs(Cookie)", "x-edge-result-type", "x-edge-request-id",
      "x-host-header", "cs-protocol", "cs-bytes", "time-taken", "x-forwarded-for", "ssl-protocol", "ssl-cipher",
      "x-edge-response-result-type", "cs-protocol-version", "fle-status", "fle-encrypted-fields", "c-port",
      "time-to-first-byte", "x-edge-detailed-result-type", "sc-content-type", "sc-content-len", "sc-range-start",
      "sc-range-end"};
  return fields;
}

std::string FormatAccessLogLine(const AccessLogEntry& entry) {
  const std::time_t seconds = static_cast<std::time_t>(entry.time_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char date[16], time[16], taken[32];
  std::strftime(date, sizeof date, "%Y-%m-%d", &utc);
  std::strftime(time, sizeof time, "%H:%M:%S", &utc);
  const auto written = std::to_chars(taken, taken + sizeof taken, entry.time_taken_seconds, std::chars_format::fixed, 3);
  const std::string time_taken(taken, written.ptr);
  const std::vector<std::string> values = {
      date, time, OrDash(entry.edge_location), std::to_string(entry.response_bytes), OrDash(entry.client_ip),
      OrDash(entry.method), OrDash(entry.distribution_domain), Encoded(entry.uri_stem), std::to_string(entry.status),
      Encoded(entry.referer), Encoded(entry.user_agent), Encoded(entry.query), Encoded(entry.cookie),
      OrDash(entry.result_type), OrDash(entry.request_id), OrDash(entry.host_header), OrDash(entry.protocol),
      std::to_string(entry.request_bytes), time_taken, OrDash(entry.forwarded_for), OrDash(entry.ssl_protocol),
      OrDash(entry.ssl_cipher),
      OrDash(entry.result_type), OrDash(entry.protocol_version), "-", "-", std::to_string(entry.client_port),
      time_taken, OrDash(entry.detailed_result_type), OrDash(entry.content_type),
      entry.content_length < 0 ? "-" : std::to_string(entry.content_length), "-", "-"};
  std::string line;
  for (const auto& value : values) {
    if (!line.empty()) line += '\t';
    line += value;
  }
  return line;
}

AccessLog::AccessLog(std::size_t capacity, const std::string& file) : capacity_(capacity) {
  if (file.empty()) return;
  file_ = std::fopen(file.c_str(), "a");
  if (!file_) {
    error_ = "cannot open " + file + ": " + std::strerror(errno);
    return;
  }
  if (std::ftell(file_) == 0) {
    std::string header = "#Version: 1.0\n#Fields:";
    for (const auto field : AccessLogFields()) header.append(" ").append(field);
    header += '\n';
    std::fputs(header.c_str(), file_);
    std::fflush(file_);
  }
}

AccessLog::~AccessLog() {
  if (file_) std::fclose(file_);
}

void AccessLog::Record(AccessLogEntry entry) {
  const std::string line = file_ ? FormatAccessLogLine(entry) : std::string();
  std::lock_guard lock(mutex_);
  if (file_) {
    std::fputs(line.c_str(), file_);
    std::fputc('\n', file_);
    std::fflush(file_);
  }
  if (capacity_ == 0) return;
  if (entries_.size() >= capacity_) entries_.pop_front();
  entries_.push_back(std::move(entry));
}

std::vector<std::string> AccessLog::Recent(std::string_view distribution_id, std::size_t limit) const {
  std::vector<std::string> recent;
  std::lock_guard lock(mutex_);
  for (auto it = entries_.rbegin(); it != entries_.rend() && recent.size() < limit; ++it) {
    if (distribution_id.empty() || it->distribution_id == distribution_id) recent.push_back(FormatAccessLogLine(*it));
  }
  return recent;
}

void AccessLog::Clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
}

}  // namespace cfl::edge
