#include "emulator/control/fixtures.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <filesystem>
#include <set>
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

std::string NotRegular(const fs::path& path) {
  return path.string() + ": not a regular file (a fixture is a *.json or *.xml file, or a directory of them)";
}

// An open fixture file.
struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

// The file, open for reading, if it is a regular file of at most
// kMaxFixtureFileBytes. The type is checked on the opened descriptor, and the
// open does not wait: a FIFO would block it (and then every read), a device
// such as /dev/zero never ends.
Result<File, std::string> OpenRegularFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return Fail("cannot be opened: " + std::string(std::strerror(errno)));
  struct stat info {};
  std::string problem;
  if (::fstat(fd, &info) != 0) {
    problem = "cannot be read: " + std::string(std::strerror(errno));
  } else if (!S_ISREG(info.st_mode)) {
    problem = "not a regular file";
  } else if (static_cast<std::uint64_t>(info.st_size) > kMaxFixtureFileBytes) {
    problem = "is " + std::to_string(info.st_size) + " bytes; a fixture file may have at most " +
              std::to_string(kMaxFixtureFileBytes);
  }
  File file(problem.empty() ? ::fdopen(fd, "rb") : nullptr);
  if (!file) {
    ::close(fd);
    return Fail(problem.empty() ? "cannot be read: " + std::string(std::strerror(errno)) : problem);
  }
  return file;
}

// What is left of the file, up to kMaxFixtureFileBytes.
Result<std::string, std::string> ReadAll(std::FILE* file) {
  std::string text;
  char buffer[64 * 1024];
  while (const std::size_t got = std::fread(buffer, 1, sizeof buffer, file)) {
    text.append(buffer, got);
    if (text.size() > kMaxFixtureFileBytes) return Fail(std::string("grew past the size limit while being read"));
  }
  if (std::ferror(file)) return Fail("cannot be read: " + std::string(std::strerror(errno)));
  return text;
}

using Key = std::tuple<std::string, std::string, std::string>;        // account, kind, id
using Position = std::tuple<std::string, std::string, std::int64_t>;  // account, kind, sequence

Key KeyOf(const store::Record& record) { return {record.account, record.kind, record.id}; }

// Stages fixtures on top of what the store holds. A fixture replaces a
// resource that was stored before loading (same id, or for an XML fixture
// without an id the same caller reference), so restarting with --db and the
// same fixtures works; two fixtures with the same id are an error.
//
// The staged records are a plain vector: a snapshot of 100,000 records is
// merged without a copy. XML fixtures are created through the engine, which
// needs a store: a scratch store holds the staged records while consecutive
// XML fixtures are created, and gives them back before the next snapshot.
class Staging {
 public:
  explicit Staging(api::Services& services) : services_(services) {}

  void Start(std::vector<store::Record> existing) {
    for (const auto& record : existing) stored_.insert(KeyOf(record));
    records_ = std::move(existing);
  }

  // A sequence already taken in (account, kind) is renumbered after the others.
  Result<std::size_t, std::string> AddSnapshot(std::vector<store::Record> records) {
    if (auto left = LeaveScratch(); !left) return Fail(std::move(left).error());
    std::set<Key> adding;
    for (const auto& record : records) adding.insert(KeyOf(record));
    std::set<Position> sequences;
    std::size_t kept = 0;
    for (std::size_t at = 0; at < records_.size(); ++at) {
      store::Record& record = records_[at];
      const Key key = KeyOf(record);
      if (adding.contains(key)) {
        if (!stored_.contains(key)) {
          return Fail(std::get<1>(key) + " " + std::get<2>(key) + " of account " + std::get<0>(key) +
                      " is also in an earlier fixture");
        }
        stored_.erase(key);  // replaced
        continue;
      }
      sequences.emplace(record.account, record.kind, record.sequence);
      if (kept != at) records_[kept] = std::move(record);
      ++kept;
    }
    records_.resize(kept);
    const std::size_t count = records.size();
    records_.reserve(records_.size() + count);
    for (auto& record : records) {
      if (sequences.contains({record.account, record.kind, record.sequence})) record.sequence = 0;
      records_.push_back(std::move(record));
    }
    return count;
  }

  Result<Ok, std::string> AddXml(const XmlFixture& fixture, const std::string& default_account) {
    const auto document = engine::Registry::Get().FindByConfigRoot(fixture.config_root);
    if (!document) return Fail("no resource family takes a <" + fixture.config_root + ">");
    const engine::Family& family = document->definition->family;
    auto scratch = EnterScratch();
    if (!scratch) return Fail(std::move(scratch).error());
    store::Store& store = *scratch.value();
    api::Services services{store, services_.clock, services_.settings};
    api::RequestContext ctx{services, fixture.account.value_or(default_account), ids::RequestId(),
                            ToMillis(services.clock.Now())};
    std::optional<std::string> id = fixture.id;
    if (!id && !family.caller_reference_member.empty()) {
      id = StoredWithCallerReference(store, ctx.account, family,
                                     engine::StringMember(fixture.config, family.caller_reference_member));
    }
    if (id && stored_.contains({ctx.account, std::string(family.kind), *id})) {
      if (store.Get(ctx.account, family.kind, *id)) (void)store.Delete(ctx.account, family.kind, *id, {});
      stored_.erase({ctx.account, std::string(family.kind), *id});
    }
    engine::CreateOptions options;
    if (!fixture.tags.empty()) options.metadata["Tags"] = fixture.tags;
    options.id = id;
    auto created = engine::CreateResource(ctx, family, fixture.config, std::move(options));
    if (!created) return Fail(created.error().code + ": " + created.error().message);
    if (fixture.deployed) {
      auto settled = store.SettleAll(ctx.now_ms, ctx.account, created->id());
      if (auto* error = std::get_if<store::StoreError>(&settled)) return Fail(error->message);
    }
    return Ok{};
  }

  Result<std::vector<store::Record>, std::string> TakeRecords() {
    if (auto left = LeaveScratch(); !left) return Fail(std::move(left).error());
    return std::move(records_);
  }

 private:
  Result<store::Store*, std::string> EnterScratch() {
    if (scratch_) return scratch_.get();
    auto opened = store::OpenSqliteStore("");
    if (auto* error = std::get_if<store::StoreError>(&opened)) return Fail("scratch store: " + error->message);
    scratch_ = std::get<std::unique_ptr<store::Store>>(std::move(opened));
    auto replaced = scratch_->ReplaceAll(std::move(records_));
    records_.clear();
    if (auto* error = std::get_if<store::StoreError>(&replaced)) return Fail(error->message);
    return scratch_.get();
  }

  Result<Ok, std::string> LeaveScratch() {
    if (!scratch_) return Ok{};
    auto all = AllOf(*scratch_);
    if (!all) return Fail(std::move(all).error());
    records_ = std::move(all).value();
    scratch_.reset();
    return Ok{};
  }

  // The id of the resource stored before loading that holds this caller reference.
  std::optional<std::string> StoredWithCallerReference(store::Store& store, const std::string& account,
                                                       const engine::Family& family,
                                                       const std::string& caller_reference) {
    if (caller_reference.empty()) return std::nullopt;
    auto all = AllOf(store);
    if (!all) return std::nullopt;
    for (const auto& record : all.value()) {
      if (record.account != account || record.kind != family.kind) continue;
      if (!stored_.contains(KeyOf(record))) continue;
      const Json config = Json::parse(record.document, nullptr, /*allow_exceptions=*/false);
      if (config.is_object() && engine::StringMember(config, family.caller_reference_member) == caller_reference) {
        return record.id;
      }
    }
    return std::nullopt;
  }

  api::Services& services_;
  std::vector<store::Record> records_;    // staged, while no scratch store holds them
  std::unique_ptr<store::Store> scratch_;  // holds them while XML fixtures are created
  std::set<Key> stored_;                   // resources stored before loading, not yet replaced
};

Result<std::size_t, std::string> LoadFile(Staging& staging, const std::string& file,
                                          const std::string& default_account) {
  auto opened = OpenRegularFile(file);
  if (!opened) return Fail(std::move(opened).error());
  if (fs::path(file).extension() == ".xml") {
    auto text = ReadAll(opened->get());
    if (!text) return Fail(std::move(text).error());
    if (text->size() > kMaxXmlFixtureBytes) {
      return Fail("is " + std::to_string(text->size()) + " bytes; an XML fixture (one config) may have at most " +
                  std::to_string(kMaxXmlFixtureBytes));
    }
    auto fixture = ParseXmlFixture(text.value());
    if (!fixture) return Fail(std::move(fixture).error());
    if (auto added = staging.AddXml(fixture.value(), default_account); !added) return Fail(std::move(added).error());
    return std::size_t{1};
  }
  auto records = ReadSnapshot(opened->get());
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
  Staging staging(services);
  auto stored = AllOf(services.store);
  if (!stored) return Fail("the stored state: " + std::move(stored).error());
  staging.Start(std::move(stored).value());
  std::size_t loaded = 0;
  for (const auto& file : files.value()) {
    auto count = LoadFile(staging, file, default_account);
    if (!count) return Fail(file + ": " + std::move(count).error());
    loaded += count.value();
  }
  auto records = staging.TakeRecords();
  if (!records) return Fail("loading the fixtures: " + std::move(records).error());
  auto replaced = services.store.ReplaceAll(std::move(records).value());
  if (auto* error = std::get_if<store::StoreError>(&replaced)) return Fail("loading the fixtures: " + error->message);
  return loaded;
}

}  // namespace cfl::control
