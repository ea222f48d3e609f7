#include "dialect/sqlite/sqlite_connection.h"

#include "dialect/sqlite/sqlite_rebuild.h"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "dialect/sql_text.h"

namespace retort::dialect {

SqliteConnection::SqliteConnection(const std::string& path, bool create,
                                   int busy_timeout_ms, const std::string& label)
    : label_(label) {
  if (!create && path != ":memory:" && !std::filesystem::exists(path)) {
    throw Error(ErrorKind::kDatabase, "database file does not exist: " + path,
                Location{.target = label_});
  }
  int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw Error(ErrorKind::kDatabase, "cannot open database file " + path + ": " + message,
                Location{.target = label_});
  }
  busy_timeout_ms_ = busy_timeout_ms;
  sqlite3_busy_timeout(db_, busy_timeout_ms);
  sqlite3_extended_result_codes(db_, 1);
  try {
    Execute("PRAGMA foreign_keys = ON");
    // Reading the schema now turns "file is not a database" into an open error.
    Query("SELECT count(*) FROM sqlite_master");
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

SqliteConnection::SqliteConnection(sqlite3* handle, const std::string& label)
    : db_(handle), borrowed_(true), label_(label) {
  if (!handle) throw Error(ErrorKind::kUsage, "no SQLite connection given", Location{.target = label_});
  if (!sqlite3_get_autocommit(db_)) {
    throw Error(ErrorKind::kUsage,
                "the application's SQLite connection is inside a transaction: retort runs its "
                "own, so commit or roll back first",
                Location{.target = label_});
  }
  sqlite3_extended_result_codes(db_, 1);
  std::vector<Row> on = Query("PRAGMA foreign_keys");
  foreign_keys_before_ = !on.empty() && on[0][0].value_or("0") == "1";
  Execute("PRAGMA foreign_keys = ON");
}

SqliteConnection::~SqliteConnection() {
  if (!borrowed_) {
    sqlite3_close(db_);
    return;
  }
  try {
    if (sqlite3_get_autocommit(db_) && !foreign_keys_before_) Execute("PRAGMA foreign_keys = OFF");
  } catch (...) {
  }
}

void SqliteConnection::Fail(const std::string& sql) const {
  throw Error(ErrorKind::kDatabase, sqlite3_errmsg(db_),
              Location{.target = label_, .statement = sql});
}

std::vector<Row> SqliteConnection::Run(const std::string& sql,
                                       const std::vector<Value>& params, bool collect) {
  RefuseNul(sql, params, label_);
  std::vector<Row> rows;
  const char* tail = sql.c_str();
  const char* end = tail + sql.size();
  while (tail < end) {
    sqlite3_stmt* stmt = nullptr;
    const char* next = nullptr;
    if (sqlite3_prepare_v2(db_, tail, static_cast<int>(end - tail), &stmt, &next) != SQLITE_OK) {
      Fail(sql);
    }
    if (next <= tail || next > end) {  // SQLite read nothing: no statement can follow
      sqlite3_finalize(stmt);
      throw Error(ErrorKind::kInput, "SQLite could not read on in this statement",
                  Location{.target = label_, .statement = sql});
    }
    tail = next;
    if (stmt == nullptr) continue;  // whitespace or a comment
    for (size_t i = 0; i < params.size() && static_cast<int>(i) < sqlite3_bind_parameter_count(stmt); ++i) {
      if (params[i]) {
        sqlite3_bind_text(stmt, static_cast<int>(i + 1), params[i]->data(),
                          static_cast<int>(params[i]->size()), SQLITE_TRANSIENT);
      }
    }
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      if (!collect) continue;
      Row row;
      int n = sqlite3_column_count(stmt);
      for (int c = 0; c < n; ++c) {
        const unsigned char* text = sqlite3_column_text(stmt, c);
        if (text) {
          row.emplace_back(std::string(reinterpret_cast<const char*>(text),
                                       sqlite3_column_bytes(stmt, c)));
        } else {
          row.emplace_back(std::nullopt);
        }
      }
      rows.push_back(std::move(row));
    }
    if (rc != SQLITE_DONE) {
      std::string message = sqlite3_errmsg(db_);
      sqlite3_finalize(stmt);
      throw Error(ErrorKind::kDatabase, message, Location{.target = label_, .statement = sql});
    }
    sqlite3_finalize(stmt);
  }
  return rows;
}

void SqliteConnection::Execute(const std::string& sql, const std::vector<Value>& params) {
  Run(sql, params, false);
}

std::vector<Row> SqliteConnection::Query(const std::string& sql,
                                         const std::vector<Value>& params) {
  return Run(sql, params, true);
}

void SqliteConnection::BeginWrite(bool suspend_foreign_keys) {
  if (suspend_foreign_keys) {
    Execute("PRAGMA foreign_keys = OFF");
    foreign_keys_suspended_ = true;
  }
  violations_before_.clear();
  try {
    Execute("BEGIN IMMEDIATE");
    // What already breaks a foreign key is not this run's doing.
    if (foreign_keys_suspended_) violations_before_ = ForeignKeyViolations();
  } catch (const Error& e) {
    bool busy = (sqlite3_errcode(db_) & 0xff) == SQLITE_BUSY;
    Rollback();  // also turns foreign keys back on
    if (!busy) throw;
    throw Error(ErrorKind::kDatabase,
                "database is locked: another run or connection holds its write lock; gave up "
                "after the lock timeout (" + fmt::format("{:g}", busy_timeout_ms_ / 1000.0) +
                    " s; see lock_timeout)",
                Location{.target = label_});
  }
}
void SqliteConnection::Commit() {
  if (foreign_keys_suspended_) {
    // Statements that ran with foreign keys suspended (raw SQL, seed rows)
    // must not have broken any.
    std::string message = NewViolations(violations_before_, ForeignKeyViolations());
    if (!message.empty()) {
      throw Error(ErrorKind::kDatabase, "foreign keys would fail:" + message,
                  Location{.target = label_});
    }
  }
  Execute("COMMIT");
  RestoreForeignKeys();
}

void SqliteConnection::Rollback() {
  if (!sqlite3_get_autocommit(db_)) Execute("ROLLBACK");
  RestoreForeignKeys();
}

std::map<std::pair<std::string, std::string>, int64_t> SqliteConnection::ForeignKeyViolations() {
  std::map<std::pair<std::string, std::string>, int64_t> out;
  for (const Row& r : Query("SELECT \"table\", parent, count(*) FROM pragma_foreign_key_check "
                            "GROUP BY 1, 2")) {
    out[{r[0].value_or(""), r[1].value_or("")}] = std::stoll(r[2].value_or("0"));
  }
  return out;
}

std::string SqliteConnection::NewViolations(
    const std::map<std::pair<std::string, std::string>, int64_t>& before,
    const std::map<std::pair<std::string, std::string>, int64_t>& after) {
  std::string message;
  for (const auto& [key, count] : after) {
    auto old = before.find(key);
    if (old != before.end() && old->second >= count) continue;
    message += " in '" + key.first + "', " + std::to_string(count) +
               " of its rows refer to no row of '" + key.second + "';";
  }
  if (!message.empty()) message.pop_back();
  return message;
}

void SqliteConnection::RestoreForeignKeys() {
  if (!foreign_keys_suspended_) return;
  foreign_keys_suspended_ = false;
  Execute("PRAGMA foreign_keys = ON");
}

void SqliteTableRebuild::Run(Connection& connection) const {
  auto* sqlite = dynamic_cast<SqliteConnection*>(&connection);
  if (!sqlite) {
    throw Error(ErrorKind::kDatabase, "internal: a SQLite table rebuild on another kind of database",
                where);
  }
  sqlite->Rebuild(*this);
}

void SqliteConnection::Rebuild(const SqliteTableRebuild& rebuild) {
  if (sqlite3_get_autocommit(db_)) {
    // Outside a run's transaction (a non-transactional script): give the
    // rebuild one of its own, as the procedure requires.
    BeginWrite(true);
    try {
      RunRebuild(rebuild);
      Commit();
    } catch (...) {
      Rollback();
      throw;
    }
    return;
  }
  if (!foreign_keys_suspended_) {
    throw Error(ErrorKind::kDatabase,
                "internal: a table rebuild inside a transaction that did not suspend foreign keys",
                Location{.target = label_});
  }
  RunRebuild(rebuild);
}

void SqliteConnection::Check(const RowCheck& check) {
  try {
    std::vector<Row> rows = Query(check.count.sql, check.count.params);
    std::string count = rows.empty() || rows[0].empty() ? "0" : rows[0][0].value_or("0");
    if (count != "0") {
      std::string message = check.message;
      if (size_t p = message.find("{count}"); p != std::string::npos) message.replace(p, 7, count);
      throw Error(ErrorKind::kDatabase, message, Location{.statement = check.count.sql});
    }
  } catch (const Error& e) {
    throw e.WithContext(check.count.where);
  }
}

void SqliteConnection::CopyInSlices(const Statement& copy, const std::string& table) {
  constexpr int64_t kSlice = 50000;
  std::string from = QuoteIdentifier(table);
  // Slices go by rowid: not for a table without one, nor where a column
  // named like it hides it.
  bool by_rowid =
      Query("SELECT 1 FROM pragma_table_list WHERE name = ? AND wr = 0", {table}).size() == 1 &&
      Query("SELECT 1 FROM pragma_table_xinfo(?) WHERE lower(name) IN ('rowid', '_rowid_', 'oid')",
            {table}).empty();
  std::vector<Row> count = Query("SELECT count(*) FROM " + from);
  int64_t total = std::stoll(count.at(0).at(0).value_or("0"));
  if (total <= kSlice || !by_rowid) {
    ExecuteOne(copy);
    progress_(table, total, total);
    return;
  }
  // The copy statement ends with FROM <table>: slices by rowid.
  Statement slice = copy;
  slice.sql += " WHERE rowid > ? AND rowid <= ?";
  std::string last = "-9223372036854775808";
  int64_t done = 0;
  progress_(table, 0, total);
  while (true) {
    std::vector<Row> bound = Query("SELECT max(rowid), count(*) FROM (SELECT rowid FROM " + from +
                                       " WHERE rowid > ? ORDER BY rowid LIMIT " +
                                       std::to_string(kSlice) + ")",
                                   {last});
    if (bound.empty() || !bound[0][0]) break;
    slice.params = {last, *bound[0][0]};
    ExecuteOne(slice);
    last = *bound[0][0];
    done += std::stoll(bound[0][1].value_or("0"));
    progress_(table, done, total);
  }
}

void SqliteConnection::RunRebuild(const SqliteTableRebuild& rebuild) {
  const std::string& table = rebuild.table;
  // Triggers go with the dropped table: keep the SQL of those no script
  // declares (the statements make the declared ones) to create them again.
  std::vector<Row> triggers;
  for (Row& row : Query("SELECT sql, name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", {table})) {
    const std::vector<std::string>& declared = rebuild.declared_triggers;
    if (std::find(declared.begin(), declared.end(), row[1].value_or("")) == declared.end()) {
      triggers.push_back(std::move(row));
    }
  }
  // The table's foreign keys, and those referring to it, are checked after
  // the rebuild against what they were before (rows already broken are not
  // this rebuild's doing).
  std::vector<std::string> related = {table};
  for (const Row& r : Query("SELECT DISTINCT m.name FROM sqlite_master m, pragma_foreign_key_list(m.name) f "
                            "WHERE m.type = 'table' AND f.\"table\" = ? AND m.name <> ?",
                            {table, table})) {
    related.push_back(r[0].value_or(""));
  }
  auto violations = [&] {
    std::map<std::pair<std::string, std::string>, int64_t> out;
    for (const std::string& t : related) {
      for (const Row& r : Query("SELECT parent, count(*) FROM pragma_foreign_key_check(?) GROUP BY 1", {t})) {
        out[{t, r[0].value_or("")}] = std::stoll(r[1].value_or("0"));
      }
    }
    return out;
  };
  std::map<std::pair<std::string, std::string>, int64_t> before = violations();
  // Views naming the table stay; the rename must not check them while the
  // table is away.
  Execute("PRAGMA legacy_alter_table = ON");
  // The counts of rows breaking a new constraint cost a scan each: they run
  // only when the copy fails on that kind of constraint.
  try {
    for (const RowCheck& check : rebuild.checks) {
      if (check.on_failure.empty()) Check(check);
    }
    for (size_t k = 0; k < rebuild.statements.size(); ++k) {
      const Statement& s = rebuild.statements[k];
      if (rebuild.copy == k && progress_) {
        CopyInSlices(s, table);
      } else {
        ExecuteOne(s);
      }
    }
  } catch (const Error& failure) {
    Execute("PRAGMA legacy_alter_table = OFF");
    for (const RowCheck& check : rebuild.checks) {
      if (check.on_failure.empty() || !failure.message().starts_with(check.on_failure)) continue;
      std::vector<Row> rows;
      try {
        rows = Query(check.count.sql);
      } catch (const Error&) {
        continue;  // a count that cannot run here says nothing
      }
      if (!rows.empty() && rows[0][0].value_or("0") != "0") Check(check);  // throws
    }
    throw;
  }
  Execute("PRAGMA legacy_alter_table = OFF");
  for (const Row& trigger : triggers) {
    if (trigger[0]) ExecuteOne(Statement{*trigger[0], {}, rebuild.where});
  }
  std::string broken = NewViolations(before, violations());
  if (!broken.empty()) {
    throw Error(ErrorKind::kDatabase, "foreign keys would fail:" + broken,
                rebuild.where.empty() ? Location{.target = label_} : rebuild.where);
  }
}

bool SqliteConnection::TableExists(const std::string& table) {
  return !Query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", {table}).empty();
}

}  // namespace retort::dialect
