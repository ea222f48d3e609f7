#include "dialect/connect.h"

#include "dialect/postgresql/postgresql_connection.h"
#include "dialect/sqlite/sqlite_connection.h"
#include "retort/error.h"

namespace retort::dialect {

std::unique_ptr<Connection> Connect(const DatabaseUrl& url, const ConnectOptions& options) {
  if (url.scheme == "sqlite") {
    return std::make_unique<SqliteConnection>(url.path, options.create, options.lock_timeout_ms,
                                              url.Masked());
  }
  return std::make_unique<PostgresConnection>(url, options);
}

std::unique_ptr<Dialect> DialectFor(const DatabaseUrl& url) {
  if (url.scheme == "sqlite") return std::make_unique<SqliteDialect>();
  return std::make_unique<PostgresDialect>();
}

}  // namespace retort::dialect
