#include "emulator/families/trust_stores/ca_bundles.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

namespace cfl::families {
namespace {

// A self-signed P-256 CA (basicConstraints critical, CA:TRUE) and a leaf (CA:FALSE), valid to 2126.
constexpr std::string_view kCa = R"(-----BEGIN CERTIFICATE-----
MIIBnTCCAUOgAwIBAgIUO4v/TrpsQp17KvOUq3pgN0wFAykwCgYIKoZIzj0EAwIw
IzEhMB8GA1UEAwwYQ2xvdWRGcm9udCBMb2NhbCB0ZXN0IENBMCAXDTI2MTIwMTA3
MzM0OFoYDzIxMjYxMTA3MDczMzQ4WjAjMSEwHwYDVQQDDBhDbG91ZEZyb250IExv
Y2FsIHRlc3QgQ0EwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAR/FJ3omu7Z5V7o
3L9DRMxNB4ry97MiOsM6ZdKOps2alXAf+s8CzGXJotsYONDnfXEB8MHHj8YN4yvb
oL6VKa0Xo1MwUTAdBgNVHQ4EFgQUzHW1j6V4EQuIbFU/SJoVw6IbiHYwHwYDVR0j
BBgwFoAUzHW1j6V4EQuIbFU/SJoVw6IbiHYwDwYDVR0TAQH/BAUwAwEB/zAKBggq
hkjOPQQDAgNIADBFAiAmio7eIoe+/bVnB8nM9ZWFTBrMT91OREaR9a7VHiusFgIh
ALdVCSMD5VhvQvsHZnBzWYRKYlmt4xhSx2dGNgFy3ka6
-----END CERTIFICATE-----
)";
constexpr std::string_view kLeaf = R"(-----BEGIN CERTIFICATE-----
MIIBizCCATCgAwIBAgIUYY3z4EAoRDN9MjXuALPZKM2tO4cwCgYIKoZIzj0EAwIw
GzEZMBcGA1UEAwwQbGVhZi5leGFtcGxlLmNvbTAgFw0yNjEyMDEwNzMzNDhaGA8y
MTI2MTEwNzA3MzM0OFowGzEZMBcGA1UEAwwQbGVhZi5leGFtcGxlLmNvbTBZMBMG
ByqGSM49AgEGCCqGSM49AwEHA0IABFzmsvc3Kg080WI603g8/NfzowWrx8mDkYnW
/FuF/nzirNGYyTxaiYQoCdLqJcaEeM/pJkZl2s4iar0CgNlTN1mjUDBOMB0GA1Ud
DgQWBBTRPwFII+o16ZDZaGGMdcMj1qHNIjAfBgNVHSMEGDAWgBTRPwFII+o16ZDZ
aGGMdcMj1qHNIjAMBgNVHRMBAf8EAjAAMAoGCCqGSM49BAMCA0kAMEYCIQCD63/8
3YDtX7XbSyKn/Ag0OwZbrolGvDgxyUqK5LmGzQIhAOce+al7TNeTNoKh/QnsOMij
CNMSW23v/8Ban0uTMRVe
-----END CERTIFICATE-----
)";

std::string Text(std::string_view view) { return std::string(view); }

}  // namespace

TEST_CASE("CA bundles: PEM CA certificates are counted, anything else refused") {
  CHECK(CountCaCertificates(kCa).value() == 1);
  CHECK(CountCaCertificates("\n" + Text(kCa) + "\r\n" + Text(kCa)).value() == 2);
  CHECK_FALSE(CountCaCertificates(""));
  CHECK_FALSE(CountCaCertificates("not a certificate"));
  CHECK_FALSE(CountCaCertificates(kLeaf));                       // not a certificate authority
  CHECK_FALSE(CountCaCertificates(Text(kCa) + "junk"));          // something besides certificates
  CHECK_FALSE(CountCaCertificates(Text(kCa).substr(0, 300)));    // no END line
  std::string corrupt = Text(kCa);
  corrupt[100] = corrupt[100] == 'A' ? 'B' : 'A';
  CHECK_FALSE(CountCaCertificates(corrupt));
  const auto error = CountCaCertificates("nope").error();
  CHECK(error.code == "InvalidArgument");
}

TEST_CASE("CA bundles: read from the S3 directory, or taken as given without one") {
  const engine::Json location = {{"Bucket", "my-bucket"}, {"Key", "ca/bundle.pem"}, {"Region", "us-east-1"}};
  const auto unread = ReadCaBundle("", location);
  REQUIRE(unread);
  CHECK(unread->certificates == 1);
  CHECK_FALSE(unread->read);

  const auto dir = std::filesystem::temp_directory_path() / ("cfl-ca-bundles-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "my-bucket" / "ca");
  CHECK(ReadCaBundle(dir.string(), location).error().code == "EntityNotFound");
  std::ofstream(dir / "my-bucket" / "ca" / "bundle.pem") << kCa << kCa << kCa;
  const auto read = ReadCaBundle(dir.string(), location);
  REQUIRE(read);
  CHECK(read->certificates == 3);
  CHECK(read->read);
  std::ofstream(dir / "my-bucket" / "ca" / "bundle.pem") << kLeaf;
  CHECK(ReadCaBundle(dir.string(), location).error().code == "InvalidArgument");

  for (const char* key : {"../escape.pem", "/abs.pem", "a/../../b.pem", ""}) {
    CHECK(ReadCaBundle(dir.string(), {{"Bucket", "my-bucket"}, {"Key", key}}).error().code == "InvalidArgument");
  }
  CHECK(ReadCaBundle(dir.string(), {{"Bucket", "../etc"}, {"Key", "passwd"}}).error().code == "InvalidArgument");
  std::filesystem::remove_all(dir);
}

}  // namespace cfl::families
