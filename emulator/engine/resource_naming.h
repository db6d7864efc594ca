// How CloudFront names resources: ARNs and the Location of a new resource.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cfl::engine {

// arn:aws:cloudfront::ACCOUNT:TYPE/ID
std::string Arn(std::string_view account, std::string_view type, std::string_view id);

struct ParsedArn {
  std::string account;
  std::string type;  // "distribution", "streaming-distribution", ...
  std::string id;
};
std::optional<ParsedArn> ParseArn(std::string_view arn);

// https://cloudfront.amazonaws.com/2020-05-31/COLLECTION/ID
std::string LocationUrl(std::string_view collection, std::string_view id);

}  // namespace cfl::engine
