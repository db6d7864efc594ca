#include "store/record_pages.h"

#include <algorithm>
#include <limits>
#include <variant>

namespace cfl::store::detail {
namespace {

// Where a page starts: an extra WHERE condition and the value it binds.
struct Continuation {
  std::string condition;
  std::variant<std::monostate, std::int64_t, std::string> value;
};

// A known marker continues strictly after its sequence. An unknown marker
// (deleted since the previous page, or made up) has no place in the sequence
// order, so the page keeps that order and holds the records whose id compares
// greater than the marker: never an error and never an endless loop. This
// rare path costs a range scan on the primary key plus a sort, not one walk.
StoreResult<Continuation> ContinueAfter(RecordTable& records, const ListQuery& query) {
  if (query.after_id.empty()) return Continuation{};
  auto sequence = records.FindSequence(query.account, query.kind, query.after_id);
  if (Failed(sequence)) return TakeError(sequence);
  if (const auto& known = std::get<std::optional<std::int64_t>>(sequence)) {
    return Continuation{query.newest_first ? " AND sequence < ?" : " AND sequence > ?", *known};
  }
  return Continuation{" AND id > ?", query.after_id};
}

StoreResult<std::int64_t> CountMatching(StatementCache& statements, const ListQuery& query) {
  auto count = statements.Prepare(
      query.parent ? "SELECT count(*) FROM records WHERE account = ? AND kind = ? AND parent = ?"
                   : "SELECT count(*) FROM records WHERE account = ? AND kind = ?");
  count.Bind(query.account).Bind(query.kind);
  if (query.parent) count.Bind(*query.parent);
  auto step = count.Step();
  if (Failed(step)) return TakeError(step);
  return count.Int(0);
}

// Placeholders are plain "?": they number themselves in the order bound.
std::string PageSql(const ListQuery& query, const Continuation& after) {
  std::string sql = "SELECT " + std::string(kRecordColumns) +
                    " FROM records WHERE account = ? AND kind = ?";
  if (query.parent) sql += " AND parent = ?";
  sql += after.condition;
  sql += query.newest_first ? " ORDER BY sequence DESC LIMIT ?" : " ORDER BY sequence LIMIT ?";
  return sql;
}

}  // namespace

StoreResult<ListPage> ReadPage(StatementCache& statements, RecordTable& records,
                               const ListQuery& query) {
  ListPage page;
  auto total = CountMatching(statements, query);
  if (Failed(total)) return TakeError(total);
  page.total = static_cast<std::size_t>(std::get<std::int64_t>(total));

  auto continuation = ContinueAfter(records, query);
  if (Failed(continuation)) return TakeError(continuation);
  const auto& after = std::get<Continuation>(continuation);

  auto rows = statements.Prepare(PageSql(query, after));
  rows.Bind(query.account).Bind(query.kind);
  if (query.parent) rows.Bind(*query.parent);
  if (const auto* sequence = std::get_if<std::int64_t>(&after.value)) rows.Bind(*sequence);
  if (const auto* id = std::get_if<std::string>(&after.value)) rows.Bind(*id);
  // One row more than asked says whether another page follows.
  const auto limit = static_cast<std::int64_t>(
      std::min<std::size_t>(query.limit, std::numeric_limits<std::int64_t>::max() - 1));
  rows.Bind(limit + 1);

  auto found = records.CollectRows(rows);
  if (Failed(found)) return TakeError(found);
  page.records = std::move(std::get<std::vector<Record>>(found));
  if (page.records.size() > static_cast<std::size_t>(limit)) {
    page.truncated = true;
    page.records.resize(static_cast<std::size_t>(limit));
  }
  return page;
}

}  // namespace cfl::store::detail
