#include "emulator/families/distributions/invalidations.h"

#include "emulator/common/ids.h"
#include "emulator/families/distributions/distributions.h"
#include "emulator/engine/resource_naming.h"

namespace cfl::handlers {
namespace {

constexpr std::size_t kMaxPathsInProgress = 3000;
constexpr std::size_t kMaxWildcardPathsInProgress = 15;
constexpr std::size_t kMaxPathsPerBatch = 3000;

Json Paths(const Json& batch) { return batch.value("Paths", Json::object()).value("Items", Json::array()); }

bool IsWildcard(const Json& path) { return path.is_string() && path.get<std::string>().ends_with("*"); }

std::size_t CountWildcards(const Json& paths) {
  return static_cast<std::size_t>(std::count_if(paths.begin(), paths.end(), IsWildcard));
}

Result<Ok, ApiError> Prepare(RequestContext&, Json& batch, const Resource*) {
  const Json paths = Paths(batch);
  if (paths.empty()) return Fail(InvalidArgument("Your request must contain at least one invalidation path."));
  if (paths.size() > kMaxPathsPerBatch) {
    return Fail(MakeError("BatchTooLarge", "Invalidation batch specified is too large."));
  }
  for (const auto& path : paths) {
    if (!path.is_string() || !path.get<std::string>().starts_with("/")) {
      return Fail(InvalidArgument("Your request contains one or more invalid invalidation paths."));
    }
  }
  return Ok{};
}

ResourceFamily MakeFamily() {
  ResourceFamily family;
  family.kind = "invalidation";
  family.not_found_code = "NoSuchInvalidation";
  family.not_found_message = "The specified invalidation does not exist.";
  family.already_exists_code = "InvalidArgument";
  family.already_exists_message =
      "Your request contains a caller reference that was used for a previous invalidation batch for the same "
      "distribution.";
  family.caller_reference_member = "CallerReference";
  family.settle_delay_ms = [](const RequestContext& ctx) { return ctx.services.settings.invalidation_delay_ms.load(); };
  family.new_id = [] { return ids::Random("I", 13, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"); };
  family.prepare = Prepare;
  family.replay_identical = true;
  return family;
}

std::string Status(const RequestContext& ctx, const Resource& invalidation, bool just_created) {
  return !just_created && invalidation.Settled(ctx.now_ms) ? "Completed" : "InProgress";
}

Json Render(const RequestContext& ctx, const Resource& invalidation, bool just_created) {
  return {{"Id", invalidation.id()},
          {"Status", Status(ctx, invalidation, just_created)},
          {"CreateTime", FormatIso8601(invalidation.record.created_ms)},
          {"InvalidationBatch", invalidation.config}};
}

// Paths still being invalidated for the distribution would exceed the limits.
Result<Ok, ApiError> CheckInProgressLimits(RequestContext& ctx, const std::string& distribution_id,
                                           const Json& batch) {
  const Json paths = Paths(batch);
  if (paths.size() > kMaxPathsPerBatch) return Ok{};  // Prepare answers BatchTooLarge, which comes first
  std::size_t in_progress = paths.size();
  std::size_t wildcards = CountWildcards(paths);
  store::ListQuery query{ctx.account, InvalidationFamily().kind, distribution_id, "", 100000, false};
  for (const auto& record : ctx.services.store.List(query).records) {
    if (record.settles_at_ms <= ctx.now_ms) continue;
    const Json other = Paths(Json::parse(record.document, nullptr, false));
    in_progress += other.size();
    wildcards += CountWildcards(other);
  }
  if (in_progress > kMaxPathsInProgress || wildcards > kMaxWildcardPathsInProgress) {
    return Fail(MakeError("TooManyInvalidationsInProgress",
                          "Processing your request will cause you to exceed the maximum number of in-progress "
                          "wildcard invalidations or invalidation paths."));
  }
  return Ok{};
}

Result<Json, ApiError> CreateInvalidation(RequestContext& ctx, const Json& input) {
  const std::string distribution_id = StringMember(input, "DistributionId");
  if (auto distribution = LoadResource(ctx, DistributionFamily(), distribution_id); !distribution) {
    return Fail(std::move(distribution).error());
  }
  const Json batch = input.value("InvalidationBatch", Json::object());
  if (auto limits = CheckInProgressLimits(ctx, distribution_id, batch); !limits) return Fail(std::move(limits).error());
  bool replayed = false;
  CreateOptions options;
  options.parent = distribution_id;
  auto created = CreateResource(ctx, InvalidationFamily(), batch, std::move(options), &replayed);
  if (!created) return Fail(std::move(created).error());
  return Json{{"Location", LocationUrl("distribution/" + distribution_id + "/invalidation", created->id())},
              {"Invalidation", Render(ctx, created.value(), !replayed)}};
}

Result<Json, ApiError> GetInvalidation(RequestContext& ctx, const Json& input) {
  const std::string distribution_id = StringMember(input, "DistributionId");
  if (auto distribution = LoadResource(ctx, DistributionFamily(), distribution_id); !distribution) {
    return Fail(std::move(distribution).error());
  }
  auto invalidation = LoadResource(ctx, InvalidationFamily(), StringMember(input, "Id"));
  if (!invalidation || invalidation->record.parent != distribution_id) {
    return Fail(MakeError(InvalidationFamily().not_found_code, InvalidationFamily().not_found_message));
  }
  return Json{{"Invalidation", Render(ctx, invalidation.value(), false)}};
}

Result<Json, ApiError> ListInvalidations(RequestContext& ctx, const Json& input) {
  const std::string distribution_id = StringMember(input, "DistributionId");
  if (auto distribution = LoadResource(ctx, DistributionFamily(), distribution_id); !distribution) {
    return Fail(std::move(distribution).error());
  }
  auto page = ListResources(ctx, InvalidationFamily(), input, distribution_id, /*newest_first=*/true);
  if (!page) return Fail(std::move(page).error());
  Json items = Json::array();
  for (const auto& invalidation : page->items) {
    items.push_back({{"Id", invalidation.id()},
                     {"CreateTime", FormatIso8601(invalidation.record.created_ms)},
                     {"Status", Status(ctx, invalidation, false)}});
  }
  return Json{{"InvalidationList", ListEnvelope(page.value(), std::move(items))}};
}

}  // namespace

const ResourceFamily& InvalidationFamily() {
  static const ResourceFamily family = MakeFamily();
  return family;
}

void RegisterInvalidationHandlers(HandlerTable& table) {
  table["CreateInvalidation"] = CreateInvalidation;
  table["GetInvalidation"] = GetInvalidation;
  table["ListInvalidations"] = ListInvalidations;
}

}  // namespace cfl::handlers
