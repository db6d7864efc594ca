#include "emulator/http/plain_http.h"

#include <algorithm>
#include <charconv>

#include "emulator/http/request_framing.h"

namespace cfl::http {
namespace {

constexpr std::string_view kCrlf = "\r\n";

bool IsVisibleAscii(char c) { return c > ' ' && c < 0x7f; }

bool IsSpaceOrTab(char c) { return c == ' ' || c == '\t'; }

std::string_view TrimmedSpaceOrTab(std::string_view text) {
  while (!text.empty() && IsSpaceOrTab(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpaceOrTab(text.back())) text.remove_suffix(1);
  return text;
}

// cpp-httplib's header map order: names compared byte by byte, lowercased
// (its tolower, in the "C" locale a server runs in, lowers ASCII only).
bool LessIgnoringCase(std::string_view a, std::string_view b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return static_cast<unsigned char>(AsciiLower(x)) < static_cast<unsigned char>(AsciiLower(y));
  });
}

// A stable sort for the few headers of an answer: no buffer to allocate.
template <typename Item, typename Less>
void InsertionSort(std::vector<Item>& items, Less less) {
  for (std::size_t i = 1; i < items.size(); ++i) {
    for (std::size_t j = i; j > 0 && less(items[j], items[j - 1]); --j) std::swap(items[j], items[j - 1]);
  }
}

bool IsPlainMethod(std::string_view method) {
  return method == "GET" || method == "PUT" || method == "POST" || method == "DELETE";
}

bool IsPlainTarget(std::string_view target) {
  if (target.empty() || target.front() != '/') return false;
  if (!std::all_of(target.begin(), target.end(), IsVisibleAscii)) return false;
  if (target.find('#') != std::string_view::npos) return false;  // cpp-httplib cuts a fragment off
  const auto question = target.find('?');
  if (question == std::string_view::npos) return target.find('%') == std::string_view::npos;
  return target.find('?', question + 1) == std::string_view::npos &&
         target.substr(0, question).find('%') == std::string_view::npos;
}

// A header cpp-httplib reads otherwise than as a plain name and value, or
// one named as those it adds to every request itself (its map would hold both).
bool AsksMoreThanPlain(std::string_view name, std::string_view value) {
  if (EqualsIgnoringCase(name, "Accept-Encoding")) return value != "identity";
  // cpp-httplib reads such a body as form parts, never as the bytes sent
  // (its test is the value's prefix, case and all).
  if (EqualsIgnoringCase(name, "Content-Type")) return value.starts_with("multipart/form-data");
  for (const std::string_view special :
       {"Transfer-Encoding", "Expect", "Range", "REMOTE_ADDR", "REMOTE_PORT", "LOCAL_ADDR", "LOCAL_PORT"}) {
    if (EqualsIgnoringCase(name, special)) return true;
  }
  return false;
}

// "METHOD SP TARGET SP HTTP/1.1"; false if the line is anything else.
bool ParseRequestLine(std::string_view line, PlainRequest& request) {
  const auto first_space = line.find(' ');
  const auto last_space = line.rfind(' ');
  if (first_space == std::string_view::npos || first_space == last_space) return false;
  request.method = line.substr(0, first_space);
  request.target = line.substr(first_space + 1, last_space - first_space - 1);
  if (line.substr(last_space + 1) != "HTTP/1.1") return false;
  if (!IsPlainMethod(request.method) || !IsPlainTarget(request.target)) return false;
  request.path = request.target.substr(0, request.target.find('?'));
  return true;
}

bool IsPlainValueChar(char c) { return c == '\t' || c == ' ' || IsVisibleAscii(c); }

// "name:value": after trimming spaces and tabs, the value is not empty and is
// ASCII without "%" or control characters.
bool ParseHeaderLine(std::string_view line, PlainRequest& request) {
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return false;
  const std::string_view name = line.substr(0, colon);
  const std::string_view value = TrimmedSpaceOrTab(line.substr(colon + 1));
  if (!IsToken(name) || value.empty() || value.find('%') != std::string_view::npos) return false;
  if (!std::all_of(value.begin(), value.end(), IsPlainValueChar)) return false;
  if (AsksMoreThanPlain(name, value)) return false;
  request.headers.emplace_back(name, value);
  return true;
}

void AppendHeader(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append(": ").append(value).append(kCrlf);
}

// A byte loop: find_first_of calls memchr once per byte of text.
bool HasCrOrLf(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) { return c == '\r' || c == '\n'; });
}

}  // namespace

std::optional<std::string_view> PlainRequest::Header(std::string_view name) const {
  for (const auto& [sent, value] : headers) {
    if (EqualsIgnoringCase(sent, name)) return value;
  }
  return std::nullopt;
}

std::vector<std::string> PlainRequest::HeaderValues(std::string_view name) const {
  std::vector<std::string> values;
  for (const auto& [sent, value] : headers) {
    if (EqualsIgnoringCase(sent, name)) values.emplace_back(value);
  }
  return values;
}

std::vector<std::string> PlainRequest::HeaderNames() const {
  std::vector<std::string> names;
  names.reserve(headers.size());
  for (const auto& header : headers) names.emplace_back(header.first);
  std::stable_sort(names.begin(), names.end(), LessIgnoringCase);
  return names;
}

bool PlainRequest::ClientCloses() const {
  const auto connection = Header("Connection");
  return connection && *connection == "close";
}

std::optional<PlainRequest> ParsePlainRequest(std::string_view framed) {
  const auto head_end = framed.find("\r\n\r\n");
  if (head_end == std::string_view::npos) return std::nullopt;
  std::string_view head = framed.substr(0, head_end + kCrlf.size());
  PlainRequest request;
  const std::string_view body = framed.substr(head_end + 2 * kCrlf.size());
  // A bare LF anywhere in the head: cpp-httplib reads lines its own way.
  if (std::count(head.begin(), head.end(), '\n') != std::count(head.begin(), head.end(), '\r')) return std::nullopt;
  auto line_end = head.find(kCrlf);
  if (!ParseRequestLine(head.substr(0, line_end), request)) return std::nullopt;
  head.remove_prefix(line_end + kCrlf.size());
  while (!head.empty()) {
    line_end = head.find(kCrlf);
    if (!ParseHeaderLine(head.substr(0, line_end), request)) return std::nullopt;
    head.remove_prefix(line_end + kCrlf.size());
  }
  // cpp-httplib reads no body for a GET (only for POST, PUT, PATCH and DELETE).
  if (request.method != "GET") request.body = body;
  return request;
}

std::string PlainAnswerHead(const model::HttpResponseParts& parts, bool close_connection) {
  // The response's header map, as SendParts and then cpp-httplib fill it.
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  headers.reserve(parts.headers.size() + 4);
  const auto set_header = [&headers](std::string_view name, std::string_view value) {
    if (!HasCrOrLf(name) && !HasCrOrLf(value)) headers.emplace_back(name, value);  // as Response::set_header
  };
  std::string_view content_type = "text/xml";
  for (const auto& [name, value] : parts.headers) {
    if (name == "Content-Type") {
      content_type = value;
    } else {
      set_header(name, value);
    }
  }
  if (!parts.body.empty()) set_header("Content-Type", content_type);
  const auto has_header = [&headers](std::string_view name) {
    return std::any_of(headers.begin(), headers.end(),
                       [name](const auto& header) { return EqualsIgnoringCase(header.first, name); });
  };
  static const std::string keep_alive =
      "timeout=" + std::to_string(kKeepAliveSeconds) + ", max=" + std::to_string(kKeepAliveMaxCount);
  if (close_connection) {
    set_header("Connection", "close");
  } else {
    set_header("Keep-Alive", keep_alive);
  }
  if (!parts.body.empty() && !has_header("Content-Type")) set_header("Content-Type", "text/plain");
  char length[24];
  const auto written = std::to_chars(length, length + sizeof length, parts.body.size());
  if (parts.body.empty()) {
    if (!has_header("Content-Length")) set_header("Content-Length", "0");
  } else {
    set_header("Content-Length", std::string_view(length, static_cast<std::size_t>(written.ptr - length)));
  }
  InsertionSort(headers, [](const auto& a, const auto& b) { return LessIgnoringCase(a.first, b.first); });

  std::string answer;
  answer.reserve(256);
  char status[16];  // any int
  const auto status_end = std::to_chars(status, status + sizeof status, parts.status);
  answer.append("HTTP/1.1 ").append(status, status_end.ptr).append(" ").append(HttplibReasonPhrase(parts.status));
  answer.append(kCrlf);
  for (const auto& [name, value] : headers) AppendHeader(answer, name, value);
  answer.append(kCrlf);
  return answer;
}

const char* HttplibReasonPhrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocol";
    case 102: return "Processing";
    case 103: return "Early Hints";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 203: return "Non-Authoritative Information";
    case 204: return "No Content";
    case 205: return "Reset Content";
    case 206: return "Partial Content";
    case 207: return "Multi-Status";
    case 208: return "Already Reported";
    case 226: return "IM Used";
    case 300: return "Multiple Choice";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 305: return "Use Proxy";
    case 306: return "unused";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 407: return "Proxy Authentication Required";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 418: return "I'm a teapot";
    case 421: return "Misdirected Request";
    case 422: return "Unprocessable Entity";
    case 423: return "Locked";
    case 424: return "Failed Dependency";
    case 425: return "Too Early";
    case 426: return "Upgrade Required";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 451: return "Unavailable For Legal Reasons";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    case 506: return "Variant Also Negotiates";
    case 507: return "Insufficient Storage";
    case 508: return "Loop Detected";
    case 510: return "Not Extended";
    case 511: return "Network Authentication Required";
    default: return "Internal Server Error";
  }
}

}  // namespace cfl::http
