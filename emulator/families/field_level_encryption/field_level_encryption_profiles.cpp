// Field-level encryption profiles: Create, Get, GetConfig, Update, Delete,
// List. A profile encrypts named request-body fields with public keys (each
// a reference: the key cannot be deleted while a profile names it), and is
// referenced by field-level encryption configs.
#include <algorithm>
#include <set>

#include "emulator/common/clock.h"
#include "emulator/common/ids.h"
#include "emulator/engine/family.h"
#include "emulator/engine/projection.h"
#include "emulator/families/policies/managed_policies.h"

namespace cfl::families {
namespace {

using namespace engine;  // NOLINT: a family is written in the engine's terms

// Quotas: 10 profiles per account, 10 fields to encrypt per profile; the size
// of a profile (its field patterns and provider ids) is the emulator's choice
// (README, "Field-level encryption").
constexpr std::size_t kMaxEncryptionEntities = 10;
constexpr std::size_t kMaxFieldPatterns = 10;
constexpr std::size_t kMaxProfileSize = 1024;

// "abc*" covers every field starting with abc.
bool Overlap(const std::string& a, const std::string& b) {
  const auto covers = [](const std::string& pattern, const std::string& field) {
    return pattern.ends_with('*') && field.starts_with(std::string_view(pattern).substr(0, pattern.size() - 1));
  };
  return a == b || covers(a, b) || covers(b, a);
}

Result<Ok, ApiError> CheckEntities(const Json& config) {
  const Json entities = ItemsOf(MemberOf(config, "EncryptionEntities"));
  if (entities.empty()) return Fail(errors::InvalidArgument("A profile needs at least one encryption entity."));
  if (entities.size() > kMaxEncryptionEntities) {
    return Fail(errors::TooManyFieldLevelEncryptionEncryptionEntities(
        "The number of encryption entities in a profile exceeds the maximum of 10."));
  }
  std::vector<std::string> patterns;
  std::size_t size = 0;
  for (const auto& entity : entities) {
    const Json fields = ItemsOf(MemberOf(entity, "FieldPatterns"));
    if (fields.empty()) return Fail(errors::InvalidArgument("An encryption entity needs at least one field pattern."));
    size += StringMember(entity, "ProviderId").size();
    for (const auto& field : fields) {
      const std::string pattern = field.is_string() ? field.get<std::string>() : "";
      if (pattern.empty() || pattern == "*") {
        return Fail(errors::InvalidArgument("A field pattern must name a field (a prefix before * at least)."));
      }
      for (const auto& other : patterns) {
        if (Overlap(pattern, other)) {
          return Fail(errors::InvalidArgument("The field patterns " + other + " and " + pattern + " overlap."));
        }
      }
      patterns.push_back(pattern);
      size += pattern.size();
    }
  }
  if (patterns.size() > kMaxFieldPatterns) {
    return Fail(errors::TooManyFieldLevelEncryptionFieldPatterns(
        "The number of field patterns in a profile exceeds the maximum of 10."));
  }
  if (size > kMaxProfileSize) {
    return Fail(errors::FieldLevelEncryptionProfileSizeExceeded(
        "The field patterns and provider ids of a profile exceed 1024 characters."));
  }
  return Ok{};
}

// Whether the public keys exist is the store's check (families/references.cpp).
Result<Ok, ApiError> Prepare(RequestContext&, Json& config, const Resource*) {
  if (auto check = policy_rules::CheckName(config, "field-level encryption profile"); !check) return check;
  if (auto check = policy_rules::CheckComment(config); !check) return check;
  return CheckEntities(config);
}

Json Attributes(const Resource& resource) {
  return {{"Id", resource.id()}, {"LastModifiedTime", FormatIso8601(resource.record.modified_ms)}};
}

FamilyDefinition MakeDefinition() {
  Family family;
  family.kind = "field-level-encryption-profile";
  family.noun = "field-level encryption profile";
  family.errors = {.not_found = errors::NoSuchFieldLevelEncryptionProfile,
                   .already_exists = errors::FieldLevelEncryptionProfileAlreadyExists,
                   .limit = errors::TooManyFieldLevelEncryptionProfiles};
  family.caller_reference_member = "CallerReference";
  family.unique_name_member = "Name";
  family.max_per_account = [](const RequestContext&) -> std::optional<std::int64_t> { return 10; };
  // The edge uses a change once it has propagated (no Status in the API; the
  // previous version is kept for the edge meanwhile: engine/deployed.h).
  family.settle_delay_ms = [](const RequestContext& ctx) { return ctx.services.settings.propagation_delay_ms.load(); };
  family.settles_on_create = false;  // nothing uses a new one yet
  family.new_id = [] { return ids::Random("P", 13, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"); };
  family.prepare = Prepare;
  family.render = [](const RequestContext&, const Resource& resource, bool) {
    Json profile = Attributes(resource);
    profile["FieldLevelEncryptionProfileConfig"] = resource.ConfigForAnswer();
    return profile;
  };
  family.summarize = [](const RequestContext&, const Resource& resource) {
    const Json attributes = Attributes(resource);
    return Project("FieldLevelEncryptionProfileSummary", {&attributes, &resource.config()});
  };
  return {std::move(family),
          {{"CreateFieldLevelEncryptionProfile", Verb::kCreate},
           {"GetFieldLevelEncryptionProfile", Verb::kGet},
           {"GetFieldLevelEncryptionProfileConfig", Verb::kGetConfig},
           {"UpdateFieldLevelEncryptionProfile", Verb::kUpdate},
           {"DeleteFieldLevelEncryptionProfile", Verb::kDelete},
           {"ListFieldLevelEncryptionProfiles", Verb::kList}},
          {errors::InvalidArgument, errors::TooManyFieldLevelEncryptionEncryptionEntities,
           errors::TooManyFieldLevelEncryptionFieldPatterns, errors::FieldLevelEncryptionProfileSizeExceeded}};
}

}  // namespace

const engine::FamilyDefinition& FieldLevelEncryptionProfileDefinition() {
  static const engine::FamilyDefinition definition = MakeDefinition();
  return definition;
}

}  // namespace cfl::families
