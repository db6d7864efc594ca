#include "emulator/api/accounts.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace cfl::api {
namespace {

// The schemes whose parameters carry "Credential=KEY/...".
constexpr std::array<std::string_view, 2> kCredentialSchemes = {"AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256"};

std::string_view TrimLeft(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  return text;
}

// "KEY/DATE/..." → KEY; nullopt when there is no slash or no key.
std::optional<std::string> KeyOfCredential(std::string_view credential) {
  const auto slash = credential.find('/');
  if (slash == std::string_view::npos || slash == 0) return std::nullopt;
  return std::string(credential.substr(0, slash));
}

// The value of the Credential parameter of a SigV4 or SigV4A header's
// comma-separated parameters.
std::optional<std::string> KeyOfCredentialParameter(std::string_view parameters) {
  constexpr std::string_view kCredential = "Credential=";
  while (!parameters.empty()) {
    const auto comma = parameters.find(',');
    const auto parameter = TrimLeft(parameters.substr(0, comma));
    if (parameter.starts_with(kCredential)) return KeyOfCredential(parameter.substr(kCredential.size()));
    if (comma == std::string_view::npos) break;
    parameters.remove_prefix(comma + 1);
  }
  return std::nullopt;
}

// "AWS KEY:SIGNATURE" → KEY.
std::optional<std::string> KeyOfSigV2(std::string_view credentials) {
  credentials = TrimLeft(credentials);
  const auto colon = credentials.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  return std::string(credentials.substr(0, colon));
}

std::optional<std::string> KeyOfHeader(std::string_view authorization) {
  authorization = TrimLeft(authorization);
  const auto space = authorization.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  const auto scheme = authorization.substr(0, space);
  const auto rest = authorization.substr(space + 1);
  if (std::find(kCredentialSchemes.begin(), kCredentialSchemes.end(), scheme) != kCredentialSchemes.end()) {
    return KeyOfCredentialParameter(rest);
  }
  if (scheme == "AWS") return KeyOfSigV2(rest);
  return std::nullopt;
}

std::optional<std::string_view> QueryValue(const model::QueryMap& query, const std::string& name) {
  const auto found = query.find(name);
  if (found == query.end()) return std::nullopt;
  return found->second;
}

}  // namespace

std::optional<std::string> AccessKeyOf(std::optional<std::string_view> authorization, const model::QueryMap& query) {
  if (authorization) return KeyOfHeader(*authorization);
  if (const auto credential = QueryValue(query, "X-Amz-Credential")) return KeyOfCredential(*credential);
  if (const auto key = QueryValue(query, "AWSAccessKeyId"); key && !key->empty()) return std::string(*key);
  return std::nullopt;
}

bool IsAccountId(std::string_view text) {
  return text.size() == 12 && std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}

std::string AccountFor(std::optional<std::string_view> authorization, const model::QueryMap& query,
                       const std::string& default_account) {
  const auto key = AccessKeyOf(authorization, query);
  return key && IsAccountId(*key) ? *key : default_account;
}

}  // namespace cfl::api
