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
    size_t next = 0;
    for (char c : sql) {
      if (c == '?' && next < statement.params.size()) {
        out += literal(statement.params[next++]);
      } else {
        out += c;
      }
    }
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

void SqlText::Add(const std::string& sql) {
  text_ += sql + ";\n";
  statements_.push_back(sql);
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
