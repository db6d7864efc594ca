#include "emulator/control/snapshot.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "emulator/api/accounts.h"
#include "emulator/codec/validate.h"
#include "emulator/common/clock.h"
#include "emulator/control/snapshot_kinds.h"

namespace cfl::control {
namespace {

constexpr std::size_t kMaxTags = 50;

bool SameSet(std::vector<std::string> a, std::vector<std::string> b) {
  std::sort(a.begin(), a.end());
  a.erase(std::unique(a.begin(), a.end()), a.end());
  std::sort(b.begin(), b.end());
  b.erase(std::unique(b.begin(), b.end()), b.end());
  return a == b;
}

std::string Listed(const std::vector<std::string>& items) {
  std::string text = "[";
  for (const auto& item : items) text += (text.size() > 1 ? ", " : "") + item;
  return text + "]";
}

// A config or Tags value checked like API input: types, then the model's
// rules (required members, enums, lengths, bounds, Quantity = Items).
std::optional<std::string> ModelProblem(const Json& value, std::string_view shape_name, const std::string& path) {
  if (auto problem = ShapeTypeProblem(value, shape_name, path)) return problem;
  const auto checked = model::Validate(value, *model::FindShape(shape_name), path);
  if (!checked) return path + " is not a valid " + std::string(shape_name) + ": " + checked.error().message;
  return std::nullopt;
}

Json ParsedOrText(const std::string& text) {
  Json parsed = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  return parsed.is_discarded() ? Json(text) : parsed;
}

Json Timestamp(std::int64_t ms) { return FormatIso8601(ms); }

// Reads one resource; where names it in messages ("resources[3]").
class ResourceReader {
 public:
  ResourceReader(const Json& json, std::string where) : json_(json), where_(std::move(where)) {}

  Result<store::Record, Problem> Read() {
    if (!json_.is_object()) return Fail(BadRequest(where_ + " must be an object"));
    if (auto ok = OnlyMembers(json_, {"account", "kind", "id", "parent", "etag", "config", "metadata",
                                      "unique_keys", "references", "created_ms", "created", "modified_ms",
                                      "modified", "settles_at_ms", "settles_at", "sequence", "status"});
        !ok) {
      return Fail(Problem{400, where_ + ": " + ok.error().message, ""});
    }
    store::Record record;
    record.account = Text("account", true);
    if (problem_.empty() && !api::IsAccountId(record.account)) problem_ = "account must be a 12-digit account id";
    record.kind = Text("kind", true);
    record.id = Text("id", true);
    record.parent = Text("parent", false);
    record.etag = Text("etag", true);
    for (const char* informational : {"created", "modified", "settles_at", "status"}) Text(informational, false);
    record.document = Document("config", true);
    record.metadata = Document("metadata", false);
    if (record.metadata.empty()) record.metadata = "{}";
    record.unique_keys = Strings("unique_keys");
    record.references = Strings("references");
    record.created_ms = Millis("created_ms", true);
    record.modified_ms = Millis("modified_ms", true);
    record.settles_at_ms = Millis("settles_at_ms", true);
    record.sequence = Millis("sequence", false);
    if (problem_.empty()) CheckContent(record);
    if (!problem_.empty()) return Fail(BadRequest(where_ + "." + problem_));
    return record;
  }

 private:
  const Json* Member(const char* name, bool required) {
    if (!problem_.empty()) return nullptr;
    const auto it = json_.find(name);
    if (it == json_.end() || it->is_null()) {
      if (required) problem_ = std::string(name) + " is required";
      return nullptr;
    }
    return &*it;
  }

  std::string Text(const char* name, bool required) {
    const Json* value = Member(name, required);
    if (!value) return "";
    if (!value->is_string() || (required && value->get_ref<const std::string&>().empty())) {
      problem_ = std::string(name) + " must be a " + (required ? "non-empty " : "") + "string";
      return "";
    }
    return value->get<std::string>();
  }

  std::string Document(const char* name, bool required) {
    const Json* value = Member(name, required);
    if (!value) return "";
    if (!value->is_object()) {
      problem_ = std::string(name) + " must be an object";
      return "";
    }
    return value->dump();
  }

  std::vector<std::string> Strings(const char* name) {
    const Json* value = Member(name, false);
    if (!value) return {};
    std::vector<std::string> strings;
    if (value->is_array()) {
      for (const auto& item : *value) {
        if (!item.is_string()) break;
        strings.push_back(item.get<std::string>());
      }
      if (strings.size() == value->size()) return strings;
    }
    problem_ = std::string(name) + " must be an array of strings";
    return {};
  }

  std::int64_t Millis(const char* name, bool required) {
    const Json* value = Member(name, required);
    if (!value) return 0;
    if (!value->is_number_integer() || (value->is_number_unsigned() && value->get<std::uint64_t>() > INT64_MAX) ||
        value->get<std::int64_t>() < 0) {
      problem_ = std::string(name) + " must be a non-negative integer";
      return 0;
    }
    return value->get<std::int64_t>();
  }

  // What the kind says about the record: its config and metadata shapes, its
  // parent, the keys and references its config implies, and time in range.
  void CheckContent(store::Record& record) {
    const SnapshotKind* kind = FindSnapshotKind(record.kind);
    if (!kind) {
      problem_ = "kind \"" + record.kind.substr(0, 64) + "\" is not one this emulator stores (" +
                 KnownSnapshotKinds() + ")";
      return;
    }
    const Json& config = json_["config"];
    if (auto problem = ModelProblem(config, kind->config_shape, "config")) {
      problem_ = *problem;
      return;
    }
    if (!CheckMetadata(*kind)) return;
    if (kind->parent_kind.empty() != record.parent.empty()) {
      problem_ = kind->parent_kind.empty() ? "parent must be empty: a " + record.kind + " has none"
                                           : "parent is required: a " + record.kind + " belongs to a " +
                                                 std::string(kind->parent_kind);
      return;
    }
    // Given or not, they are what the config implies (given, they must say so).
    auto keys = handlers::UniqueKeysOf(*kind->family, config, record.parent);
    if (json_.contains("unique_keys") && !SameSet(record.unique_keys, keys)) {
      problem_ = "unique_keys " + Listed(record.unique_keys) + " are not the ones its config holds " + Listed(keys);
      return;
    }
    auto references = kind->family->references ? kind->family->references(config) : std::vector<std::string>{};
    if (json_.contains("references") && !SameSet(record.references, references)) {
      problem_ = "references " + Listed(record.references) + " are not the ones its config makes " +
                 Listed(references);
      return;
    }
    if (!json_.contains("unique_keys")) record.unique_keys = std::move(keys);
    if (!json_.contains("references")) record.references = std::move(references);
    for (const auto* name : {"created_ms", "modified_ms", "settles_at_ms"}) {
      if (json_[name].get<std::int64_t>() > kMaxSnapshotTimeMs) {
        problem_ = std::string(name) + " must be at most " + std::to_string(kMaxSnapshotTimeMs) + " (" +
                   FormatIso8601(kMaxSnapshotTimeMs) + ")";
        return;
      }
    }
    if (record.created_ms > record.modified_ms) {
      problem_ = "modified_ms must not be before created_ms";
      return;
    }
    if (record.sequence > kMaxSnapshotSequence) {
      problem_ = "sequence must be at most " + std::to_string(kMaxSnapshotSequence);
    }
  }

  bool CheckMetadata(const SnapshotKind& kind) {
    const auto found = json_.find("metadata");
    if (found == json_.end() || found->is_null()) return true;
    for (const auto& [name, value] : found->items()) {
      const std::string path = "metadata." + name;
      if (name == "Tags" && kind.taggable) {
        if (!value.is_array() || value.size() > kMaxTags) {
          problem_ = path + " must be an array of at most " + std::to_string(kMaxTags) + " tags";
          return false;
        }
        for (std::size_t i = 0; i < value.size(); ++i) {
          if (auto problem = ModelProblem(value[i], "Tag", path + "[" + std::to_string(i) + "]")) {
            problem_ = *problem;
            return false;
          }
        }
      } else if (std::find(kind.metadata_strings.begin(), kind.metadata_strings.end(), name) !=
                 kind.metadata_strings.end()) {
        if (!value.is_string()) {
          problem_ = path + " must be a string";
          return false;
        }
      } else {
        problem_ = path + " is not something a " + std::string(kind.kind) + " holds";
        return false;
      }
    }
    return true;
  }

  const Json& json_;
  std::string where_;
  std::string problem_;
};

// What records point at — their parent, their references — must be in the
// snapshot too (in the same account), or be AWS-managed.
Result<Ok, Problem> CheckLinks(const std::vector<store::Record>& records) {
  std::set<std::tuple<std::string_view, std::string_view, std::string_view>> present;
  for (const auto& record : records) present.emplace(record.account, record.kind, record.id);
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& record = records[i];
    const std::string where = "resources[" + std::to_string(i) + "]";
    const SnapshotKind* kind = FindSnapshotKind(record.kind);
    if (!kind->parent_kind.empty() && !present.contains({record.account, kind->parent_kind, record.parent})) {
      return Fail(BadRequest(where + ".parent " + record.parent + " is no " + std::string(kind->parent_kind) +
                             " of account " + record.account + " in the snapshot"));
    }
    for (const auto& reference : record.references) {
      const auto target = ResolveReference(reference);
      if (!target) return Fail(BadRequest(where + ".references: " + reference + " is not a reference"));
      if (present.contains({record.account, target->kind, target->id}) || IsManaged(target->kind, target->id)) {
        continue;
      }
      return Fail(BadRequest(where + ".references: " + reference + " names no " + std::string(target->kind) +
                             " of account " + record.account + " in the snapshot"));
    }
  }
  return Ok{};
}

}  // namespace

std::string DerivedStatus(const store::Record& record, std::int64_t now_ms) {
  const bool settled = record.settles_at_ms <= now_ms;
  if (record.kind == "invalidation") return settled ? "Completed" : "InProgress";
  return settled ? "Deployed" : "InProgress";
}

Json RecordJson(const store::Record& record, std::int64_t now_ms) {
  return {{"account", record.account},
          {"kind", record.kind},
          {"id", record.id},
          {"parent", record.parent},
          {"etag", record.etag},
          {"status", DerivedStatus(record, now_ms)},
          {"config", ParsedOrText(record.document)},
          {"metadata", ParsedOrText(record.metadata)},
          {"unique_keys", record.unique_keys},
          {"references", record.references},
          {"created_ms", record.created_ms},
          {"created", Timestamp(record.created_ms)},
          {"modified_ms", record.modified_ms},
          {"modified", Timestamp(record.modified_ms)},
          {"settles_at_ms", record.settles_at_ms},
          {"settles_at", Timestamp(record.settles_at_ms)},
          {"sequence", record.sequence}};
}

Json ExportSnapshot(const std::vector<store::Record>& records, std::int64_t now_ms) {
  Json resources = Json::array();
  for (const auto& record : records) resources.push_back(RecordJson(record, now_ms));
  return {{"format", kSnapshotFormat},
          {"version", kSnapshotVersion},
          {"exported_at", Timestamp(now_ms)},
          {"exported_at_ms", now_ms},
          {"resources", std::move(resources)}};
}

Result<std::vector<store::Record>, Problem> ParseSnapshot(const Json& snapshot) {
  if (!snapshot.is_object()) return Fail(BadRequest("a snapshot is a JSON object"));
  if (auto ok = OnlyMembers(snapshot, {"format", "version", "exported_at", "exported_at_ms", "resources"}); !ok) {
    return Fail(std::move(ok).error());
  }
  if (snapshot.contains("format") && snapshot["format"] != kSnapshotFormat) {
    return Fail(BadRequest("\"format\" must be \"" + std::string(kSnapshotFormat) + "\""));
  }
  if (snapshot.contains("version") && snapshot["version"] != kSnapshotVersion) {
    return Fail(BadRequest("unsupported snapshot \"version\" " + Describe(snapshot["version"]) + "; this emulator reads " +
                           std::to_string(kSnapshotVersion)));
  }
  const auto resources = snapshot.find("resources");
  if (resources == snapshot.end() || !resources->is_array()) {
    return Fail(BadRequest("a snapshot needs \"resources\": an array"));
  }
  std::vector<store::Record> records;
  records.reserve(resources->size());
  for (std::size_t i = 0; i < resources->size(); ++i) {
    auto record = ResourceReader((*resources)[i], "resources[" + std::to_string(i) + "]").Read();
    if (!record) return Fail(std::move(record).error());
    records.push_back(std::move(record).value());
  }
  if (auto linked = CheckLinks(records); !linked) return Fail(std::move(linked).error());
  return records;
}

}  // namespace cfl::control
