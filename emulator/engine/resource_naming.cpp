#include "emulator/engine/resource_naming.h"

#include "emulator/model/model.h"

namespace cfl::engine {

std::string Arn(std::string_view account, std::string_view type, std::string_view id) {
  return "arn:aws:cloudfront::" + std::string(account) + ":" + std::string(type) + "/" + std::string(id);
}

std::optional<ParsedArn> ParseArn(std::string_view arn) {
  constexpr std::string_view kPrefix = "arn:aws:cloudfront::";
  if (!arn.starts_with(kPrefix)) return std::nullopt;
  arn.remove_prefix(kPrefix.size());
  const auto colon = arn.find(':');
  const auto slash = arn.find('/');
  if (colon == std::string_view::npos || slash == std::string_view::npos || slash < colon) return std::nullopt;
  ParsedArn parsed{std::string(arn.substr(0, colon)), std::string(arn.substr(colon + 1, slash - colon - 1)),
                   std::string(arn.substr(slash + 1))};
  if (parsed.account.empty() || parsed.type.empty() || parsed.id.empty()) return std::nullopt;
  return parsed;
}

std::string LocationUrl(std::string_view collection, std::string_view id) {
  return "https://cloudfront.amazonaws.com/" + std::string(model::kApiVersion) + "/" + std::string(collection) + "/" +
         std::string(id);
}

}  // namespace cfl::engine
