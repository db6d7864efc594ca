// Invalidations of a distribution: CreateInvalidation, GetInvalidation,
// ListInvalidations; and of a distribution tenant, the same three
// ...ForDistributionTenant, by the same rules (a family of its own kind whose
// parent is the tenant). InProgress → Completed after the invalidation delay;
// a reused caller reference with the same paths returns the first one.
#include "emulator/common/clock.h"
#include "emulator/common/ids.h"
#include "emulator/engine/family.h"

namespace cfl::families {
namespace {

using namespace engine;  // NOLINT: a family is written in the engine's terms

constexpr std::size_t kMaxPathsInProgress = 3000;
constexpr std::size_t kMaxWildcardPathsInProgress = 15;
constexpr std::size_t kMaxPathsPerBatch = 3000;

const Json& Paths(const Json& batch) { return ItemsOf(MemberOf(batch, "Paths")); }

bool IsWildcard(const Json& path) { return path.is_string() && path.get<std::string>().ends_with("*"); }

std::size_t CountWildcards(const Json& paths) {
  return static_cast<std::size_t>(std::count_if(paths.begin(), paths.end(), IsWildcard));
}

Result<Ok, ApiError> Prepare(RequestContext&, Json& batch, const Resource*) {
  const Json& paths = Paths(batch);
  if (paths.empty()) return Fail(errors::InvalidArgument("Your request must contain at least one invalidation path."));
  if (paths.size() > kMaxPathsPerBatch) return Fail(errors::BatchTooLarge());
  for (const auto& path : paths) {
    if (!path.is_string() || !path.get<std::string>().starts_with("/")) {
      return Fail(errors::InvalidArgument("Your request contains one or more invalid invalidation paths."));
    }
  }
  return Ok{};
}

// The paths still being invalidated for the distribution, with the new batch's, stay within the limits.
bool WithinInProgressLimits(const Json& batch, const std::vector<store::Record>& unsettled) {
  const Json& paths = Paths(batch);
  std::size_t in_progress = paths.size();
  std::size_t wildcards = CountWildcards(paths);
  for (const auto& record : unsettled) {
    const Json document = Json::parse(record.document, nullptr, false);
    const Json& other = Paths(document);
    in_progress += other.size();
    wildcards += CountWildcards(other);
  }
  return in_progress <= kMaxPathsInProgress && wildcards <= kMaxWildcardPathsInProgress;
}

std::string Status(const RequestContext& ctx, const Resource& invalidation, bool just_created) {
  return !just_created && invalidation.Settled(ctx.now_ms) ? "Completed" : "InProgress";
}

// What differs between the invalidations of a distribution and a tenant's.
struct Owner {
  std::string_view kind;         // the invalidations' store kind
  std::string_view parent_kind;  // what owns them
  std::string_view reused_reference;  // what a caller reference used for another batch answers
  std::string_view create, get, list;  // the operations
};

FamilyDefinition MakeDefinition(const Owner& owner) {
  Family family;
  family.kind = owner.kind;
  family.noun = "invalidation";
  family.errors = {.not_found = errors::NoSuchInvalidation,
                   .already_exists = {errors::InvalidArgument,
                                      owner.reused_reference},
                   .limit = errors::TooManyInvalidationsInProgress};
  family.caller_reference_member = "CallerReference";
  family.replay_identical = true;
  family.list_newest_first = true;
  family.parent_kind = owner.parent_kind;
  family.settle_delay_ms = [](const RequestContext& ctx) { return ctx.services.settings.invalidation_delay_ms.load(); };
  family.siblings_allow = WithinInProgressLimits;
  family.new_id = [] { return ids::Random("I", 13, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"); };
  family.prepare = Prepare;
  family.render = [](const RequestContext& ctx, const Resource& invalidation, bool just_created) {
    return Json{{"Id", invalidation.id()},
                {"Status", Status(ctx, invalidation, just_created)},
                {"CreateTime", FormatIso8601(invalidation.record.created_ms)},
                {"InvalidationBatch", invalidation.config()}};
  };
  family.summarize = [](const RequestContext& ctx, const Resource& invalidation) {
    return Json{{"Id", invalidation.id()},
                {"CreateTime", FormatIso8601(invalidation.record.created_ms)},
                {"Status", Status(ctx, invalidation, false)}};
  };
  return {std::move(family),
          {{owner.create, Verb::kCreate}, {owner.get, Verb::kGet}, {owner.list, Verb::kList}},
          {errors::BatchTooLarge, errors::InvalidArgument}};
}

}  // namespace

const engine::FamilyDefinition& InvalidationDefinition() {
  static const engine::FamilyDefinition definition = MakeDefinition(
      {"invalidation", "distribution",
       "Your request contains a caller reference that was used for a previous invalidation batch for the same "
       "distribution.",
       "CreateInvalidation", "GetInvalidation", "ListInvalidations"});
  return definition;
}

const engine::FamilyDefinition& TenantInvalidationDefinition() {
  static const engine::FamilyDefinition definition =
      MakeDefinition({"tenant-invalidation", "distribution-tenant",
                      "Your request contains a caller reference that was used for a previous invalidation batch for "
                      "the same distribution tenant.",
                      "CreateInvalidationForDistributionTenant", "GetInvalidationForDistributionTenant",
                      "ListInvalidationsForDistributionTenant"});
  return definition;
}

}  // namespace cfl::families
