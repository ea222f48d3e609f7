#include "dialect/dialect.h"

namespace retort::dialect {

void Connection::ExecuteAll(const std::vector<Statement>& statements) {
  for (const Statement& s : statements) {
    try {
      Execute(s.sql, s.params);
    } catch (const Error& e) {
      throw e.WithContext(s.where);
    }
  }
}

}  // namespace retort::dialect
