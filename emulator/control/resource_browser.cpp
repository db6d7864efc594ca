#include "emulator/control/resource_browser.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <map>
#include <set>
#include <vector>

#include "emulator/api/accounts.h"
#include "emulator/codec/xml_codec.h"
#include "emulator/control/snapshot.h"
#include "emulator/model/model.h"

namespace cfl::control {
namespace {

struct Group {
  std::string account;
  std::string kind;
  std::int64_t count = 0;
};

// Every (account, kind) that holds records, sorted, optionally one account / one kind.
Result<std::vector<Group>, Problem> Groups(store::Store& store, const std::string& account, const std::string& kind) {
  auto counted = store.CountByKind();
  if (auto* error = std::get_if<store::StoreError>(&counted)) return Fail(StoreProblem(*error));
  std::map<std::pair<std::string, std::string>, std::int64_t> counts;
  for (const auto& count : std::get<std::vector<store::Counts>>(counted)) {
    if (count.count <= 0) continue;
    if (!account.empty() && count.account != account) continue;
    if (!kind.empty() && count.kind != kind) continue;
    counts[{count.account, count.kind}] += count.count;
  }
  std::vector<Group> groups;
  for (const auto& [key, count] : counts) groups.push_back({key.first, key.second, count});
  return groups;
}

Json ParsedObject(const std::string& text) {
  Json parsed = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  return parsed.is_object() ? parsed : Json::object();
}

// What names the resource for a person: its Name, else its Comment.
std::string Label(const Json& config) {
  for (const char* member : {"Name", "Comment"}) {
    const auto found = config.find(member);
    if (found != config.end() && found->is_string() && !found->get_ref<const std::string&>().empty()) {
      return found->get<std::string>();
    }
  }
  return "";
}

Json Tags(const Json& metadata) {
  const auto tags = metadata.find("Tags");
  return tags != metadata.end() && tags->is_array() ? *tags : Json::array();
}

// The status the record has once settled: "Deployed", or "Completed" for an invalidation.
std::string SettledStatus(const store::Record& record) {
  return DerivedStatus(record, std::numeric_limits<std::int64_t>::max());
}

Json Summary(const store::Record& record, const Json& config, const Json& metadata, std::int64_t now_ms) {
  Json summary = RecordHeadJson(record, now_ms);
  summary.update({{"settled", record.settles_at_ms <= now_ms},
                  {"settled_status", SettledStatus(record)},
                  {"created_ms", record.created_ms},
                  {"modified_ms", record.modified_ms},
                  {"settles_at_ms", record.settles_at_ms},
                  {"label", Label(config)},
                  {"tags", Tags(metadata)}});
  return summary;
}

bool Contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

struct Filter {
  std::optional<bool> settled;  // status=InProgress → false, status=settled → true
  std::string search;
  bool active() const { return settled.has_value() || !search.empty(); }
};

// Whether record passes filter; config is parsed here (once) when the search needs it.
bool Matches(const store::Record& record, const Filter& filter, std::int64_t now_ms, Json& config) {
  if (filter.settled && (record.settles_at_ms <= now_ms) != *filter.settled) return false;
  if (filter.search.empty()) return true;
  if (Contains(record.id, filter.search) || Contains(record.parent, filter.search)) return true;
  // A label holds the search text only if the JSON text does, unless JSON escapes it: skip the
  // parse for most records of a large account.
  const bool escaped = std::any_of(filter.search.begin(), filter.search.end(),
                                   [](unsigned char c) { return c == '"' || c == '\\' || c < 0x20; });
  if (!escaped && !Contains(record.document, filter.search)) return false;
  config = ParsedObject(record.document);
  return Contains(Label(config), filter.search);
}

struct Marker {
  std::string account;
  std::string kind;
  std::string id;
};

Result<std::optional<Marker>, Problem> ParseMarker(const std::optional<std::string>& text) {
  if (!text || text->empty()) return std::optional<Marker>();
  const auto first = text->find('/');
  const auto second = first == std::string::npos ? first : text->find('/', first + 1);
  if (second == std::string::npos || second + 1 == text->size()) {
    return Fail(BadRequest("marker must be ACCOUNT/KIND/ID as next_marker gave it, got \"" + *text + "\""));
  }
  return std::optional<Marker>(Marker{text->substr(0, first), text->substr(first + 1, second - first - 1),
                                      text->substr(second + 1)});
}

Result<std::size_t, Problem> ParseLimit(const std::optional<std::string>& text) {
  if (!text) return kDefaultBrowseLimit;
  std::size_t limit = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), limit);
  if (error != std::errc() || end != text->data() + text->size() || limit < 1 || limit > kMaxBrowseLimit) {
    return Fail(BadRequest("limit must be an integer from 1 to " + std::to_string(kMaxBrowseLimit) + ", got \"" +
                           *text + "\""));
  }
  return limit;
}

std::string CamelCase(std::string_view kebab) {
  std::string camel;
  bool upper = true;
  for (const char c : kebab) {
    if (c == '-') {
      upper = true;
      continue;
    }
    camel += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return camel;
}

}  // namespace

std::string ConfigShapeName(std::string_view kind) {
  const std::string base = CamelCase(kind);
  if (base.empty()) return "";
  for (const std::string& candidate : {base + "Config", base + "Batch"}) {
    if (model::FindShape(candidate)) return candidate;
  }
  // A name the API spells longer: CloudFrontOriginAccessIdentityConfig.
  const std::string suffix = base + "Config";
  for (const auto& shape : model::Shapes()) {
    if (shape.type == model::ShapeType::kStructure && shape.name.ends_with(suffix)) return std::string(shape.name);
  }
  return "";
}

Result<Json, Problem> AccountsJson(store::Store& store, const std::string& default_account) {
  auto groups = Groups(store, "", "");
  if (!groups) return Fail(std::move(groups).error());
  std::map<std::string, Json> accounts;
  std::map<std::string, std::int64_t> kinds;
  if (!default_account.empty()) accounts[default_account] = Json::object();
  for (const auto& group : groups.value()) {
    accounts[group.account][group.kind] = group.count;
    kinds[group.kind] += group.count;
  }
  Json account_list = Json::array();
  for (auto& [account, resources] : accounts) {
    std::int64_t total = 0;
    for (const auto& [kind, count] : resources.items()) total += count.get<std::int64_t>();
    account_list.push_back({{"account", account},
                            {"resources", resources.empty() ? Json::object() : resources},
                            {"total", total},
                            {"default", account == default_account}});
  }
  Json kind_list = Json::array();
  for (const auto& [kind, count] : kinds) kind_list.push_back({{"kind", kind}, {"count", count}});
  return Json{{"accounts", std::move(account_list)}, {"kinds", std::move(kind_list)},
              {"default_account", default_account}};
}

Result<Json, Problem> BrowseResources(store::Store& store, const QueryMap& query, std::int64_t now_ms) {
  if (auto ok = OnlyParameters(query, {"account", "kind", "status", "search", "marker", "limit"}); !ok) {
    return Fail(std::move(ok).error());
  }
  const std::string account = Parameter(query, "account").value_or("");
  if (!account.empty() && !api::IsAccountId(account)) {
    return Fail(BadRequest("account must be a 12-digit account id, got \"" + account + "\""));
  }
  const std::string kind = Parameter(query, "kind").value_or("");
  auto limit = ParseLimit(Parameter(query, "limit"));
  if (!limit) return Fail(std::move(limit).error());
  auto marker = ParseMarker(Parameter(query, "marker"));
  if (!marker) return Fail(std::move(marker).error());
  Filter filter;
  filter.search = Parameter(query, "search").value_or("");
  if (const auto status = Parameter(query, "status"); status && !status->empty()) {
    if (*status != "InProgress" && *status != "settled") {
      return Fail(BadRequest("status must be InProgress or settled, got \"" + *status + "\""));
    }
    filter.settled = *status == "settled";
  }

  auto found_groups = Groups(store, account, kind);
  if (!found_groups) return Fail(std::move(found_groups).error());
  const auto& groups = found_groups.value();
  std::int64_t total = 0;
  for (const auto& group : groups) total += group.count;
  Json items = Json::array();
  std::string next_marker;
  const std::size_t chunk = filter.active() ? kMaxBrowseLimit : *limit + 1;
  for (const auto& group : groups) {
    std::string after;
    if (*marker) {
      const auto& start = **marker;
      if (std::tie(group.account, group.kind) < std::tie(start.account, start.kind)) continue;
      if (group.account == start.account && group.kind == start.kind) after = start.id;
    }
    bool more = true;
    while (more && next_marker.empty()) {
      const auto page = store.List({group.account, group.kind, std::nullopt, after, chunk, false});
      for (const auto& record : page.records) {
        after = record.id;
        Json config;
        if (!Matches(record, filter, now_ms, config)) continue;
        if (items.size() == *limit) {  // one more exists: the page ends before it
          const auto& last = items.back();
          next_marker = last["account"].get<std::string>() + "/" + last["kind"].get<std::string>() + "/" +
                        last["id"].get<std::string>();
          break;
        }
        if (config.is_null()) config = ParsedObject(record.document);
        items.push_back(Summary(record, config, ParsedObject(record.metadata), now_ms));
      }
      more = page.truncated;
    }
    if (!next_marker.empty()) break;
  }
  return Json{{"resources", std::move(items)},
              {"next_marker", next_marker.empty() ? Json() : Json(next_marker)},
              {"total", filter.active() ? Json() : Json(total)},
              {"now_ms", now_ms}};
}

Result<Json, Problem> DescribeResource(store::Store& store, const std::string& id, const QueryMap& query,
                                       std::int64_t now_ms) {
  if (auto ok = OnlyParameters(query, {"account", "kind"}); !ok) return Fail(std::move(ok).error());
  const std::string account = Parameter(query, "account").value_or("");
  const std::string kind = Parameter(query, "kind").value_or("");
  auto groups = Groups(store, account, kind);
  if (!groups) return Fail(std::move(groups).error());
  std::vector<store::Record> found;
  for (const auto& group : groups.value()) {
    if (auto record = store.Get(group.account, group.kind, id)) found.push_back(std::move(*record));
  }
  if (found.empty()) {
    return Fail(NotFound("no resource " + id + (account.empty() ? "" : " in account " + account) +
                         (kind.empty() ? "" : " of kind " + kind)));
  }
  if (found.size() > 1) {
    std::string where;
    for (const auto& record : found) where += (where.empty() ? "" : ", ") + record.account + "/" + record.kind;
    return Fail(Problem{409, "several resources have the id " + id + " (" + where + "): give account and kind", ""});
  }
  const auto& record = found.front();
  Json answer = RecordJson(record, now_ms);
  const Json& config = answer["config"];
  answer["settled"] = record.settles_at_ms <= now_ms;
  answer["settled_status"] = SettledStatus(record);
  answer["now_ms"] = now_ms;
  answer["label"] = Label(config.is_object() ? config : Json::object());
  answer["tags"] = Tags(answer["metadata"].is_object() ? answer["metadata"] : Json::object());
  const std::string shape_name = ConfigShapeName(record.kind);
  const auto shape = shape_name.empty() ? std::nullopt : model::FindShape(shape_name);
  answer["config_root"] = shape_name;
  answer["config_xml"] = shape && config.is_object() ? model::EncodeXml(config, shape_name, *shape) : "";
  // Get and List leave these out (see store.h): say so rather than show empty lists.
  answer.erase("unique_keys");
  answer.erase("references");
  return answer;
}

}  // namespace cfl::control
