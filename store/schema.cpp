#include "store/schema.h"

#include <array>
#include <string>

namespace cfl::store::detail {
namespace {

// Migration N brings user_version N-1 to N. Append only: a released
// migration never changes, since databases in the field already ran it.
constexpr std::array<const char*, 4> kMigrations = {
    // 1: initial schema.
    R"sql(
      CREATE TABLE meta (
        name  TEXT PRIMARY KEY,
        value INTEGER NOT NULL
      ) WITHOUT ROWID;
      -- The last sequence handed out; global and never reused.
      INSERT INTO meta (name, value) VALUES ('last_sequence', 0);

      -- A rowid table (not WITHOUT ROWID): documents can be several KB.
      CREATE TABLE records (
        account       TEXT    NOT NULL,
        kind          TEXT    NOT NULL,
        id            TEXT    NOT NULL,
        parent        TEXT    NOT NULL,
        etag          TEXT    NOT NULL,
        document      TEXT    NOT NULL,
        metadata      TEXT    NOT NULL,
        created_ms    INTEGER NOT NULL,
        modified_ms   INTEGER NOT NULL,
        settles_at_ms INTEGER NOT NULL,
        sequence      INTEGER NOT NULL,
        PRIMARY KEY (account, kind, id)
      );
      -- Unique: keyset pagination needs a total order within (account, kind).
      CREATE UNIQUE INDEX records_by_sequence ON records (account, kind, sequence);
      CREATE INDEX records_by_parent ON records (account, kind, parent, sequence);

      CREATE TABLE unique_keys (
        account    TEXT    NOT NULL,
        kind       TEXT    NOT NULL,
        unique_key TEXT    NOT NULL,
        id         TEXT    NOT NULL,
        position   INTEGER NOT NULL,  -- keeps the caller's order on read
        PRIMARY KEY (account, kind, unique_key)
      ) WITHOUT ROWID;
      CREATE INDEX unique_keys_by_owner ON unique_keys (account, kind, id, position);

      CREATE TABLE references_ (
        account   TEXT    NOT NULL,
        kind      TEXT    NOT NULL,
        id        TEXT    NOT NULL,
        position  INTEGER NOT NULL,
        reference TEXT    NOT NULL,
        PRIMARY KEY (account, kind, id, position)
      ) WITHOUT ROWID;
      CREATE INDEX references_by_target ON references_ (account, reference);
    )sql",
    // 2: references name their target's kind ("KIND:ID", store::ReferenceTo),
    // so the store can check that the target exists.
    R"sql(
      UPDATE references_ SET reference = 'origin-access-identity:' || substr(reference, 5)
        WHERE reference LIKE 'oai:%';
      UPDATE references_ SET reference = 'origin-access-control:' || substr(reference, 5)
        WHERE reference LIKE 'oac:%';
    )sql",
    // 3: records per (account, kind) kept as a counter, maintained by triggers
    // in the same transaction as the rows: a limit check reads one row
    // instead of counting an index range (count(*) per create made creates
    // 7x slower at 100,000 records).
    R"sql(
      CREATE TABLE record_counts (
        account TEXT    NOT NULL,
        kind    TEXT    NOT NULL,
        n       INTEGER NOT NULL,
        PRIMARY KEY (account, kind)
      ) WITHOUT ROWID;
      INSERT INTO record_counts (account, kind, n)
        SELECT account, kind, count(*) FROM records GROUP BY account, kind;
      CREATE TRIGGER records_count_insert AFTER INSERT ON records BEGIN
        INSERT INTO record_counts (account, kind, n) VALUES (NEW.account, NEW.kind, 1)
          ON CONFLICT (account, kind) DO UPDATE SET n = n + 1;
      END;
      CREATE TRIGGER records_count_delete AFTER DELETE ON records BEGIN
        UPDATE record_counts SET n = n - 1 WHERE account = OLD.account AND kind = OLD.kind;
      END;
    )sql",
    // 4: each row also holds its unique keys and references in one text
    // (RecordTable's LinksOf), written with them: an update that keeps them,
    // as most do, compares one column instead of reading both tables. NULL
    // for rows stored before: their first update reads the tables.
    R"sql(
      ALTER TABLE records ADD COLUMN links TEXT;
    )sql",
};

StoreResult<int> ReadUserVersion(sqlite3* db) {
  StatementCache statements(db);
  auto query = statements.Prepare("PRAGMA user_version");
  auto step = query.Step();
  if (Failed(step)) return TakeError(step);
  return std::get<bool>(step) ? static_cast<int>(query.Int(0)) : 0;
}

Status Exec(sqlite3* db, const std::string& sql, std::string_view what) {
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    return SqliteError(db, what);
  }
  return std::nullopt;
}

Status ApplyMissingMigrations(sqlite3* db) {
  auto version = ReadUserVersion(db);
  if (Failed(version)) return TakeError(version);
  const int from = std::get<int>(version);
  if (from > CurrentSchemaVersion()) {
    return StoreError{StoreErrorKind::kIo, {}, {},
                      "database schema version " + std::to_string(from) +
                          " is newer than this build supports (" +
                          std::to_string(CurrentSchemaVersion()) +
                          "); use a newer cloudfront-local or a fresh state file"};
  }
  for (int next = from + 1; next <= CurrentSchemaVersion(); ++next) {
    const std::string label = "applying schema migration " + std::to_string(next);
    if (auto error = Exec(db, kMigrations[next - 1], label)) return error;
  }
  if (from == CurrentSchemaVersion()) return std::nullopt;
  return Exec(db, "PRAGMA user_version = " + std::to_string(CurrentSchemaVersion()),
              "recording the schema version");
}

}  // namespace

int CurrentSchemaVersion() { return static_cast<int>(kMigrations.size()); }

// The version check runs inside the write transaction so two processes opening
// the same file cannot both migrate it.
Status MigrateToCurrentSchema(sqlite3* db) {
  if (auto error = Exec(db, "BEGIN IMMEDIATE", "starting the schema migration")) return error;
  if (auto error = ApplyMissingMigrations(db)) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    return error;
  }
  if (auto error = Exec(db, "COMMIT", "committing the schema migration")) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    return error;
  }
  return std::nullopt;
}

}  // namespace cfl::store::detail
