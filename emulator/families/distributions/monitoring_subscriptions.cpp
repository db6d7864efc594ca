// A distribution's monitoring subscription (additional real-time metrics):
// Create, Get, Delete. At most one per distribution, named by the
// distribution's id, without versions; deleted with its distribution.
#include "emulator/engine/family.h"

namespace cfl::families {
namespace {

using namespace engine;  // NOLINT: a family is written in the engine's terms

Result<Ok, ApiError> Prepare(RequestContext&, Json& config, const Resource*) {
  const auto metrics = config.find("RealtimeMetricsSubscriptionConfig");
  if (metrics == config.end() || !metrics->is_object()) {
    return Fail(errors::InvalidArgument("The parameter RealtimeMetricsSubscriptionConfig is required."));
  }
  return Ok{};
}

FamilyDefinition MakeDefinition() {
  Family family;
  family.kind = "monitoring-subscription";
  family.noun = "monitoring subscription";
  family.versioning = Versioning::kNone;
  family.errors = {.not_found = errors::NoSuchMonitoringSubscription,
                   .already_exists = errors::MonitoringSubscriptionAlreadyExists};
  family.parent_kind = "distribution";
  family.keyed_by_parent = true;
  family.prepare = Prepare;
  family.render = [](const RequestContext&, const Resource& resource, bool) { return resource.config(); };
  return {std::move(family),
          {{"CreateMonitoringSubscription", Verb::kCreate},
           {"GetMonitoringSubscription", Verb::kGet},
           {"DeleteMonitoringSubscription", Verb::kDelete}},
          {}};
}

}  // namespace

const engine::FamilyDefinition& MonitoringSubscriptionDefinition() {
  static const engine::FamilyDefinition definition = MakeDefinition();
  return definition;
}

}  // namespace cfl::families
