#include "emulator/families/trust_stores/ca_bundles.h"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>

#include "emulator/engine/resource.h"

namespace cfl::families {
namespace {

constexpr std::string_view kBegin = "-----BEGIN CERTIFICATE-----";
constexpr std::string_view kEnd = "-----END CERTIFICATE-----";

bool OnlyWhitespace(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// Whether block (one BEGIN…END) is an X.509 certificate of a certificate authority.
bool IsCaCertificate(std::string_view block) {
  const std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(block.data(), static_cast<int>(block.size())),
                                                      BIO_free);
  if (!bio) return false;
  const std::unique_ptr<X509, decltype(&X509_free)> certificate(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr),
                                                                X509_free);
  return certificate && X509_check_ca(certificate.get()) >= 1;
}

ApiError Malformed(const std::string& why) {
  return errors::InvalidArgument("The CA certificates bundle is not valid: " + why);
}

// S3's bucket naming rules; keys may not climb out of the bucket's directory.
bool IsBucketName(const std::string& bucket) {
  static const std::regex kBucket(R"([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])");
  return std::regex_match(bucket, kBucket) && bucket.find("..") == std::string::npos;
}

bool IsSafeKey(const std::string& key) {
  if (key.empty() || key.size() > 1024 || key.front() == '/' || key.find('\0') != std::string::npos) return false;
  for (const auto& part : std::filesystem::path(key)) {
    if (part == "..") return false;
  }
  return true;
}

}  // namespace

Result<std::int64_t, ApiError> CountCaCertificates(std::string_view pem) {
  if (pem.size() > kMaxCaBundleBytes) return Fail(Malformed("it is larger than 1 MB."));
  std::int64_t count = 0;
  std::size_t at = 0;
  for (;;) {
    const std::size_t begin = pem.find(kBegin, at);
    if (!OnlyWhitespace(pem.substr(at, begin == std::string_view::npos ? std::string_view::npos : begin - at))) {
      return Fail(Malformed("it holds something other than PEM certificates."));
    }
    if (begin == std::string_view::npos) break;
    const std::size_t end = pem.find(kEnd, begin);
    if (end == std::string_view::npos) return Fail(Malformed("a certificate has no END line."));
    at = end + kEnd.size();
    if (!IsCaCertificate(pem.substr(begin, at - begin))) {
      return Fail(Malformed("certificate " + std::to_string(count + 1) +
                            " is not an X.509 certificate of a certificate authority (basic constraints CA:TRUE)."));
    }
    if (++count > kMaxCaCertificates) {
      return Fail(Malformed("it holds more than " + std::to_string(kMaxCaCertificates) + " certificates."));
    }
  }
  if (count == 0) return Fail(Malformed("it holds no certificate."));
  return count;
}

Result<CaBundle, ApiError> ReadCaBundle(const std::string& s3_dir, const engine::Json& location) {
  const std::string bucket = engine::StringMember(location, "Bucket");
  const std::string key = engine::StringMember(location, "Key");
  if (!IsBucketName(bucket)) return Fail(errors::InvalidArgument("The Bucket is not a valid S3 bucket name: " + bucket));
  if (!IsSafeKey(key)) return Fail(errors::InvalidArgument("The Key is not a valid S3 object key: " + key));
  if (s3_dir.empty()) return CaBundle{.certificates = 1, .read = false};
  const std::filesystem::path path = std::filesystem::path(s3_dir) / bucket / key;
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    return Fail(errors::EntityNotFound("The CA certificates bundle s3://" + bucket + "/" + key + " does not exist."));
  }
  std::ifstream file(path, std::ios::binary);
  std::string pem(kMaxCaBundleBytes + 1, '\0');
  file.read(pem.data(), static_cast<std::streamsize>(pem.size()));
  pem.resize(static_cast<std::size_t>(file.gcount()));
  auto count = CountCaCertificates(pem);
  if (!count) return Fail(std::move(count).error());
  return CaBundle{.certificates = count.value(), .read = true};
}

}  // namespace cfl::families
