// Distribution tenants: the sites a multi-tenant distribution (ConnectionMode
// tenant-only) serves, each with its domains, its connection group, the
// values of the distribution's parameters and its customizations (web ACL,
// certificate, geographic restrictions). Create, Get (by id, ARN or name),
// GetDistributionTenantByDomain, Update, Delete, the two lists, the web ACL
// association; InProgress → Deployed after the propagation delay. Tenant
// invalidations are the distributions' family for another owner
// (distributions/invalidations.cpp); managed certificates are in
// managed_certificates.cpp.
#include "emulator/families/tenants/distribution_tenants.h"

#include <algorithm>
#include <set>

#include "emulator/common/clock.h"
#include "emulator/common/ids.h"
#include "emulator/engine/family.h"
#include "emulator/engine/operations.h"
#include "emulator/engine/registry.h"
#include "emulator/engine/resource_naming.h"
#include "emulator/engine/resources.h"
#include "emulator/families/distributions/aliases.h"
#include "emulator/families/distributions/distribution_rules.h"
#include "emulator/families/tenants/multi_tenant.h"

namespace cfl::families {
namespace {

using namespace engine;  // NOLINT: a family is written in the engine's terms

constexpr std::string_view kArnType = "distribution-tenant";
constexpr std::string_view kDomainKeyPrefix = "alias:";  // as distributions' aliases (aliases.cpp)
// The emulator's quotas (README).
constexpr std::int64_t kMaxTenants = 1000;
constexpr std::size_t kMaxDomains = 100;
constexpr std::size_t kMaxParameters = 100;

const Family& Tenants() { return Registry::Get().FindFamily(kTenantKind)->family; }
const Family& Distributions() { return Registry::Get().FindFamily("distribution")->family; }

const Json& ArrayMember(const Json& object, std::string_view name) {
  static const Json kEmpty = Json::array();
  const Json& member = MemberOf(object, name);
  return member.is_array() ? member : kEmpty;
}

std::vector<std::string> DomainsOf(const Json& config) {
  std::vector<std::string> domains;
  for (const auto& item : ArrayMember(config, "Domains")) domains.push_back(StringMember(item, "Domain"));
  return domains;
}

Result<Ok, ApiError> CheckDomains(RequestContext& ctx, const Json& config) {
  const auto domains = DomainsOf(config);
  if (domains.empty()) return Fail(errors::InvalidArgument("A distribution tenant needs at least one domain."));
  if (domains.size() > kMaxDomains) {
    return Fail(errors::EntityLimitExceeded("A distribution tenant can have at most " + std::to_string(kMaxDomains) +
                                            " domains."));
  }
  std::set<std::string> seen;
  for (const auto& domain : domains) {
    if (!IsAlias(domain) || domain.starts_with("*")) {
      return Fail(errors::InvalidArgument("The domain " + domain + " is not a valid domain name."));
    }
    if (!seen.insert(domain).second) return Fail(errors::InvalidArgument("The domain " + domain + " is given twice."));
  }
  // Tenants' domains are unique among tenants in the store's transaction
  // (UniqueKeys); a distribution's alias is another kind's, checked here.
  const auto holders = RecordsWhere(ctx, "distribution", [&](const Resource& distribution) {
    for (const auto& alias : AliasList(distribution.config())) {
      if (alias.is_string() && seen.contains(alias.get<std::string>())) return true;
    }
    return false;
  });
  if (!holders.empty()) {
    return Fail(errors::CNAMEAlreadyExists(
        "One or more of the domains you provided are already associated with a different resource."));
  }
  return Ok{};
}

// The tenant's parameters against the distribution's definitions: each one
// defined, given once, and every required one without a default given.
Result<Ok, ApiError> CheckParameters(const Json& config, const Json& distribution_config) {
  const Json& definitions = ArrayMember(MemberOf(distribution_config, "TenantConfig"), "ParameterDefinitions");
  const Json& parameters = ArrayMember(config, "Parameters");
  if (parameters.size() > kMaxParameters) {
    return Fail(errors::InvalidArgument("A distribution tenant can have at most " + std::to_string(kMaxParameters) +
                                        " parameters."));
  }
  std::set<std::string> given;
  for (const auto& parameter : parameters) {
    const std::string name = StringMember(parameter, "Name");
    const bool defined = std::any_of(definitions.begin(), definitions.end(),
                                     [&](const Json& definition) { return StringMember(definition, "Name") == name; });
    if (!defined) {
      return Fail(errors::InvalidArgument("The parameter " + name +
                                          " is not defined in the multi-tenant distribution's TenantConfig."));
    }
    if (!given.insert(name).second) return Fail(errors::InvalidArgument("The parameter " + name + " is given twice."));
  }
  for (const auto& definition : definitions) {
    const Json& schema = MemberOf(MemberOf(definition, "Definition"), "StringSchema");
    const bool required = MemberOf(schema, "Required") == Json(true);
    const std::string name = StringMember(definition, "Name");
    if (required && StringMember(schema, "DefaultValue").empty() && !given.contains(name)) {
      return Fail(errors::InvalidArgument("The parameter " + name + " is required by the multi-tenant distribution."));
    }
  }
  return Ok{};
}

Result<Ok, ApiError> CheckCustomizations(const Json& config) {
  const Json& customizations = MemberOf(config, "Customizations");
  if (const Json& acl = MemberOf(customizations, "WebAcl"); acl.is_object()) {
    const std::string action = StringMember(acl, "Action");
    const std::string arn = StringMember(acl, "Arn");
    if (action == "override" && !IsWebAclId(arn, false)) {
      return Fail(errors::InvalidArgument(
          "A web ACL customization that overrides needs the ARN of a WAFv2 web ACL in the global scope "
          "(arn:aws:wafv2:us-east-1:ACCOUNT:global/webacl/NAME/ID)."));
    }
    if (action == "disable" && !arn.empty()) {
      return Fail(errors::InvalidArgument("A web ACL customization that disables the web ACL takes no Arn."));
    }
  }
  if (const Json& certificate = MemberOf(customizations, "Certificate"); certificate.is_object()) {
    if (!IsAcmCertificateArn(StringMember(certificate, "Arn"))) {
      return Fail(errors::InvalidArgument("The certificate must be an ACM certificate in us-east-1: " +
                                          StringMember(certificate, "Arn")));
    }
  }
  if (const Json& geo = MemberOf(customizations, "GeoRestrictions"); geo.is_object()) {
    const Json& locations = ArrayMember(geo, "Locations");
    if ((StringMember(geo, "RestrictionType") == "none") != locations.empty()) {
      return Fail(errors::InvalidArgument("A geographic restriction of type whitelist or blacklist needs at least one "
                                          "location, and one of type none takes none."));
    }
    for (const auto& location : locations) {
      if (!location.is_string() || !IsCountryCode(location.get<std::string>())) {
        return Fail(errors::InvalidArgument("The location " + location.dump() +
                                            " is not an ISO 3166-1 alpha-2 country code."));
      }
    }
  }
  return Ok{};
}

// A managed certificate request names domains of the tenant and replaces a
// certificate customization (the certificate itself is ManagedCertificateOf's).
Result<Ok, ApiError> CheckManagedCertificateRequest(const Json& config) {
  const Json& request = MemberOf(config, "ManagedCertificateRequest");
  if (!request.is_object()) return Ok{};
  if (MemberOf(MemberOf(config, "Customizations"), "Certificate").is_object()) {
    return Fail(errors::InvalidArgument(
        "Give either a certificate customization or a managed certificate request, not both."));
  }
  const std::string primary = StringMember(request, "PrimaryDomainName");
  const auto domains = DomainsOf(config);
  if (!primary.empty() && std::find(domains.begin(), domains.end(), primary) == domains.end()) {
    return Fail(errors::InvalidArgument("The PrimaryDomainName " + primary + " is not one of the tenant's domains."));
  }
  return Ok{};
}

Result<Ok, ApiError> Prepare(RequestContext& ctx, Json& config, const Resource* current) {
  if (current) KeepCurrent(config, current->config());
  if (!config.contains("Enabled")) config["Enabled"] = true;
  const std::string distribution_id = StringMember(config, "DistributionId");
  auto distribution = LoadResource(ctx, Distributions(), distribution_id);
  if (!distribution) return Fail(errors::EntityNotFound("The distribution does not exist: " + distribution_id));
  if (StringMember(distribution->config(), "ConnectionMode") != "tenant-only") {
    return Fail(errors::InvalidAssociation("The distribution " + distribution_id +
                                           " is not a multi-tenant distribution (ConnectionMode tenant-only)."));
  }
  if (auto check = CheckDomains(ctx, config); !check) return check;
  if (auto check = CheckParameters(config, distribution->config()); !check) return check;
  if (auto check = CheckCustomizations(config); !check) return check;
  if (auto check = CheckManagedCertificateRequest(config); !check) return check;
  if (StringMember(config, "ConnectionGroupId").empty()) {
    auto group = DefaultConnectionGroupId(ctx);
    if (!group) return Fail(std::move(group).error());
    config["ConnectionGroupId"] = std::move(group).value();
  }
  return Ok{};
}

std::vector<std::string> UniqueKeys(const Json& config) {
  std::vector<std::string> keys;
  for (const auto& domain : DomainsOf(config)) keys.push_back(std::string(kDomainKeyPrefix) + domain);
  return keys;
}

std::string Status(const RequestContext& ctx, const Resource& tenant, bool just_changed) {
  return !just_changed && tenant.Settled(ctx.now_ms) ? "Deployed" : "InProgress";
}

// The emulator's decision for the world (README): a domain is active once the
// tenant is deployed and its managed certificate, if it asked for one, issued.
Json DomainResults(const RequestContext& ctx, const Resource& tenant, bool just_changed) {
  const bool active = Status(ctx, tenant, just_changed) == "Deployed" &&
                      ManagedCertificateState(ctx, tenant.metadata) != "pending-validation";
  Json results = Json::array();
  for (const auto& domain : DomainsOf(tenant.config())) {
    results.push_back({{"Domain", domain}, {"Status", active ? "active" : "inactive"}});
  }
  return results;
}

// The members a DistributionTenant and its summary share.
Json Attributes(const RequestContext& ctx, const Resource& tenant, bool just_changed) {
  const Json& config = tenant.config();
  Json attributes = {{"Id", tenant.id()},
                     {"DistributionId", StringMember(config, "DistributionId")},
                     {"Name", StringMember(config, "Name")},
                     {"Arn", Arn(ctx.account, kArnType, tenant.id())},
                     {"Domains", DomainResults(ctx, tenant, just_changed)},
                     {"ConnectionGroupId", StringMember(config, "ConnectionGroupId")},
                     {"CreatedTime", FormatIso8601(tenant.record.created_ms)},
                     {"LastModifiedTime", FormatIso8601(tenant.record.modified_ms)},
                     {"Enabled", config.value("Enabled", true)},
                     {"Status", Status(ctx, tenant, just_changed)}};
  if (const Json& customizations = MemberOf(config, "Customizations"); customizations.is_object()) {
    attributes["Customizations"] = customizations;
  }
  return attributes;
}

Json Render(const RequestContext& ctx, const Resource& tenant, bool just_changed) {
  Json rendered = Attributes(ctx, tenant, just_changed);
  if (const Json& parameters = MemberOf(tenant.config(), "Parameters"); parameters.is_array()) {
    rendered["Parameters"] = parameters;
  }
  if (const Json& tags = MemberOf(tenant.metadata, "Tags"); tags.is_array() && !tags.empty()) {
    rendered["Tags"] = {{"Items", tags}};
  }
  return rendered;
}

Json Summarize(const RequestContext& ctx, const Resource& tenant) {
  Json summary = Attributes(ctx, tenant, false);
  summary["ETag"] = tenant.etag();
  return summary;
}

Result<Json, ApiError> GetByDomain(RequestContext& ctx, const Json& input) {
  const std::string domain = StringMember(input, "Domain");
  const auto found = RecordsWhere(ctx, kTenantKind, [&](const Resource& tenant) {
    const auto domains = DomainsOf(tenant.config());
    return std::find(domains.begin(), domains.end(), domain) != domains.end();
  });
  if (found.empty()) return Fail(errors::EntityNotFound("No distribution tenant has the domain " + domain + "."));
  const Resource tenant = ResourceOf(found.front());
  return Json{{"DistributionTenant", Render(ctx, tenant, false)}, {"ETag", tenant.etag()}};
}

Result<Json, ApiError> ListTenants(RequestContext& ctx, const Json& input) {
  const Json& filter = MemberOf(input, "AssociationFilter");
  const std::string distribution = StringMember(filter, "DistributionId");
  const std::string group = StringMember(filter, "ConnectionGroupId");
  if (!distribution.empty() && !ctx.services.store.Get(ctx.account, "distribution", distribution)) {
    return Fail(errors::EntityNotFound("The distribution does not exist: " + distribution));
  }
  if (!group.empty() && !ctx.services.store.Get(ctx.account, kConnectionGroupKind, group)) {
    return Fail(errors::EntityNotFound("The connection group does not exist: " + group));
  }
  return ListWhere(ctx, Tenants(), "ListDistributionTenants", input, [&](const Resource& tenant) {
    return (distribution.empty() || StringMember(tenant.config(), "DistributionId") == distribution) &&
           (group.empty() || StringMember(tenant.config(), "ConnectionGroupId") == group);
  });
}

Result<Json, ApiError> ListTenantsByCustomization(RequestContext& ctx, const Json& input) {
  const std::string acl = StringMember(input, "WebACLArn");
  const std::string certificate = StringMember(input, "CertificateArn");
  if (acl.empty() && certificate.empty()) {
    return Fail(errors::InvalidArgument("Give a WebACLArn or a CertificateArn to list the tenants that use it."));
  }
  return ListWhere(ctx, Tenants(), "ListDistributionTenantsByCustomization", input, [&](const Resource& tenant) {
    const Json& customizations = MemberOf(tenant.config(), "Customizations");
    const std::string managed = StringMember(ManagedCertificate(tenant.metadata), "Arn");
    const std::string own = StringMember(MemberOf(customizations, "Certificate"), "Arn");
    return (acl.empty() || StringMember(MemberOf(customizations, "WebAcl"), "Arn") == acl) &&
           (certificate.empty() || own == certificate || managed == certificate);
  });
}

// The tenant's web ACL customization becomes acl (an override), or none: the
// tenant then has the distribution's. An update: If-Match, a new version.
Result<Json, ApiError> SetWebAcl(RequestContext& ctx, const Json& input, const std::string& acl) {
  const std::string id = StringMember(input, "Id");
  auto current = LoadResource(ctx, Tenants(), id);
  if (!current) return Fail(std::move(current).error());
  Json config = current->config();
  Json& customizations = config["Customizations"];
  if (!customizations.is_object()) customizations = Json::object();
  if (acl.empty()) {
    customizations.erase("WebAcl");
  } else {
    customizations["WebAcl"] = {{"Action", "override"}, {"Arn", acl}};
  }
  if (customizations.empty()) config.erase("Customizations");
  auto updated = UpdateResource(ctx, Tenants(), id, input.value("IfMatch", Json()), std::move(config), false);
  if (!updated) return Fail(std::move(updated).error());
  Json output = {{"Id", id}, {"ETag", updated->etag()}};
  if (!acl.empty()) output["WebACLArn"] = acl;
  return output;
}

Result<Json, ApiError> AssociateWebAcl(RequestContext& ctx, const Json& input) {
  const std::string acl = StringMember(input, "WebACLArn");
  if (!IsWebAclId(acl, false)) {
    return Fail(errors::InvalidArgument("The parameter WebACLArn must be the ARN of an AWS WAF (WAFv2) web ACL in the "
                                        "global scope (arn:aws:wafv2:us-east-1:ACCOUNT:global/webacl/NAME/ID)."));
  }
  return SetWebAcl(ctx, input, acl);
}

Result<Json, ApiError> DisassociateWebAcl(RequestContext& ctx, const Json& input) { return SetWebAcl(ctx, input, ""); }

Result<Json, ApiError> ListDistributionsByConnectionMode(RequestContext& ctx, const Json& input) {
  const std::string mode = StringMember(input, "ConnectionMode");
  if (mode != "direct" && mode != "tenant-only") {
    return Fail(errors::InvalidArgument("The ConnectionMode must be direct or tenant-only: " + mode));
  }
  return ListWhere(ctx, Distributions(), "ListDistributionsByConnectionMode", input, [&](const Resource& distribution) {
    const std::string own = StringMember(distribution.config(), "ConnectionMode");
    return (own.empty() ? "direct" : own) == mode;
  });
}

FamilyDefinition MakeDefinition() {
  Family family = MultiTenantFamily({.kind = kTenantKind,
                                     .noun = "distribution tenant",
                                     .id_prefix = "dt_",
                                     .not_found = "The distribution tenant does not exist.",
                                     .not_disabled = "The distribution tenant must be disabled and deployed "
                                                     "before it is deleted."},
                                    kMaxTenants);
  family.prepare = Prepare;
  family.unique_keys = UniqueKeys;
  family.key_conflict = AliasConflict;
  family.render = Render;
  family.summarize = Summarize;
  family.derive_metadata = [](RequestContext& ctx, const Json& config, const Json& metadata) -> Result<Json, ApiError> {
    return ManagedCertificateOf(ctx, config, metadata);
  };
  // Domains turn active when the managed certificate is issued, which is no change of the record.
  family.render_variant = [](const RequestContext& ctx, const store::Record& record) {
    return record.metadata.find("\"ManagedCertificate\"") == std::string::npos
               ? std::string()
               : ManagedCertificateState(ctx, ResourceOf(record).metadata);
  };
  return {std::move(family),
          {{"CreateDistributionTenant", Verb::kCreate},
           {"GetDistributionTenant", Verb::kGet},
           {.name = "GetDistributionTenantByDomain",
            .verb = Verb::kCustom,
            .custom = GetByDomain,
            .raises = {errors::EntityNotFound},
            .family_rules = false},
           {"UpdateDistributionTenant", Verb::kUpdate},
           {"DeleteDistributionTenant", Verb::kDelete},
           {.name = "ListDistributionTenants",
            .verb = Verb::kCustom,
            .custom = ListTenants,
            .raises = {errors::EntityNotFound, errors::InvalidArgument},
            .family_rules = false},
           {.name = "ListDistributionTenantsByCustomization",
            .verb = Verb::kCustom,
            .custom = ListTenantsByCustomization,
            .raises = {errors::InvalidArgument},
            .family_rules = false},
           {.name = "AssociateDistributionTenantWebACL",
            .verb = Verb::kCustom,
            .custom = AssociateWebAcl,
            .raises = {errors::EntityNotFound, errors::InvalidArgument, errors::InvalidIfMatchVersion,
                       errors::PreconditionFailed},
            .family_rules = false},
           {.name = "DisassociateDistributionTenantWebACL",
            .verb = Verb::kCustom,
            .custom = DisassociateWebAcl,
            .raises = {errors::EntityNotFound, errors::InvalidIfMatchVersion, errors::PreconditionFailed},
            .family_rules = false},
           {.name = "ListDistributionsByConnectionMode",
            .verb = Verb::kCustom,
            .custom = ListDistributionsByConnectionMode,
            .raises = {errors::InvalidArgument},
            .family_rules = false},
           {.name = "GetManagedCertificateDetails",
            .verb = Verb::kCustom,
            .custom = GetManagedCertificateDetails,
            .raises = {errors::EntityNotFound},
            .family_rules = false}},
          {errors::InvalidArgument, errors::InvalidAssociation, errors::CNAMEAlreadyExists, errors::EntityNotFound,
           errors::EntityLimitExceeded}};
}

}  // namespace

const engine::FamilyDefinition& DistributionTenantDefinition() {
  static const engine::FamilyDefinition definition = MakeDefinition();
  return definition;
}

}  // namespace cfl::families
