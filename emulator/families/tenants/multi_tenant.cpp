#include "emulator/families/tenants/multi_tenant.h"

#include "emulator/engine/operations.h"
#include "emulator/engine/references.h"
#include "emulator/engine/registry.h"
#include "emulator/engine/resource_naming.h"
#include "emulator/engine/resources.h"

namespace cfl::families {
namespace {

using namespace engine;  // NOLINT: written in the engine's terms

constexpr std::string_view kDefaultGroupName = "default-connection-group";

std::optional<std::string> DefaultGroupOf(RequestContext& ctx) {
  return FindByMetadata(ctx, kConnectionGroupKind, "IsDefault", "true");
}

}  // namespace

std::optional<std::string> FindByIdentifier(RequestContext& ctx, const Family& family, const std::string& identifier) {
  if (identifier.empty()) return std::nullopt;
  if (identifier.starts_with("arn:")) {
    const auto parsed = ParseArn(identifier);
    if (!parsed || parsed->type != family.arn_type || parsed->account != ctx.account) return std::nullopt;
    return parsed->id;
  }
  if (ctx.services.store.Get(ctx.account, family.kind, identifier)) return identifier;
  const auto named = RecordsWhere(ctx, family.kind, [&](const Resource& resource) {
    return StringMember(resource.config(), "Name") == identifier;
  });
  if (named.empty()) return std::nullopt;
  return named.front().id;
}

Result<std::string, ApiError> DefaultConnectionGroupId(RequestContext& ctx) {
  if (auto found = DefaultGroupOf(ctx)) return std::move(*found);
  const auto* groups = Registry::Get().FindFamily(kConnectionGroupKind);
  if (!groups) return Fail(errors::InternalError("no connection group family"));
  CreateOptions options;
  // A string, as FindByMetadata compares it.
  options.metadata["IsDefault"] = "true";
  const Json config = {{"Name", kDefaultGroupName}, {"Ipv6Enabled", true}, {"Enabled", true}};
  auto created = CreateResource(ctx, groups->family, config, std::move(options));
  if (created) return created->id();
  // A concurrent request made it first (the name is unique): use that one.
  if (auto found = DefaultGroupOf(ctx)) return std::move(*found);
  return Fail(std::move(created).error());
}

}  // namespace cfl::families
