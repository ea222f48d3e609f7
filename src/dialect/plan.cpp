#include "dialect/plan.h"

#include <algorithm>

#include "dialect/sql_text.h"

namespace retort::dialect {

std::string Inlined(const Statement& statement) {
  std::string sql = statement.sql;
  auto literal = [](const Value& v) { return v ? QuoteLiteral(*v) : std::string("NULL"); };
  if (statement.params.empty()) return sql;
  if (sql.find('?') != std::string::npos) {
    std::string out;
    out.reserve(sql.size() + 16 * statement.params.size());
    size_t next = 0, from = 0;
    for (size_t at; next < statement.params.size() && (at = sql.find('?', from)) != std::string::npos; from = at + 1) {
      out.append(sql, from, at - from);
      out += literal(statement.params[next++]);
    }
    out.append(sql, from, std::string::npos);
    return out;
  }
  for (size_t n = statement.params.size(); n >= 1; --n) {
    std::string mark = "$" + std::to_string(n);
    for (size_t at; (at = sql.find(mark)) != std::string::npos;) {
      sql.replace(at, mark.size(), literal(statement.params[n - 1]));
    }
  }
  return sql;
}

void SqlText::Add(const Statement& statement) { Add(Inlined(statement)); }

void SqlText::Add(std::string sql) {
  text_ += sql;
  text_ += ";\n";
  statements_.push_back(std::move(sql));
}

void SqlText::Comment(const std::string& text, bool spaced) {
  text_ += (spaced ? "\n-- " : "-- ") + text + "\n";
}

void WriteSteps(const std::vector<Step>& steps, SqlText& out) {
  for (const Step& step : steps) {
    if (const Statement* s = std::get_if<Statement>(&step)) {
      out.Add(*s);
    } else {
      std::get<std::shared_ptr<const CompositeStep>>(step)->Write(out);
    }
  }
}

bool SuspendsForeignKeys(const std::vector<Step>& steps) {
  return std::any_of(steps.begin(), steps.end(), [](const Step& step) {
    const auto* composite = std::get_if<std::shared_ptr<const CompositeStep>>(&step);
    return composite && (*composite)->SuspendsForeignKeys();
  });
}

}  // namespace retort::dialect
