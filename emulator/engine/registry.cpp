#include "emulator/engine/registry.h"

#include <stdexcept>

#include "emulator/engine/operations.h"
#include "emulator/engine/references.h"

// The families, one row each. A family's file defines its function.
namespace cfl::families {
using engine::FamilyDefinition;
const FamilyDefinition& DistributionDefinition();
const FamilyDefinition& InvalidationDefinition();
const FamilyDefinition& StreamingDistributionDefinition();
const FamilyDefinition& OriginAccessIdentityDefinition();
const FamilyDefinition& OriginAccessControlDefinition();
const FamilyDefinition& CachePolicyDefinition();
const FamilyDefinition& OriginRequestPolicyDefinition();
const FamilyDefinition& ResponseHeadersPolicyDefinition();
const FamilyDefinition& PublicKeyDefinition();
const FamilyDefinition& KeyGroupDefinition();
const FamilyDefinition& TaggingDefinition();
}  // namespace cfl::families

namespace cfl::engine {
namespace {
using namespace families;  // NOLINT: the rows below

std::vector<const FamilyDefinition*> AllDefinitions() {
  return {
      &DistributionDefinition(),
      &InvalidationDefinition(),
      &StreamingDistributionDefinition(),
      &OriginAccessIdentityDefinition(),
      &OriginAccessControlDefinition(),
      &CachePolicyDefinition(),
      &OriginRequestPolicyDefinition(),
      &ResponseHeadersPolicyDefinition(),
      &PublicKeyDefinition(),
      &KeyGroupDefinition(),
      &TaggingDefinition(),
  };
}

bool HasInputMember(const model::OperationDef& operation, std::string_view member) {
  return operation.input != model::kNoShape && model::FindMember(model::Shape(operation.input), member) != nullptr;
}

// What the engine needs of the family for each verb it serves.
void CheckVerb(const FamilyDefinition& definition, const Operation& operation, std::vector<std::string>& problems) {
  const Family& family = definition.family;
  const auto members = MembersOf(operation.name);
  const auto problem = [&](const std::string& text) { problems.push_back(std::string(operation.name) + ": " + text); };
  switch (operation.verb) {
    case Verb::kCreate:
      if (!family.new_id && family.id_member.empty()) problem("a create needs the family's new_id or id_member");
      if (!family.render && !members.answer.empty()) problem("a create needs the family's render");
      break;
    case Verb::kGet:
    case Verb::kUpdate:
      if (!family.render) problem("needs the family's render");
      [[fallthrough]];
    case Verb::kGetConfig:
    case Verb::kDelete:
      if (members.key.empty()) problem("the model names no resource in the path");
      if (operation.verb != Verb::kGet && operation.verb != Verb::kGetConfig &&
          (family.versioning == Versioning::kNone) == HasInputMember(*members.operation, "IfMatch")) {
        problem("the family's versioning does not match the model's If-Match");
      }
      break;
    case Verb::kList:
      if (!family.summarize) problem("a list needs the family's summarize");
      if (family.managed && !family.summarize_managed) problem("managed records need summarize_managed");
      break;
    case Verb::kListReferencing:
      if (members.key.empty()) problem("the model names no resource in the path");
      break;
    case Verb::kPublish:
      if (family.versioning != Versioning::kPerStage) problem("only a per-stage family publishes");
      if (!family.render) problem("needs the family's render");
      break;
    case Verb::kCustom:
      if (!operation.custom) problem("a custom operation needs its handler");
      break;
  }
  if (family.managed && (!family.render_managed || !family.summarize_managed)) {
    problem("managed records need render_managed and summarize_managed");
  }
}

}  // namespace

std::vector<std::string> CheckAgainstModel(const FamilyDefinition& definition) {
  std::vector<std::string> problems;
  for (const auto& operation : definition.operations) {
    if (!model::FindOperation(operation.name)) {
      problems.push_back(std::string(operation.name) + ": the model has no such operation");
      continue;
    }
    CheckVerb(definition, operation, problems);
  }
  return problems;
}

Registry::Registry(std::vector<const FamilyDefinition*> families) : families_(std::move(families)) {
  std::string problems;
  for (const auto* definition : families_) {
    for (const auto& problem : CheckAgainstModel(*definition)) problems += "\n  " + problem;
  }
  for (const auto& rule : ReferenceRules()) {
    for (const auto kind : {rule.from_kind, rule.target_kind}) {
      if (!FindFamily(kind)) problems += "\n  reference " + std::string(rule.path) + ": no family " + std::string(kind);
    }
    if (!rule.missing || !rule.in_use) problems += "\n  reference " + std::string(rule.path) + ": needs its errors";
  }
  if (!problems.empty()) throw std::logic_error("the resource families do not fit the model:" + problems);
}

const Registry& Registry::Get() {
  static const Registry registry(AllDefinitions());
  return registry;
}

const FamilyDefinition* Registry::FindFamily(std::string_view kind) const {
  for (const auto* definition : families_) {
    if (!kind.empty() && definition->family.kind == kind) return definition;
  }
  return nullptr;
}

const FamilyDefinition* Registry::FindByArnType(std::string_view arn_type) const {
  for (const auto* definition : families_) {
    if (!arn_type.empty() && definition->family.arn_type == arn_type) return definition;
  }
  return nullptr;
}

std::optional<Registry::ConfigDocument> Registry::FindByConfigRoot(std::string_view root) const {
  for (const auto* definition : families_) {
    for (const auto& operation : definition->operations) {
      if (operation.verb != Verb::kCreate) continue;
      const auto members = MembersOf(operation.name);
      if (members.config.empty() || members.config_with_tags) continue;
      const auto* payload = model::FindMember(model::Shape(members.operation->input), members.config);
      if (payload->wire_name == root) return ConfigDocument{definition, payload->shape};
    }
  }
  return std::nullopt;
}

HandlerTable Registry::Handlers() const {
  HandlerTable table;
  for (const auto* definition : families_) AddHandlers(*definition, table);
  return table;
}

}  // namespace cfl::engine
