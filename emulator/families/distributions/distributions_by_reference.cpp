#include "emulator/families/distributions/distributions_by_reference.h"

#include <algorithm>

#include "emulator/families/policies/cache_policies.h"
#include "emulator/families/distributions/distribution_references.h"
#include "emulator/families/distributions/distributions.h"
#include "emulator/families/signing_keys/key_groups.h"
#include "emulator/families/policies/managed_policies.h"
#include "emulator/families/policies/origin_request_policies.h"
#include "emulator/families/policies/response_headers_policies.h"

namespace cfl::handlers {
namespace {

struct ByReference {
  std::string operation;
  std::string id_member;  // the URI label naming the policy or key group
  std::string_view prefix;
  const ResourceFamily* family;
  const ManagedPolicies* managed;  // nullptr for key groups
};

// Distribution ids in creation order, after marker, at most max_items.
Result<Json, ApiError> ListReferencing(const ByReference& by, RequestContext& ctx, const Json& input) {
  const std::string id = StringMember(input, by.id_member);
  const bool exists = by.managed ? PolicyExists(ctx, *by.family, *by.managed, id)
                                 : LoadResource(ctx, *by.family, id).ok();
  if (!exists) return Fail(MakeError(by.family->not_found_code, by.family->not_found_message));
  auto max_items = ParseMaxItems(input);
  if (!max_items) return Fail(std::move(max_items).error());

  auto records = ctx.services.store.FindReferencing(ctx.account, Reference(by.prefix, id));
  std::erase_if(records, [](const store::Record& record) { return record.kind != DistributionFamily().kind; });
  std::sort(records.begin(), records.end(), [](const auto& a, const auto& b) { return a.sequence < b.sequence; });

  ResourcePage page;
  page.marker = StringMember(input, "Marker");
  page.max_items = max_items.value();
  auto next = records.begin();
  if (!page.marker.empty()) {
    const auto at = std::find_if(records.begin(), records.end(), [&](const auto& r) { return r.id == page.marker; });
    next = at == records.end() ? records.end() : at + 1;
  }
  Json ids = Json::array();
  for (; next != records.end() && static_cast<std::int64_t>(ids.size()) < page.max_items; ++next) {
    ids.push_back(next->id);
  }
  page.truncated = next != records.end();
  if (page.truncated && !ids.empty()) page.next_marker = ids.back().get<std::string>();
  return Json{{"DistributionIdList", ListEnvelope(page, std::move(ids))}};
}

}  // namespace

void RegisterDistributionsByReferenceHandlers(HandlerTable& table) {
  const ByReference lists[] = {
      {"ListDistributionsByCachePolicyId", "CachePolicyId", reference::kCachePolicy, &CachePolicyFamily(),
       &ManagedCachePolicies()},
      {"ListDistributionsByOriginRequestPolicyId", "OriginRequestPolicyId", reference::kOriginRequestPolicy,
       &OriginRequestPolicyFamily(), &ManagedOriginRequestPolicies()},
      {"ListDistributionsByResponseHeadersPolicyId", "ResponseHeadersPolicyId", reference::kResponseHeadersPolicy,
       &ResponseHeadersPolicyFamily(), &ManagedResponseHeadersPolicies()},
      {"ListDistributionsByKeyGroup", "KeyGroupId", reference::kKeyGroup, &KeyGroupFamily(), nullptr},
  };
  for (const auto& by : lists) {
    table[by.operation] = [by](RequestContext& ctx, const Json& input) { return ListReferencing(by, ctx, input); };
  }
}

}  // namespace cfl::handlers
