#include "dialect/dialect.h"

#include "ops/replay.h"

namespace retort::dialect {

void Connection::ExecuteOne(const Statement& s) {
  try {
    if (s.fail_if_rows.empty()) {
      Execute(s.sql, s.params);
      return;
    }
    std::vector<Row> rows = Query(s.sql, s.params);
    std::string count = rows.empty() || rows[0].empty() ? "0" : rows[0][0].value_or("0");
    if (count != "0") {
      std::string message = s.fail_if_rows;
      if (size_t p = message.find("{count}"); p != std::string::npos) message.replace(p, 7, count);
      throw Error(ErrorKind::kDatabase, message, Location{.statement = s.sql});
    }
  } catch (const Error& e) {
    throw e.WithContext(s.where);
  }
}

void Connection::ExecuteAll(const std::vector<Statement>& statements) {
  for (const Statement& s : statements) ExecuteOne(s);
}

std::vector<Statement> Dialect::RenderOps(const std::vector<ops::OpAt>& operations,
                                         schema::Schema& schema) const {
  std::vector<Statement> out;
  for (const ops::OpAt& op : operations) {
    std::vector<std::string> sql;
    try {
      sql = Render(op.op, schema);
    } catch (const Error& e) {
      schema::Schema probe = schema;  // only on this error path
      ops::Apply(op, probe);
      throw e.WithContext(op.where);
    }
    // Raw SQL may hold several commands; what the dialect renders holds one.
    bool single = !std::holds_alternative<ops::Execute>(op.op);
    for (std::string& s : sql) out.push_back(Statement{std::move(s), {}, op.where, single});
    ops::Apply(op, schema);
  }
  return out;
}

}  // namespace retort::dialect
