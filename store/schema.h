// The database schema and its migrations, versioned with PRAGMA user_version.
#pragma once

#include "store/sqlite_statement.h"

namespace cfl::store::detail {

// The schema version this build writes (the number of migrations).
int CurrentSchemaVersion();

// Brings the database to CurrentSchemaVersion() in one transaction. Fails with
// kIo when the file was written by a newer build (a schema we do not know).
Status MigrateToCurrentSchema(sqlite3* db);

}  // namespace cfl::store::detail
