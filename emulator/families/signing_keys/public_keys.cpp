#include "emulator/families/signing_keys/public_keys.h"

#include <algorithm>

#include "emulator/common/clock.h"
#include "emulator/common/ids.h"
#include "emulator/engine/family.h"
#include "emulator/engine/projection.h"

namespace cfl::families {
namespace {

using namespace engine;  // NOLINT: a family is written in the engine's terms

constexpr std::string_view kBegin = "-----BEGIN PUBLIC KEY-----";
constexpr std::string_view kEnd = "-----END PUBLIC KEY-----";
constexpr std::string_view kCallerKeyPrefix = "caller-reference:";

std::string_view Trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

// Only the comment of a public key may change.
Result<Ok, ApiError> CheckImmutable(const Json& config, const Resource& current) {
  for (const std::string_view member : {"CallerReference", "Name"}) {
    if (StringMember(config, member) != StringMember(current.config(), member)) {
      return Fail(errors::CannotChangeImmutablePublicKeyFields(
          "You can't change the value of a public key: " + std::string(member) + " can't be changed."));
    }
  }
  if (Trim(StringMember(config, "EncodedKey")) != Trim(StringMember(current.config(), "EncodedKey"))) {
    return Fail(errors::CannotChangeImmutablePublicKeyFields(
        "You can't change the value of a public key: EncodedKey can't be changed."));
  }
  return Ok{};
}

Result<Ok, ApiError> Prepare(RequestContext&, Json& config, const Resource* current) {
  const std::string name = StringMember(config, "Name");
  if (name.empty() || name.size() > 128) {
    return Fail(errors::InvalidArgument("The name of a public key must be 1 to 128 characters."));
  }
  if (config.value("Comment", "").size() > 128)
    return Fail(errors::InvalidArgument("The parameter Comment is too long."));
  if (!LooksLikePemPublicKey(StringMember(config, "EncodedKey"))) {
    return Fail(
        errors::InvalidArgument("The parameter EncodedKey is not a PEM-encoded public key (-----BEGIN PUBLIC "
                                "KEY----- … -----END PUBLIC KEY-----)."));
  }
  if (current) return CheckImmutable(config, *current);
  return Ok{};
}

Json Attributes(const Resource& resource) {
  return {{"Id", resource.id()}, {"CreatedTime", FormatIso8601(resource.record.created_ms)}};
}

FamilyDefinition MakeDefinition() {
  Family family;
  family.kind = "public-key";
  family.noun = "public key";
  family.errors = {.not_found = errors::NoSuchPublicKey,
                   .already_exists = errors::PublicKeyAlreadyExists,
                   .limit = errors::TooManyPublicKeys};
  // The caller reference is a unique key of its own (not the engine's
  // caller_reference_member): changing it is CannotChangeImmutablePublicKeyFields.
  family.max_per_account = [](const RequestContext&) -> std::optional<std::int64_t> { return 10; };
  family.new_id = [] { return ids::Random("K", 13, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"); };
  family.prepare = Prepare;
  family.unique_keys = [](const Json& config) {
    return std::vector<std::string>{std::string(kCallerKeyPrefix) + StringMember(config, "CallerReference")};
  };
  family.key_conflict = [](const store::StoreError& error) {
    return errors::PublicKeyAlreadyExists("The specified public key already exists. Already exists: " +
                                          error.conflicting_id);
  };
  family.render = [](const RequestContext&, const Resource& resource, bool) {
    Json key = Attributes(resource);
    key["PublicKeyConfig"] = resource.ConfigForAnswer();
    return key;
  };
  family.summarize = [](const RequestContext&, const Resource& resource) {
    const Json attributes = Attributes(resource);
    return Project("PublicKeySummary", {&attributes, &resource.config()});
  };
  return {std::move(family),
          {{"CreatePublicKey", Verb::kCreate},
           {"GetPublicKey", Verb::kGet},
           {"GetPublicKeyConfig", Verb::kGetConfig},
           {"UpdatePublicKey", Verb::kUpdate, nullptr, {}, {errors::CannotChangeImmutablePublicKeyFields}},
           {"DeletePublicKey", Verb::kDelete},
           {"ListPublicKeys", Verb::kList}},
          {errors::InvalidArgument}};
}

}  // namespace

bool LooksLikePemPublicKey(std::string_view text) {
  text = Trim(text);
  if (!text.starts_with(kBegin) || !text.ends_with(kEnd)) return false;
  const std::string_view body = text.substr(kBegin.size(), text.size() - kBegin.size() - kEnd.size());
  std::size_t base64_chars = 0;
  for (const char c : body) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/') {
      ++base64_chars;
    } else if (c != '=' && c != '\n' && c != '\r' && c != ' ' && c != '\t') {
      return false;
    }
  }
  return base64_chars > 0;
}

const engine::FamilyDefinition& PublicKeyDefinition() {
  static const engine::FamilyDefinition definition = MakeDefinition();
  return definition;
}

}  // namespace cfl::families
