// Connection groups (how a multi-tenant distribution's tenants are reached:
// a routing endpoint, IPv6, an Anycast static IP list): Create, Get (by id,
// ARN or name), GetConnectionGroupByRoutingEndpoint, Update, Delete, List.
// InProgress → Deployed after the propagation delay; a group must be
// disabled and deployed before it is deleted, and cannot be while a tenant
// names it (references.cpp). The account's default group is made the first
// time a tenant needs one (multi_tenant.cpp).
#include <regex>

#include "emulator/common/clock.h"
#include "emulator/common/ids.h"
#include "emulator/engine/family.h"
#include "emulator/engine/operations.h"
#include "emulator/engine/references.h"
#include "emulator/engine/registry.h"
#include "emulator/engine/resource_naming.h"
#include "emulator/engine/resources.h"
#include "emulator/families/tenants/multi_tenant.h"

namespace cfl::families {
namespace {

using namespace engine;  // NOLINT: a family is written in the engine's terms

constexpr std::string_view kArnType = "connection-group";
// The emulator's quota of connection groups per account (README).
constexpr std::int64_t kMaxConnectionGroups = 100;

const Family& ConnectionGroups() { return Registry::Get().FindFamily(kConnectionGroupKind)->family; }

bool IsGroupName(const std::string& name) {
  static const std::regex kName(R"([A-Za-z0-9][A-Za-z0-9._-]{0,126}[A-Za-z0-9]|[A-Za-z0-9])");
  return std::regex_match(name, kName);
}

Result<Ok, ApiError> Prepare(RequestContext&, Json& config, const Resource* current) {
  if (current) KeepCurrent(config, current->config());
  const std::string name = StringMember(config, "Name");
  if (!IsGroupName(name)) {
    return Fail(errors::InvalidArgument("The Name of a connection group must be 1 to 128 letters, digits, periods, "
                                        "hyphens and underscores, beginning and ending with a letter or digit: " +
                                        name));
  }
  if (!config.contains("Ipv6Enabled")) config["Ipv6Enabled"] = true;
  if (!config.contains("Enabled")) config["Enabled"] = true;
  if (config.contains("AnycastIpListId") && StringMember(config, "AnycastIpListId").empty()) {
    config.erase("AnycastIpListId");
  }
  return Ok{};
}

std::string Status(const RequestContext& ctx, const Resource& group, bool just_changed) {
  return !just_changed && group.Settled(ctx.now_ms) ? "Deployed" : "InProgress";
}

// The members a ConnectionGroup and its summary share.
Json Attributes(const RequestContext& ctx, const Resource& group, bool just_changed) {
  const Json& config = group.config();
  Json attributes = {{"Id", group.id()},
                     {"Name", StringMember(config, "Name")},
                     {"Arn", Arn(ctx.account, kArnType, group.id())},
                     {"CreatedTime", FormatIso8601(group.record.created_ms)},
                     {"LastModifiedTime", FormatIso8601(group.record.modified_ms)},
                     {"RoutingEndpoint", group.metadata.value("RoutingEndpoint", "")},
                     {"Status", Status(ctx, group, just_changed)},
                     {"Enabled", config.value("Enabled", true)},
                     {"IsDefault", group.metadata.value("IsDefault", "") == "true"}};
  if (const std::string list = StringMember(config, "AnycastIpListId"); !list.empty()) {
    attributes["AnycastIpListId"] = list;
  }
  return attributes;
}

Json Render(const RequestContext& ctx, const Resource& group, bool just_changed) {
  Json rendered = Attributes(ctx, group, just_changed);
  rendered["Ipv6Enabled"] = group.config().value("Ipv6Enabled", true);
  if (const Json& tags = MemberOf(group.metadata, "Tags"); tags.is_array() && !tags.empty()) {
    rendered["Tags"] = {{"Items", tags}};
  }
  return rendered;
}

Json Summarize(const RequestContext& ctx, const Resource& group) {
  Json summary = Attributes(ctx, group, false);
  summary["ETag"] = group.etag();
  return summary;
}

Result<Json, ApiError> GetByRoutingEndpoint(RequestContext& ctx, const Json& input) {
  const std::string endpoint = StringMember(input, "RoutingEndpoint");
  const auto id = FindByMetadata(ctx, kConnectionGroupKind, "RoutingEndpoint", endpoint);
  if (!id) return Fail(errors::EntityNotFound("No connection group has the routing endpoint " + endpoint + "."));
  auto group = LoadResource(ctx, ConnectionGroups(), *id);
  if (!group) return Fail(std::move(group).error());
  return Json{{"ConnectionGroup", Render(ctx, group.value(), false)}, {"ETag", group->etag()}};
}

Result<Json, ApiError> ListGroups(RequestContext& ctx, const Json& input) {
  const std::string list = StringMember(MemberOf(input, "AssociationFilter"), "AnycastIpListId");
  return ListWhere(ctx, ConnectionGroups(), "ListConnectionGroups", input, [&](const Resource& group) {
    return list.empty() || StringMember(group.config(), "AnycastIpListId") == list;
  });
}

FamilyDefinition MakeDefinition() {
  Family family = MultiTenantFamily({.kind = kConnectionGroupKind,
                                     .noun = "connection group",
                                     .id_prefix = "cg_",
                                     .not_found = "The connection group does not exist.",
                                     .not_disabled = "The connection group must be disabled and deployed before it is "
                                                     "deleted."},
                                    kMaxConnectionGroups);
  family.new_metadata = [](const RequestContext&) {
    return Json{{"RoutingEndpoint", ids::DomainLabel('d') + ".cloudfront.net"}};
  };
  family.prepare = Prepare;
  family.render = Render;
  family.summarize = Summarize;
  return {std::move(family),
          {{"CreateConnectionGroup", Verb::kCreate},
           {"GetConnectionGroup", Verb::kGet},
           {.name = "GetConnectionGroupByRoutingEndpoint",
            .verb = Verb::kCustom,
            .custom = GetByRoutingEndpoint,
            .raises = {errors::EntityNotFound},
            .family_rules = false},
           {"UpdateConnectionGroup", Verb::kUpdate},
           {"DeleteConnectionGroup", Verb::kDelete},
           {.name = "ListConnectionGroups",
            .verb = Verb::kCustom,
            .custom = ListGroups,
            .raises = {errors::InvalidArgument},
            .family_rules = false}},
          {errors::InvalidArgument}};
}

}  // namespace

const engine::FamilyDefinition& ConnectionGroupDefinition() {
  static const engine::FamilyDefinition definition = MakeDefinition();
  return definition;
}

}  // namespace cfl::families
