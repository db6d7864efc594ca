#include "emulator/control/snapshot.h"

#include "emulator/api/accounts.h"
#include "emulator/common/clock.h"

namespace cfl::control {
namespace {

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

  const Json& json_;
  std::string where_;
  std::string problem_;
};

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
  return records;
}

}  // namespace cfl::control
