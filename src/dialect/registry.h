// The one list of dialects: their names, URL schemes and capabilities, and
// what each provides (its renderer, URL reader, connections and target
// patterns). Code outside dialect/ asks a dialect's capabilities, never its
// name; adding a dialect is a folder and one line in registry.cpp.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dialect/url.h"

namespace retort::dialect {

class Connection;
class Dialect;

// How a dialect keeps an enum.
enum class EnumStorage {
  kNativeType,       // CREATE TYPE ... AS ENUM (PostgreSQL)
  kCheckConstraint,  // a string column with a CHECK on its labels (SQLite)
};

struct Capabilities {
  // DDL runs inside a transaction and rolls back with it.
  bool transactional_ddl = true;
  EnumStorage enums = EnumStorage::kCheckConstraint;
  // Namespaces inside one database, chosen by a URL's ?schema= (and the
  // config's database_schema).
  bool schemas = false;
  // CREATE INDEX CONCURRENTLY, outside a transaction.
  bool concurrent_index = false;
  // A run lock held outside a transaction (for scripts that cannot run in
  // one); without it the write lock lives with each transaction.
  bool session_lock = false;
  // ALTER TABLE cannot change a column's type, nullability or default, nor
  // add or drop constraints: such changes rebuild the table.
  bool rebuilds_tables = false;
  // Indexes: access methods other than btree (USING gin, ...), INCLUDE
  // columns, operator classes per entry, NULLS FIRST / LAST per entry.
  bool index_methods = false;
  bool index_include = false;
  bool index_operator_classes = false;
  bool index_nulls_order = false;
  // DEFERRABLE primary keys and unique constraints (foreign keys are
  // deferrable wherever there are foreign keys).
  bool deferrable_keys = false;
  // Sequences as objects of their own (CREATE SEQUENCE).
  bool sequences = false;
  // The longest identifier kept whole, in bytes; 0: no limit.
  size_t max_identifier_bytes = 0;
};

struct ConnectOptions {
  bool create = true;            // create a missing SQLite file
  int lock_timeout_ms = 30000;   // how long to wait for another run's lock
  bool create_schema = false;    // a dialect with schemas: create a missing ?schema=
  std::string lock_name = "retort_version";  // keys the run lock (the version table)
};

struct DialectInfo {
  // The key of per-dialect spellings in files ("sqlite", "postgresql"),
  // and DatabaseUrl::scheme of its URLs.
  std::string_view name;
  // The URL schemes it serves (before any "+driver").
  std::vector<std::string_view> schemes;
  Capabilities caps;
  // The renderer (stateless, lives for the program).
  const Dialect& (*dialect)();
  // Reads `url` (whose scheme is one of `schemes`) into `out`, past the
  // "://" at `sep`. Throws Error(kUsage) naming what is wrong, password
  // masked.
  void (*parse_url)(const std::string& url, size_t sep, DatabaseUrl& out);
  // Opens a connection. Throws Error(kDatabase) when the database cannot
  // be reached or opened.
  std::unique_ptr<Connection> (*connect)(const DatabaseUrl& url, const ConnectOptions& options);
  // Whether `url` names several targets, and which (sorted).
  bool (*is_pattern)(const DatabaseUrl& url);
  std::vector<std::string> (*expand_pattern)(const DatabaseUrl& url);
};

// Every dialect, in the order they are listed to users.
const std::vector<const DialectInfo*>& Dialects();
// nullptr when no dialect has that name or scheme.
const DialectInfo* FindDialect(std::string_view name);
const DialectInfo* FindScheme(std::string_view scheme);
// The dialect of a parsed URL.
const DialectInfo& DialectOf(const DatabaseUrl& url);
// Throws Error(kUsage) naming the dialects there are.
const DialectInfo& DialectNamed(std::string_view name);
// "sqlite, postgresql": the names; "sqlite, postgresql, postgres": the schemes.
std::string DialectNames();
std::string SchemeNames();

// Opens a connection to `url` with its dialect.
std::unique_ptr<Connection> Connect(const DatabaseUrl& url, const ConnectOptions& options);

}  // namespace retort::dialect
