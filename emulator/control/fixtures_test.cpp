#include "emulator/control/fixtures.h"

#include <doctest/doctest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "emulator/control/snapshot.h"
#include "emulator/engine/references.h"
#include "emulator/engine/registry.h"
#include "emulator/engine/resources.h"

namespace cfl::control {
namespace {

namespace fs = std::filesystem;

std::string Config(const std::string& caller_reference, const std::string& extra = "") {
  return "<DistributionConfig xmlns=\"http://cloudfront.amazonaws.com/doc/2020-05-31/\"><CallerReference>" +
         caller_reference +
         "</CallerReference><Origins><Quantity>1</Quantity><Items><Origin><Id>o</Id><DomainName>b.s3.amazonaws.com"
         "</DomainName><S3OriginConfig><OriginAccessIdentity/></S3OriginConfig></Origin></Items></Origins>"
         "<DefaultCacheBehavior><TargetOriginId>o</TargetOriginId><ViewerProtocolPolicy>allow-all"
         "</ViewerProtocolPolicy><CachePolicyId>658327ea-f89d-4fab-a63d-7e88639e58f6</CachePolicyId>"
         "</DefaultCacheBehavior><Comment>" + extra + "</Comment><Enabled>true</Enabled></DistributionConfig>";
}

// A distribution record as the engine stores one.
store::Record StoredDistribution(const std::string& account, const std::string& id, const std::string& caller) {
  const Json config = {
      {"CallerReference", caller},
      {"Comment", ""},
      {"Enabled", true},
      {"Origins",
       {{"Quantity", 1},
        {"Items",
         {{{"Id", "o"}, {"DomainName", "b.s3.amazonaws.com"}, {"S3OriginConfig", {{"OriginAccessIdentity", ""}}}}}}}},
      {"DefaultCacheBehavior",
       {{"TargetOriginId", "o"},
        {"ViewerProtocolPolicy", "allow-all"},
        {"CachePolicyId", "658327ea-f89d-4fab-a63d-7e88639e58f6"}}}};
  store::Record record;
  record.account = account;
  record.kind = "distribution";
  record.id = id;
  record.etag = id + "ETAG";
  record.document = config.dump();
  record.metadata = "{}";
  record.unique_keys = engine::UniqueKeysOf(engine::Registry::Get().FindFamily("distribution")->family, config, "");
  record.references = engine::ReferencesOf("distribution", config).value().all;
  record.sequence = 1;
  return record;
}

struct Env {
  std::unique_ptr<store::Store> store = std::get<std::unique_ptr<store::Store>>(store::OpenSqliteStore(""));
  ManualClock clock{FromMillis(1'700'000'000'000)};
  api::RuntimeSettings settings;
  api::Services services{*store, clock, settings};
  fs::path dir;

  Env() {
    settings.propagation_delay_ms = 60'000;
    dir = fs::temp_directory_path() / ("cfl-fixtures-" + std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~Env() { fs::remove_all(dir); }

  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
    return (dir / name).string();
  }
  Result<std::size_t, std::string> Load(std::vector<std::string> paths) {
    return LoadFixtures(paths, services, "123456789012");
  }
};

TEST_CASE("fixtures in a directory load in sorted order, xml and json") {
  Env env;
  env.Write("b.xml", "<Fixture id=\"E2B\" account=\"111111111111\" status=\"InProgress\">"
                     "<Tags><Tag Key=\"k\" Value=\"v\"/></Tags>" + Config("b") + "</Fixture>");
  env.Write("a.xml", Config("a"));
  env.Write("notes.md", "ignored");
  store::Record snapshot_record = StoredDistribution("222222222222", "E3SNAP", "c");
  snapshot_record.etag = "E3ETAG";
  snapshot_record.created_ms = snapshot_record.modified_ms = snapshot_record.settles_at_ms = 5;
  env.Write("c.json", ExportSnapshot({snapshot_record}, 10).dump());

  auto loaded = env.Load({env.dir.string()});
  REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.error()));
  CHECK(loaded.value() == 3);
  const auto records = std::get<std::vector<store::Record>>(env.store->All());
  REQUIRE(records.size() == 3);
  const auto bare = records[0].account == "123456789012" ? records[0] : records[1];
  CHECK(bare.account == "123456789012");
  CHECK(bare.settles_at_ms == ToMillis(env.clock.Now()));  // Deployed by default
  CHECK(bare.document.find("\"PriceClass\":\"PriceClass_All\"") != std::string::npos);  // defaults filled in
  const auto wrapped = *env.store->Get("111111111111", "distribution", "E2B");
  CHECK(wrapped.settles_at_ms == ToMillis(env.clock.Now()) + 60'000);
  CHECK(wrapped.metadata.find("\"Tags\":[{\"Key\":\"k\",\"Value\":\"v\"}]") != std::string::npos);
  const auto snap = *env.store->Get("222222222222", "distribution", "E3SNAP");
  CHECK(snap.etag == "E3ETAG");
  CHECK(snap.modified_ms == 5);
}

TEST_CASE("a bad fixture names its file and loads nothing") {
  Env env;
  env.Write("a.xml", Config("a"));
  env.Write("b.xml", Config("a"));  // the same caller reference
  auto loaded = env.Load({env.dir.string()});
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.error().find((env.dir / "b.xml").string() + ": DistributionAlreadyExists") == 0);
  CHECK(std::get<std::vector<store::Record>>(env.store->All()).empty());

  CHECK(env.Load({(env.dir / "missing").string()}).error().find("no such file") != std::string::npos);
  CHECK(env.Load({env.Write("x.txt", "")}).error().find("x.txt") != std::string::npos);
  CHECK(env.Load({env.Write("bad.json", "[1]")}).error().find("bad.json: a snapshot is a JSON object") !=
        std::string::npos);
}

TEST_CASE("fixtures add to stored state; the same id is replaced") {
  Env env;
  REQUIRE(env.Load({env.Write("one.xml", "<Fixture id=\"E1\">" + Config("one", "first") + "</Fixture>")}).ok());
  const auto first = *env.store->Get("123456789012", "distribution", "E1");
  fs::remove(env.dir / "one.xml");
  auto loaded = env.Load({env.Write("two.xml", "<Fixture id=\"E1\">" + Config("one", "second") + "</Fixture>"),
                          env.Write("three.xml", Config("three"))});
  REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.error()));
  CHECK(std::get<std::vector<store::Record>>(env.store->All()).size() == 2);
  const auto second = *env.store->Get("123456789012", "distribution", "E1");
  CHECK(second.document.find("second") != std::string::npos);
  CHECK(second.etag != first.etag);

  // A fixture without an id replaces the stored one with its caller reference: restarts work.
  const auto three = std::get<std::vector<store::Record>>(env.store->All()).at(1);
  REQUIRE(three.id != "E1");
  auto again = env.Load({(env.dir / "three.xml").string()});
  REQUIRE_MESSAGE(again.ok(), (again.ok() ? "" : again.error()));
  CHECK(std::get<std::vector<store::Record>>(env.store->All()).size() == 2);
  CHECK(env.store->Get("123456789012", "distribution", three.id)->etag != three.etag);

  // Two fixtures of one load that collide are an error, not a replacement.
  auto twice = env.Load({env.Write("four.xml", "<Fixture id=\"E4\">" + Config("four") + "</Fixture>"),
                         env.Write("five.xml", "<Fixture id=\"E4\">" + Config("five") + "</Fixture>")});
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error().find("five.xml") != std::string::npos);
  CHECK(std::get<std::vector<store::Record>>(env.store->All()).size() == 2);
}

TEST_CASE("a fixture path must be a regular file: a FIFO or a device is refused at once, never read") {
  Env env;
  const std::string fifo = (env.dir / "state.json").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // As a path: refused before anything is opened (opening a FIFO waits for a writer).
  auto loaded = env.Load({fifo});
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.error().find("not a regular file") != std::string::npos);
  // In a directory: skipped like any other file that is not a fixture.
  env.Write("a.xml", Config("a"));
  loaded = env.Load({env.dir.string()});
  REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.error()));
  CHECK(loaded.value() == 1);
  loaded = env.Load({"/dev/zero"});
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.error().find("not a regular file") != std::string::npos);
}

TEST_CASE("a snapshot fixture nested too deep is refused, not parsed") {
  Env env;
  const std::string deep = env.Write("deep.json", "{\"resources\":" + std::string(100'000, '[') +
                                                      std::string(100'000, ']') + "}");
  auto loaded = env.Load({deep});
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.error().find("nested deeper than 64 levels") != std::string::npos);
  CHECK(std::get<std::vector<store::Record>>(env.store->All()).empty());
}

TEST_CASE("two snapshots with the same sequences both load") {
  Env env;
  env.Write("1.json", ExportSnapshot({StoredDistribution("111111111111", "E1", "one")}, 0).dump());
  env.Write("2.json", ExportSnapshot({StoredDistribution("111111111111", "E2", "two")}, 0).dump());
  auto loaded = env.Load({env.dir.string()});
  REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.error()));
  const auto records = std::get<std::vector<store::Record>>(env.store->All());
  REQUIRE(records.size() == 2);
  CHECK(records[0].id == "E1");
  CHECK(records[1].id == "E2");
  CHECK(records[1].sequence > records[0].sequence);
}

}  // namespace
}  // namespace cfl::control
