#include "emulator/families/distributions/domains.h"

#include "emulator/engine/resource.h"

namespace cfl::families {

std::optional<std::string> DistributionIdByDomain(const engine::RequestContext& ctx, std::string_view domain) {
  if (domain.empty()) return std::nullopt;
  store::ListQuery query{ctx.account, "distribution", std::nullopt, "", 1000, false};
  for (;;) {
    auto page = ctx.services.store.List(query);
    for (const auto& record : page.records) {
      // Parse only the metadata that can hold it.
      if (record.metadata.find(domain) == std::string::npos) continue;
      const auto metadata = engine::Json::parse(record.metadata, nullptr, false);
      if (metadata.is_object() && metadata.value("DomainName", "") == domain) return record.id;
    }
    if (!page.truncated || page.records.empty()) return std::nullopt;
    query.after_id = page.records.back().id;
  }
}

}  // namespace cfl::families
