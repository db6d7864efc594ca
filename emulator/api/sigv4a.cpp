#include "emulator/api/sigv4a.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/params.h>

#include <memory>
#include <vector>

#include "emulator/api/sigv4.h"

namespace cfl::api::sigv4 {
namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* pointer) const { Free(pointer); }
};
using BigNum = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using BnContext = std::unique_ptr<BN_CTX, Deleter<BN_CTX, BN_CTX_free>>;
using Group = std::unique_ptr<EC_GROUP, Deleter<EC_GROUP, EC_GROUP_free>>;
using Point = std::unique_ptr<EC_POINT, Deleter<EC_POINT, EC_POINT_free>>;
using PKey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using PKeyContext = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;

std::string BigEndian32(std::uint32_t value) {
  return {static_cast<char>(value >> 24), static_cast<char>(value >> 16), static_cast<char>(value >> 8),
          static_cast<char>(value)};
}

std::optional<std::string> Unhex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string bytes;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    int value = 0;
    for (std::size_t k = i; k < i + 2; ++k) {
      const char c = hex[k];
      const int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                                      : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (digit < 0) return std::nullopt;
      value = value * 16 + digit;
    }
    bytes += static_cast<char>(value);
  }
  return bytes;
}

PKey PublicKeyOf(std::string_view octets) {
  PKeyContext context(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  if (!context || EVP_PKEY_fromdata_init(context.get()) != 1) return nullptr;
  char group_name[] = "prime256v1";
  std::vector<unsigned char> key(octets.begin(), octets.end());
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group_name, 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, key.data(), key.size()),
      OSSL_PARAM_construct_end(),
  };
  EVP_PKEY* made = nullptr;
  if (EVP_PKEY_fromdata(context.get(), &made, EVP_PKEY_PUBLIC_KEY, params) != 1) return nullptr;
  return PKey(made);
}

}  // namespace

std::optional<std::string> DeriveV4aPublicKey(std::string_view access_key, std::string_view secret) {
  const Group group(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
  const BnContext context(BN_CTX_new());
  if (!group || !context) return std::nullopt;
  // n - 2: a candidate above it is rejected and the counter moves on.
  BigNum limit(BN_dup(EC_GROUP_get0_order(group.get())));
  if (!limit || BN_sub_word(limit.get(), 2) != 1) return std::nullopt;
  const std::string input_key = "AWS4A" + std::string(secret);
  for (int counter = 1; counter <= 254; ++counter) {
    const std::string fixed_input = BigEndian32(1) + std::string(kAlgorithmV4A) + std::string(1, '\0') +
                                    std::string(access_key) + std::string(1, static_cast<char>(counter)) +
                                    BigEndian32(256);
    const std::string k0 = HmacSha256(input_key, fixed_input);
    BigNum candidate(BN_bin2bn(reinterpret_cast<const unsigned char*>(k0.data()), static_cast<int>(k0.size()), nullptr));
    if (!candidate) return std::nullopt;
    if (BN_cmp(candidate.get(), limit.get()) > 0) continue;
    if (BN_add_word(candidate.get(), 1) != 1) return std::nullopt;  // the private key d = k0 + 1
    const Point point(EC_POINT_new(group.get()));
    if (!point || EC_POINT_mul(group.get(), point.get(), candidate.get(), nullptr, nullptr, context.get()) != 1) {
      return std::nullopt;
    }
    unsigned char octets[65];
    const std::size_t length = EC_POINT_point2oct(group.get(), point.get(), POINT_CONVERSION_UNCOMPRESSED, octets,
                                                  sizeof octets, context.get());
    if (length != sizeof octets) return std::nullopt;
    return std::string(reinterpret_cast<const char*>(octets), length);
  }
  return std::nullopt;
}

std::string StringToSignV4a(std::string_view timestamp, std::string_view scope, std::string_view canonical_request) {
  return std::string(kAlgorithmV4A) + "\n" + std::string(timestamp) + "\n" + std::string(scope) + "\n" +
         Sha256Hex(canonical_request);
}

bool VerifyV4aSignature(std::string_view public_key, std::string_view message, std::string_view der_signature_hex) {
  const auto signature = Unhex(der_signature_hex);
  if (!signature || signature->empty() || signature->size() > 80) return false;
  const PKey key = PublicKeyOf(public_key);
  if (!key) return false;
  const PKeyContext context(EVP_PKEY_CTX_new(key.get(), nullptr));
  if (!context || EVP_PKEY_verify_init(context.get()) != 1) return false;
  unsigned char digest[32];
  unsigned int digest_length = 0;
  if (EVP_Digest(message.data(), message.size(), digest, &digest_length, EVP_sha256(), nullptr) != 1) return false;
  return EVP_PKEY_verify(context.get(), reinterpret_cast<const unsigned char*>(signature->data()), signature->size(),
                         digest, digest_length) == 1;
}

}  // namespace cfl::api::sigv4
