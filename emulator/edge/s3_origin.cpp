#include "emulator/edge/s3_origin.h"

#include <cctype>
#include <charconv>

namespace cfl::edge {
namespace {

constexpr std::string_view kAmazonaws = ".amazonaws.com";
constexpr std::string_view kDefaultRegion = "us-east-1";

std::string Lowered(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsRegion(std::string_view text) {
  if (text.empty() || text.size() > 32) return false;
  for (const char c : text) {
    if (!std::islower(static_cast<unsigned char>(c)) && !std::isdigit(static_cast<unsigned char>(c)) && c != '-') {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string S3Endpoint::HostHeader() const {
  const std::string name = host.find(':') == std::string::npos ? host : "[" + host + "]";  // IPv6
  return port == 80 ? name : name + ":" + std::to_string(port);
}

Result<S3Endpoint, std::string> ParseS3Endpoint(std::string_view url) {
  const auto problem = [&] {
    return "--s3-endpoint needs http://HOST[:PORT] (e.g. http://127.0.0.1:4569), got '" + std::string(url) + "'";
  };
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) return Fail(problem());
  std::string_view rest = url.substr(kScheme.size());
  if (rest.ends_with('/')) rest.remove_suffix(1);
  S3Endpoint endpoint;
  const auto colon = rest.rfind(':');
  const bool bracketed = rest.starts_with('[');  // [::1]:port
  if (colon != std::string_view::npos && (!bracketed || colon > rest.find(']'))) {
    const std::string_view port = rest.substr(colon + 1);
    if (std::from_chars(port.data(), port.data() + port.size(), endpoint.port).ec != std::errc() ||
        endpoint.port <= 0 || endpoint.port > 65535 || std::to_string(endpoint.port) != port) {
      return Fail(problem());
    }
    rest = rest.substr(0, colon);
  }
  if (bracketed && rest.size() > 2 && rest.ends_with(']')) rest = rest.substr(1, rest.size() - 2);
  if (rest.empty() || rest.find_first_of("/?#@ ") != std::string_view::npos) return Fail(problem());
  endpoint.host = std::string(rest);
  return endpoint;
}

std::string SetS3Credentials(S3Endpoint& endpoint, std::string_view spec) {
  const auto colon = spec.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == spec.size() || spec.size() > 512) {
    return "--s3-credentials needs ACCESS_KEY:SECRET (e.g. S3RVER:S3RVER)";
  }
  endpoint.access_key = std::string(spec.substr(0, colon));
  endpoint.secret = std::string(spec.substr(colon + 1));
  return "";
}

std::optional<S3Bucket> ParseS3OriginDomain(std::string_view domain_as_given) {
  std::string domain = Lowered(domain_as_given);
  if (domain.ends_with('.')) domain.pop_back();
  if (!domain.ends_with(kAmazonaws)) return std::nullopt;
  const std::string_view inner = std::string_view(domain).substr(0, domain.size() - kAmazonaws.size());
  // The last ".s3." or ".s3-" separates the bucket (which may hold dots) from the endpoint.
  const auto dot_form = inner.rfind(".s3.");
  const auto dash_form = inner.rfind(".s3-");
  const bool dashed = dash_form != std::string_view::npos && (dot_form == std::string_view::npos || dash_form > dot_form);
  const auto at = dashed ? dash_form : dot_form;
  if (inner.ends_with(".s3")) {
    if (inner.size() == 3) return std::nullopt;
    return S3Bucket{std::string(inner.substr(0, inner.size() - 3)), std::string(kDefaultRegion)};
  }
  if (at == std::string_view::npos || at == 0) return std::nullopt;
  std::string_view region = inner.substr(at + 4);
  if (!dashed && region.starts_with("dualstack.")) region.remove_prefix(10);
  if (region.starts_with("website")) return std::nullopt;  // a website endpoint is a custom origin
  if (!IsRegion(region)) return std::nullopt;
  return S3Bucket{std::string(inner.substr(0, at)), std::string(region)};
}

std::string OriginAccessIdentityId(std::string_view origin_access_identity) {
  constexpr std::string_view kPrefix = "origin-access-identity/cloudfront/";
  if (!origin_access_identity.starts_with(kPrefix)) return "";
  const auto id = origin_access_identity.substr(kPrefix.size());
  if (id.empty() || id.size() > 64 || id.find('/') != std::string_view::npos) return "";
  return std::string(id);
}

bool SignsS3Request(std::string_view signing_behavior, std::string_view origin_type, bool viewer_authorization) {
  if (origin_type != "s3") return false;
  if (signing_behavior == "always") return true;
  return signing_behavior == "no-override" && !viewer_authorization;
}

}  // namespace cfl::edge
