#include "emulator/control/touch.h"

#include "emulator/common/ids.h"
#include "emulator/families/distributions/distributions.h"
#include "emulator/families/streaming/streaming_distributions.h"

namespace cfl::control {
namespace {

struct Found {
  std::string account;
  const handlers::ResourceFamily* family;
};

const handlers::ResourceFamily* TouchableFamily(std::string_view kind) {
  if (kind == handlers::DistributionFamily().kind) return &handlers::DistributionFamily();
  if (kind == handlers::StreamingDistributionFamily().kind) return &handlers::StreamingDistributionFamily();
  return nullptr;
}

std::optional<Found> Find(store::Store& store, const std::string& id, const std::optional<std::string>& account) {
  if (account) {
    for (const auto* family : {&handlers::DistributionFamily(), &handlers::StreamingDistributionFamily()}) {
      if (store.Get(*account, family->kind, id)) return Found{*account, family};
    }
    return std::nullopt;
  }
  for (const auto& record : store.All()) {
    if (record.id != id) continue;
    if (const auto* family = TouchableFamily(record.kind)) return Found{record.account, family};
  }
  return std::nullopt;
}

}  // namespace

Result<TouchRequest, Problem> ParseTouch(const Json& body) {
  if (auto ok = OnlyMembers(body, {"enabled", "comment", "account"}); !ok) return Fail(std::move(ok).error());
  TouchRequest request;
  auto enabled = OptionalBool(body, "enabled");
  if (!enabled) return Fail(std::move(enabled).error());
  auto comment = OptionalString(body, "comment");
  if (!comment) return Fail(std::move(comment).error());
  auto account = OptionalAccount(body, "account");
  if (!account) return Fail(std::move(account).error());
  return TouchRequest{*enabled, *comment, *account};
}

Result<Json, Problem> Touch(api::Services& services, const std::string& id, const TouchRequest& request) {
  const auto found = Find(services.store, id, request.account);
  if (!found) {
    return Fail(NotFound("no distribution or streaming distribution " + id +
                         (request.account ? " in account " + *request.account : std::string(" in any account"))));
  }
  api::RequestContext ctx{services, found->account, ids::RequestId(), ToMillis(services.clock.Now())};
  const auto refused = [](const ApiError& error) {
    return Problem{error.status, error.code + ": " + error.message, error.code};
  };
  auto current = handlers::LoadResource(ctx, *found->family, id);
  if (!current) return Fail(refused(current.error()));
  handlers::Json config = current->config;
  if (request.enabled) config["Enabled"] = *request.enabled;
  if (request.comment) config["Comment"] = *request.comment;
  auto updated = handlers::UpdateResource(ctx, *found->family, id, handlers::Json(current->etag()), std::move(config));
  if (!updated) return Fail(refused(updated.error()));
  const auto& record = updated->record;
  return Json{{"id", record.id},
              {"account", record.account},
              {"kind", record.kind},
              {"etag", record.etag},
              {"previous_etag", current->etag()},
              {"status", "InProgress"},
              {"last_modified", FormatIso8601(record.modified_ms)},
              {"settles_at", FormatIso8601(record.settles_at_ms)},
              {"enabled", updated->config.value("Enabled", false)},
              {"comment", updated->config.value("Comment", "")}};
}

}  // namespace cfl::control
