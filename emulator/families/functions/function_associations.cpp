#include "emulator/families/functions/function_associations.h"

#include <set>
#include <string>

#include "emulator/engine/resource.h"
#include "emulator/engine/resource_naming.h"

namespace cfl::families {
namespace {

using Json = cfl::Json;

// One cache behavior's associations; where names it as validation messages do
// ("distributionConfig.defaultCacheBehavior").
Result<Ok, ApiError> CheckBehavior(std::string_view account, const Json& behavior, const std::string& where) {
  const Json& associations = engine::ItemsOf(engine::MemberOf(behavior, "FunctionAssociations"));
  std::set<std::string> event_types;
  for (std::size_t i = 0; i < associations.size(); ++i) {
    const std::string event_type = associations[i].value("EventType", "");
    if (event_type != "viewer-request" && event_type != "viewer-response") {
      // As CloudFront answers it (terraform-aws-modules/terraform-aws-cloudfront issues 44 and 53).
      return Fail(errors::MalformedXML("1 validation error detected: Value '" + event_type + "' at '" + where +
                                       ".functionAssociations.items." + std::to_string(i + 1) +
                                       ".member.eventType' failed to satisfy constraint: Member must satisfy value "
                                       "set: [viewer-request, viewer-response]"));
    }
    if (!event_types.insert(event_type).second) {
      return Fail(errors::InvalidFunctionAssociation("A cache behavior can have only one function association for "
                                                     "the event type " + event_type + "."));
    }
    const std::string arn = associations[i].value("FunctionARN", "");
    const auto parsed = engine::ParseArn(arn);
    if (!parsed || parsed->type != "function" || parsed->account != account) {
      return Fail(errors::InvalidFunctionAssociation("The function ARN " + arn +
                                                     " does not name a function of this account."));
    }
  }
  return Ok{};
}

}  // namespace

Result<Ok, ApiError> CheckFunctionAssociations(std::string_view account, const Json& config) {
  if (auto checked = CheckBehavior(account, engine::MemberOf(config, "DefaultCacheBehavior"),
                                   "distributionConfig.defaultCacheBehavior");
      !checked) {
    return checked;
  }
  const Json& behaviors = engine::ItemsOf(engine::MemberOf(config, "CacheBehaviors"));
  for (std::size_t i = 0; i < behaviors.size(); ++i) {
    const std::string where = "distributionConfig.cacheBehaviors.items." + std::to_string(i + 1) + ".member";
    if (auto checked = CheckBehavior(account, behaviors[i], where); !checked) return checked;
  }
  return Ok{};
}

}  // namespace cfl::families
