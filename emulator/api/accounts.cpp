#include "emulator/api/accounts.h"

#include <algorithm>
#include <cctype>

namespace cfl::api {

std::optional<std::string> AccessKeyOf(std::string_view authorization) {
  constexpr std::string_view kCredential = "Credential=";
  // SigV4, or SigV4A as SDKs sign the KeyValueStore data plane.
  if (!authorization.starts_with("AWS4-HMAC-SHA256") && !authorization.starts_with("AWS4-ECDSA-P256-SHA256")) {
    return std::nullopt;
  }
  const auto start = authorization.find(kCredential);
  if (start == std::string_view::npos) return std::nullopt;
  const auto key_start = start + kCredential.size();
  const auto slash = authorization.find('/', key_start);
  if (slash == std::string_view::npos) return std::nullopt;
  return std::string(authorization.substr(key_start, slash - key_start));
}

bool IsAccountId(std::string_view text) {
  return text.size() == 12 && std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}

std::string AccountFor(std::optional<std::string_view> authorization, const std::string& default_account) {
  if (!authorization) return default_account;
  const auto key = AccessKeyOf(*authorization);
  return key && IsAccountId(*key) ? *key : default_account;
}

}  // namespace cfl::api
