#include "emulator/engine/registry.h"

#include <algorithm>
#include <stdexcept>

#include "emulator/engine/operations.h"
#include "emulator/engine/references.h"
#include "emulator/engine/resources.h"

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
const FamilyDefinition& ContinuousDeploymentPolicyDefinition();
const FamilyDefinition& FieldLevelEncryptionProfileDefinition();
const FamilyDefinition& FieldLevelEncryptionConfigDefinition();
const FamilyDefinition& MonitoringSubscriptionDefinition();
const FamilyDefinition& VpcOriginDefinition();
const FamilyDefinition& RealtimeLogConfigDefinition();
const FamilyDefinition& ResourcePolicyDefinition();
const FamilyDefinition& FunctionDefinition();
const FamilyDefinition& KeyValueStoreDefinition();
const FamilyDefinition& KeyValueStoreDataDefinition();
const FamilyDefinition& ConnectionFunctionDefinition();
const FamilyDefinition& AnycastIpListDefinition();
const FamilyDefinition& TrustStoreDefinition();
const FamilyDefinition& ConnectionGroupDefinition();
const FamilyDefinition& DistributionTenantDefinition();
const FamilyDefinition& TenantInvalidationDefinition();
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
      &ContinuousDeploymentPolicyDefinition(),
      &FieldLevelEncryptionProfileDefinition(),
      &FieldLevelEncryptionConfigDefinition(),
      &MonitoringSubscriptionDefinition(),
      &VpcOriginDefinition(),
      &RealtimeLogConfigDefinition(),
      &ResourcePolicyDefinition(),
      &FunctionDefinition(),
      &KeyValueStoreDefinition(),
      &KeyValueStoreDataDefinition(),
      &ConnectionFunctionDefinition(),
      &AnycastIpListDefinition(),
      &TrustStoreDefinition(),
      &ConnectionGroupDefinition(),
      &DistributionTenantDefinition(),
      &TenantInvalidationDefinition(),
  };
}

bool HasInputMember(const model::OperationDef& operation, std::string_view member) {
  return operation.input != model::kNoShape && model::FindMember(model::Shape(operation.input), member) != nullptr;
}

// What the engine needs of the family for each verb it serves.
void CheckVerb(const FamilyDefinition& definition, const Operation& operation, std::vector<std::string>& problems) {
  const Family& family = definition.family;
  const auto members = MembersOf(operation.name, definition.service);
  const auto problem = [&](const std::string& text) { problems.push_back(std::string(operation.name) + ": " + text); };
  switch (operation.verb) {
    case Verb::kCreate:
      if (!family.new_id && family.id_member.empty() && !family.keyed_by_parent) {
        problem("a create needs the family's new_id, id_member or keyed_by_parent");
      }
      if (!family.render && !members.answer.empty()) problem("a create needs the family's render");
      break;
    case Verb::kGet:
    case Verb::kUpdate:
      if (!family.render) problem("needs the family's render");
      [[fallthrough]];
    case Verb::kGetConfig:
    case Verb::kDelete:
      // Without a path label, the body names it by the id member or the ARN (NamedId).
      if (members.key.empty() && (family.id_member.empty() || family.arn_type.empty())) {
        problem("the model names no resource in the path, and the family has no id member and ARN to name it");
      }
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

std::string CodeOf(const ErrorSpec& error) { return error ? error().code : std::string(); }

void AddCode(std::vector<std::string>& codes, const ErrorSpec& error) {
  std::string code = CodeOf(error);
  if (!code.empty() && std::find(codes.begin(), codes.end(), code) == codes.end()) codes.push_back(std::move(code));
}

// The errors of the reference rows: as a user, naming a target that is
// missing; as a target, being deleted while a record (or one it owns) is used.
void AddReferenceErrors(std::vector<std::string>& codes, const Family& family, bool as_user,
                        std::span<const FamilyDefinition* const> families) {
  std::vector<std::string> kinds = {std::string(family.kind)};
  if (!as_user) {
    for (auto& kind : ChildKinds(family, families)) kinds.push_back(std::move(kind));
  }
  for (const auto& rule : ReferenceRules()) {
    for (const auto& kind : kinds) {
      if (as_user && rule.from_kind == kind) AddCode(codes, rule.missing);
      if (!as_user && rule.target_kind == kind) AddCode(codes, rule.in_use);
    }
  }
}

const Family* FindIn(std::span<const FamilyDefinition* const> families, std::string_view kind) {
  for (const auto* definition : families) {
    if (!kind.empty() && definition->family.kind == kind) return &definition->family;
  }
  return nullptr;
}

// Every error the engine and the family's declared rules may answer for operation.
std::vector<std::string> RaisableErrors(const FamilyDefinition& definition, const Operation& operation,
                                        std::span<const FamilyDefinition* const> families) {
  const Family& family = definition.family;
  const Family* parent = FindIn(families, family.parent_kind);
  std::vector<std::string> codes;
  // The family's own rules run where configs are taken: creates, updates and its custom operations.
  const bool family_rules = operation.verb == Verb::kCreate || operation.verb == Verb::kUpdate ||
                            (operation.verb == Verb::kCustom && operation.family_rules);
  if (family_rules) {
    for (const auto& error : definition.also_raises) AddCode(codes, error);
    for (const auto& error : operation.unreachable) std::erase(codes, CodeOf(error));
  }
  for (const auto& error : operation.raises) AddCode(codes, error);
  const bool versioned = family.versioning != Versioning::kNone;
  switch (operation.verb) {
    case Verb::kCreate:
      AddCode(codes, family.errors.already_exists);
      AddCode(codes, family.errors.limit);
      if (parent) AddCode(codes, parent->errors.not_found);
      AddReferenceErrors(codes, family, true, families);
      break;
    case Verb::kGet:
    case Verb::kGetConfig:
      AddCode(codes, family.errors.not_found);
      if (parent) AddCode(codes, parent->errors.not_found);
      break;
    case Verb::kUpdate:
      AddCode(codes, family.errors.not_found);
      // A name that the path names (a key value store's) cannot change, so cannot collide.
      if (!family.unique_name_member.empty() &&
          MembersOf(operation.name, definition.service).key != family.unique_name_member) {
        AddCode(codes, family.errors.already_exists);
      }
      if (versioned) codes.insert(codes.end(), {"InvalidIfMatchVersion", "PreconditionFailed"});
      if (!family.caller_reference_member.empty() || family.managed) codes.push_back("IllegalUpdate");
      AddReferenceErrors(codes, family, true, families);
      for (const auto& rule : ReferenceRules()) {
        if (rule.target_kind == family.kind && rule.target_keeps) AddCode(codes, rule.in_use);
      }
      break;
    case Verb::kDelete:
      AddCode(codes, family.errors.not_found);
      if (parent && family.keyed_by_parent) AddCode(codes, parent->errors.not_found);
      AddCode(codes, family.errors.not_disabled);
      if (versioned) codes.insert(codes.end(), {"InvalidIfMatchVersion", "PreconditionFailed"});
      if (family.managed) codes.push_back("IllegalDelete");
      AddReferenceErrors(codes, family, false, families);
      break;
    case Verb::kList:
      if (parent) AddCode(codes, parent->errors.not_found);
      break;
    case Verb::kListReferencing:
      if (const auto* target = FindIn(families, operation.target_kind)) AddCode(codes, target->errors.not_found);
      break;
    case Verb::kPublish:
      AddCode(codes, family.errors.not_found);
      codes.insert(codes.end(), {"InvalidIfMatchVersion", "PreconditionFailed"});
      break;
    case Verb::kCustom:
      break;
  }
  return codes;
}

// Errors the emulator answers although the model does not list them for the
// operation, each with its evidence. (Errors any request may meet — the
// codec's MalformedInput, MissingBody, InconsistentQuantities, the
// signature errors, Throttling, InternalError — are the dispatcher's, not a
// family's.)
struct Deviation {
  std::string_view operation;  // "*": every operation
  std::string_view code;
  std::string_view evidence;
};
constexpr Deviation kDeviations[] = {
    {"*", "InvalidArgument",
     "CloudFront answers InvalidArgument for a bad MaxItems, Marker or member value on every operation; "
     "the model lists it only for some (API reference: Common Errors)."},
    {"CreateKeyGroup", "NoSuchPublicKey",
     "The model lists no error for a key group naming a public key that does not exist (only InvalidArgument, "
     "TooManyPublicKeysInKeyGroup, ...); NoSuchPublicKey is the model's own error for an unknown public key, what "
     "GetPublicKey answers and what SDKs catch, and what other emulators report real CloudFront answering."},
    {"UpdateKeyGroup", "NoSuchPublicKey", "As for CreateKeyGroup."},
    {"DeleteDistribution", "StagingDistributionInUse",
     "A staging distribution that a continuous deployment policy names can be neither disabled nor deleted; "
     "UpdateDistribution answers StagingDistributionInUse for the disable (terraform-provider-aws issue 33575) and "
     "the delete of one still named answers the same (the model lists only ResourceInUse for DeleteDistribution)."},
    {"UpdateDistribution", "InvalidProtocolSettings",
     "The model lists InvalidProtocolSettings (SNI with SSLv3 as the minimum protocol) for the creates only; an "
     "update to the same certificate settings is refused the same way (\"The parameter ViewerCertificate the "
     "specified distribution is configured for SNI and the Minimum SSL Protocol Version is specified as SSLv3. You "
     "cannot specify both.\", cloudtools/troposphere issue 218), and the create's code is what SDKs catch."},
    {"*", "MalformedXML",
     "The codec's answer to a value that breaks a model constraint; a family rule for a constraint the model "
     "cannot state answers alike (a function association on an origin event: \"Member must satisfy value set: "
     "[viewer-request, viewer-response]\", terraform-aws-modules/terraform-aws-cloudfront issues 44 and 53)."},
};

bool Deviates(std::string_view operation, std::string_view code) {
  for (const auto& deviation : kDeviations) {
    if ((deviation.operation == "*" || deviation.operation == operation) && deviation.code == code) return true;
  }
  return false;
}

}  // namespace

std::vector<std::string> CheckAgainstModel(const FamilyDefinition& definition,
                                           std::span<const FamilyDefinition* const> families) {
  std::vector<std::string> problems;
  for (const auto& operation : definition.operations) {
    const auto* model_operation = model::FindOperation(model::Service(definition.service), operation.name);
    if (!model_operation) {
      problems.push_back(std::string(operation.name) + ": the model has no such operation");
      continue;
    }
    CheckVerb(definition, operation, problems);
    for (const auto& code : RaisableErrors(definition, operation, families)) {
      if (!model::ListsError(*model_operation, code) && !Deviates(operation.name, code)) {
        problems.push_back(std::string(operation.name) + ": may answer " + code + ", which the model does not list");
      }
    }
  }
  return problems;
}

Registry::Registry(std::vector<const FamilyDefinition*> families) : families_(std::move(families)) {
  std::string problems;
  for (const auto* definition : families_) {
    for (const auto& problem : CheckAgainstModel(*definition, families_)) problems += "\n  " + problem;
  }
  for (const auto& rule : ReferenceRules()) {
    for (const auto kind : {rule.from_kind, rule.target_kind}) {
      if (!FindFamily(kind) && !FindStagedFamily(kind)) {
        problems += "\n  reference " + std::string(rule.path) + ": no family " + std::string(kind);
      }
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

const FamilyDefinition* Registry::FindStagedFamily(std::string_view live_kind) const {
  for (const auto* definition : families_) {
    if (definition->family.versioning == Versioning::kPerStage && LiveKind(definition->family.kind) == live_kind) {
      return definition;
    }
  }
  return nullptr;
}

const FamilyDefinition* Registry::FindByArnType(std::string_view arn_type) const {
  for (const auto* definition : families_) {
    if (!arn_type.empty() && definition->family.arn_type == arn_type) return definition;
  }
  return nullptr;
}

namespace {

// The payload member of a create (without tags) of the family: its config document.
const model::MemberDef* ConfigPayload(const FamilyDefinition& definition) {
  for (const auto& operation : definition.operations) {
    if (operation.verb != Verb::kCreate || definition.service != model::ServiceId::kCloudFront) continue;
    const auto members = MembersOf(operation.name);
    if (members.config.empty() || members.config_with_tags) continue;
    return model::FindMember(model::Shape(members.operation->input), members.config);
  }
  return nullptr;
}

}  // namespace

std::optional<Registry::ConfigDocument> Registry::FindByConfigRoot(std::string_view root) const {
  for (const auto* definition : families_) {
    const auto* payload = ConfigPayload(*definition);
    if (payload && payload->wire_name == root) return ConfigDocument{definition, payload->shape};
  }
  return std::nullopt;
}

std::optional<Registry::ConfigDocument> Registry::FindConfigOf(std::string_view kind) const {
  const auto* definition = FindFamily(kind);
  if (!definition) return std::nullopt;
  if (const auto* payload = ConfigPayload(*definition)) return ConfigDocument{definition, payload->shape};
  // Creates without a payload: the config is the body member beside Tags
  // (CreateVpcOrigin's VpcOriginEndpointConfig), or the body members themselves
  // (CreateRealtimeLogConfig: the input's own shape).
  for (const auto& operation : definition->operations) {
    if (operation.verb != Verb::kCreate) continue;
    const auto members = MembersOf(operation.name);
    if (!members.config.empty()) continue;
    const auto& input = model::Shape(members.operation->input);
    if (members.config_member.empty()) return ConfigDocument{definition, members.operation->input};
    if (const auto* member = model::FindMember(input, members.config_member)) {
      return ConfigDocument{definition, member->shape};
    }
  }
  return std::nullopt;
}

HandlerTable Registry::Handlers() const {
  HandlerTable table;
  for (const auto* definition : families_) AddHandlers(*definition, table);
  return table;
}

std::vector<ServiceCoverage> CoverageOf(const HandlerTable& handlers) {
  std::vector<ServiceCoverage> coverage;
  for (const auto& service : model::Services()) {
    ServiceCoverage entry{&service, 0, {}};
    for (const auto& operation : service.Operations()) {
      ++entry.operations;
      if (!handlers.Find(operation)) entry.not_implemented.push_back(operation.name);
    }
    coverage.push_back(std::move(entry));
  }
  return coverage;
}

}  // namespace cfl::engine
