// Keyset pagination over the records of one (account, kind).
#pragma once

#include "store/record_table.h"

namespace cfl::store::detail {

// One page of query, in sequence order. Costs one count (for total) and one
// index walk of limit + 1 rows, whatever the page's position (see
// record_pages.cpp for a marker that names no record).
StoreResult<ListPage> ReadPage(StatementCache& statements, RecordTable& records,
                               const ListQuery& query);

}  // namespace cfl::store::detail
