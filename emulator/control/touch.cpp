#include "emulator/control/touch.h"

#include "emulator/common/ids.h"
#include "emulator/engine/registry.h"
#include "emulator/engine/resources.h"

namespace cfl::control {
namespace {

struct Found {
  std::string account;
  const engine::Family* family;
};

const engine::Family* TouchableFamily(std::string_view kind) {
  const auto* definition = engine::Registry::Get().FindFamily(kind);
  return definition && definition->family.touchable ? &definition->family : nullptr;
}

Result<std::optional<Found>, Problem> Find(store::Store& store, const std::string& id,
                                           const std::optional<std::string>& account) {
  if (account) {
    for (const auto* definition : engine::Registry::Get().Families()) {
      const auto& family = definition->family;
      if (family.touchable && store.Get(*account, family.kind, id)) return std::optional<Found>(Found{*account, &family});
    }
    return std::optional<Found>();
  }
  auto all = store.All();
  if (auto* error = std::get_if<store::StoreError>(&all)) return Fail(StoreProblem(*error));
  for (const auto& record : std::get<std::vector<store::Record>>(all)) {
    if (record.id != id) continue;
    if (const auto* family = TouchableFamily(record.kind)) return std::optional<Found>(Found{record.account, family});
  }
  return std::optional<Found>();
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
  auto searched = Find(services.store, id, request.account);
  if (!searched) return Fail(std::move(searched).error());
  const auto& found = searched.value();
  if (!found) {
    return Fail(NotFound("no distribution or streaming distribution " + id +
                         (request.account ? " in account " + *request.account : std::string(" in any account"))));
  }
  api::RequestContext ctx{services, found->account, ids::RequestId(), ToMillis(services.clock.Now())};
  const auto refused = [](const ApiError& error) {
    return Problem{error.status, error.code + ": " + error.message, error.code};
  };
  auto current = engine::LoadResource(ctx, *found->family, id);
  if (!current) return Fail(refused(current.error()));
  engine::Json config = current->config();
  if (request.enabled) config["Enabled"] = *request.enabled;
  if (request.comment) config["Comment"] = *request.comment;
  auto updated = engine::UpdateResource(ctx, *found->family, id, engine::Json(current->etag()), std::move(config));
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
              {"enabled", updated->config().value("Enabled", false)},
              {"comment", updated->config().value("Comment", "")}};
}

}  // namespace cfl::control
