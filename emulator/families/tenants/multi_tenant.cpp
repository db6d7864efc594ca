#include "emulator/families/tenants/multi_tenant.h"

#include "emulator/common/ids.h"
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

Family MultiTenantFamily(const MultiTenantNames& names, std::int64_t max_per_account) {
  Family family;
  family.kind = names.kind;
  family.noun = names.noun;
  family.arn_type = names.kind;  // connection-group, distribution-tenant
  family.errors = {.not_found = {errors::EntityNotFound, names.not_found},
                   .already_exists = errors::EntityAlreadyExists,
                   .limit = errors::EntityLimitExceeded,
                   .not_disabled = {errors::ResourceNotDisabled, names.not_disabled}};
  family.unique_name_member = "Name";
  family.must_disable_before_delete = true;
  family.taggable = true;
  family.settle_delay_ms = [](const RequestContext& ctx) { return ctx.services.settings.propagation_delay_ms.load(); };
  family.max_per_account = [max_per_account](const RequestContext&) -> std::optional<std::int64_t> {
    return max_per_account;
  };
  family.new_id = [prefix = names.id_prefix] {
    return ids::Random(prefix, 27, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
  };
  family.find_id = [kind = names.kind](RequestContext& ctx, const std::string& identifier) {
    return FindByIdentifier(ctx, Registry::Get().FindFamily(kind)->family, identifier);
  };
  return family;
}

void KeepCurrent(Json& config, const Json& current) {
  for (const auto& [member, value] : current.items()) {
    if (member == "Name" || !config.contains(member)) config[member] = value;
  }
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
