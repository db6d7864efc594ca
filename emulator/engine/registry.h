// Every resource family, in one registry: the handler table of every
// implemented operation, and the lookups that the generic operations
// (tagging, the control plane's touch, fixtures, snapshots) use instead of
// lists of their own.
//
// Thread safety: built once on first use (thread-safe static), immutable after.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/engine/family.h"
#include "emulator/model/model.h"

namespace cfl::engine {

class Registry {
 public:
  // The registry of every family (engine/registry.cpp lists them). Checks
  // each definition against the model on first use and throws
  // std::logic_error naming what does not fit (an operation the model does
  // not have, an error the operation cannot raise, ...): a programming
  // error, caught by the unit tests and at start.
  static const Registry& Get();

  std::span<const FamilyDefinition* const> Families() const { return families_; }
  const FamilyDefinition* FindFamily(std::string_view kind) const;
  // The per-stage family whose LIVE stage has this kind ("function-live").
  const FamilyDefinition* FindStagedFamily(std::string_view live_kind) const;
  // The family whose ARNs have this resource type ("distribution").
  const FamilyDefinition* FindByArnType(std::string_view arn_type) const;

  // The family whose create takes a config document with this root element
  // (<DistributionConfig>, <CachePolicyConfig>, ...), and the config's shape.
  struct ConfigDocument {
    const FamilyDefinition* definition;
    model::ShapeId shape;
  };
  std::optional<ConfigDocument> FindByConfigRoot(std::string_view root) const;
  // The config document the creates of the family of this kind take; nullopt
  // for kinds with no family, or whose family has no create.
  std::optional<ConfigDocument> FindConfigOf(std::string_view kind) const;

  // Every implemented operation of every service, by the model's operation:
  // the engine's verbs and the families' custom handlers, plus the
  // operations of no family (tagging).
  HandlerTable Handlers() const;

 private:
  explicit Registry(std::vector<const FamilyDefinition*> families);
  std::vector<const FamilyDefinition*> families_;
};

// How much of one service's model has a handler.
struct ServiceCoverage {
  const model::ServiceDef* service;
  std::size_t operations = 0;                     // in the model
  std::vector<std::string_view> not_implemented;  // operation names, sorted
};
// One entry per service of the model, in Services() order.
std::vector<ServiceCoverage> CoverageOf(const HandlerTable& handlers);

// The problems of definition against the model and the reference rules, one
// line each; empty when it fits. families: every family, for the ones
// definition names (its parent, the targets of its lists). (Registry::Get
// throws with them.)
std::vector<std::string> CheckAgainstModel(const FamilyDefinition& definition,
                                           std::span<const FamilyDefinition* const> families);

}  // namespace cfl::engine
