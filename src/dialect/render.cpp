#include "dialect/render.h"

#include "ops/replay.h"

namespace retort::dialect {

std::vector<Statement> RenderAndApply(const Dialect& dialect,
                                      const std::vector<ops::OpAt>& operations,
                                      schema::Schema& schema) {
  std::vector<Statement> out;
  for (const ops::OpAt& op : operations) {
    std::vector<std::string> sql;
    try {
      sql = dialect.Render(op.op, schema);
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
