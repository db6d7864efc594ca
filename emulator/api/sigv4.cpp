#include "emulator/api/sigv4.h"

#include "emulator/api/sigv4a.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <iomanip>
#include <sstream>

namespace cfl::api::sigv4 {
namespace {

constexpr std::string_view kSignatureDoesNotMatch =
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access "
    "Key and signing method. Consult the service documentation for details.";
constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

bool IsUnreserved(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes text; a "%" not followed by two hex digits stays as it is.
std::string UriDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int high = HexValue(text[i + 1]);
      const int low = HexValue(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::vector<std::string> SplitOn(std::string_view text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const auto end = text.find(separator, start);
    parts.emplace_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// Lowercase(name) ':' Trimall(value): blanks at either end dropped, inner runs
// of blanks made one space.
std::string TrimAll(std::string_view value) {
  std::string out;
  bool pending_space = false;
  for (const char c : value) {
    if (IsBlank(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

std::string FirstValue(const HeaderValues& header_values, std::string_view name) {
  auto values = header_values(name);
  return values.empty() ? std::string() : std::move(values.front());
}

ApiError Incomplete(std::string message) { return MakeError("IncompleteSignature", std::move(message)); }
ApiError Mismatch(std::string message) { return MakeError("SignatureDoesNotMatch", std::move(message)); }

// REQUIRES: now is a whole second.
std::string SkewMessage(TimePoint signed_at, TimePoint now_s) {
  const std::string minutes = std::to_string(kMaxSkew.count());
  if (signed_at < now_s - kMaxSkew) {
    return "Signature expired: " + FormatAmzDate(signed_at) + " is now earlier than " +
           FormatAmzDate(now_s - kMaxSkew) + " (" + FormatAmzDate(now_s) + " - " + minutes + " min.)";
  }
  return "Signature not yet current: " + FormatAmzDate(signed_at) + " is still later than " +
         FormatAmzDate(now_s + kMaxSkew) + " (" + FormatAmzDate(now_s) + " + " + minutes + " min.)";
}

std::optional<int> Digits(std::string_view text, std::size_t at, std::size_t count) {
  int value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (i >= text.size() || !std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

std::optional<TimePoint> MakeTime(int year, int month, int day, int hour, int minute, int second) {
  const std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  return TimePoint(std::chrono::sys_days(date)) + std::chrono::hours(hour) + std::chrono::minutes(minute) +
         std::chrono::seconds(second);
}

}  // namespace

namespace {

// As AWS answers a wrong signature: with what it expected to be signed.
ApiError WrongSignature(std::string_view canonical_request, std::string_view string_to_sign) {
  return Mismatch(std::string(kSignatureDoesNotMatch) + "\n\nThe Canonical String for this request should have been\n'" +
                  std::string(canonical_request) + "'\n\nThe String-to-Sign should have been\n'" +
                  std::string(string_to_sign) + "'\n");
}

}  // namespace

Result<Authorization, ApiError> ParseAuthorization(std::string_view header) {
  Authorization parsed;
  const auto algorithm_end = std::min(header.size(), header.find_first_of(" \t"));
  parsed.algorithm = std::string(header.substr(0, algorithm_end));
  if (parsed.algorithm != kAlgorithm && parsed.algorithm != kAlgorithmV4A) return parsed;
  // Parameters are separated by commas and/or blanks; each is name=value.
  std::size_t at = algorithm_end;
  while (at < header.size()) {
    at = header.find_first_not_of(", \t", at);
    if (at == std::string_view::npos) break;
    const auto end = std::min(header.size(), header.find_first_of(", \t", at));
    const auto token = header.substr(at, end - at);
    at = end;
    const auto equals = token.find('=');
    if (equals == std::string_view::npos) {
      return Fail(Incomplete("'" + std::string(token) +
                             "' not a valid key=value pair (missing equal-sign) in Authorization header: '" +
                             std::string(header) + "'."));
    }
    const auto name = token.substr(0, equals);
    std::string value(token.substr(equals + 1));
    if (name == "Credential") {
      parsed.credential = std::move(value);
    } else if (name == "SignedHeaders") {
      parsed.signed_headers = std::move(value);
    } else if (name == "Signature") {
      parsed.signature = std::move(value);
    }
  }
  return parsed;
}

std::string Sha256Hex(std::string_view data) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data());
  return Hex(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), mac.data(), &length);
  return std::string(reinterpret_cast<const char*>(mac.data()), length);
}

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const unsigned char byte : bytes) {
    out.push_back(kDigits[byte >> 4]);
    out.push_back(kDigits[byte & 0xF]);
  }
  return out;
}

std::string NormalizePath(std::string_view path) {
  if (path.empty()) return "/";
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto end = std::min(path.size(), path.find('/', start));
    const auto segment = path.substr(start, end - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  std::string out = path.front() == '/' ? "/" : "";
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out.push_back('/');
    out.append(segments[i]);
  }
  if (path.back() == '/' && !segments.empty()) out.push_back('/');
  return out;
}

std::string UriEncode(std::string_view text, bool keep_slash) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const unsigned char c : text) {
    if (IsUnreserved(c) || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kDigits[c >> 4]);
      out.push_back(kDigits[c & 0xF]);
    }
  }
  return out;
}

std::string CanonicalUri(std::string_view raw_path) { return UriEncode(NormalizePath(raw_path), true); }

std::string CanonicalQueryString(std::string_view raw_query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& component : SplitOn(raw_query, '&')) {
    if (component.empty()) continue;
    const auto equals = component.find('=');
    const std::string_view name = std::string_view(component).substr(0, equals);
    const std::string_view value =
        equals == std::string::npos ? std::string_view() : std::string_view(component).substr(equals + 1);
    pairs.emplace_back(UriEncode(UriDecode(name), false), UriEncode(UriDecode(value), false));
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [name, value] : pairs) {
    if (!out.empty()) out.push_back('&');
    out += name + "=" + value;
  }
  return out;
}

std::string CanonicalHeaders(const std::vector<std::string>& signed_header_names, const HeaderValues& header_values) {
  std::string out;
  for (const auto& name : signed_header_names) {
    std::string joined;
    bool first = true;
    for (const auto& value : header_values(name)) {
      if (!first) joined.push_back(',');
      first = false;
      joined += TrimAll(value);
    }
    out += Lower(name) + ":" + joined + "\n";
  }
  return out;
}

std::string CanonicalRequest(const Request& request, std::string_view signed_headers, std::string_view payload_hash) {
  const auto question = request.raw_target.find('?');
  const auto raw_path = request.raw_target.substr(0, question);
  const auto raw_query =
      question == std::string_view::npos ? std::string_view() : request.raw_target.substr(question + 1);
  std::string method(request.method);
  std::transform(method.begin(), method.end(), method.begin(), [](unsigned char c) { return std::toupper(c); });
  return method + "\n" + CanonicalUri(raw_path) + "\n" + CanonicalQueryString(raw_query) + "\n" +
         CanonicalHeaders(SplitOn(signed_headers, ';'), request.header_values) + "\n" + std::string(signed_headers) +
         "\n" + std::string(payload_hash);
}

std::string StringToSign(std::string_view timestamp, std::string_view scope, std::string_view canonical_request) {
  return std::string(kAlgorithm) + "\n" + std::string(timestamp) + "\n" + std::string(scope) + "\n" +
         Sha256Hex(canonical_request);
}

std::string SigningKey(std::string_view secret, std::string_view date, std::string_view region,
                       std::string_view service) {
  const auto k_date = HmacSha256("AWS4" + std::string(secret), date);
  const auto k_region = HmacSha256(k_date, region);
  const auto k_service = HmacSha256(k_region, service);
  return HmacSha256(k_service, kTerminator);
}

std::string Signature(std::string_view signing_key, std::string_view string_to_sign) {
  return Hex(HmacSha256(signing_key, string_to_sign));
}

std::optional<TimePoint> ParseAmzDate(std::string_view text) {
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return std::nullopt;
  const auto year = Digits(text, 0, 4), month = Digits(text, 4, 2), day = Digits(text, 6, 2);
  const auto hour = Digits(text, 9, 2), minute = Digits(text, 11, 2), second = Digits(text, 13, 2);
  if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
  return MakeTime(*year, *month, *day, *hour, *minute, *second);
}

std::string FormatAmzDate(TimePoint time) {
  const auto seconds = std::chrono::floor<std::chrono::seconds>(time);
  const auto days = std::chrono::floor<std::chrono::days>(seconds);
  const std::chrono::year_month_day date{days};
  const std::chrono::hh_mm_ss clock{seconds - days};
  char text[32];
  std::snprintf(text, sizeof text, "%04d%02u%02uT%02d%02d%02dZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()));
  return text;
}

std::optional<TimePoint> ParseHttpDate(std::string_view text) {
  std::tm parts{};
  std::istringstream in{std::string(text)};
  in.imbue(std::locale::classic());
  in >> std::get_time(&parts, "%a, %d %b %Y %H:%M:%S");
  std::string zone;
  in >> zone;
  if (in.fail() || zone != "GMT") return std::nullopt;
  return MakeTime(parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec);
}

SignedHeaders SignRequest(const SigningRequest& request, std::string_view access_key, std::string_view secret,
                          TimePoint now) {
  SignedHeaders signed_headers;
  signed_headers.amz_date = FormatAmzDate(now);
  signed_headers.content_sha256 = Sha256Hex(request.payload);
  const std::string date = signed_headers.amz_date.substr(0, 8);
  const std::string scope =
      date + "/" + std::string(request.region) + "/" + std::string(request.service) + "/" + std::string(kTerminator);
  constexpr std::string_view kSigned = "host;x-amz-content-sha256;x-amz-date";
  const auto question = request.raw_target.find('?');
  const auto raw_query =
      question == std::string_view::npos ? std::string_view() : request.raw_target.substr(question + 1);
  std::string method(request.method);
  std::transform(method.begin(), method.end(), method.begin(), [](unsigned char c) { return std::toupper(c); });
  const std::string canonical_request =
      method + "\n" + UriEncode(UriDecode(request.raw_target.substr(0, question)), true) + "\n" +
      CanonicalQueryString(raw_query) + "\nhost:" + TrimAll(request.host) +
      "\nx-amz-content-sha256:" + signed_headers.content_sha256 + "\nx-amz-date:" + signed_headers.amz_date +
      "\n\n" + std::string(kSigned) + "\n" + signed_headers.content_sha256;
  const std::string signature = Signature(SigningKey(secret, date, request.region, request.service),
                                          StringToSign(signed_headers.amz_date, scope, canonical_request));
  signed_headers.authorization = std::string(kAlgorithm) + " Credential=" + std::string(access_key) + "/" + scope +
                                 ", SignedHeaders=" + std::string(kSigned) + ", Signature=" + signature;
  return signed_headers;
}

SignatureVerifier::SignatureVerifier(const std::vector<Credential>& credentials) {
  for (const auto& credential : credentials) {
    by_access_key_.emplace(credential.access_key, credential);
    if (auto key = DeriveV4aPublicKey(credential.access_key, credential.secret)) {
      v4a_public_keys_.emplace(credential.access_key, std::move(*key));
    }
  }
}

Result<std::string, ApiError> SignatureVerifier::Verify(const Request& request, TimePoint now) const {
  const std::string header = FirstValue(request.header_values, "Authorization");
  if (TrimAll(header).empty()) return Fail(MakeError("MissingAuthenticationToken", "Missing Authentication Token"));
  auto parsed = ParseAuthorization(header);
  if (!parsed) return Fail(parsed.error());
  const auto& authorization = parsed.value();

  // The request's date: X-Amz-Date, else Date.
  std::string timestamp = FirstValue(request.header_values, "X-Amz-Date");
  const bool amz_date = !timestamp.empty();
  if (!amz_date) timestamp = FirstValue(request.header_values, "Date");

  std::string missing;
  if (!authorization.credential) missing += "Authorization header requires 'Credential' parameter. ";
  if (!authorization.signature) missing += "Authorization header requires 'Signature' parameter. ";
  if (!authorization.signed_headers) missing += "Authorization header requires 'SignedHeaders' parameter. ";
  if (timestamp.empty()) {
    missing += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  }
  if (!missing.empty()) return Fail(Incomplete(missing + "Authorization=" + header));

  // Credential=KEY/DATE/REGION/SERVICE/aws4_request; SigV4A has no region: KEY/DATE/SERVICE/aws4_request.
  const bool v4a = authorization.algorithm == kAlgorithmV4A;
  const auto scope_parts = SplitOn(*authorization.credential, '/');
  if (v4a && scope_parts.size() != 4) {
    return Fail(Incomplete(
        "Credential must have exactly 4 slash-delimited elements, e.g. keyid/date/service/term, got '" +
        *authorization.credential + "'"));
  }
  if (!v4a && scope_parts.size() != 5) {
    return Fail(Incomplete(
        "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '" +
        *authorization.credential + "'"));
  }
  const auto& access_key = scope_parts[0];
  const auto& scope_date = scope_parts[1];
  const std::string region = v4a ? "" : scope_parts[2];
  const auto& service = scope_parts[v4a ? 2 : 3];
  const auto& terminator = scope_parts[v4a ? 3 : 4];

  const auto signed_at = amz_date ? ParseAmzDate(timestamp) : ParseHttpDate(timestamp);
  if (!signed_at) {
    return Fail(Incomplete("Date must be in ISO-8601 'basic format'. Got '" + timestamp +
                           "'. See http://en.wikipedia.org/wiki/ISO_8601"));
  }
  if (!amz_date) timestamp = FormatAmzDate(*signed_at);
  if (scope_date != timestamp.substr(0, 8)) {
    return Fail(Mismatch("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '" +
                         scope_date + "' != '" + timestamp.substr(0, 8) + "', from '" + timestamp + "'."));
  }
  if (!v4a && region.empty()) return Fail(Mismatch("Credential should be scoped to a valid region, not ''. "));
  if (service != request.service) {
    return Fail(Mismatch("Credential should be scoped to correct service: '" + std::string(request.service) + "'. "));
  }
  if (terminator != kTerminator) {
    return Fail(Mismatch("Credential should be scoped with a valid terminator: '" + std::string(kTerminator) +
                         "', not '" + terminator + "'. "));
  }
  const auto signed_names = SplitOn(*authorization.signed_headers, ';');
  if (std::none_of(signed_names.begin(), signed_names.end(), [](const std::string& n) { return Lower(n) == "host"; })) {
    return Fail(Incomplete("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."));
  }
  const TimePoint now_s = std::chrono::floor<std::chrono::seconds>(now);  // X-Amz-Date has whole seconds
  if (*signed_at < now_s - kMaxSkew || *signed_at > now_s + kMaxSkew) {
    return Fail(Mismatch(SkewMessage(*signed_at, now_s)));
  }

  const auto credential = by_access_key_.find(access_key);
  if (credential == by_access_key_.end()) {
    return Fail(MakeError("InvalidClientTokenId", "The security token included in the request is invalid."));
  }

  // The body is always what is hashed, unless the client said it signed none;
  // a declared x-amz-content-sha256 that is not the body's hash cannot vouch
  // for the body.
  const bool unsigned_payload = FirstValue(request.header_values, "X-Amz-Content-SHA256") == kUnsignedPayload;
  const std::string payload_hash = unsigned_payload ? std::string(kUnsignedPayload) : Sha256Hex(request.body);
  const std::string canonical_request = CanonicalRequest(request, *authorization.signed_headers, payload_hash);
  if (v4a) {
    const std::string scope = scope_date + "/" + service + "/" + terminator;
    const std::string string_to_sign = StringToSignV4a(timestamp, scope, canonical_request);
    const auto key = v4a_public_keys_.find(access_key);
    if (key == v4a_public_keys_.end() || !VerifyV4aSignature(key->second, string_to_sign, *authorization.signature)) {
      return Fail(WrongSignature(canonical_request, string_to_sign));
    }
    return credential->second.account;
  }
  const std::string scope = scope_date + "/" + region + "/" + service + "/" + terminator;
  const std::string string_to_sign = StringToSign(timestamp, scope, canonical_request);
  const std::string expected =
      Signature(SigningKey(credential->second.secret, scope_date, region, service), string_to_sign);
  const auto& given = *authorization.signature;
  if (given.size() != expected.size() || CRYPTO_memcmp(given.data(), expected.data(), expected.size()) != 0) {
    return Fail(WrongSignature(canonical_request, string_to_sign));
  }
  return credential->second.account;
}

}  // namespace cfl::api::sigv4
