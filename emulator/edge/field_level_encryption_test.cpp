#include "emulator/edge/field_level_encryption.h"

#include <doctest/doctest.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <memory>

#include "emulator/codec/wire_text.h"
#include "emulator/common/openssl_handles.h"

namespace cfl::edge {
namespace {

using Json = cfl::Json;

// An RSA key pair made for the test, and a reader of AWS Encryption SDK
// messages written from the format's description (not from the encoder).
class TestKey {
 public:
  TestKey() : key_(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048)), EVP_PKEY_free) {
    REQUIRE(key_);
  }

  std::string PublicPem() const { return openssl::PublicKeyPem(key_.get()); }

  std::string OaepDecrypt(std::string_view encrypted) const {
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> context(EVP_PKEY_CTX_new(key_.get(), nullptr),
                                                                        EVP_PKEY_CTX_free);
    REQUIRE(EVP_PKEY_decrypt_init(context.get()) == 1);
    REQUIRE(EVP_PKEY_CTX_set_rsa_padding(context.get(), RSA_PKCS1_OAEP_PADDING) == 1);
    REQUIRE(EVP_PKEY_CTX_set_rsa_oaep_md(context.get(), EVP_sha256()) == 1);
    REQUIRE(EVP_PKEY_CTX_set_rsa_mgf1_md(context.get(), EVP_sha256()) == 1);
    std::size_t size = 512;
    std::string out(size, '\0');
    REQUIRE(EVP_PKEY_decrypt(context.get(), reinterpret_cast<unsigned char*>(out.data()), &size,
                             reinterpret_cast<const unsigned char*>(encrypted.data()), encrypted.size()) == 1);
    out.resize(size);
    return out;
  }

 private:
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key_;
};

class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  std::uint64_t Number(int width) {
    REQUIRE(position_ + width <= bytes_.size());
    std::uint64_t value = 0;
    for (int i = 0; i < width; ++i) value = (value << 8) | static_cast<unsigned char>(bytes_[position_++]);
    return value;
  }
  std::string Bytes(std::size_t count) {
    REQUIRE(position_ + count <= bytes_.size());
    std::string out(bytes_.substr(position_, count));
    position_ += count;
    return out;
  }
  std::size_t position() const { return position_; }
  bool done() const { return position_ == bytes_.size(); }

 private:
  std::string_view bytes_;
  std::size_t position_ = 0;
};

std::string Hkdf(std::string_view key, std::string_view info) {
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> context(EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr),
                                                                      EVP_PKEY_CTX_free);
  REQUIRE(EVP_PKEY_derive_init(context.get()) == 1);
  REQUIRE(EVP_PKEY_CTX_set_hkdf_md(context.get(), EVP_sha256()) == 1);
  REQUIRE(EVP_PKEY_CTX_set1_hkdf_key(context.get(), reinterpret_cast<const unsigned char*>(key.data()),
                                     static_cast<int>(key.size())) == 1);
  REQUIRE(EVP_PKEY_CTX_add1_hkdf_info(context.get(), reinterpret_cast<const unsigned char*>(info.data()),
                                      static_cast<int>(info.size())) == 1);
  std::string out(32, '\0');
  std::size_t size = out.size();
  REQUIRE(EVP_PKEY_derive(context.get(), reinterpret_cast<unsigned char*>(out.data()), &size) == 1);
  return out;
}

// AES-256-GCM open; nullopt when the tag does not verify.
std::optional<std::string> GcmOpen(std::string_view key, std::string_view iv, std::string_view aad,
                                   std::string_view ciphertext, std::string_view tag) {
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> context(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  const auto bytes = [](std::string_view text) { return reinterpret_cast<const unsigned char*>(text.data()); };
  REQUIRE(EVP_DecryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, bytes(key), bytes(iv)) == 1);
  int length = 0;
  if (!aad.empty()) REQUIRE(EVP_DecryptUpdate(context.get(), nullptr, &length, bytes(aad), static_cast<int>(aad.size())) == 1);
  std::string out(ciphertext.size(), '\0');
  if (!ciphertext.empty()) {
    REQUIRE(EVP_DecryptUpdate(context.get(), reinterpret_cast<unsigned char*>(out.data()), &length, bytes(ciphertext),
                              static_cast<int>(ciphertext.size())) == 1);
  }
  std::string tag_copy(tag);
  REQUIRE(EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, 16, tag_copy.data()) == 1);
  int final_length = 0;
  if (EVP_DecryptFinal_ex(context.get(), reinterpret_cast<unsigned char*>(out.data()) + out.size(), &final_length) != 1) {
    return std::nullopt;
  }
  return out;
}

std::string BigEndian(std::uint64_t value, int width) {
  std::string out;
  for (int shift = (width - 1) * 8; shift >= 0; shift -= 8) out += static_cast<char>((value >> shift) & 0xff);
  return out;
}

// Reads a version-1 framed message of suite 0x0178 for one raw RSA key, checks
// every field and tag, and returns the plaintext (nullopt when a frame's tag fails).
std::optional<std::string> Decrypt(const TestKey& key, std::string_view message, std::string_view namespace_, std::string_view name) {
  Reader read(message);
  CHECK(read.Number(1) == 0x01);
  CHECK(read.Number(1) == 0x80);
  CHECK(read.Number(2) == 0x0178);
  const std::string message_id = read.Bytes(16);
  CHECK(read.Number(2) == 0);  // no encryption context
  REQUIRE(read.Number(2) == 1);
  const auto provider_length = read.Number(2);
  CHECK(read.Bytes(provider_length) == namespace_);
  const auto info_length = read.Number(2);
  CHECK(read.Bytes(info_length) == name);
  const std::string data_key = key.OaepDecrypt(read.Bytes(read.Number(2)));
  REQUIRE(data_key.size() == 32);
  CHECK(read.Number(1) == 0x02);  // framed
  CHECK(read.Number(4) == 0);
  CHECK(read.Number(1) == 12);
  const auto frame_length = read.Number(4);
  const std::string header(message.substr(0, read.position()));
  const std::string derived = Hkdf(data_key, BigEndian(0x0178, 2) + message_id);
  const std::string header_iv = read.Bytes(12);
  CHECK(GcmOpen(derived, header_iv, header, "", read.Bytes(16)).has_value());
  std::string plaintext;
  for (std::uint64_t expected = 1;; ++expected) {
    const auto sequence = read.Number(4);
    const bool final_frame = sequence == 0xffffffffu;
    const auto number = final_frame ? read.Number(4) : sequence;
    CHECK(number == expected);
    const std::string iv = read.Bytes(12);
    CHECK(iv == BigEndian(0, 8) + BigEndian(number, 4));
    const auto length = final_frame ? read.Number(4) : frame_length;
    const std::string aad = message_id +
                            (final_frame ? "AWSKMSEncryptionClient Final Frame" : "AWSKMSEncryptionClient Frame") +
                            BigEndian(number, 4) + BigEndian(length, 8);
    const std::string ciphertext = read.Bytes(length);
    const auto opened = GcmOpen(derived, iv, aad, ciphertext, read.Bytes(16));
    if (!opened) return std::nullopt;
    plaintext += *opened;
    if (final_frame) break;
  }
  CHECK(read.done());
  return plaintext;
}

// A form value's base64 message, decoded.
std::string MessageOf(std::string_view encoded_value) {
  const auto base64 = model::PercentDecode(encoded_value);
  REQUIRE(base64.has_value());
  const auto message = model::Base64Decode(*base64);
  REQUIRE(message.has_value());
  return *message;
}

std::string FieldValue(std::string_view body, std::string_view name) {
  const std::string prefix = std::string(name) + "=";
  std::size_t at = body.starts_with(prefix) ? 0 : body.find("&" + prefix);
  REQUIRE(at != std::string_view::npos);
  if (at != 0) ++at;
  const auto end = body.find('&', at);
  return std::string(body.substr(at + prefix.size(), end == std::string_view::npos ? end : end - at - prefix.size()));
}

Json Config(bool forward_unknown_type, bool forward_unknown_profile) {
  return Json::parse(R"({
    "QueryArgProfileConfig": {"ForwardWhenQueryArgProfileIsUnknown": )" +
                     std::string(forward_unknown_profile ? "true" : "false") + R"(,
      "QueryArgProfiles": {"Quantity": 1, "Items": [{"QueryArg": "cards", "ProfileId": "PCARDS"}]}},
    "ContentTypeProfileConfig": {"ForwardWhenContentTypeIsUnknown": )" +
                     std::string(forward_unknown_type ? "true" : "false") + R"(,
      "ContentTypeProfiles": {"Quantity": 1, "Items": [
        {"Format": "URLEncoded", "ContentType": "application/x-www-form-urlencoded", "ProfileId": "PFORM"}]}}})");
}

}  // namespace

TEST_CASE("field patterns match exact names and prefixes, case-sensitively") {
  CHECK(FieldPatternMatches("card", "card"));
  CHECK_FALSE(FieldPatternMatches("card", "card2"));
  CHECK_FALSE(FieldPatternMatches("card", "Card"));
  CHECK(FieldPatternMatches("card*", "card"));
  CHECK(FieldPatternMatches("card*", "card-number"));
  CHECK_FALSE(FieldPatternMatches("card*", "Card-number"));
  CHECK_FALSE(FieldPatternMatches("card*", "car"));
}

TEST_CASE("the fle-profile query argument picks the profile before the content type") {
  using Kind = ProfileChoice::Kind;
  const Json strict = Config(false, false);
  const auto form = ChooseProfile(strict, "application/x-www-form-urlencoded; charset=UTF-8", "a=1");
  CHECK(form.kind == Kind::kEncrypt);
  CHECK(form.profile_id == "PFORM");
  CHECK(ChooseProfile(strict, "Application/X-WWW-Form-Urlencoded", "").profile_id == "PFORM");
  const auto by_query = ChooseProfile(strict, "application/x-www-form-urlencoded", "x=1&fle-profile=cards");
  CHECK(by_query.kind == Kind::kEncrypt);
  CHECK(by_query.profile_id == "PCARDS");
  CHECK(ChooseProfile(strict, "application/x-www-form-urlencoded", "fle-profile=other").kind == Kind::kRefuse);
  CHECK(ChooseProfile(Config(false, true), "application/x-www-form-urlencoded", "fle-profile=other").kind ==
        Kind::kForward);
  CHECK(ChooseProfile(strict, "application/json", "").kind == Kind::kRefuse);
  CHECK(ChooseProfile(strict, "", "").kind == Kind::kRefuse);
  CHECK(ChooseProfile(Config(true, false), "application/json", "").kind == Kind::kForward);
}

TEST_CASE("an Encryption SDK message decrypts with the private key, over several frames") {
  const TestKey key;
  const FieldEncryptionKey entity{"payments", "K2JCJMDEHXQW5F", key.PublicPem(), {"card"}};
  for (const std::size_t size : {std::size_t{0}, std::size_t{11}, std::size_t{4096}, std::size_t{10000}}) {
    std::string plaintext(size, 'x');
    for (std::size_t i = 0; i < size; ++i) plaintext[i] = static_cast<char>('a' + i % 26);
    const auto message = EncryptionSdkMessage(plaintext, entity);
    REQUIRE(message.has_value());
    CHECK(Decrypt(key, *message, "payments", "K2JCJMDEHXQW5F") == plaintext);
  }
  const auto tampered = EncryptionSdkMessage("4111 1111 1111 1111", entity);
  REQUIRE(tampered.has_value());
  std::string broken = *tampered;
  broken[broken.size() - 20] ^= 0x01;  // a ciphertext byte of the final frame
  CHECK(Decrypt(key, *tampered, "payments", "K2JCJMDEHXQW5F") == "4111 1111 1111 1111");
  CHECK_FALSE(Decrypt(key, broken, "payments", "K2JCJMDEHXQW5F").has_value());
  CHECK_FALSE(EncryptionSdkMessage("x", {"p", "k", "not a key", {}}).has_value());
}

TEST_CASE("a form body has its matching fields encrypted and the others kept byte for byte") {
  const TestKey key;
  const std::vector<FieldEncryptionKey> keys{{"payments", "KPAY", key.PublicPem(), {"card", "cvv*"}}};
  const auto result = EncryptFormFields("name=J+Doe%21&card=4111+1111%2F11&cvv2=123&Card=9&note", keys);
  REQUIRE(result.body.has_value());
  const std::string& body = *result.body;
  CHECK(body.starts_with("name=J+Doe%21&card="));
  CHECK(body.ends_with("&Card=9&note"));
  CHECK(Decrypt(key, MessageOf(FieldValue(body, "card")), "payments", "KPAY") == "4111 1111/11");
  CHECK(Decrypt(key, MessageOf(FieldValue(body, "cvv2")), "payments", "KPAY") == "123");
  CHECK(FieldValue(body, "card").find_first_of("+/=") == std::string::npos);  // form-safe

  CHECK(EncryptFormFields("card=%zz", keys).status == 400);
  CHECK(EncryptFormFields("other=%zz&card=1", keys).body.has_value());  // only fields to encrypt are decoded
  CHECK(EncryptFormFields("card=" + std::string(kMaxEncryptedField + 1, 'a'), keys).status == 400);
  CHECK(EncryptFormFields(std::string(kMaxEncryptedBody + 1, 'a'), keys).status == 413);
  CHECK(EncryptFormFields("", keys).body == "");
  std::string ten = "card=0";
  for (int i = 1; i < 10; ++i) ten += "&cvv" + std::to_string(i) + "=" + std::to_string(i);
  CHECK(EncryptFormFields(ten, keys).body.has_value());
  CHECK(EncryptFormFields(ten + "&cvv10=10", keys).status == 400);  // an 11th field to encrypt
}

}  // namespace cfl::edge
