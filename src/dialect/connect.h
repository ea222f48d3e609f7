// The one place where dialects are wired to URL schemes.
#pragma once

#include <memory>

#include "dialect/dialect.h"
#include "dialect/url.h"

namespace retort::dialect {

struct ConnectOptions {
  bool create = true;            // create a missing SQLite file
  int lock_timeout_ms = 30000;   // how long to wait for another run's lock
  bool create_schema = false;    // PostgreSQL: create a missing ?schema=
  std::string lock_name = "retort_version";  // PostgreSQL: keys the run lock
};

// Throws Error(kDatabase) when the database cannot be reached or opened,
// Error(kUsage) for a scheme this build does not support.
std::unique_ptr<Connection> Connect(const DatabaseUrl& url, const ConnectOptions& options);

// The dialect for a URL scheme, for work that needs no connection.
std::unique_ptr<Dialect> DialectFor(const DatabaseUrl& url);

}  // namespace retort::dialect
