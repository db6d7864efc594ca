#include "emulator/edge/field_level_encryption.h"

#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include <array>
#include <cctype>
#include <memory>

#include "emulator/codec/wire_text.h"
#include "emulator/common/openssl_handles.h"
#include "emulator/edge/deployed_configs.h"
#include "emulator/edge/error_pages.h"

namespace cfl::edge {
namespace {

using Json = cfl::Json;

// The AWS Encryption SDK's algorithm suite 0x0178:
// AES_256_GCM_IV12_TAG16_HKDF_SHA256 (no signature, no key commitment).
constexpr std::uint16_t kAlgorithmId = 0x0178;
constexpr std::size_t kDataKeyBytes = 32;
constexpr std::size_t kIvBytes = 12;
constexpr std::size_t kTagBytes = 16;
constexpr std::uint32_t kFrameLength = 4096;
constexpr std::string_view kFormType = "application/x-www-form-urlencoded";
constexpr std::string_view kProfileQueryArgument = "fle-profile";

void AppendUint16(std::string& out, std::size_t value) {
  out += static_cast<char>((value >> 8) & 0xff);
  out += static_cast<char>(value & 0xff);
}

void AppendUint32(std::string& out, std::uint64_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((value >> shift) & 0xff);
}

void AppendUint64(std::string& out, std::uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((value >> shift) & 0xff);
}

std::optional<std::string> RandomBytes(std::size_t count) {
  std::string bytes(count, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(count)) != 1) return std::nullopt;
  return bytes;
}

// RSA-OAEP with SHA-256 and MGF1 SHA-256 ("RSA/ECB/OAEPWithSHA-256AndMGF1Padding").
std::optional<std::string> RsaOaepEncrypt(std::string_view pem, std::string_view plaintext) {
  const openssl::Key key = openssl::PublicKeyFromPem(pem);
  if (!key || EVP_PKEY_base_id(key.get()) != EVP_PKEY_RSA) return std::nullopt;
  openssl::KeyContext context(EVP_PKEY_CTX_new(key.get(), nullptr));
  if (!context || EVP_PKEY_encrypt_init(context.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(context.get(), RSA_PKCS1_OAEP_PADDING) != 1 ||
      EVP_PKEY_CTX_set_rsa_oaep_md(context.get(), EVP_sha256()) != 1 ||
      EVP_PKEY_CTX_set_rsa_mgf1_md(context.get(), EVP_sha256()) != 1) {
    return std::nullopt;
  }
  const auto* in = reinterpret_cast<const unsigned char*>(plaintext.data());
  std::size_t length = 0;
  if (EVP_PKEY_encrypt(context.get(), nullptr, &length, in, plaintext.size()) != 1) return std::nullopt;
  std::string out(length, '\0');
  if (EVP_PKEY_encrypt(context.get(), reinterpret_cast<unsigned char*>(out.data()), &length, in, plaintext.size()) !=
      1) {
    return std::nullopt;
  }
  out.resize(length);
  return out;
}

// HKDF-SHA256 without salt, info = algorithm id + message id (the suite's key derivation).
std::optional<std::string> DeriveKey(std::string_view data_key, std::string_view info) {
  openssl::KeyContext context(EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr));
  std::string out(kDataKeyBytes, '\0');
  std::size_t length = out.size();
  if (!context || EVP_PKEY_derive_init(context.get()) != 1 ||
      EVP_PKEY_CTX_set_hkdf_md(context.get(), EVP_sha256()) != 1 ||
      EVP_PKEY_CTX_set1_hkdf_key(context.get(), reinterpret_cast<const unsigned char*>(data_key.data()),
                                 static_cast<int>(data_key.size())) != 1 ||
      EVP_PKEY_CTX_add1_hkdf_info(context.get(), reinterpret_cast<const unsigned char*>(info.data()),
                                  static_cast<int>(info.size())) != 1 ||
      EVP_PKEY_derive(context.get(), reinterpret_cast<unsigned char*>(out.data()), &length) != 1 ||
      length != out.size()) {
    return std::nullopt;
  }
  return out;
}

// AES-256-GCM: the ciphertext followed by its 16-byte tag.
std::optional<std::string> AesGcm(std::string_view key, std::string_view iv, std::string_view aad,
                                  std::string_view plaintext) {
  openssl::CipherContext context(EVP_CIPHER_CTX_new());
  const auto bytes = [](std::string_view text) { return reinterpret_cast<const unsigned char*>(text.data()); };
  if (!context || EVP_EncryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(iv.size()), nullptr) != 1 ||
      EVP_EncryptInit_ex(context.get(), nullptr, nullptr, bytes(key), bytes(iv)) != 1) {
    return std::nullopt;
  }
  int length = 0;
  if (!aad.empty() && EVP_EncryptUpdate(context.get(), nullptr, &length, bytes(aad), static_cast<int>(aad.size())) != 1) {
    return std::nullopt;
  }
  std::string out(plaintext.size() + kTagBytes, '\0');
  auto* cursor = reinterpret_cast<unsigned char*>(out.data());
  if (!plaintext.empty() &&
      EVP_EncryptUpdate(context.get(), cursor, &length, bytes(plaintext), static_cast<int>(plaintext.size())) != 1) {
    return std::nullopt;
  }
  int final_length = 0;
  if (EVP_EncryptFinal_ex(context.get(), cursor + plaintext.size(), &final_length) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes),
                          cursor + plaintext.size()) != 1) {
    return std::nullopt;
  }
  return out;
}

// A frame's IV: its sequence number, big-endian, in the IV's last bytes.
std::string FrameIv(std::uint32_t sequence) {
  std::string iv(kIvBytes - 4, '\0');
  AppendUint32(iv, sequence);
  return iv;
}

// The AAD of a frame's content: message id, content string, sequence number, length.
std::string FrameAad(std::string_view message_id, bool final_frame, std::uint32_t sequence, std::size_t length) {
  std::string aad(message_id);
  aad += final_frame ? "AWSKMSEncryptionClient Final Frame" : "AWSKMSEncryptionClient Frame";
  AppendUint32(aad, sequence);
  AppendUint64(aad, length);
  return aad;
}

std::string MediaType(std::string_view content_type) {
  std::string_view media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && media.front() == ' ') media.remove_prefix(1);
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  std::string lowered(media);
  for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lowered;
}

// A form's name or value: "+" is a space, then %XX sequences.
std::optional<std::string> FormDecode(std::string_view text) {
  std::string spaced(text);
  for (char& c : spaced) {
    if (c == '+') c = ' ';
  }
  return model::PercentDecode(spaced);
}

// Base64's "+", "/" and "=" percent-encoded, so a form decoder gives the base64 back.
std::string FormEncodeBase64(std::string_view base64) {
  std::string out;
  out.reserve(base64.size() + base64.size() / 8);
  for (const char c : base64) {
    if (c == '+') out += "%2B";
    else if (c == '/') out += "%2F";
    else if (c == '=') out += "%3D";
    else out += c;
  }
  return out;
}

// object[member] (a reference into object), or null.
const Json& MemberOf(const Json& object, const char* member) {
  static const Json kNull;
  if (!object.is_object()) return kNull;
  const auto found = object.find(member);
  return found == object.end() ? kNull : *found;
}

// object[member].Items, or an empty array.
const Json& ItemsAt(const Json& object, const char* member) {
  static const Json kNone = Json::array();
  if (!object.is_object()) return kNone;
  const auto found = object.find(member);
  if (found == object.end() || !found->is_object()) return kNone;
  const auto items = found->find("Items");
  return items != found->end() && items->is_array() ? *items : kNone;
}

std::string StringOf(const Json& object, const char* member) {
  if (!object.is_object()) return "";
  const auto found = object.find(member);
  return found != object.end() && found->is_string() ? found->get<std::string>() : "";
}

bool ForwardsWhenUnknown(const Json& config, const char* holder, const char* flag) {
  const auto found = config.find(holder);
  if (found == config.end() || !found->is_object()) return false;
  const auto value = found->find(flag);
  return value != found->end() && value->is_boolean() && value->get<bool>();
}

// The config of a record as deployed at now_ms (its current one while
// nothing older is kept), parsed once per version (deployed_configs.h); null
// when there is no such record or it is not an object.
std::shared_ptr<const Json> DeployedOrCurrent(store::Store& store, const std::string& account, std::string_view kind,
                                              const std::string& id, std::int64_t now_ms) {
  static const auto kNone = std::make_shared<const Json>();
  if (id.empty()) return kNone;
  const auto record = store.Get(account, std::string(kind), id);
  if (!record) return kNone;
  auto config = DeployedOnly(*record, now_ms);
  if (!config) config = CurrentConfig(*record);
  return config ? config : kNone;
}

}  // namespace

bool FieldPatternMatches(std::string_view pattern, std::string_view field) {
  if (pattern.ends_with('*')) return field.starts_with(pattern.substr(0, pattern.size() - 1));
  return pattern == field;
}

ProfileChoice ChooseProfile(const Json& config, std::string_view content_type, std::string_view query) {
  if (!config.is_object()) return {};
  // fle-profile in the query names a profile through the query argument mapping, and wins.
  std::optional<std::string> asked;
  while (!query.empty() && !asked) {
    const auto end = query.find('&');
    const std::string_view pair = query.substr(0, end);
    const auto equals = pair.find('=');
    if (pair.substr(0, equals) == kProfileQueryArgument) {
      asked = FormDecode(equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1)).value_or("");
    }
    if (end == std::string_view::npos) break;
    query.remove_prefix(end + 1);
  }
  if (asked) {
    for (const auto& mapping : ItemsAt(MemberOf(config, "QueryArgProfileConfig"), "QueryArgProfiles")) {
      if (StringOf(mapping, "QueryArg") == *asked) return {ProfileChoice::Kind::kEncrypt, StringOf(mapping, "ProfileId")};
    }
    return {ForwardsWhenUnknown(config, "QueryArgProfileConfig", "ForwardWhenQueryArgProfileIsUnknown")
                ? ProfileChoice::Kind::kForward
                : ProfileChoice::Kind::kRefuse};
  }
  const std::string media = MediaType(content_type);
  for (const auto& mapping :
       ItemsAt(MemberOf(config, "ContentTypeProfileConfig"), "ContentTypeProfiles")) {
    if (!media.empty() && MediaType(StringOf(mapping, "ContentType")) == media) {
      const std::string profile = StringOf(mapping, "ProfileId");
      // A content type mapped to no profile is known: its bodies pass unencrypted.
      if (profile.empty()) return {ProfileChoice::Kind::kForward};
      return {ProfileChoice::Kind::kEncrypt, profile};
    }
  }
  return {ForwardsWhenUnknown(config, "ContentTypeProfileConfig", "ForwardWhenContentTypeIsUnknown")
              ? ProfileChoice::Kind::kForward
              : ProfileChoice::Kind::kRefuse};
}

std::optional<std::string> EncryptionSdkMessage(std::string_view plaintext, const FieldEncryptionKey& key) {
  const auto data_key = RandomBytes(kDataKeyBytes);
  const auto message_id = RandomBytes(16);
  if (!data_key || !message_id) return std::nullopt;
  const auto encrypted_key = RsaOaepEncrypt(key.public_key_pem, *data_key);
  if (!encrypted_key || key.provider_id.size() > 0xffff || key.public_key_id.size() > 0xffff) return std::nullopt;

  std::string header;
  header += static_cast<char>(0x01);  // version 1
  header += static_cast<char>(0x80);  // type: customer authenticated encrypted data
  AppendUint16(header, kAlgorithmId);
  header += *message_id;
  AppendUint16(header, 0);  // an empty encryption context: no AAD
  AppendUint16(header, 1);  // one encrypted data key
  AppendUint16(header, key.provider_id.size());
  header += key.provider_id;
  AppendUint16(header, key.public_key_id.size());
  header += key.public_key_id;
  AppendUint16(header, encrypted_key->size());
  header += *encrypted_key;
  header += static_cast<char>(0x02);  // framed content
  AppendUint32(header, 0);            // reserved
  header += static_cast<char>(kIvBytes);
  AppendUint32(header, kFrameLength);

  std::string info;
  AppendUint16(info, kAlgorithmId);
  info += *message_id;
  const auto derived = DeriveKey(*data_key, info);
  if (!derived) return std::nullopt;
  const std::string header_iv(kIvBytes, '\0');
  const auto header_tag = AesGcm(*derived, header_iv, header, "");
  if (!header_tag) return std::nullopt;

  std::string message = header + header_iv + *header_tag;
  std::uint32_t sequence = 1;
  while (plaintext.size() > kFrameLength) {
    const std::string iv = FrameIv(sequence);
    const auto sealed = AesGcm(*derived, iv, FrameAad(*message_id, false, sequence, kFrameLength),
                               plaintext.substr(0, kFrameLength));
    if (!sealed) return std::nullopt;
    AppendUint32(message, sequence);
    message += iv + *sealed;
    plaintext.remove_prefix(kFrameLength);
    ++sequence;
  }
  const std::string iv = FrameIv(sequence);
  const auto sealed = AesGcm(*derived, iv, FrameAad(*message_id, true, sequence, plaintext.size()), plaintext);
  if (!sealed) return std::nullopt;
  AppendUint32(message, 0xffffffffu);  // the final frame's marker
  AppendUint32(message, sequence);
  message += iv;
  AppendUint32(message, plaintext.size());
  message += *sealed;
  return message;
}

FormEncryption EncryptFormFields(std::string_view body, const std::vector<FieldEncryptionKey>& keys) {
  if (body.size() > kMaxEncryptedBody) return {std::nullopt, 413};
  std::string out;
  out.reserve(body.size());
  std::string_view rest = body;
  bool first = true;
  std::size_t encrypted_fields = 0;
  while (true) {
    const auto end = rest.find('&');
    const std::string_view pair = rest.substr(0, end);
    if (!first) out += '&';
    first = false;
    const auto equals = pair.find('=');
    const auto name = FormDecode(pair.substr(0, equals));
    if (!name) return {std::nullopt, 400};
    const FieldEncryptionKey* matched = nullptr;
    for (const auto& key : keys) {
      for (const auto& pattern : key.field_patterns) {
        if (!matched && FieldPatternMatches(pattern, *name)) matched = &key;
      }
    }
    if (!matched) {
      out += pair;
    } else {
      const auto value = FormDecode(equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1));
      if (!value || value->size() > kMaxEncryptedField || ++encrypted_fields > kMaxEncryptedFields) {
        return {std::nullopt, 400};
      }
      const auto message = EncryptionSdkMessage(*value, *matched);
      if (!message) return {std::nullopt, 502};
      out += pair.substr(0, equals);
      out += '=';
      out += FormEncodeBase64(model::Base64Encode(*message));
    }
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  return {std::move(out), 0};
}

FieldLevelOutcome FieldLevelEncrypted(store::Store& store, const std::string& account, const Json& behavior,
                                      std::int64_t now_ms, const ViewerRequest& request, std::string_view query,
                                      const std::string& cf_id) {
  if (request.method != "POST") return {};
  const std::string config_id = StringOf(behavior, "FieldLevelEncryptionId");
  if (config_id.empty()) return {};
  const auto refuse = [&](int status) { return FieldLevelOutcome{std::nullopt, ErrorPage(status, kBadRequestText, cf_id)}; };
  const auto deployed = DeployedOrCurrent(store, account, "field-level-encryption-config", config_id, now_ms);
  const Json& config = *deployed;
  const std::string content_type = HeaderValue(request.headers, "Content-Type");
  ProfileChoice choice = ChooseProfile(config, content_type, query);
  // Only form bodies have fields to find: another body chosen by fle-profile is an unknown content type.
  if (choice.kind == ProfileChoice::Kind::kEncrypt && MediaType(content_type) != kFormType) {
    choice.kind = ForwardsWhenUnknown(config, "ContentTypeProfileConfig", "ForwardWhenContentTypeIsUnknown")
                      ? ProfileChoice::Kind::kForward
                      : ProfileChoice::Kind::kRefuse;
  }
  if (choice.kind == ProfileChoice::Kind::kRefuse) return refuse(400);
  if (choice.kind == ProfileChoice::Kind::kForward) return {};
  if (request.body.size() > kMaxEncryptedBody) return refuse(413);
  const auto deployed_profile =
      DeployedOrCurrent(store, account, "field-level-encryption-profile", choice.profile_id, now_ms);
  const Json& profile = *deployed_profile;
  std::vector<FieldEncryptionKey> keys;
  for (const auto& entity : ItemsAt(profile, "EncryptionEntities")) {
    FieldEncryptionKey key{StringOf(entity, "ProviderId"), StringOf(entity, "PublicKeyId"), "", {}};
    const auto public_key = store.Get(account, "public-key", key.public_key_id);
    if (!public_key) return refuse(502);  // a profile's key can't be deleted; only a torn read gets here
    key.public_key_pem = StringOf(Json::parse(public_key->document, nullptr, false), "EncodedKey");
    for (const auto& pattern : ItemsAt(entity, "FieldPatterns")) {
      if (pattern.is_string()) key.field_patterns.push_back(pattern.get<std::string>());
    }
    keys.push_back(std::move(key));
  }
  FormEncryption encrypted = EncryptFormFields(request.body, keys);
  if (!encrypted.body) return refuse(encrypted.status);
  return {std::move(encrypted.body), std::nullopt};
}

}  // namespace cfl::edge
