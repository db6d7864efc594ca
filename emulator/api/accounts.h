// Which account a request acts for.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cfl::api {

// The access key of a SigV4 Authorization header
// ("AWS4-HMAC-SHA256 Credential=KEY/DATE/REGION/SERVICE/aws4_request, ..."),
// or nullopt when the header is absent or not SigV4.
std::optional<std::string> AccessKeyOf(std::string_view authorization);

// A 12-digit access key is the account id; any other key, or none, means
// default_account.
std::string AccountFor(std::optional<std::string_view> authorization, const std::string& default_account);

bool IsAccountId(std::string_view text);

}  // namespace cfl::api
