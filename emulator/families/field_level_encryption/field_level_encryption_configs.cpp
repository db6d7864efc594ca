// Field-level encryption configs: Create, Get (GetFieldLevelEncryption),
// GetConfig, Update, Delete, List. A config maps query arguments and content
// types to profiles (references: a profile in use cannot be deleted), and
// cache behaviors name configs by FieldLevelEncryptionId.
#include <set>

#include "emulator/common/clock.h"
#include "emulator/common/ids.h"
#include "emulator/engine/family.h"
#include "emulator/engine/projection.h"

namespace cfl::families {
namespace {

using namespace engine;  // NOLINT: a family is written in the engine's terms

// Quotas: 10 configs per account, 5 query argument and 10 content type
// profile mappings per config.
constexpr std::size_t kMaxQueryArgProfiles = 5;
constexpr std::size_t kMaxContentTypeProfiles = 10;

Json ProfilesOf(const Json& config, std::string_view holder, std::string_view list) {
  const auto found = config.find(holder);
  if (found == config.end() || !found->is_object()) return Json::array();
  return ItemsOf(MemberOf(*found, list));
}

Result<Ok, ApiError> CheckQueryArgProfiles(const Json& config) {
  const Json profiles = ProfilesOf(config, "QueryArgProfileConfig", "QueryArgProfiles");
  if (profiles.size() > kMaxQueryArgProfiles) {
    return Fail(errors::TooManyFieldLevelEncryptionQueryArgProfiles(
        "The number of query argument profiles in a field-level encryption config exceeds the maximum of 5."));
  }
  std::set<std::string> arguments;
  for (const auto& profile : profiles) {
    if (StringMember(profile, "ProfileId").empty()) {
      return Fail(errors::QueryArgProfileEmpty(
          "No profile specified for the field-level encryption query argument " + StringMember(profile, "QueryArg")));
    }
    if (!arguments.insert(StringMember(profile, "QueryArg")).second) {
      return Fail(errors::InvalidArgument("The query argument " + StringMember(profile, "QueryArg") +
                                          " is mapped to more than one profile."));
    }
  }
  return Ok{};
}

Result<Ok, ApiError> CheckContentTypeProfiles(const Json& config) {
  const Json profiles = ProfilesOf(config, "ContentTypeProfileConfig", "ContentTypeProfiles");
  if (profiles.size() > kMaxContentTypeProfiles) {
    return Fail(errors::TooManyFieldLevelEncryptionContentTypeProfiles(
        "The number of content type profiles in a field-level encryption config exceeds the maximum of 10."));
  }
  std::set<std::string> types;
  for (const auto& profile : profiles) {
    if (!types.insert(StringMember(profile, "ContentType")).second) {
      return Fail(errors::InvalidArgument("The content type " + StringMember(profile, "ContentType") +
                                          " is mapped to more than one profile."));
    }
  }
  return Ok{};
}

// Whether the profiles exist is the store's check (families/references.cpp).
Result<Ok, ApiError> Prepare(RequestContext&, Json& config, const Resource*) {
  if (config.value("Comment", "").size() > 128) return Fail(errors::InvalidArgument("The parameter Comment is too long."));
  if (auto check = CheckQueryArgProfiles(config); !check) return check;
  return CheckContentTypeProfiles(config);
}

Json Attributes(const Resource& resource) {
  return {{"Id", resource.id()}, {"LastModifiedTime", FormatIso8601(resource.record.modified_ms)}};
}

FamilyDefinition MakeDefinition() {
  Family family;
  family.kind = "field-level-encryption-config";
  family.noun = "field-level encryption config";
  family.errors = {.not_found = errors::NoSuchFieldLevelEncryptionConfig,
                   .already_exists = errors::FieldLevelEncryptionConfigAlreadyExists,
                   .limit = errors::TooManyFieldLevelEncryptionConfigs};
  family.caller_reference_member = "CallerReference";
  family.max_per_account = [](const RequestContext&) -> std::optional<std::int64_t> { return 10; };
  // The edge uses a change once it has propagated (no Status in the API; the
  // previous version is kept for the edge meanwhile: engine/deployed.h).
  family.settle_delay_ms = [](const RequestContext& ctx) { return ctx.services.settings.propagation_delay_ms.load(); };
  family.settles_on_create = false;  // nothing uses a new one yet
  family.new_id = [] { return ids::Random("C", 13, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"); };
  family.prepare = Prepare;
  family.render = [](const RequestContext&, const Resource& resource, bool) {
    Json encryption = Attributes(resource);
    encryption["FieldLevelEncryptionConfig"] = resource.ConfigForAnswer();
    return encryption;
  };
  family.summarize = [](const RequestContext&, const Resource& resource) {
    const Json attributes = Attributes(resource);
    return Project("FieldLevelEncryptionSummary", {&attributes, &resource.config()});
  };
  return {std::move(family),
          {{"CreateFieldLevelEncryptionConfig", Verb::kCreate},
           {"GetFieldLevelEncryption", Verb::kGet},
           {"GetFieldLevelEncryptionConfig", Verb::kGetConfig},
           {"UpdateFieldLevelEncryptionConfig", Verb::kUpdate},
           {"DeleteFieldLevelEncryptionConfig", Verb::kDelete},
           {"ListFieldLevelEncryptionConfigs", Verb::kList}},
          {errors::InvalidArgument, errors::QueryArgProfileEmpty, errors::TooManyFieldLevelEncryptionQueryArgProfiles,
           errors::TooManyFieldLevelEncryptionContentTypeProfiles}};
}

}  // namespace

const engine::FamilyDefinition& FieldLevelEncryptionConfigDefinition() {
  static const engine::FamilyDefinition definition = MakeDefinition();
  return definition;
}

}  // namespace cfl::families
