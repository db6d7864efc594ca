#include "emulator/control/snapshot.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "emulator/api/accounts.h"
#include "emulator/codec/validate.h"
#include "emulator/common/clock.h"
#include "emulator/control/snapshot_kinds.h"
#include "emulator/engine/references.h"
#include "emulator/engine/registry.h"
#include "emulator/engine/resources.h"

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
std::optional<std::string> ModelProblem(const Json& value, model::ShapeId shape, const std::string& path) {
  if (auto problem = ShapeTypeProblem(value, shape, path)) return problem;
  const auto checked = model::Validate(value, shape, path);
  if (!checked) {
    return path + " is not a valid " + std::string(model::Shape(shape).name) + ": " + checked.error().message;
  }
  return std::nullopt;
}

// A record without a config document (a key value store's keys), as its family checks it.
std::optional<std::string> StoredProblem(const engine::Family& family, const store::Record& record,
                                         const Json& config) {
  if (!config.is_object()) return std::string("config must be an object");
  if (auto problem = family.check_stored(record, config)) return "config: " + *problem;
  return std::nullopt;
}

Json ParsedOrText(const std::string& text) {
  Json parsed = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  return parsed.is_discarded() ? Json(text) : parsed;
}

Json Timestamp(std::int64_t ms) { return FormatIso8601(ms); }

// Records of families without versions (real-time log configs) have no ETag.
bool Versioned(std::string_view kind) {
  const auto found = FindSnapshotKind(kind);
  if (!found) return true;  // refused for its kind later
  // A child kind with no family of its own (a key value store's keys) is
  // versioned by its owner (the store's data ETag).
  const bool owned_child = found->kind != found->family->kind && found->config_shape == model::kNoShape;
  return !owned_child && found->family->versioning != engine::Versioning::kNone;
}

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
    record.etag = Text("etag", Versioned(record.kind));
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
    const auto kind = FindSnapshotKind(record.kind);
    if (!kind) {
      problem_ = "kind \"" + record.kind.substr(0, 64) + "\" is not one this emulator stores (" +
                 KnownSnapshotKinds() + ")";
      return;
    }
    const engine::Family& family = *kind->family;
    const Json& config = json_["config"];
    if (auto problem = kind->config_shape == model::kNoShape ? StoredProblem(family, record, config)
                                                               : ModelProblem(config, kind->config_shape, "config")) {
      problem_ = *problem;
      return;
    }
    if (!CheckMetadata(family)) return;
    if (kind->parent_kind.empty() != record.parent.empty()) {
      problem_ = kind->parent_kind.empty() ? "parent must be empty: a " + record.kind + " has none"
                                           : "parent is required: a " + record.kind + " belongs to a " +
                                                 std::string(kind->parent_kind);
      return;
    }
    const bool live_stage = kind->config_shape != model::kNoShape && kind->kind != family.kind;
    if (live_stage && record.id != record.parent) {
      problem_ = "a " + record.kind + " is the LIVE stage of the " + std::string(family.kind) +
                 " it names as parent, and has its id";
      return;
    }
    // Records without a config document imply neither keys nor references.
    if (kind->config_shape == model::kNoShape) {
      if (!SameSet(record.unique_keys, {}) || !SameSet(record.references, {})) {
        problem_ = "a " + record.kind + " has neither unique_keys nor references";
        return;
      }
      CheckTimes(record);
      return;
    }
    // Given or not, they are what the config implies (given, they must say so).
    auto keys = engine::UniqueKeysOf(family, config, record.parent);
    if (json_.contains("unique_keys") && !SameSet(record.unique_keys, keys)) {
      problem_ = "unique_keys " + Listed(record.unique_keys) + " are not the ones its config holds " + Listed(keys);
      return;
    }
    // References by metadata (a policy's staging distribution by domain name)
    // need every record of the snapshot: ResolveNamedReferences checks them.
    if (engine::NamesTargetsByMetadata(record.kind)) {
      if (!json_.contains("unique_keys")) record.unique_keys = std::move(keys);
      CheckTimes(record);
      return;
    }
    auto made = engine::ReferencesOf(record.kind, config);
    if (!made) {
      problem_ = "config: " + made.error().message;
      return;
    }
    auto references = std::move(made->all);
    if (json_.contains("references") && !SameSet(record.references, references)) {
      problem_ = "references " + Listed(record.references) + " are not the ones its config makes " +
                 Listed(references);
      return;
    }
    if (!json_.contains("unique_keys")) record.unique_keys = std::move(keys);
    if (!json_.contains("references")) record.references = std::move(references);
    CheckTimes(record);
  }

  // Time in range, in order; the sequence bounded.
  void CheckTimes(const store::Record& record) {
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

  // Tags (of a taggable family: valid, at most 50), and attributes fixed at
  // creation (DomainName, S3CanonicalUserId, ...): strings.
  bool CheckMetadata(const engine::Family& family) {
    const auto found = json_.find("metadata");
    if (found == json_.end() || found->is_null()) return true;
    for (const auto& [name, value] : found->items()) {
      const std::string path = "metadata." + name;
      if (name == "Tags" && family.taggable) {
        if (!value.is_array() || value.size() > kMaxTags) {
          problem_ = path + " must be an array of at most " + std::to_string(kMaxTags) + " tags";
          return false;
        }
        for (std::size_t i = 0; i < value.size(); ++i) {
          if (auto problem = ModelProblem(value[i], *model::FindShape("Tag"), path + "[" + std::to_string(i) + "]")) {
            problem_ = *problem;
            return false;
          }
        }
      } else if (name == "Tags") {
        problem_ = path + ": a " + std::string(family.kind) + " has no tags";
        return false;
      } else if (!value.is_string()) {
        problem_ = path + " must be a string";
        return false;
      }
    }
    return true;
  }

  const Json& json_;
  std::string where_;
  std::string problem_;
};

// The records of a snapshot by what their metadata says (a distribution by its
// DomainName), for references that name their target that way; built on the
// first look-up of each (kind, member), in the account of the record asking.
class MetadataIndex {
 public:
  template <typename Records, typename RecordOf>
  MetadataIndex(const Records& records, RecordOf record_of)
      : all_([&records, record_of](const std::function<void(const store::Record&)>& visit) {
          for (const auto& item : records) visit(record_of(item));
        }) {}

  engine::TargetFinder FinderFor(const std::string& account) {
    return [this, account](std::string_view kind, std::string_view member, std::string_view value) {
      return Find(account, kind, member, value);
    };
  }

 private:
  std::optional<std::string> Find(const std::string& account, std::string_view kind, std::string_view member,
                                  std::string_view value) {
    const std::pair<std::string, std::string> indexed{std::string(kind), std::string(member)};
    if (!built_.contains(indexed)) {
      built_.insert(indexed);
      all_([&](const store::Record& record) {
        if (record.kind != kind) return;
        const Json metadata = Json::parse(record.metadata, nullptr, /*allow_exceptions=*/false);
        const auto found = metadata.is_object() ? metadata.find(member) : metadata.end();
        if (metadata.is_object() && found != metadata.end() && found->is_string()) {
          ids_.emplace(Key{record.account, indexed.first, indexed.second, found->get<std::string>()}, record.id);
        }
      });
    }
    const auto id = ids_.find(Key{account, std::string(kind), std::string(member), std::string(value)});
    if (id == ids_.end()) return std::nullopt;
    return id->second;
  }

  using Key = std::tuple<std::string, std::string, std::string, std::string>;  // account, kind, member, value
  std::function<void(const std::function<void(const store::Record&)>&)> all_;
  std::set<std::pair<std::string, std::string>> built_;
  std::map<Key, std::string> ids_;
};

// The references of records that name their targets by metadata, which
// ResourceReader leaves to this pass: what the config makes with the
// snapshot's own records; given (non-empty), they must say so.
Result<Ok, Problem> ResolveNamedReferences(std::vector<store::Record>& records) {
  MetadataIndex index(records, [](const store::Record& record) -> const store::Record& { return record; });
  for (std::size_t i = 0; i < records.size(); ++i) {
    auto& record = records[i];
    if (!engine::NamesTargetsByMetadata(record.kind)) continue;
    const std::string where = "resources[" + std::to_string(i) + "]";
    const Json config = Json::parse(record.document, nullptr, /*allow_exceptions=*/false);
    auto made = engine::ReferencesOf(record.kind, config, index.FinderFor(record.account));
    if (!made) {
      return Fail(BadRequest(where + ".config: " + made.error().message + " (it names no record of account " +
                             record.account + " in the snapshot)"));
    }
    if (!record.references.empty() && !SameSet(record.references, made->all)) {
      return Fail(BadRequest(where + ".references " + Listed(record.references) +
                             " are not the ones its config makes " + Listed(made->all)));
    }
    record.references = std::move(made->all);
  }
  return Ok{};
}

// What records point at — their parent, their references — must be in the
// snapshot too (in the same account), or be AWS-managed.
Result<Ok, Problem> CheckLinks(const std::vector<store::Record>& records) {
  std::set<std::tuple<std::string_view, std::string_view, std::string_view>> present;
  for (const auto& record : records) present.emplace(record.account, record.kind, record.id);
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& record = records[i];
    const std::string where = "resources[" + std::to_string(i) + "]";
    const std::string_view parent_kind = FindSnapshotKind(record.kind)->parent_kind;
    if (!parent_kind.empty() && !present.contains({record.account, parent_kind, record.parent})) {
      return Fail(BadRequest(where + ".parent " + record.parent + " is no " + std::string(parent_kind) +
                             " of account " + record.account + " in the snapshot"));
    }
    for (const auto& reference : record.references) {  // "KIND:ID" (store::ReferenceTo)
      const auto colon = reference.find(':');
      const std::string_view kind = std::string_view(reference).substr(0, colon);
      const std::string_view id = colon == std::string::npos ? "" : std::string_view(reference).substr(colon + 1);
      const auto* target = engine::Registry::Get().FindFamily(kind);
      if (present.contains({record.account, kind, id}) || (target && engine::FindManaged(target->family.managed, id))) {
        continue;
      }
      return Fail(BadRequest(where + ".references: " + reference + " names no " + std::string(kind) +
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

Json RecordHeadJson(const store::Record& record, std::int64_t now_ms) {
  return {{"account", record.account}, {"kind", record.kind}, {"id", record.id},
          {"parent", record.parent},   {"etag", record.etag}, {"status", DerivedStatus(record, now_ms)}};
}

Json RecordJson(const store::Record& record, std::int64_t now_ms) {
  Json json = RecordHeadJson(record, now_ms);
  json.update({{"config", ParsedOrText(record.document)},
               {"metadata", ParsedOrText(record.metadata)},
               {"unique_keys", record.unique_keys},
               {"references", record.references},
               {"created_ms", record.created_ms},
               {"created", Timestamp(record.created_ms)},
               {"modified_ms", record.modified_ms},
               {"modified", Timestamp(record.modified_ms)},
               {"settles_at_ms", record.settles_at_ms},
               {"settles_at", Timestamp(record.settles_at_ms)},
               {"sequence", record.sequence}});
  return json;
}

namespace {

std::string JsonText(const Json& value) { return value.dump(-1, ' ', false, Json::error_handler_t::replace); }

// A stored document (config or metadata) as it goes into a snapshot: its
// text as is when it is a JSON object (as the engine stores them), else
// what RecordJson makes of it.
void AppendDocument(std::string& out, const std::string& document, const Json* parsed) {
  if (parsed ? parsed->is_object() : Json::accept(document)) {
    out += document;
  } else {
    out += JsonText(ParsedOrText(document));
  }
}

// RecordJson(record).dump(), written directly: the config and metadata text
// go in as stored, without being parsed and printed again.
void AppendRecord(std::string& out, const store::Record& record, const Json& config,
                  const std::vector<std::string>& unique_keys, const std::vector<std::string>& references,
                  std::int64_t now_ms) {
  const auto member = [&out](std::string_view name, const Json& value) {
    out.append(",\"").append(name).append("\":").append(JsonText(value));
  };
  out += "{\"account\":" + JsonText(record.account);
  out += ",\"config\":";
  AppendDocument(out, record.document, &config);
  member("created", Timestamp(record.created_ms));
  member("created_ms", record.created_ms);
  member("etag", record.etag);
  member("id", record.id);
  member("kind", record.kind);
  out += ",\"metadata\":";
  AppendDocument(out, record.metadata, nullptr);
  member("modified", Timestamp(record.modified_ms));
  member("modified_ms", record.modified_ms);
  member("parent", record.parent);
  member("references", references);
  member("sequence", record.sequence);
  member("settles_at", Timestamp(record.settles_at_ms));
  member("settles_at_ms", record.settles_at_ms);
  member("status", DerivedStatus(record, now_ms));
  member("unique_keys", unique_keys);
  out += '}';
}

}  // namespace

bool WriteSnapshot(const std::vector<std::shared_ptr<const store::Record>>& records, std::int64_t now_ms,
                   const std::function<bool(std::string_view)>& write) {
  constexpr std::size_t kPiece = 64 * 1024;
  std::string piece = "{\"exported_at\":" + JsonText(Timestamp(now_ms)) +
                      ",\"exported_at_ms\":" + std::to_string(now_ms) +
                      ",\"format\":" + JsonText(kSnapshotFormat) + ",\"resources\":[";
  MetadataIndex index(records, [](const auto& record) -> const store::Record& { return *record; });
  for (std::size_t i = 0; i < records.size(); ++i) {
    const store::Record& record = *records[i];
    const Json config = Json::parse(record.document, nullptr, /*allow_exceptions=*/false);
    std::vector<std::string> unique_keys;
    std::vector<std::string> references;
    const auto kind = FindSnapshotKind(record.kind);
    if (kind && kind->config_shape != model::kNoShape && config.is_object()) {
      unique_keys = engine::UniqueKeysOf(*kind->family, config, record.parent);
      if (auto made = engine::ReferencesOf(record.kind, config, index.FinderFor(record.account))) {
        references = std::move(made->all);
      }
    }
    if (i > 0) piece += ',';
    AppendRecord(piece, record, config, unique_keys, references, now_ms);
    if (piece.size() >= kPiece) {
      if (!write(piece)) return false;
      piece.clear();
    }
  }
  piece += "],\"version\":" + std::to_string(kSnapshotVersion) + "}";
  return write(piece);
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

namespace {

// The members of a snapshot besides its resources.
Result<Ok, Problem> CheckEnvelope(const Json& snapshot) {
  if (auto ok = OnlyMembers(snapshot, {"format", "version", "exported_at", "exported_at_ms", "resources"}); !ok) {
    return Fail(std::move(ok).error());
  }
  if (snapshot.contains("format") && snapshot["format"] != kSnapshotFormat) {
    return Fail(BadRequest("\"format\" must be \"" + std::string(kSnapshotFormat) + "\""));
  }
  if (snapshot.contains("version") && snapshot["version"] != kSnapshotVersion) {
    return Fail(BadRequest("unsupported snapshot \"version\" " + Describe(snapshot["version"]) +
                           "; this emulator reads " + std::to_string(kSnapshotVersion)));
  }
  return Ok{};
}

const Problem kNoResources = BadRequest("a snapshot needs \"resources\": an array");

// A SAX reader of snapshot text: each element of "resources" is built on its
// own, read into a record and dropped, so the document is never held whole
// (a 100,000-distribution snapshot is 200 MB of JSON and would be 1 GB as a
// DOM). Depth is bounded by kMaxJsonDepth as ParseJson bounds it.
class SnapshotSax {
 public:
  Result<std::vector<store::Record>, Problem> Finish(bool parsed) {
    if (!problem_.message.empty()) return Fail(problem_);
    if (!parsed) return Fail(BadRequest("the snapshot is not valid JSON"));
    if (!envelope_.is_object()) return Fail(BadRequest("a snapshot is a JSON object"));
    if (auto ok = CheckEnvelope(envelope_); !ok) return Fail(std::move(ok).error());
    if (!saw_resources_) return Fail(kNoResources);
    if (auto named = ResolveNamedReferences(records_); !named) return Fail(std::move(named).error());
    if (auto linked = CheckLinks(records_); !linked) return Fail(std::move(linked).error());
    return std::move(records_);
  }

  // nlohmann's SAX interface.
  bool null() { return Value(nullptr); }
  bool boolean(bool value) { return Value(value); }
  bool number_integer(Json::number_integer_t value) { return Value(value); }
  bool number_unsigned(Json::number_unsigned_t value) { return Value(value); }
  bool number_float(Json::number_float_t value, const std::string&) { return Value(value); }
  bool string(std::string& value) { return Value(std::move(value)); }
  bool binary(Json::binary_t&) { return Refuse(BadRequest("the snapshot is not valid JSON")); }
  bool start_object(std::size_t) { return Open(Json::object()); }
  bool start_array(std::size_t) { return Open(Json::array()); }
  bool key(std::string& name) {
    if (stack_.size() == 1 && !in_resources_) {
      pending_key_ = name;
      if (name == "resources") {
        if (saw_resources_) return Refuse(BadRequest("a snapshot has one \"resources\""));
        saw_resources_ = true;
      }
      return true;
    }
    pending_key_ = std::move(name);
    return true;
  }
  bool end_object() { return Close(); }
  bool end_array() { return Close(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
    return Refuse(BadRequest("the snapshot is not valid JSON"));
  }

 private:
  bool Refuse(Problem problem) {
    if (problem_.message.empty()) problem_ = std::move(problem);
    return false;
  }

  // A container opens: the envelope, the resources array, or a value inside
  // one resource (or inside another envelope member).
  bool Open(Json container) {
    if (depth_ >= kMaxJsonDepth) {
      return Refuse(BadRequest("the snapshot is nested deeper than " + std::to_string(kMaxJsonDepth) + " levels"));
    }
    ++depth_;
    if (depth_ == 1) {
      envelope_ = std::move(container);
      stack_.push_back(&envelope_);
      return true;
    }
    if (depth_ == 2 && pending_key_ == "resources" && stack_.size() == 1) {
      if (!container.is_array()) return Refuse(kNoResources);
      in_resources_ = true;
      return true;
    }
    if (in_resources_ && depth_ == 3) {
      element_ = std::move(container);
      stack_.push_back(&element_);
      return true;
    }
    return Value(std::move(container), /*opens=*/true);
  }

  bool Close() {
    if (in_resources_ && depth_ == 2) {  // the resources array
      in_resources_ = false;
      --depth_;
      return true;
    }
    if (in_resources_ && depth_ == 3) {  // one resource: read it, let it go
      stack_.pop_back();
      --depth_;
      auto record = ResourceReader(element_, "resources[" + std::to_string(records_.size()) + "]").Read();
      element_ = nullptr;
      if (!record) return Refuse(std::move(record).error());
      records_.push_back(std::move(record).value());
      return true;
    }
    stack_.pop_back();
    --depth_;
    return true;
  }

  bool Value(Json value, bool opens = false) {
    if (in_resources_ && depth_ == (opens ? 3 : 2)) {
      // A resource that is not an object: read (and refused) as such.
      auto record = ResourceReader(value, "resources[" + std::to_string(records_.size()) + "]").Read();
      if (!record) return Refuse(std::move(record).error());
      return Refuse(BadRequest("a resource must be an object"));
    }
    if (stack_.empty()) {  // a document that is a bare scalar
      envelope_ = std::move(value);
      return true;
    }
    if (pending_key_ == "resources" && stack_.size() == 1 && !in_resources_) return Refuse(kNoResources);
    Json& parent = *stack_.back();
    Json* added = nullptr;
    if (parent.is_object()) {
      added = &(parent[pending_key_] = std::move(value));
    } else {
      parent.push_back(std::move(value));
      added = &parent.back();
    }
    if (opens) stack_.push_back(added);
    return true;
  }

  Json envelope_;
  Json element_;
  std::vector<Json*> stack_;  // the containers being built, innermost last
  std::string pending_key_;
  int depth_ = 0;
  bool in_resources_ = false;
  bool saw_resources_ = false;
  std::vector<store::Record> records_;
  Problem problem_{400, "", ""};
};

}  // namespace

Result<std::vector<store::Record>, Problem> ParseSnapshot(const Json& snapshot) {
  if (!snapshot.is_object()) return Fail(BadRequest("a snapshot is a JSON object"));
  if (auto ok = CheckEnvelope(snapshot); !ok) return Fail(std::move(ok).error());
  const auto resources = snapshot.find("resources");
  if (resources == snapshot.end() || !resources->is_array()) return Fail(kNoResources);
  std::vector<store::Record> records;
  records.reserve(resources->size());
  for (std::size_t i = 0; i < resources->size(); ++i) {
    auto record = ResourceReader((*resources)[i], "resources[" + std::to_string(i) + "]").Read();
    if (!record) return Fail(std::move(record).error());
    records.push_back(std::move(record).value());
  }
  if (auto named = ResolveNamedReferences(records); !named) return Fail(std::move(named).error());
  if (auto linked = CheckLinks(records); !linked) return Fail(std::move(linked).error());
  return records;
}

Result<std::vector<store::Record>, Problem> ReadSnapshot(std::string_view text) {
  SnapshotSax reader;
  const bool parsed = Json::sax_parse(text, &reader, nlohmann::detail::input_format_t::json, /*strict=*/true);
  return reader.Finish(parsed);
}

Result<std::vector<store::Record>, Problem> ReadSnapshot(std::FILE* file) {
  SnapshotSax reader;
  const bool parsed = Json::sax_parse(file, &reader, nlohmann::detail::input_format_t::json, /*strict=*/true);
  return reader.Finish(parsed);
}

}  // namespace cfl::control
