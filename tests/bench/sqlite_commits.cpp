// The ceiling for the write path: how many single-row transactions SQLite
// commits per second on one connection, in the emulator's durability mode
// (a file: WAL + synchronous=FULL, as store/sqlite_store.cpp sets; ":memory:":
// no journal settings). Each transaction is BEGIN IMMEDIATE, one UPDATE (or
// INSERT) of a row the size of a stored distribution, COMMIT.
//
//   sqlite_commits --db PATH|:memory: [--seconds 5] [--op update|insert] [--document-bytes 2600]
//                  [--spin-threads N]
//
// --spin-threads keeps N other threads busy while measuring. On some virtual
// machines a flush completes much sooner when the CPUs are busy than when they
// idle (the emulator under load keeps them busy), so run.sh measures both ways
// and takes the better rate as the ceiling.
//
// Prints "BENCH commits=N seconds=S rps=R p50_ms=… p99_ms=…".
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

void Check(int rc, sqlite3* db, const char* what) {
  if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW) return;
  std::fprintf(stderr, "sqlite_commits: %s: %s\n", what, sqlite3_errmsg(db));
  std::exit(1);
}

void Exec(sqlite3* db, const char* sql) { Check(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), db, sql); }

sqlite3_stmt* Prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* statement = nullptr;
  Check(sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr), db, sql);
  return statement;
}

void Run(sqlite3* db, sqlite3_stmt* statement, const char* what) {
  Check(sqlite3_step(statement), db, what);
  sqlite3_reset(statement);
}

// prefix + n (spelled out: GCC 12 at -O3 warns falsely on "E" + std::to_string(n)).
std::string Name(std::string prefix, std::int64_t n) {
  prefix += std::to_string(n);
  return prefix;
}

double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

}  // namespace

int main(int argc, char** argv) {
  std::string path = ":memory:";
  double seconds = 5;
  std::string op = "update";
  std::size_t document_bytes = 2600;
  int spin_threads = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--db") == 0) path = argv[i + 1];
    else if (std::strcmp(argv[i], "--seconds") == 0) seconds = std::atof(argv[i + 1]);
    else if (std::strcmp(argv[i], "--op") == 0) op = argv[i + 1];
    else if (std::strcmp(argv[i], "--document-bytes") == 0) document_bytes = std::strtoul(argv[i + 1], nullptr, 10);
    else if (std::strcmp(argv[i], "--spin-threads") == 0) spin_threads = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "usage: sqlite_commits --db PATH|:memory: [--seconds 5] [--op update|insert]\n");
      return 2;
    }
  }
  sqlite3* db = nullptr;
  Check(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        nullptr),
        db, "open");
  if (path != ":memory:") {
    Exec(db, "PRAGMA journal_mode=WAL");
    Exec(db, "PRAGMA synchronous=FULL");
  }
  Exec(db,
       "CREATE TABLE IF NOT EXISTS records (account TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL, "
       "etag TEXT NOT NULL, document TEXT NOT NULL, modified_ms INTEGER NOT NULL, sequence INTEGER NOT NULL, "
       "PRIMARY KEY (account, kind, id))");
  Exec(db, "DELETE FROM records");
  sqlite3_stmt* begin = Prepare(db, "BEGIN IMMEDIATE");
  sqlite3_stmt* commit = Prepare(db, "COMMIT");
  sqlite3_stmt* insert = Prepare(db, "INSERT INTO records VALUES ('123456789012', 'distribution', ?1, ?2, ?3, ?4, ?5)");
  sqlite3_stmt* update = Prepare(db, "UPDATE records SET etag = ?2, document = ?3, modified_ms = ?4 "
                                     "WHERE account = '123456789012' AND kind = 'distribution' AND id = ?1");
  const std::string document(document_bytes, 'x');
  const int rows = 16;
  for (int row = 0; row < rows; ++row) {
    const std::string id = Name("E", row);
    sqlite3_bind_text(insert, 1, id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(insert, 2, "ETAG", -1, SQLITE_STATIC);
    sqlite3_bind_text(insert, 3, document.data(), static_cast<int>(document.size()), SQLITE_STATIC);
    sqlite3_bind_int64(insert, 4, 0);
    sqlite3_bind_int64(insert, 5, row);
    Run(db, insert, "insert");
  }

  // Steady state, as in a server that has run for a while: the WAL file
  // already has its full size, so a commit overwrites it in place. (While it
  // still grows, every fdatasync also commits the file system's journal for
  // the new size, which makes the first ~1000 commits several times slower.)
  if (path != ":memory:") {
    const std::string page(4000, 'w');
    Exec(db, "BEGIN IMMEDIATE");
    for (int row = 0; row < 1100; ++row) {
      const std::string id = Name("W", row);
      sqlite3_bind_text(insert, 1, id.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(insert, 2, "ETAG", -1, SQLITE_STATIC);
      sqlite3_bind_text(insert, 3, page.data(), static_cast<int>(page.size()), SQLITE_STATIC);
      sqlite3_bind_int64(insert, 4, 0);
      sqlite3_bind_int64(insert, 5, -1 - row);
      Run(db, insert, "warm-up insert");
    }
    Exec(db, "DELETE FROM records WHERE id LIKE 'W%'");
    Exec(db, "COMMIT");
    Exec(db, "PRAGMA wal_checkpoint(RESTART)");
  }

  std::atomic<bool> spinning = true;
  std::vector<std::thread> spinners;
  for (int i = 0; i < spin_threads; ++i) {
    spinners.emplace_back([&spinning] {
      while (spinning.load(std::memory_order_relaxed)) {
      }
    });
  }

  std::vector<double> latencies;
  latencies.reserve(1 << 20);
  const auto started = Clock::now();
  const auto deadline = started + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::int64_t n = 0;
  for (auto now = started; now < deadline; ++n) {
    const std::string id = op == "insert" ? Name("N", n) : Name("E", n % rows);
    const std::string etag = Name("ETAG", n);
    sqlite3_stmt* statement = op == "insert" ? insert : update;
    Run(db, begin, "begin");
    sqlite3_bind_text(statement, 1, id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(statement, 2, etag.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(statement, 3, document.data(), static_cast<int>(document.size()), SQLITE_STATIC);
    sqlite3_bind_int64(statement, 4, n);
    if (op == "insert") sqlite3_bind_int64(statement, 5, rows + n);
    Run(db, statement, op.c_str());
    Run(db, commit, "commit");
    const auto done = Clock::now();
    latencies.push_back(std::chrono::duration<double, std::milli>(done - now).count());
    now = done;
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
  spinning = false;
  for (auto& spinner : spinners) spinner.join();
  std::sort(latencies.begin(), latencies.end());
  std::printf("BENCH commits=%lld seconds=%.3f rps=%.1f p50_ms=%.4f p99_ms=%.4f\n", static_cast<long long>(n),
              elapsed, static_cast<double>(n) / elapsed, Percentile(latencies, 50), Percentile(latencies, 99));
  for (auto* statement : {begin, commit, insert, update}) sqlite3_finalize(statement);
  sqlite3_close(db);
  return 0;
}
