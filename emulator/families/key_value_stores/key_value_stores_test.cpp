#include <doctest/doctest.h>

#include "emulator/engine/handler_test_fixture.h"
#include "emulator/families/key_value_stores/key_value_stores.h"

namespace cfl::engine {
namespace {

constexpr auto kData = model::ServiceId::kCloudFrontKeyValueStore;

struct StoreFixture : HandlerTestFixture {
  // A store named name; returns its ARN.
  std::string Create(const std::string& name) {
    auto created = Call("CreateKeyValueStore", {{"Name", name}, {"Comment", "c"}});
    REQUIRE_MESSAGE(created.ok(), created.error().message);
    return created.value()["KeyValueStore"]["ARN"];
  }
  Result<Json, ApiError> Data(const std::string& operation, const Json& input) { return CallIn(kData, operation, input); }
  std::string DataEtag(const std::string& arn) { return Data("DescribeKeyValueStore", {{"KvsARN", arn}}).value()["ETag"]; }
};

TEST_CASE("key value stores: named per account, PROVISIONING then READY, If-Match on update and delete") {
  StoreFixture f;
  auto created = f.Call("CreateKeyValueStore", {{"Name", "redirects"}, {"Comment", "old paths"}});
  REQUIRE(created.ok());
  const Json store = created.value()["KeyValueStore"];
  CHECK(store["Status"] == "PROVISIONING");
  CHECK(store["Id"].get<std::string>().size() == 36);
  CHECK(store["ARN"] == "arn:aws:cloudfront::111111111111:key-value-store/" + store["Id"].get<std::string>());
  CHECK(created.value()["Location"] == "https://cloudfront.amazonaws.com/2020-05-31/key-value-store/redirects");
  CHECK(f.Call("CreateKeyValueStore", {{"Name", "redirects"}}).error().code == "EntityAlreadyExists");
  CHECK(f.Call("CreateKeyValueStore", {{"Name", "redirects"}}, "222222222222").ok());  // another account

  CHECK(f.Call("DescribeKeyValueStore", {{"Name", "redirects"}}).value()["KeyValueStore"]["Status"] == "PROVISIONING");
  f.clock.Advance(std::chrono::seconds(5));
  auto described = f.Call("DescribeKeyValueStore", {{"Name", "redirects"}});
  CHECK(described.value()["KeyValueStore"]["Status"] == "READY");
  const std::string etag = described.value()["ETag"];
  CHECK(f.Call("DescribeKeyValueStore", {{"Name", "nope"}}).error().code == "EntityNotFound");

  CHECK(f.Call("UpdateKeyValueStore", {{"Name", "redirects"}, {"Comment", "x"}}).error().code == "InvalidIfMatchVersion");
  CHECK(f.Call("UpdateKeyValueStore", {{"Name", "redirects"}, {"Comment", "x"}, {"IfMatch", "E0"}}).error().code ==
        "PreconditionFailed");
  auto updated = f.Call("UpdateKeyValueStore", {{"Name", "redirects"}, {"Comment", "new"}, {"IfMatch", etag}});
  REQUIRE(updated.ok());
  CHECK(updated.value()["KeyValueStore"]["Comment"] == "new");
  CHECK(updated.value()["KeyValueStore"]["Name"] == "redirects");
  CHECK(updated.value()["ETag"] != etag);

  REQUIRE(f.Call("CreateKeyValueStore", {{"Name", "second"}}).ok());
  CHECK(f.Call("ListKeyValueStores", Json::object()).value()["KeyValueStoreList"]["Quantity"] == 2);
  CHECK(f.Call("ListKeyValueStores", {{"Status", "PROVISIONING"}}).value()["KeyValueStoreList"]["Quantity"] == 2);
  f.clock.Advance(std::chrono::seconds(5));
  CHECK(f.Call("ListKeyValueStores", {{"Status", "PROVISIONING"}}).value()["KeyValueStoreList"]["Quantity"] == 0);
  auto first = f.Call("ListKeyValueStores", {{"MaxItems", "1"}}).value()["KeyValueStoreList"];
  CHECK(first["IsTruncated"] == true);
  CHECK(f.Call("ListKeyValueStores", {{"Marker", first["NextMarker"]}}).value()["KeyValueStoreList"]["Items"][0]["Name"] ==
        "second");

  CHECK(f.Call("DeleteKeyValueStore", {{"Name", "redirects"}, {"IfMatch", etag}}).error().code == "PreconditionFailed");
  REQUIRE(f.Call("DeleteKeyValueStore", {{"Name", "redirects"}, {"IfMatch", updated.value()["ETag"]}}).ok());
  CHECK(f.Call("DescribeKeyValueStore", {{"Name", "redirects"}}).error().code == "EntityNotFound");
  CHECK(f.Call("CreateKeyValueStore", {{"Name", "redirects"}}).ok());  // the name is free again
}

TEST_CASE("key value stores: an import source is refused clearly, and 50 per account") {
  StoreFixture f;
  auto imported = f.Call("CreateKeyValueStore",
                         {{"Name", "imported"},
                          {"ImportSource", {{"SourceType", "S3"}, {"SourceARN", "arn:aws:s3:::bucket/data.json"}}}});
  CHECK(imported.error().code == "UnsupportedOperation");
  CHECK(imported.error().message.find("ImportSource") != std::string::npos);
  for (int i = 0; i < 50; ++i) REQUIRE(f.Call("CreateKeyValueStore", {{"Name", "s" + std::to_string(i)}}).ok());
  CHECK(f.Call("CreateKeyValueStore", {{"Name", "one-more"}}).error().code == "EntityLimitExceeded");
}

TEST_CASE("the data plane: its own ETag, writes with If-Match, counts, sorted pages") {
  StoreFixture f;
  const std::string arn = f.Create("kvs");
  auto described = f.Data("DescribeKeyValueStore", {{"KvsARN", arn}});
  REQUIRE(described.ok());
  CHECK(described.value()["ItemCount"] == 0);
  CHECK(described.value()["KvsARN"] == arn);
  const std::string etag = described.value()["ETag"];
  CHECK(etag != f.Call("DescribeKeyValueStore", {{"Name", "kvs"}}).value()["ETag"]);  // not the control plane's

  CHECK(f.Data("PutKey", {{"KvsARN", arn}, {"Key", "b"}, {"Value", "2"}, {"IfMatch", "stale"}}).error().code ==
        "ConflictException");
  auto put = f.Data("PutKey", {{"KvsARN", arn}, {"Key", "b"}, {"Value", "2"}, {"IfMatch", etag}});
  REQUIRE(put.ok());
  CHECK(put.value()["ItemCount"] == 1);
  CHECK(put.value()["TotalSizeInBytes"] == 2);
  CHECK(put.value()["ETag"] != etag);
  CHECK(f.Data("PutKey", {{"KvsARN", arn}, {"Key", "c"}, {"Value", "3"}, {"IfMatch", etag}}).error().code ==
        "ConflictException");  // the ETag it had
  auto batch = f.Data("UpdateKeys", {{"KvsARN", arn},
                                     {"IfMatch", put.value()["ETag"]},
                                     {"Puts", {{{"Key", "c"}, {"Value", "33"}}, {{"Key", "a"}, {"Value", "1"}},
                                               {{"Key", "b"}, {"Value", "22"}}}}});
  REQUIRE(batch.ok());
  CHECK(batch.value()["ItemCount"] == 3);
  CHECK(batch.value()["TotalSizeInBytes"] == 2 + 3 + 3);

  auto got = f.Data("GetKey", {{"KvsARN", arn}, {"Key", "b"}});
  CHECK(got.value() == Json{{"Key", "b"}, {"Value", "22"}, {"ItemCount", 3}, {"TotalSizeInBytes", 8}});
  CHECK(f.Data("GetKey", {{"KvsARN", arn}, {"Key", "zz"}}).error().code == "ResourceNotFoundException");

  auto page = f.Data("ListKeys", {{"KvsARN", arn}, {"MaxResults", 2}});
  REQUIRE(page.ok());
  CHECK(page.value()["Items"] == Json::parse(R"([{"Key":"a","Value":"1"},{"Key":"b","Value":"22"}])"));
  auto rest = f.Data("ListKeys", {{"KvsARN", arn}, {"NextToken", page.value()["NextToken"]}});
  CHECK(rest.value()["Items"] == Json::parse(R"([{"Key":"c","Value":"33"}])"));
  CHECK_FALSE(rest.value().contains("NextToken"));
  CHECK(f.Data("ListKeys", {{"KvsARN", arn}, {"NextToken", "!!"}}).error().code == "ValidationException");

  const std::string now = f.DataEtag(arn);
  CHECK(f.Data("DeleteKey", {{"KvsARN", arn}, {"Key", "zz"}, {"IfMatch", now}}).error().code ==
        "ResourceNotFoundException");
  auto deleted = f.Data("DeleteKey", {{"KvsARN", arn}, {"Key", "a"}, {"IfMatch", now}});
  REQUIRE(deleted.ok());
  CHECK(deleted.value()["ItemCount"] == 2);
  CHECK(deleted.value()["TotalSizeInBytes"] == 6);

  const std::string other = "arn:aws:cloudfront::111111111111:key-value-store/00000000-0000-0000-0000-000000000000";
  CHECK(f.Data("GetKey", {{"KvsARN", other}, {"Key", "b"}}).error().code == "ResourceNotFoundException");
  CHECK(f.CallIn(kData, "GetKey", {{"KvsARN", arn}, {"Key", "b"}}, "222222222222").error().code ==
        "ResourceNotFoundException");  // another account's ARN
}

TEST_CASE("the data plane: quotas, and a batch that breaks one changes nothing") {
  StoreFixture f;
  const std::string arn = f.Create("limits");
  const auto put = [&](const std::string& key, const std::string& value) {
    return f.Data("PutKey", {{"KvsARN", arn}, {"Key", key}, {"Value", value}, {"IfMatch", f.DataEtag(arn)}});
  };
  CHECK(put(std::string(512, 'k'), std::string(1024, 'v')).ok());
  CHECK(put(std::string(513, 'k'), "v").error().code == "ValidationException");
  CHECK(put("k", std::string(1025, 'v')).error().code == "ValidationException");

  Json puts = Json::array();
  for (int i = 0; i < 51; ++i) puts.push_back({{"Key", "k" + std::to_string(i)}, {"Value", "v"}});
  CHECK(f.Data("UpdateKeys", {{"KvsARN", arn}, {"IfMatch", f.DataEtag(arn)}, {"Puts", puts}}).error().code ==
        "ServiceQuotaExceededException");
  puts.erase(50);
  puts.push_back({{"Key", std::string(600, 'x')}, {"Value", "v"}});
  puts.erase(0);
  const std::string before = f.DataEtag(arn);
  CHECK(f.Data("UpdateKeys", {{"KvsARN", arn}, {"IfMatch", before}, {"Puts", puts}}).error().code ==
        "ValidationException");
  CHECK(f.DataEtag(arn) == before);
  CHECK(f.Data("GetKey", {{"KvsARN", arn}, {"Key", "k1"}}).error().code == "ResourceNotFoundException");
  CHECK(f.Data("UpdateKeys", {{"KvsARN", arn}, {"IfMatch", before}, {"Puts", {{{"Key", "d"}, {"Value", "1"}}}},
                              {"Deletes", {{{"Key", "d"}}}}})
            .error()
            .code == "ValidationException");

  // 5 MB: about 3,400 keys of 1.5 KB.
  int written = 0;
  std::string error;
  for (int batch = 0; batch < 80 && error.empty(); ++batch) {
    Json many = Json::array();
    for (int i = 0; i < 50; ++i) {
      char key[32];
      std::snprintf(key, sizeof key, "key-%03d-%02d-", batch, i);
      many.push_back({{"Key", std::string(key) + std::string(480, 'k')}, {"Value", std::string(1024, 'v')}});
    }
    auto result = f.Data("UpdateKeys", {{"KvsARN", arn}, {"IfMatch", f.DataEtag(arn)}, {"Puts", many}});
    if (result.ok()) {
      written += 50;
    } else {
      error = result.error().code;
    }
  }
  CHECK(error == "ServiceQuotaExceededException");
  CHECK(written > 3000);
  const Json described = f.Data("DescribeKeyValueStore", {{"KvsARN", arn}}).value();
  CHECK(described["TotalSizeInBytes"].get<std::int64_t>() <= 5 * 1024 * 1024);

  // Deleting the store deletes its keys with it.
  const std::string control = f.Call("DescribeKeyValueStore", {{"Name", "limits"}}).value()["ETag"];
  REQUIRE(f.Call("DeleteKeyValueStore", {{"Name", "limits"}, {"IfMatch", control}}).ok());
  CHECK(f.Data("DescribeKeyValueStore", {{"KvsARN", arn}}).error().code == "ResourceNotFoundException");
  CHECK(f.store->List({"111111111111", std::string(families::kKeyValueStoreKeyKind), std::nullopt, "", 10, false})
            .records.empty());
}

}  // namespace
}  // namespace cfl::engine
