#include "runtime/version_store.h"

#include "runtime/environment.h"

#include <chrono>
#include <cstdlib>
#include <ctime>

namespace retort::runtime {
namespace {

std::string UtcNow(const Environment& env) {
  using namespace std::chrono;
  auto now = runtime::Now(env);
  std::time_t seconds = system_clock::to_time_t(now);
  auto micros = duration_cast<microseconds>(now.time_since_epoch()).count() % 1000000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  // YYYY-MM-DDTHH:MM:SS.ffffffZ, by hand: a run writes one per step, and
  // snprintf costs more than the rest of the step's bookkeeping.
  std::string out = "0000-00-00T00:00:00.000000Z";
  auto put = [&](size_t end, long value, int digits) {
    for (int i = 0; i < digits; ++i, value /= 10) out[end - i] = static_cast<char>('0' + value % 10);
  };
  put(3, tm.tm_year + 1900, 4);
  put(6, tm.tm_mon + 1, 2);
  put(9, tm.tm_mday, 2);
  put(12, tm.tm_hour, 2);
  put(15, tm.tm_min, 2);
  put(18, tm.tm_sec, 2);
  put(25, static_cast<long>(micros), 6);
  return out;
}

}  // namespace

VersionStatements::VersionStatements(const dialect::Dialect& dialect, std::string version_table,
                                     std::string history_table, const Environment* environment)
    : dialect_(dialect),
      version_table_(std::move(version_table)),
      history_table_(std::move(history_table)),
      environment_(environment ? environment : &ProcessEnvironment()) {
  dialect_.CheckVersionTables(version_table_, history_table_);
  std::string placeholders;
  for (int i = 1; i <= 8; ++i) placeholders += (i > 1 ? ", " : "") + dialect_.Placeholder(i);
  record_sql_ = "INSERT INTO " + dialect_.Quote(history_table_) +
                " (revision, direction, checksum, applied_at, duration_ms, applied_by, host, "
                "tool_version) VALUES (" + placeholders + ")";
}

VersionStore::VersionStore(dialect::Connection& connection, std::string version_table,
                           std::string history_table, const Environment* environment)
    : VersionStatements(connection.dialect(), std::move(version_table), std::move(history_table),
                        environment),
      connection_(connection) {}

void VersionStore::EnsureTables() {
  const dialect::Dialect& d = dialect_;
  if (!connection_.TableExists(version_table_)) {
    for (const std::string& sql : d.CreateVersionTable(version_table_)) connection_.Execute(sql);
  }
  if (!connection_.TableExists(history_table_)) {
    for (const std::string& sql : d.CreateHistoryTable(history_table_)) connection_.Execute(sql);
  }
}

std::vector<std::string> VersionStore::Heads() {
  std::vector<std::string> heads;
  if (!connection_.TableExists(version_table_)) return heads;
  for (const dialect::Row& row : connection_.Query(
           "SELECT version_num FROM " + dialect_.Quote(version_table_))) {
    if (row[0]) heads.push_back(*row[0]);
  }
  return heads;
}

std::vector<dialect::Statement> VersionStatements::ChangeStatements(
    const std::vector<std::string>& remove, const std::vector<std::string>& add) const {
  const dialect::Dialect& d = dialect_;
  std::string table = d.Quote(version_table_);
  std::vector<dialect::Statement> out;
  if (remove.size() == 1 && add.size() == 1) {  // the common step, in one statement
    out.push_back({"UPDATE " + table + " SET version_num = " + d.Placeholder(1) +
                       " WHERE version_num = " + d.Placeholder(2),
                   {add[0], remove[0]}});
  } else {
    for (const std::string& rev : remove) {
      out.push_back({"DELETE FROM " + table + " WHERE version_num = " + d.Placeholder(1), {rev}});
    }
    for (const std::string& rev : add) {
      out.push_back({"INSERT INTO " + table + " (version_num) VALUES (" + d.Placeholder(1) + ")", {rev}});
    }
  }
  // Each changes exactly its one row, or the run is not what it planned.
  for (dialect::Statement& s : out) s.expect_changes = 1;
  return out;
}

void VersionStore::Change(const std::vector<std::string>& remove,
                          const std::vector<std::string>& add) {
  connection_.ExecuteAll(ChangeStatements(remove, add));
}

void VersionStore::Replace(const std::vector<std::string>& current,
                           const std::vector<std::string>& rows) {
  dialect::Statement clear{"DELETE FROM " + dialect_.Quote(version_table_)};
  clear.expect_changes = static_cast<int64_t>(current.size());
  std::vector<dialect::Statement> all = {clear};
  for (dialect::Statement& s : ChangeStatements({}, rows)) all.push_back(std::move(s));
  connection_.ExecuteAll(all);
}

dialect::Statement VersionStatements::RecordStatement(const std::string& revision,
                                                 const std::string& direction,
                                                 const std::string& checksum,
                                                 double duration_ms) const {
  return {record_sql_,
          {revision, direction, checksum.empty() ? dialect::Value() : checksum, UtcNow(*environment_),
           std::to_string(duration_ms), User(*environment_), Host(*environment_),
           std::string(retort::Version())}};
}

void VersionStore::Record(const std::string& revision, const std::string& direction,
                          const std::string& checksum, double duration_ms) {
  connection_.ExecuteAll({RecordStatement(revision, direction, checksum, duration_ms)});
}

std::vector<HistoryRecord> VersionStore::History() {
  std::vector<HistoryRecord> out;
  if (!connection_.TableExists(history_table_)) return out;
  for (const dialect::Row& row : connection_.Query(
           "SELECT revision, direction, checksum, applied_at, duration_ms, applied_by, host, "
           "tool_version FROM " + dialect_.Quote(history_table_) + " ORDER BY id")) {
    auto text = [&](size_t i) { return row[i].value_or(""); };
    out.push_back(HistoryRecord{text(0), text(1), text(2), text(3), std::stod(text(4).empty() ? "0" : text(4)),
                                text(5), text(6), text(7)});
  }
  return out;
}

}  // namespace retort::runtime
