// Aliases across the accounts of one emulator, as CloudFront sees them across
// AWS accounts: ListConflictingAliases finds the aliases that overlap one
// (exactly or through a wildcard), AssociateAlias moves an alias to another
// distribution in one transaction. The emulator has no DNS and no ACM: a
// distribution with a custom certificate is taken to cover its aliases, and the
// DNS TXT record AssociateAlias asks for is assumed (README).
#include <algorithm>
#include <cctype>
#include <charconv>
#include <functional>

#include "emulator/engine/registry.h"
#include "emulator/engine/resource_naming.h"
#include "emulator/engine/resources.h"
#include "emulator/families/distributions/aliases.h"
#include "emulator/families/distributions/distribution_operations.h"
#include "emulator/families/distributions/distribution_rules.h"

namespace cfl::families {
namespace {

using namespace engine;  // NOLINT: written in the engine's terms

constexpr std::size_t kMaxAliases = 100;
constexpr int kMoveAttempts = 3;

const Family& Distributions() { return Registry::Get().FindFamily("distribution")->family; }

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// "*.example.com" covers "www.example.com", not "example.com" nor "a.b.example.com".
bool Covers(const std::string& wildcard, const std::string& name) {
  if (!wildcard.starts_with("*.")) return false;
  const auto dot = name.find('.');
  return dot != std::string::npos && name.substr(dot) == wildcard.substr(1) && name.substr(0, dot) != "*";
}

bool Overlap(const std::string& a, const std::string& b) { return a == b || Covers(a, b) || Covers(b, a); }

// "EDFDVBD6EXAMPLE" → "EDFD*********LE"; "111122223333" → "******223333".
std::string Masked(const std::string& text, std::size_t front, std::size_t back) {
  if (text.size() <= front + back) return std::string(text.size(), '*');
  return text.substr(0, front) + std::string(text.size() - front - back, '*') + text.substr(text.size() - back);
}

struct Holder {
  std::string account;
  store::Record record;
  std::string alias;  // as the distribution spells it
};

// Every distribution of every account of the emulator with an alias for
// which matches holds, by account then creation order.
Result<std::vector<Holder>, ApiError> FindHolders(RequestContext& ctx,
                                                  const std::function<bool(const std::string&)>& matches) {
  auto counts = ctx.services.store.CountByKind();
  if (auto* error = std::get_if<store::StoreError>(&counts)) return Fail(StoreFailure(*error));
  std::vector<Holder> holders;
  for (const auto& count : std::get<std::vector<store::Counts>>(counts)) {
    if (count.kind != Distributions().kind) continue;
    store::ListQuery query{count.account, std::string(Distributions().kind), std::nullopt, "", 1000, false};
    for (;;) {
      auto page = ctx.services.store.List(query);
      for (auto& record : page.records) {
        const Resource distribution = ResourceOf(record);  // named: the aliases are a reference into it
        for (const auto& alias : AliasList(distribution.config())) {
          if (alias.is_string() && matches(Lower(alias.get<std::string>()))) {
            holders.push_back({count.account, record, alias.get<std::string>()});
          }
        }
      }
      if (!page.truncated || page.records.empty()) break;
      query.after_id = page.records.back().id;
    }
  }
  return holders;
}

Result<std::string, ApiError> ValidAlias(const Json& input) {
  const std::string alias = StringMember(input, "Alias");
  if (!IsAlias(alias)) return Fail(errors::InvalidArgument("The parameter Alias is not a valid domain name: " + alias));
  return Lower(alias);
}

bool HasCustomCertificate(const Json& config) {
  const auto certificate = config.find("ViewerCertificate");
  return certificate != config.end() && certificate->is_object() &&
         !certificate->value("CloudFrontDefaultCertificate", false);
}

Json WithAliases(Json config, const Json& aliases) {
  config["Aliases"] = aliases.empty() ? Json{{"Quantity", 0}} : Json{{"Quantity", aliases.size()}, {"Items", aliases}};
  return config;
}

// The steps that move alias from its holder (if any) to target.
Result<std::vector<store::WriteStep>, ApiError> MoveSteps(RequestContext& ctx, const Resource& target,
                                                          const std::string& alias) {
  std::vector<store::WriteStep> steps;
  auto holders = FindHolders(ctx, [&](const std::string& held) { return held == alias; });
  if (!holders) return Fail(std::move(holders).error());
  for (auto& holder : holders.value()) {
    if (holder.account == ctx.account && holder.record.id == target.id()) continue;
    RequestContext holder_ctx = ctx;
    holder_ctx.account = holder.account;
    const Resource source = ResourceOf(holder.record);
    Json kept = Json::array();
    for (const auto& other : AliasList(source.config())) {
      if (!other.is_string() || Lower(other.get<std::string>()) != alias) kept.push_back(other);
    }
    auto step = NextVersion(holder_ctx, Distributions(), source, WithAliases(source.config(), kept));
    if (!step) return Fail(std::move(step).error());
    steps.emplace_back(std::move(step).value());
  }
  Json aliases = AliasList(target.config());
  aliases.push_back(alias);
  if (aliases.size() > kMaxAliases) {
    return Fail(errors::TooManyDistributionCNAMEs("The target distribution already has the maximum of 100 CNAMEs."));
  }
  auto step = NextVersion(ctx, Distributions(), target, WithAliases(target.config(), aliases));
  if (!step) return Fail(std::move(step).error());
  steps.emplace_back(std::move(step).value());
  return steps;
}

// A DistributionResourceId {DistributionId | DistributionTenantId}: the
// emulator's distributions (tenants answer EntityNotFound unless a family of
// kind "distribution-tenant" holds them).
Result<Resource, ApiError> LoadDistributionResource(RequestContext& ctx, const Json& resource) {
  const std::string distribution = StringMember(resource, "DistributionId");
  const std::string tenant = StringMember(resource, "DistributionTenantId");
  if (distribution.empty() == tenant.empty()) {
    return Fail(errors::InvalidArgument("Give either a DistributionId or a DistributionTenantId."));
  }
  const auto* tenants = Registry::Get().FindFamily("distribution-tenant");
  auto loaded = !distribution.empty() ? LoadResource(ctx, Distributions(), distribution)
                : tenants            ? LoadResource(ctx, tenants->family, tenant)
                                     : Result<Resource, ApiError>(Fail(errors::EntityNotFound({})));
  if (!loaded) return Fail(errors::EntityNotFound("The distribution or distribution tenant does not exist."));
  return loaded;
}

// The paging of the lists of conflicts: the marker is the index of the next item.
Result<std::size_t, ApiError> StartOf(const Json& input) {
  const std::string marker = StringMember(input, "Marker");
  std::size_t start = 0;
  if (marker.empty()) return start;
  const auto [end, error] = std::from_chars(marker.data(), marker.data() + marker.size(), start);
  if (error != std::errc() || end != marker.data() + marker.size()) {
    return Fail(errors::InvalidArgument("The parameter Marker is not valid."));
  }
  return start;
}

// The items of one page of holders from start, and the marker of the next page ("" after the last).
std::pair<Json, std::string> PageOf(const std::vector<Holder>& holders, std::size_t start, std::int64_t max_items,
                                    const std::function<Json(const Holder&)>& item) {
  Json items = Json::array();
  std::size_t next = start;
  for (; next < holders.size() && items.size() < static_cast<std::size_t>(max_items); ++next) {
    items.push_back(item(holders[next]));
  }
  return {std::move(items), next < holders.size() ? std::to_string(next) : std::string()};
}

// MaxItems: a string in most inputs, an integer in these (ListConflictingAliases, ListDomainConflicts).
Result<std::int64_t, ApiError> MaxItemsOf(const Json& input) {
  const auto max_items = input.find("MaxItems");
  if (max_items == input.end() || !max_items->is_number_integer()) return ParseMaxItems(input);
  const std::int64_t value = max_items->get<std::int64_t>();
  if (value < 0) return Fail(errors::InvalidArgument("The value of MaxItems must be a non-negative integer."));
  return std::min<std::int64_t>(value, 1000);
}

}  // namespace

Result<Json, ApiError> ListConflictingAliases(RequestContext& ctx, const Json& input) {
  auto alias = ValidAlias(input);
  if (!alias) return Fail(std::move(alias).error());
  auto distribution = LoadResource(ctx, Distributions(), StringMember(input, "DistributionId"));
  if (!distribution) return Fail(std::move(distribution).error());
  if (!HasCustomCertificate(distribution->config())) {
    return Fail(errors::InvalidArgument(
        "The distribution must have an SSL/TLS certificate that covers the alias " + alias.value() + "."));
  }
  auto max_items = MaxItemsOf(input);
  if (!max_items) return Fail(std::move(max_items).error());
  auto start = StartOf(input);
  if (!start) return Fail(std::move(start).error());
  auto holders = FindHolders(ctx, [&](const std::string& held) { return Overlap(held, alias.value()); });
  if (!holders) return Fail(std::move(holders).error());
  auto [items, next_marker] = PageOf(holders.value(), start.value(), max_items.value(), [](const Holder& holder) {
    return Json{{"Alias", holder.alias},
                {"DistributionId", Masked(holder.record.id, 4, 2)},
                {"AccountId", Masked(holder.account, 0, 6)}};
  });
  Json list = {{"MaxItems", max_items.value()}, {"Quantity", items.size()}};
  if (!items.empty()) list["Items"] = std::move(items);
  if (!next_marker.empty()) list["NextMarker"] = next_marker;
  return Json{{"ConflictingAliasesList", std::move(list)}};
}

Result<Json, ApiError> AssociateAlias(RequestContext& ctx, const Json& input) {
  auto alias = ValidAlias(input);
  if (!alias) return Fail(std::move(alias).error());
  for (int attempt = 0;; ++attempt) {
    auto target = LoadResource(ctx, Distributions(), StringMember(input, "TargetDistributionId"));
    if (!target) return Fail(std::move(target).error());
    if (target->config().value("Staging", false)) {
      return Fail(errors::IllegalUpdate("A staging distribution can't have alternate domain names (CNAMEs)."));
    }
    if (!HasCustomCertificate(target->config())) {
      return Fail(errors::InvalidArgument("The target distribution must have an SSL/TLS certificate that covers the "
                                          "alias " + alias.value() + "."));
    }
    for (const auto& held : AliasList(target->config())) {
      if (held.is_string() && Lower(held.get<std::string>()) == alias.value()) return Json::object();
    }
    auto steps = MoveSteps(ctx, target.value(), alias.value());
    if (!steps) return Fail(std::move(steps).error());
    auto written = ctx.services.store.Transact(std::move(steps).value());
    auto* error = std::get_if<store::StoreError>(&written);
    if (!error) return Json::object();
    // Someone changed one of the distributions in between: read them again.
    if (error->kind != store::StoreErrorKind::kVersionMismatch || attempt + 1 == kMoveAttempts) {
      return Fail(MapStoreError(Distributions(), *error));
    }
  }
}

}  // namespace cfl::families

namespace cfl::families {

Result<Json, ApiError> ListDomainConflicts(RequestContext& ctx, const Json& input) {
  auto domain = ValidAlias(Json{{"Alias", StringMember(input, "Domain")}});
  if (!domain) return Fail(std::move(domain).error());
  auto resource = LoadDistributionResource(ctx, input.value("DomainControlValidationResource", Json::object()));
  if (!resource) return Fail(std::move(resource).error());
  if (!HasCustomCertificate(resource->config())) {
    return Fail(errors::InvalidArgument("The resource must have an SSL/TLS certificate that covers the domain " +
                                        domain.value() + "."));
  }
  auto max_items = MaxItemsOf(input);
  if (!max_items) return Fail(std::move(max_items).error());
  auto start = StartOf(input);
  if (!start) return Fail(std::move(start).error());
  auto holders = FindHolders(ctx, [&](const std::string& held) { return Overlap(held, domain.value()); });
  if (!holders) return Fail(std::move(holders).error());
  auto [conflicts, next_marker] = PageOf(holders.value(), start.value(), max_items.value(), [](const Holder& holder) {
    return Json{{"Domain", holder.alias},
                {"ResourceType", "distribution"},
                {"ResourceId", Masked(holder.record.id, 4, 2)},
                {"AccountId", Masked(holder.account, 0, 6)}};
  });
  Json output = {{"DomainConflicts", std::move(conflicts)}};
  if (!next_marker.empty()) output["NextMarker"] = next_marker;
  return output;
}

Result<Json, ApiError> UpdateDomainAssociation(RequestContext& ctx, const Json& input) {
  auto domain = ValidAlias(Json{{"Alias", StringMember(input, "Domain")}});
  if (!domain) return Fail(std::move(domain).error());
  auto target = LoadDistributionResource(ctx, input.value("TargetResource", Json::object()));
  if (!target) return Fail(std::move(target).error());
  const Json if_match = input.value("IfMatch", Json());
  if (!if_match.is_string() || if_match.get_ref<const std::string&>().empty()) {
    return Fail(errors::InvalidIfMatchVersion({}));
  }
  if (if_match.get_ref<const std::string&>() != target->etag()) return Fail(errors::PreconditionFailed({}));
  if (target->config().value("Staging", false)) {
    return Fail(errors::IllegalUpdate("A staging distribution can't have alternate domain names (CNAMEs)."));
  }
  if (!HasCustomCertificate(target->config())) {
    return Fail(errors::InvalidArgument("The target must have an SSL/TLS certificate that covers the domain " +
                                        domain.value() + "."));
  }
  auto holders = FindHolders(ctx, [&](const std::string& held) { return held == domain.value(); });
  if (!holders) return Fail(std::move(holders).error());
  if (holders->empty()) {
    return Fail(errors::EntityNotFound("The domain " + domain.value() + " is not associated with any resource."));
  }
  for (const auto& holder : holders.value()) {
    if (holder.account == ctx.account && holder.record.id == target->id()) {
      return Json{{"Domain", domain.value()}, {"ResourceId", target->id()}, {"ETag", target->etag()}};
    }
    if (ResourceOf(holder.record).config().value("Enabled", true)) {
      return Fail(errors::IllegalUpdate("Disable the distribution that holds the domain " + domain.value() +
                                        " before moving it."));
    }
  }
  auto steps = MoveSteps(ctx, target.value(), domain.value());
  if (!steps) return Fail(std::move(steps).error());
  auto written = ctx.services.store.Transact(std::move(steps).value());
  if (auto* error = std::get_if<store::StoreError>(&written)) return Fail(MapStoreError(Distributions(), *error));
  const auto& records = std::get<std::vector<store::Record>>(written);
  return Json{{"Domain", domain.value()}, {"ResourceId", target->id()}, {"ETag", records.back().etag}};
}

Result<Json, ApiError> VerifyDnsConfiguration(RequestContext& ctx, const Json& input) {
  std::string identifier = StringMember(input, "Identifier");
  if (const auto parsed = ParseArn(identifier); parsed && parsed->type == "distribution") {
    if (parsed->account != ctx.account) return Fail(errors::EntityNotFound("The resource does not exist."));
    identifier = parsed->id;
  }
  auto resource = LoadResource(ctx, Distributions(), identifier);
  if (!resource) return Fail(errors::EntityNotFound("The resource does not exist: " + identifier));
  std::vector<std::string> aliases;
  for (const auto& alias : AliasList(resource->config())) {
    if (alias.is_string()) aliases.push_back(Lower(alias.get<std::string>()));
  }
  std::vector<std::string> domains = aliases;
  if (const std::string domain = StringMember(input, "Domain"); !domain.empty()) domains = {Lower(domain)};
  Json list = Json::array();
  for (const auto& domain : domains) {
    const bool alias = std::find(aliases.begin(), aliases.end(), domain) != aliases.end();
    list.push_back({{"Domain", domain},
                    {"Status", alias ? "valid-configuration" : "invalid-configuration"},
                    {"Reason", alias ? "The domain is an alternate domain name of the resource; the emulator has no DNS "
                                       "and takes it to point to the resource."
                                     : "The domain is not an alternate domain name of the resource."}});
  }
  return Json{{"DnsConfigurationList", std::move(list)}};
}

}  // namespace cfl::families
