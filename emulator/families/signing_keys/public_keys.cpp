#include "emulator/families/signing_keys/public_keys.h"

#include <algorithm>

#include "emulator/common/clock.h"
#include "emulator/common/ids.h"
#include "emulator/engine/crud_operations.h"
#include "emulator/families/distributions/distribution_references.h"
#include "emulator/engine/projection.h"

namespace cfl::handlers {
namespace {

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
    if (StringMember(config, member) != StringMember(current.config, member)) {
      return Fail(MakeError("CannotChangeImmutablePublicKeyFields",
                            "You can't change the value of a public key: " + std::string(member) +
                                " can't be changed."));
    }
  }
  if (Trim(StringMember(config, "EncodedKey")) != Trim(StringMember(current.config, "EncodedKey"))) {
    return Fail(MakeError("CannotChangeImmutablePublicKeyFields",
                          "You can't change the value of a public key: EncodedKey can't be changed."));
  }
  return Ok{};
}

Result<Ok, ApiError> Prepare(RequestContext&, Json& config, const Resource* current) {
  const std::string name = StringMember(config, "Name");
  if (name.empty() || name.size() > 128) {
    return Fail(InvalidArgument("The name of a public key must be 1 to 128 characters."));
  }
  if (config.value("Comment", "").size() > 128) return Fail(InvalidArgument("The parameter Comment is too long."));
  if (!LooksLikePemPublicKey(StringMember(config, "EncodedKey"))) {
    return Fail(InvalidArgument("The parameter EncodedKey is not a PEM-encoded public key (-----BEGIN PUBLIC "
                                "KEY----- … -----END PUBLIC KEY-----)."));
  }
  if (current) return CheckImmutable(config, *current);
  return Ok{};
}

ResourceFamily MakeFamily() {
  ResourceFamily family;
  family.kind = "public-key";
  family.not_found_code = "NoSuchPublicKey";
  family.not_found_message = "The specified public key doesn't exist.";
  family.already_exists_code = "PublicKeyAlreadyExists";
  family.already_exists_message = "The specified public key already exists. Already exists: ";
  // The caller reference is a unique key of its own (not the engine's
  // caller_reference_member): changing it is CannotChangeImmutablePublicKeyFields.
  family.caller_reference_member = "";
  family.in_use_code = "PublicKeyInUse";
  family.in_use_message = "The specified public key is in use.";
  family.limit_code = "TooManyPublicKeys";
  family.limit_message = "The maximum number of public keys have been created. To create a new public key, delete "
                         "one of the existing keys.";
  family.max_per_account = [](const RequestContext&) -> std::optional<std::int64_t> { return 10; };
  family.new_id = [] { return ids::Random("K", 13, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"); };
  family.prepare = Prepare;
  family.unique_keys = [](const Json& config) {
    return std::vector<std::string>{std::string(kCallerKeyPrefix) + StringMember(config, "CallerReference")};
  };
  family.key_conflict = [](const store::StoreError& error) {
    return MakeError("PublicKeyAlreadyExists",
                     "The specified public key already exists. Already exists: " + error.conflicting_id);
  };
  return family;
}

Json Attributes(const Resource& resource) {
  return {{"Id", resource.id()}, {"CreatedTime", FormatIso8601(resource.record.created_ms)}};
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

const ResourceFamily& PublicKeyFamily() {
  static const ResourceFamily family = MakeFamily();
  return family;
}

void RegisterPublicKeyHandlers(HandlerTable& table) {
  CrudSpec spec;
  spec.family = &PublicKeyFamily();
  spec.resource_member = "PublicKey";
  spec.config_member = "PublicKeyConfig";
  spec.collection = "public-key";
  spec.list_operation = "ListPublicKeys";
  spec.list_member = "PublicKeyList";
  spec.render = [](const RequestContext&, const Resource& resource, bool) {
    Json key = Attributes(resource);
    key["PublicKeyConfig"] = resource.config;
    return key;
  };
  spec.summarize = [](const RequestContext&, const Resource& resource) {
    const Json attributes = Attributes(resource);
    return Project("PublicKeySummary", {&attributes, &resource.config});
  };
  spec.delete_guard = [](const std::string& id) { return Reference(reference::kPublicKey, id); };
  RegisterCrud(table, spec);
}

}  // namespace cfl::handlers
