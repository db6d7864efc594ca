#include "emulator/common/ids.h"
#include "emulator/engine/projection.h"
#include "emulator/families/policies/managed_policies.h"

namespace cfl::families {
namespace {

using namespace engine;  // NOLINT: a family is written in the engine's terms

constexpr std::size_t kMaxCustomHeaders = 10;
constexpr std::size_t kMaxRemoveHeaders = 10;
constexpr std::size_t kMaxContentSecurityPolicy = 1783;  // characters

std::size_t ItemCount(const Json& config, std::string_view member) {
  const auto list = config.find(member);
  if (list == config.end() || !list->is_object()) return 0;
  return list->value("Items", Json::array()).size();
}

Result<Ok, ApiError> Prepare(RequestContext&, Json& config, const Resource*) {
  if (auto check = policy_rules::CheckName(config, "response headers policy"); !check) return check;
  if (auto check = policy_rules::CheckComment(config); !check) return check;
  if (ItemCount(config, "CustomHeadersConfig") > kMaxCustomHeaders) {
    return Fail(errors::TooManyCustomHeadersInResponseHeadersPolicy(
        "The number of custom headers in the response headers policy exceeds the maximum of " +
        std::to_string(kMaxCustomHeaders) + "."));
  }
  if (ItemCount(config, "RemoveHeadersConfig") > kMaxRemoveHeaders) {
    return Fail(errors::TooManyRemoveHeadersInResponseHeadersPolicy(
        "The number of headers in RemoveHeadersConfig exceeds the maximum of " + std::to_string(kMaxRemoveHeaders) +
        "."));
  }
  const std::string csp = config.value("SecurityHeadersConfig", Json::object())
                              .value("ContentSecurityPolicy", Json::object())
                              .value("ContentSecurityPolicy", "");
  if (csp.size() > kMaxContentSecurityPolicy) {
    return Fail(errors::TooLongCSPInResponseHeadersPolicy(
        "The length of the Content-Security-Policy header value exceeds the maximum of " +
        std::to_string(kMaxContentSecurityPolicy) + " characters."));
  }
  return Ok{};
}

FamilyDefinition MakeDefinition() {
  Family family;
  family.kind = "response-headers-policy";
  family.noun = "response headers policy";
  family.errors = {.not_found = errors::NoSuchResponseHeadersPolicy,
                   .already_exists = errors::ResponseHeadersPolicyAlreadyExists,
                   .limit = errors::TooManyResponseHeadersPolicies};
  family.prepare = Prepare;
  MakePolicyFamily(family, ManagedResponseHeadersPolicies(), "ResponseHeadersPolicy", "ResponseHeadersPolicyConfig");
  return {std::move(family),
          {{"CreateResponseHeadersPolicy", Verb::kCreate},
           {"GetResponseHeadersPolicy", Verb::kGet},
           {"GetResponseHeadersPolicyConfig", Verb::kGetConfig},
           {"UpdateResponseHeadersPolicy", Verb::kUpdate},
           {"DeleteResponseHeadersPolicy", Verb::kDelete},
           {"ListResponseHeadersPolicies", Verb::kList}},
          {errors::InvalidArgument, errors::TooManyCustomHeadersInResponseHeadersPolicy,
           errors::TooManyRemoveHeadersInResponseHeadersPolicy, errors::TooLongCSPInResponseHeadersPolicy}};
}

}  // namespace

const engine::FamilyDefinition& ResponseHeadersPolicyDefinition() {
  static const engine::FamilyDefinition definition = MakeDefinition();
  return definition;
}

}  // namespace cfl::families
