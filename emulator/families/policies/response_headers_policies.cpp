#include "emulator/families/policies/response_headers_policies.h"

#include "emulator/common/ids.h"
#include "emulator/families/distributions/distribution_references.h"
#include "emulator/families/policies/managed_policies.h"

namespace cfl::handlers {
namespace {

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
    return Fail(MakeError("TooManyCustomHeadersInResponseHeadersPolicy",
                          "The number of custom headers in the response headers policy exceeds the maximum of " +
                              std::to_string(kMaxCustomHeaders) + "."));
  }
  if (ItemCount(config, "RemoveHeadersConfig") > kMaxRemoveHeaders) {
    return Fail(MakeError("TooManyRemoveHeadersInResponseHeadersPolicy",
                          "The number of headers in RemoveHeadersConfig exceeds the maximum of " +
                              std::to_string(kMaxRemoveHeaders) + "."));
  }
  const std::string csp = config.value("SecurityHeadersConfig", Json::object())
                              .value("ContentSecurityPolicy", Json::object())
                              .value("ContentSecurityPolicy", "");
  if (csp.size() > kMaxContentSecurityPolicy) {
    return Fail(MakeError("TooLongCSPInResponseHeadersPolicy",
                          "The length of the Content-Security-Policy header value exceeds the maximum of " +
                              std::to_string(kMaxContentSecurityPolicy) + " characters."));
  }
  return Ok{};
}

ResourceFamily MakeFamily() {
  ResourceFamily family;
  family.kind = "response-headers-policy";
  family.not_found_code = "NoSuchResponseHeadersPolicy";
  family.not_found_message = "The response headers policy does not exist.";
  family.already_exists_code = "ResponseHeadersPolicyAlreadyExists";
  family.already_exists_message =
      "A response headers policy with this name already exists. You must provide a unique name. To modify "
      "an existing response headers policy, use UpdateResponseHeadersPolicy. Already exists: {id}";
  family.unique_name_member = "Name";
  family.in_use_code = "ResponseHeadersPolicyInUse";
  family.in_use_message = "Cannot delete the response headers policy because it is attached to one or more cache "
                          "behaviors in a CloudFront distribution.";
  family.limit_code = "TooManyResponseHeadersPolicies";
  family.limit_message =
      "You have reached the maximum number of response headers policies for this Amazon Web Services account.";
  family.max_per_account = [](const RequestContext&) -> std::optional<std::int64_t> { return 20; };
  family.new_id = ids::Uuid;
  family.prepare = Prepare;
  return family;
}

}  // namespace

const ResourceFamily& ResponseHeadersPolicyFamily() {
  static const ResourceFamily family = MakeFamily();
  return family;
}

void RegisterResponseHeadersPolicyHandlers(HandlerTable& table) {
  RegisterPolicyHandlers(table, {.family = &ResponseHeadersPolicyFamily(),
                                 .managed = &ManagedResponseHeadersPolicies(),
                                 .noun = "response headers policy",
                                 .resource_member = "ResponseHeadersPolicy",
                                 .config_member = "ResponseHeadersPolicyConfig",
                                 .collection = "response-headers-policy",
                                 .list_operation = "ListResponseHeadersPolicies",
                                 .list_member = "ResponseHeadersPolicyList",
                                 .reference_prefix = reference::kResponseHeadersPolicy});
}

}  // namespace cfl::handlers
