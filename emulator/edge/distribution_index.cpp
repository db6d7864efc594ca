#include "emulator/edge/distribution_index.h"

#include "emulator/common/json.h"

namespace cfl::edge {
namespace {

using Json = cfl::Json;

constexpr std::size_t kMaxHostLength = 253;

std::string Lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

}  // namespace

void DistributionIndex::AddInvalidation(Table& table, const store::Record& record) {
  const Json batch = Json::parse(record.document, nullptr, false);
  if (!batch.is_object()) return;
  Invalidation invalidation{record.settles_at_ms, {}};
  for (const auto& path : batch.value("Paths", Json::object()).value("Items", Json::array())) {
    if (path.is_string()) invalidation.paths.push_back(path.get<std::string>());
  }
  auto& list = table.invalidations[record.parent];
  if (!list) list = std::make_shared<std::vector<Invalidation>>();
  list->push_back(std::move(invalidation));
}

std::string NormalizedHost(std::string_view host) {
  if (host.starts_with('[')) return "";  // an IPv6 literal names no distribution
  host = host.substr(0, host.find(':'));
  if (host.ends_with('.')) host.remove_suffix(1);
  if (host.empty() || host.size() > kMaxHostLength) return "";
  for (const char c : host) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                         c == '.' || c == '_' || c == '*';
    if (!allowed) return "";
  }
  return Lowercase(host);
}

std::shared_ptr<const DistributionIndex::Table> DistributionIndex::Current() {
  const std::uint64_t generation = store_.Generation();
  std::lock_guard lock(mutex_);
  if (table_ && table_->generation == generation) return table_;
  auto table = std::make_shared<Table>();
  table->generation = generation;
  for (const auto& record : store_.Current()) {
    if (record->kind == "invalidation") {
      AddInvalidation(*table, *record);
      continue;
    }
    if (record->kind != "distribution") continue;
    const DistributionRef ref{record->account, record->id};
    table->ids.emplace(record->id, ref);
    const Json metadata = Json::parse(record->metadata, nullptr, false);
    if (metadata.is_object() && metadata.value("DomainName", "") != "") {
      table->hosts.emplace(Lowercase(metadata.value("DomainName", "")), ref);
    }
    // Aliases as the record holds them now; whether they serve yet is the
    // deployed config's to say (the edge checks it).
    const Json config = Json::parse(record->document, nullptr, false);
    if (!config.is_object()) continue;
    const auto aliases = config.find("Aliases");
    if (aliases == config.end() || !aliases->is_object() || !aliases->contains("Items")) continue;
    for (const auto& alias : (*aliases)["Items"]) {
      if (alias.is_string()) table->hosts.emplace(Lowercase(alias.get<std::string>()), ref);
    }
  }
  table_ = std::move(table);
  return table_;
}

std::optional<DistributionRef> DistributionIndex::ByHost(std::string_view host) {
  const auto table = Current();
  if (const auto found = table->hosts.find(std::string(host)); found != table->hosts.end()) return found->second;
  // A wildcard alias covers one more label: *.example.com serves www.example.com.
  const auto dot = host.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  if (const auto found = table->hosts.find("*" + std::string(host.substr(dot))); found != table->hosts.end()) {
    return found->second;
  }
  return std::nullopt;
}

std::optional<DistributionRef> DistributionIndex::ById(std::string_view id) {
  const auto table = Current();
  const auto found = table->ids.find(std::string(id));
  if (found == table->ids.end()) return std::nullopt;
  return found->second;
}

}  // namespace cfl::edge

namespace cfl::edge {

std::shared_ptr<const std::vector<Invalidation>> DistributionIndex::InvalidationsOf(std::string_view distribution_id) {
  static const auto kNone = std::make_shared<const std::vector<Invalidation>>();
  const auto table = Current();
  const auto found = table->invalidations.find(std::string(distribution_id));
  if (found == table->invalidations.end()) return kNone;
  // Shares the table's lifetime: the list lives as long as the table does.
  return std::shared_ptr<const std::vector<Invalidation>>(table, found->second.get());
}

}  // namespace cfl::edge
