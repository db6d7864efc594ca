#include "emulator/families/signing_keys/public_keys.h"

#include <doctest/doctest.h>

#include <regex>

#include "emulator/engine/handler_test_fixture.h"
#include "emulator/families/signing_keys/key_groups.h"

namespace cfl::families {
namespace {

using namespace engine;  // NOLINT

constexpr const char* kPem =
    "-----BEGIN PUBLIC KEY-----\n"
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwcEfN2mcFhNy0+UI8p2M\n"
    "t85js4qiSbm6N657RdaPvkj4mBDechoKJfimsO/muGfeUcGH5T8LdwsaDqsVECGM\n"
    "QQIDAQAB\n"
    "-----END PUBLIC KEY-----\n";

using Fixture = HandlerTestFixture;

Json KeyConfig(const std::string& caller_reference, const std::string& name = "key") {
  return {{"CallerReference", caller_reference}, {"Name", name}, {"EncodedKey", kPem}, {"Comment", "c"}};
}

TEST_CASE("a PEM public key has the armour and base64 between") {
  CHECK(LooksLikePemPublicKey(kPem));
  CHECK(LooksLikePemPublicKey("  -----BEGIN PUBLIC KEY-----QUJD-----END PUBLIC KEY-----  "));
  CHECK_FALSE(LooksLikePemPublicKey(""));
  CHECK_FALSE(LooksLikePemPublicKey("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwcEfN2mcFhNy0"));
  CHECK_FALSE(LooksLikePemPublicKey("-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----"));
  CHECK_FALSE(LooksLikePemPublicKey("-----BEGIN PUBLIC KEY-----\nnot base64!\n-----END PUBLIC KEY-----"));
  CHECK_FALSE(LooksLikePemPublicKey("-----BEGIN RSA PRIVATE KEY-----\nQUJD\n-----END RSA PRIVATE KEY-----"));
}

TEST_CASE("public keys: ids, caller references and the fields that can't change") {
  Fixture f;
  auto created = f.Call("CreatePublicKey", {{"PublicKeyConfig", KeyConfig("ref-1")}});
  REQUIRE(created.ok());
  const std::string id = created.value()["PublicKey"]["Id"];
  CHECK(std::regex_match(id, std::regex("^K[A-Z0-9]{13}$")));
  CHECK(created.value()["Location"] == "https://cloudfront.amazonaws.com/2020-05-31/public-key/" + id);
  const std::string etag = created.value()["ETag"];

  auto again = f.Call("CreatePublicKey", {{"PublicKeyConfig", KeyConfig("ref-1", "other")}});
  CHECK(again.error().code == "PublicKeyAlreadyExists");
  CHECK(again.error().message.find(id) != std::string::npos);
  Json bad = KeyConfig("ref-2");
  bad["EncodedKey"] = "not a key";
  CHECK(f.Call("CreatePublicKey", {{"PublicKeyConfig", bad}}).error().code == "InvalidArgument");

  Json changed_key = KeyConfig("ref-1");
  changed_key["EncodedKey"] = "-----BEGIN PUBLIC KEY-----QUJD-----END PUBLIC KEY-----";
  CHECK(f.Call("UpdatePublicKey", {{"Id", id}, {"IfMatch", etag}, {"PublicKeyConfig", changed_key}}).error().code ==
        "CannotChangeImmutablePublicKeyFields");
  CHECK(f.Call("UpdatePublicKey", {{"Id", id}, {"IfMatch", etag}, {"PublicKeyConfig", KeyConfig("ref-9")}})
            .error()
            .code == "CannotChangeImmutablePublicKeyFields");
  Json comment = KeyConfig("ref-1");
  comment["Comment"] = "new comment";
  auto updated = f.Call("UpdatePublicKey", {{"Id", id}, {"IfMatch", etag}, {"PublicKeyConfig", comment}});
  REQUIRE(updated.ok());
  CHECK(updated.value()["ETag"] != etag);
  CHECK(updated.value()["PublicKey"]["PublicKeyConfig"]["Comment"] == "new comment");
}

TEST_CASE("key groups need existing public keys, and keep the keys they list") {
  Fixture f;
  auto key = f.Call("CreatePublicKey", {{"PublicKeyConfig", KeyConfig("ref-1")}});
  REQUIRE(key.ok());
  const std::string key_id = key.value()["PublicKey"]["Id"];

  auto unknown = f.Call("CreateKeyGroup", {{"KeyGroupConfig", {{"Name", "g"}, {"Items", {"KNOPE"}}}}});
  CHECK(unknown.error().code == "NoSuchPublicKey");
  CHECK(unknown.error().status == 404);
  CHECK(f.Call("CreateKeyGroup", {{"KeyGroupConfig", {{"Name", "g"}, {"Items", Json::array()}}}}).error().code ==
        "InvalidArgument");

  auto group = f.Call("CreateKeyGroup", {{"KeyGroupConfig", {{"Name", "g"}, {"Items", {key_id}}}}});
  REQUIRE(group.ok());
  CHECK(f.Call("CreateKeyGroup", {{"KeyGroupConfig", {{"Name", "g"}, {"Items", {key_id}}}}}).error().code ==
        "KeyGroupAlreadyExists");
  auto in_use = f.Call("DeletePublicKey", {{"Id", key_id}, {"IfMatch", key.value()["ETag"]}});
  CHECK(in_use.error().code == "PublicKeyInUse");
  CHECK(in_use.error().status == 409);

  const std::string group_id = group.value()["KeyGroup"]["Id"];
  CHECK(f.Call("DeleteKeyGroup", {{"Id", group_id}, {"IfMatch", group.value()["ETag"]}}).ok());
  CHECK(f.Call("GetKeyGroup", {{"Id", group_id}}).error().code == "NoSuchResource");
  CHECK(f.Call("DeletePublicKey", {{"Id", key_id}, {"IfMatch", key.value()["ETag"]}}).ok());
}

}  // namespace
}  // namespace cfl::families
