#include "emulator/families/distributions/domains.h"

#include "emulator/engine/references.h"

namespace cfl::families {

std::optional<std::string> DistributionIdByDomain(const engine::RequestContext& ctx, std::string_view domain) {
  return engine::FindByMetadata(ctx, "distribution", "DomainName", domain);
}

}  // namespace cfl::families
