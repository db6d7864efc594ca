#include "emulator/control/fixtures.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>

#include "emulator/common/ids.h"
#include "emulator/control/fixture_xml.h"
#include "emulator/control/snapshot.h"
#include "emulator/engine/registry.h"
#include "emulator/engine/resources.h"

namespace cfl::control {
namespace {

namespace fs = std::filesystem;

Result<std::vector<store::Record>, std::string> AllOf(store::Store& store) {
  auto all = store.All();
  if (auto* error = std::get_if<store::StoreError>(&all)) return Fail(error->message);
  return std::get<std::vector<store::Record>>(std::move(all));
}

bool IsFixtureFile(const fs::path& path) { return path.extension() == ".json" || path.extension() == ".xml"; }

Result<std::string, std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(std::string("cannot be read"));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Fail(std::string("cannot be read"));
  return text.str();
}

using Key = std::tuple<std::string, std::string, std::string>;        // account, kind, id
using Position = std::tuple<std::string, std::string, std::int64_t>;  // account, kind, sequence

// Stages fixtures in a scratch store that starts as a copy of the real one.
// A fixture replaces a resource that was stored before loading (same id, or
// for an XML fixture without an id the same caller reference), so restarting
// with --db and the same fixtures works; two fixtures that collide are an error.
class Staging {
 public:
  Staging(std::unique_ptr<store::Store> scratch, api::Services& services)
      : scratch_(std::move(scratch)), services_{*scratch_, services.clock, services.settings} {}

  Result<Ok, std::string> Start(std::vector<store::Record> existing) {
    for (const auto& record : existing) stored_.emplace(record.account, record.kind, record.id);
    return Replace(std::move(existing));
  }

  // A sequence already taken in (account, kind) is renumbered after the others.
  Result<std::size_t, std::string> AddSnapshot(std::vector<store::Record> records) {
    std::set<Key> replaced;
    for (const auto& record : records) {
      const Key key{record.account, record.kind, record.id};
      if (stored_.contains(key)) replaced.insert(key);
    }
    auto all = AllOf(*scratch_);
    if (!all) return Fail(std::move(all).error());
    std::vector<store::Record> merged;
    std::set<Position> sequences;
    for (auto& record : all.value()) {
      if (replaced.contains({record.account, record.kind, record.id})) continue;
      sequences.emplace(record.account, record.kind, record.sequence);
      merged.push_back(std::move(record));
    }
    const std::size_t count = records.size();
    for (auto& record : records) {
      if (sequences.contains({record.account, record.kind, record.sequence})) record.sequence = 0;
      merged.push_back(std::move(record));
    }
    if (auto done = Replace(std::move(merged)); !done) return Fail(std::move(done).error());
    for (const auto& key : replaced) stored_.erase(key);
    return count;
  }

  Result<Ok, std::string> AddXml(const XmlFixture& fixture, const std::string& default_account) {
    const auto document = engine::Registry::Get().FindByConfigRoot(fixture.config_root);
    if (!document) return Fail("no resource family takes a <" + fixture.config_root + ">");
    const engine::Family& family = document->definition->family;
    api::RequestContext ctx{services_, fixture.account.value_or(default_account), ids::RequestId(),
                            ToMillis(services_.clock.Now())};
    std::optional<std::string> id = fixture.id;
    if (!id && !family.caller_reference_member.empty()) {
      id = StoredWithCallerReference(ctx.account, family,
                                     engine::StringMember(fixture.config, family.caller_reference_member));
    }
    if (id && stored_.contains({ctx.account, std::string(family.kind), *id})) {
      if (auto stored = scratch_->Get(ctx.account, family.kind, *id)) {
        (void)scratch_->Delete(ctx.account, family.kind, *id, {});
      }
      stored_.erase({ctx.account, std::string(family.kind), *id});
    }
    engine::CreateOptions options;
    if (!fixture.tags.empty()) options.metadata["Tags"] = fixture.tags;
    options.id = id;
    auto created = engine::CreateResource(ctx, family, fixture.config, std::move(options));
    if (!created) return Fail(created.error().code + ": " + created.error().message);
    if (fixture.deployed) {
      auto settled = scratch_->SettleAll(ctx.now_ms, ctx.account, created->id());
      if (auto* error = std::get_if<store::StoreError>(&settled)) return Fail(error->message);
    }
    return Ok{};
  }

  Result<std::vector<store::Record>, std::string> Records() { return AllOf(*scratch_); }

 private:
  Result<Ok, std::string> Replace(std::vector<store::Record> records) {
    auto replaced = scratch_->ReplaceAll(std::move(records));
    if (auto* error = std::get_if<store::StoreError>(&replaced)) return Fail(error->message);
    return Ok{};
  }

  // The id of the resource stored before loading that holds this caller reference.
  std::optional<std::string> StoredWithCallerReference(const std::string& account, const engine::Family& family,
                                                       const std::string& caller_reference) {
    if (caller_reference.empty()) return std::nullopt;
    auto all = AllOf(*scratch_);
    if (!all) return std::nullopt;
    for (const auto& record : all.value()) {
      if (record.account != account || record.kind != family.kind) continue;
      if (!stored_.contains({record.account, record.kind, record.id})) continue;
      const Json config = Json::parse(record.document, nullptr, /*allow_exceptions=*/false);
      if (config.is_object() && engine::StringMember(config, family.caller_reference_member) == caller_reference) {
        return record.id;
      }
    }
    return std::nullopt;
  }

  std::unique_ptr<store::Store> scratch_;
  api::Services services_;
  std::set<Key> stored_;  // resources stored before loading, not yet replaced
};

Result<std::size_t, std::string> LoadFile(Staging& staging, const std::string& file,
                                          const std::string& default_account) {
  auto text = ReadFile(file);
  if (!text) return Fail(std::move(text).error());
  if (fs::path(file).extension() == ".xml") {
    auto fixture = ParseXmlFixture(text.value());
    if (!fixture) return Fail(std::move(fixture).error());
    if (auto added = staging.AddXml(fixture.value(), default_account); !added) return Fail(std::move(added).error());
    return std::size_t{1};
  }
  const Json snapshot = Json::parse(text.value(), nullptr, /*allow_exceptions=*/false);
  if (snapshot.is_discarded()) return Fail(std::string("not valid JSON"));
  auto records = ParseSnapshot(snapshot);
  if (!records) return Fail(records.error().message);
  return staging.AddSnapshot(std::move(records).value());
}

}  // namespace

Result<std::vector<std::string>, std::string> FixtureFiles(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const auto& path : paths) {
    std::error_code error;
    const auto status = fs::status(path, error);
    if (error || !fs::exists(status)) return Fail(path + ": no such file or directory");
    if (fs::is_directory(status)) {
      std::vector<std::string> found;
      for (const auto& entry : fs::directory_iterator(path, error)) {
        if (entry.is_regular_file() && IsFixtureFile(entry.path())) found.push_back(entry.path().string());
      }
      if (error) return Fail(path + ": " + error.message());
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (IsFixtureFile(path)) {
      files.push_back(path);
    } else {
      return Fail(path + ": a fixture file is *.json (a state snapshot) or *.xml (a config)");
    }
  }
  return files;
}

Result<std::size_t, std::string> LoadFixtures(const std::vector<std::string>& paths, api::Services& services,
                                              const std::string& default_account) {
  auto files = FixtureFiles(paths);
  if (!files) return Fail(std::move(files).error());
  if (files->empty()) return std::size_t{0};
  auto scratch = store::OpenSqliteStore("");
  if (auto* error = std::get_if<store::StoreError>(&scratch)) return Fail("scratch store: " + error->message);
  Staging staging(std::get<std::unique_ptr<store::Store>>(std::move(scratch)), services);
  auto stored = AllOf(services.store);
  if (!stored) return Fail("the stored state: " + std::move(stored).error());
  if (auto started = staging.Start(std::move(stored).value()); !started) {
    return Fail("the stored state: " + std::move(started).error());
  }
  std::size_t loaded = 0;
  for (const auto& file : files.value()) {
    auto count = LoadFile(staging, file, default_account);
    if (!count) return Fail(file + ": " + std::move(count).error());
    loaded += count.value();
  }
  auto staged = staging.Records();
  if (!staged) return Fail("loading the fixtures: " + std::move(staged).error());
  auto replaced = services.store.ReplaceAll(std::move(staged).value());
  if (auto* error = std::get_if<store::StoreError>(&replaced)) return Fail("loading the fixtures: " + error->message);
  return loaded;
}

}  // namespace cfl::control
