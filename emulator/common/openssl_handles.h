// Owning handles for the OpenSSL objects the edge and the API use, each freed
// by its own *_free, and the one PEM reader they share.
//
// Thread safety: handles are plain unique_ptrs (one owner); PublicKeyFromPem
// may be called from any thread.
#pragma once

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>
#include <string>
#include <string_view>

namespace cfl::openssl {

struct Free {
  void operator()(BIO* bio) const { BIO_free(bio); }
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
  void operator()(EVP_PKEY_CTX* context) const { EVP_PKEY_CTX_free(context); }
  void operator()(EVP_CIPHER_CTX* context) const { EVP_CIPHER_CTX_free(context); }
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};

using Bio = std::unique_ptr<BIO, Free>;
using Key = std::unique_ptr<EVP_PKEY, Free>;
using KeyContext = std::unique_ptr<EVP_PKEY_CTX, Free>;
using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, Free>;
using DigestContext = std::unique_ptr<EVP_MD_CTX, Free>;

// The key of a PEM "PUBLIC KEY" block (any algorithm), or null when pem is not one.
inline Key PublicKeyFromPem(std::string_view pem) {
  const Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return nullptr;
  return Key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
}

// The PEM "PUBLIC KEY" block of key ("" if it can't be written).
inline std::string PublicKeyPem(EVP_PKEY* key) {
  const Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key) != 1) return {};
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

}  // namespace cfl::openssl
