// Which account a request acts for, read from the access key it names.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "emulator/codec/rest_binding.h"

namespace cfl::api {

// The access key named by the request's Authorization header or, without one,
// by its query string (presigned URLs). Every form AWS SDKs send:
//   Authorization: AWS4-HMAC-SHA256 Credential=KEY/DATE/REGION/SERVICE/aws4_request, ...   (SigV4)
//   Authorization: AWS4-ECDSA-P256-SHA256 Credential=KEY/DATE/SERVICE/aws4_request, ...   (SigV4A)
//   Authorization: AWS KEY:SIGNATURE                                                       (SigV2)
//   ?X-Amz-Credential=KEY/...                    (presigned SigV4 or SigV4A)
//   ?AWSAccessKeyId=KEY                          (presigned SigV2)
// query holds percent-decoded names and values. nullopt when the request names
// no key, or the header is none of these forms (an unknown header is not
// overridden by the query: it is what the client meant to send).
std::optional<std::string> AccessKeyOf(std::optional<std::string_view> authorization, const model::QueryMap& query);

// A 12-digit access key is the account id; any other key, or none, means
// default_account.
std::string AccountFor(std::optional<std::string_view> authorization, const model::QueryMap& query,
                       const std::string& default_account);

bool IsAccountId(std::string_view text);

}  // namespace cfl::api
