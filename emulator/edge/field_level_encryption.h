// Field-level encryption of POST bodies at the edge. A cache behavior that
// names a field-level encryption config (FieldLevelEncryptionId) has the
// fields of an application/x-www-form-urlencoded POST body that match its
// profile encrypted before the body reaches the origin:
//   - the profile is the one the query argument fle-profile names through
//     the config's QueryArgProfileConfig; without fle-profile, the one its
//     ContentTypeProfileConfig maps the body's media type to; an unknown
//     fle-profile value or media type forwards the body unencrypted when the
//     config's Forward...IsUnknown says so, else is refused (400);
//   - a field matches a FieldPattern by its exact name or, for "abc*", by
//     starting with abc (case-sensitive); its form-decoded value is replaced
//     by an AWS Encryption SDK message (algorithm suite 0x0178, AES-256-GCM
//     with an HKDF-SHA256 derived key, one encrypted data key made with
//     RSA-OAEP SHA-256 / MGF1 SHA-256 under the public key, the provider id as
//     key namespace and the public key id as key name), base64 and
//     percent-encoded;
//   - a body over 1 MiB is refused (413); a field to encrypt whose value is
//     not valid percent-encoding or longer than 16 KiB, or more than 10
//     fields to encrypt, are refused (400).
// Other methods, behaviors without a config and other fields pass unchanged.
//
// Everything here is a pure function of its arguments except
// FieldLevelEncrypted, which reads configs, profiles and public keys through
// the store; all of it is safe to call from any number of threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/common/json.h"

#include "emulator/edge/edge_types.h"
#include "store/store.h"

namespace cfl::edge {

// CloudFront's limits for field-level encryption.
inline constexpr std::size_t kMaxEncryptedBody = std::size_t{1} << 20;
inline constexpr std::size_t kMaxEncryptedField = std::size_t{16} << 10;
inline constexpr std::size_t kMaxEncryptedFields = 10;  // fields encrypted in one request

// Whether a form field's (decoded) name matches a FieldPattern.
bool FieldPatternMatches(std::string_view pattern, std::string_view field);

// Which profile a request's body gets under a config (the config's JSON).
struct ProfileChoice {
  enum class Kind { kEncrypt, kForward, kRefuse };
  Kind kind = Kind::kForward;
  std::string profile_id = {};  // kEncrypt
};
ProfileChoice ChooseProfile(const cfl::Json& config, std::string_view content_type, std::string_view query);

// One EncryptionEntity of a profile, with its public key's PEM.
struct FieldEncryptionKey {
  std::string provider_id;
  std::string public_key_id;
  std::string public_key_pem;
  std::vector<std::string> field_patterns;
};

// An AWS Encryption SDK message (version 1, framed, suite 0x0178, empty
// encryption context) holding plaintext for the raw RSA key (key namespace
// provider_id, key name public_key_id); nullopt when the PEM is not an RSA
// public key or the cryptography fails.
std::optional<std::string> EncryptionSdkMessage(std::string_view plaintext, const FieldEncryptionKey& key);

// What becomes of a body.
struct FormEncryption {
  std::optional<std::string> body;  // the body to forward (nullopt: refused)
  int status = 0;                   // the refusal's status
};
// Encrypts the fields of a form body that the keys' patterns match.
FormEncryption EncryptFormFields(std::string_view body, const std::vector<FieldEncryptionKey>& keys);

// For a POST whose behavior names a field-level encryption config: the body
// to forward (encrypted), or a refusal page, of the versions of the config,
// profile and keys deployed at now_ms. Nothing to do: body unset, no refusal.
struct FieldLevelOutcome {
  std::optional<std::string> body;
  std::optional<ViewerResponse> refusal;
};
FieldLevelOutcome FieldLevelEncrypted(store::Store& store, const std::string& account, const cfl::Json& behavior,
                                      std::int64_t now_ms, const ViewerRequest& request, std::string_view query,
                                      const std::string& cf_id);

}  // namespace cfl::edge
