#include "emulator/control/fixtures.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <tuple>

#include "emulator/common/ids.h"
#include "emulator/control/fixture_xml.h"
#include "emulator/control/snapshot.h"
#include "emulator/families/distributions/distributions.h"
#include "emulator/families/streaming/streaming_distributions.h"

namespace cfl::control {
namespace {

namespace fs = std::filesystem;

bool IsFixtureFile(const fs::path& path) { return path.extension() == ".json" || path.extension() == ".xml"; }

std::string NotRegular(const fs::path& path) {
  return path.string() + ": not a regular file (a fixture is a *.json or *.xml file, or a directory of them)";
}

// The whole file, if it is a regular file of at most kMaxFixtureFileBytes. The
// type is checked on the opened descriptor, and the open does not wait: a FIFO
// would block it (and then every read), a device such as /dev/zero never ends.
Result<std::string, std::string> ReadFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return Fail("cannot be opened: " + std::string(std::strerror(errno)));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat info {};
  if (::fstat(fd, &info) != 0) return Fail("cannot be read: " + std::string(std::strerror(errno)));
  if (!S_ISREG(info.st_mode)) return Fail(std::string("not a regular file"));
  if (static_cast<std::uint64_t>(info.st_size) > kMaxFixtureFileBytes) {
    return Fail("is " + std::to_string(info.st_size) + " bytes; a fixture file may have at most " +
                std::to_string(kMaxFixtureFileBytes));
  }
  std::string text(static_cast<std::size_t>(info.st_size), '\0');
  std::size_t filled = 0;
  while (filled < text.size()) {
    const ssize_t got = ::read(fd, text.data() + filled, text.size() - filled);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return Fail("cannot be read: " + std::string(std::strerror(errno)));
    if (got == 0) break;  // shrank while being read
    filled += static_cast<std::size_t>(got);
  }
  text.resize(filled);
  return text;
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
    std::vector<store::Record> merged;
    std::set<Position> sequences;
    for (auto& record : scratch_->All()) {
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
    const bool streaming = fixture.config_root == "StreamingDistributionConfig";
    const auto& family = streaming ? handlers::StreamingDistributionFamily() : handlers::DistributionFamily();
    api::RequestContext ctx{services_, fixture.account.value_or(default_account), ids::RequestId(),
                            ToMillis(services_.clock.Now())};
    std::optional<std::string> id = fixture.id;
    if (!id) id = StoredWithCallerReference(ctx.account, family, fixture.config.value(family.caller_reference_member, ""));
    if (id && stored_.contains({ctx.account, family.kind, *id})) {
      if (auto stored = scratch_->Get(ctx.account, family.kind, *id)) {
        scratch_->Delete(ctx.account, family.kind, *id, stored->etag, std::nullopt);
      }
      stored_.erase({ctx.account, family.kind, *id});
    }
    handlers::CreateOptions options;
    if (!fixture.tags.empty()) options.metadata["Tags"] = fixture.tags;
    options.id = id;
    auto created = handlers::CreateResource(ctx, family, fixture.config, std::move(options));
    if (!created) return Fail(created.error().code + ": " + created.error().message);
    if (fixture.deployed) scratch_->SettleAll(ctx.now_ms, ctx.account, created->id());
    return Ok{};
  }

  std::vector<store::Record> Records() { return scratch_->All(); }

 private:
  Result<Ok, std::string> Replace(std::vector<store::Record> records) {
    auto replaced = scratch_->ReplaceAll(std::move(records));
    if (auto* error = std::get_if<store::StoreError>(&replaced)) return Fail(error->message);
    return Ok{};
  }

  // The id of the resource stored before loading that holds this caller reference.
  std::optional<std::string> StoredWithCallerReference(const std::string& account,
                                                       const handlers::ResourceFamily& family,
                                                       const std::string& caller_reference) {
    if (caller_reference.empty()) return std::nullopt;
    for (const auto& record : scratch_->All()) {
      if (record.account != account || record.kind != family.kind) continue;
      if (!stored_.contains({record.account, record.kind, record.id})) continue;
      const Json config = Json::parse(record.document, nullptr, /*allow_exceptions=*/false);
      if (config.is_object() && config.value(family.caller_reference_member, "") == caller_reference) {
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
  auto snapshot = ParseJson(text.value());
  if (!snapshot) return Fail(std::move(snapshot).error());
  auto records = ParseSnapshot(snapshot.value());
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
        if (entry.is_regular_file(error) && IsFixtureFile(entry.path())) found.push_back(entry.path().string());
      }
      if (error) return Fail(path + ": " + error.message());
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (!fs::is_regular_file(status)) {
      return Fail(NotRegular(path));
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
  if (auto started = staging.Start(services.store.All()); !started) {
    return Fail("the stored state: " + std::move(started).error());
  }
  std::size_t loaded = 0;
  for (const auto& file : files.value()) {
    auto count = LoadFile(staging, file, default_account);
    if (!count) return Fail(file + ": " + std::move(count).error());
    loaded += count.value();
  }
  auto replaced = services.store.ReplaceAll(staging.Records());
  if (auto* error = std::get_if<store::StoreError>(&replaced)) return Fail("loading the fixtures: " + error->message);
  return loaded;
}

}  // namespace cfl::control
