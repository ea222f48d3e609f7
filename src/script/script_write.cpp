#include "script/script_write.h"

#include <yaml-cpp/yaml.h>

#include <sstream>

namespace retort::script {
namespace {

using schema::Column;
using schema::Table;

void WriteType(YAML::Emitter& out, const schema::Type& type) {
  if (type.kind != schema::TypeKind::kRaw) {
    out << schema::FormatType(type);
    return;
  }
  out << YAML::Flow << YAML::BeginMap;
  for (const auto& [dialect, spelling] : type.raw) out << YAML::Key << dialect << YAML::Value << spelling;
  out << YAML::EndMap;
}

void WriteDefault(YAML::Emitter& out, const std::optional<schema::Default>& d) {
  if (!d) {
    out << YAML::Null;
    return;
  }
  switch (d->kind) {
    case schema::Default::Kind::kPerDialect:
      out << YAML::Flow << YAML::BeginMap;
      for (const auto& [dialect, one] : d->dialects) {
        out << YAML::Key << dialect << YAML::Value;
        WriteDefault(out, schema::Default{one.first, one.second, {}});
      }
      out << YAML::EndMap;
      return;
    case schema::Default::Kind::kNow: out << "now()"; return;
    case schema::Default::Kind::kSql:
      out << YAML::Flow << YAML::BeginMap << YAML::Key << "sql" << YAML::Value << d->value
          << YAML::EndMap;
      return;
    case schema::Default::Kind::kLiteral:
      // Files read now() and CURRENT_TIMESTAMP as kNow, in any quoting, so
      // no literal holds them.
      out << d->value;
      return;
  }
}

// `name: ...`, left out for a constraint the database names.
template <typename Constraint>
void NameOf(YAML::Emitter& out, const Constraint& c) {
  if (!c.implied) out << YAML::Key << "name" << YAML::Value << c.name;
}

void Names(YAML::Emitter& out, const char* key, const std::vector<std::string>& names) {
  out << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginSeq;
  for (const std::string& n : names) out << n;
  out << YAML::EndSeq;
}

// `in_table`: a primary key column of a create_table, whose NOT NULL the
// table's primary key implies.
void WriteColumn(YAML::Emitter& out, const Column& c, bool implied_not_null,
                 const ops::AddColumn* with = nullptr) {
  out << YAML::Flow << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << c.name;
  out << YAML::Key << "type" << YAML::Value;
  WriteType(out, c.type);
  if (!c.nullable && !implied_not_null) out << YAML::Key << "nullable" << YAML::Value << false;
  if (c.server_default) {
    out << YAML::Key << "server_default" << YAML::Value;
    WriteDefault(out, c.server_default);
  }
  if (c.autoincrement) out << YAML::Key << "autoincrement" << YAML::Value << *c.autoincrement;
  if (!c.comment.empty()) out << YAML::Key << "comment" << YAML::Value << c.comment;
  if (with) {
    // What an add_column adds beside its column, as the column's shorthands,
    // each with its full name.
    auto named = [&](const char* key, const std::string& name) {
      out << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "name"
          << YAML::Value << name << YAML::EndMap;
    };
    for (const schema::Index& index : with->indexes) {
      named("index", index.name);
      if (index.unique) out << YAML::Key << "unique" << YAML::Value << true;
    }
    for (const schema::UniqueConstraint& uq : with->uniques) {
      if (uq.implied) {
        out << YAML::Key << "unique" << YAML::Value << true;
      } else {
        named("unique", uq.name);
      }
    }
    for (const schema::ForeignKey& fk : with->foreign_keys) {
      std::string column = fk.referred_table + "." + fk.referred_columns.at(0);
      if (fk.implied) {
        out << YAML::Key << "references" << YAML::Value << column;
      } else {
        out << YAML::Key << "references" << YAML::Value << YAML::Flow << YAML::BeginMap
            << YAML::Key << "column" << YAML::Value << column << YAML::Key << "name"
            << YAML::Value << fk.name << YAML::EndMap;
      }
      if (fk.on_delete != schema::Action::kNoAction) {
        out << YAML::Key << "on_delete" << YAML::Value << schema::FormatAction(fk.on_delete);
      }
      if (fk.on_update != schema::Action::kNoAction) {
        out << YAML::Key << "on_update" << YAML::Value << schema::FormatAction(fk.on_update);
      }
    }
  }
  out << YAML::EndMap;
}

void ForeignKeyBody(YAML::Emitter& out, const schema::ForeignKey& fk) {
  NameOf(out, fk);
  Names(out, "columns", fk.columns);
  out << YAML::Key << "referred_table" << YAML::Value << fk.referred_table;
  Names(out, "referred_columns", fk.referred_columns);
  if (fk.on_delete != schema::Action::kNoAction) {
    out << YAML::Key << "on_delete" << YAML::Value << schema::FormatAction(fk.on_delete);
  }
  if (fk.on_update != schema::Action::kNoAction) {
    out << YAML::Key << "on_update" << YAML::Value << schema::FormatAction(fk.on_update);
  }
}

void WriteTable(YAML::Emitter& out, const Table& t) {
  out << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << t.name;
  if (!t.comment.empty()) out << YAML::Key << "comment" << YAML::Value << t.comment;
  out << YAML::Key << "columns" << YAML::Value << YAML::BeginSeq;
  for (const Column& c : t.columns) {
    bool in_key = t.primary_key && std::find(t.primary_key->columns.begin(),
                                             t.primary_key->columns.end(),
                                             c.name) != t.primary_key->columns.end();
    WriteColumn(out, c, in_key);
  }
  out << YAML::EndSeq;
  if (t.primary_key) {
    out << YAML::Key << "primary_key" << YAML::Value << YAML::Flow << YAML::BeginMap;
    NameOf(out, *t.primary_key);
    Names(out, "columns", t.primary_key->columns);
    out << YAML::EndMap;
  }
  if (!t.foreign_keys.empty()) {
    out << YAML::Key << "foreign_keys" << YAML::Value << YAML::BeginSeq;
    for (const schema::ForeignKey& fk : t.foreign_keys) {
      out << YAML::Flow << YAML::BeginMap;
      ForeignKeyBody(out, fk);
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  if (!t.uniques.empty()) {
    out << YAML::Key << "unique" << YAML::Value << YAML::BeginSeq;
    for (const schema::UniqueConstraint& uq : t.uniques) {
      out << YAML::Flow << YAML::BeginMap;
      NameOf(out, uq);
      Names(out, "columns", uq.columns);
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  if (!t.checks.empty()) {
    out << YAML::Key << "checks" << YAML::Value << YAML::BeginSeq;
    for (const schema::CheckConstraint& ck : t.checks) {
      out << YAML::Flow << YAML::BeginMap;
      NameOf(out, ck);
      out << YAML::Key << "expr" << YAML::Value << ck.expr << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  if (!t.indexes.empty()) {
    out << YAML::Key << "indexes" << YAML::Value << YAML::BeginSeq;
    for (const schema::Index& ix : t.indexes) {
      out << YAML::Flow << YAML::BeginMap << YAML::Key << "name" << YAML::Value << ix.name;
      Names(out, "columns", ix.columns);
      if (ix.unique) out << YAML::Key << "unique" << YAML::Value << true;
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  out << YAML::EndMap;
}

// The body of one operation (the value of its one-key map).
void WriteBody(YAML::Emitter& out, const ops::Operation& operation, bool acknowledgement) {
  auto key = [&](const char* k, const std::string& v) { out << YAML::Key << k << YAML::Value << v; };
  auto flow = [&]() { out << YAML::Flow << YAML::BeginMap; };
  auto end = [&]() {
    if (acknowledgement) out << YAML::Key << "acknowledged" << YAML::Value << false;
    out << YAML::EndMap;
  };
  std::visit(
      ops::Overloaded{
          [&](const ops::CreateTable& op) { WriteTable(out, op.table); },
          [&](const ops::DropTable& op) { flow(); key("name", op.table); end(); },
          [&](const ops::RenameTable& op) {
            flow(); key("name", op.table); key("new_name", op.new_name); end();
          },
          [&](const ops::AddColumn& op) {
            flow();
            key("table", op.table);
            out << YAML::Key << "column" << YAML::Value;
            WriteColumn(out, op.column, false, &op);
            end();
          },
          [&](const ops::DropColumn& op) {
            flow(); key("table", op.table); key("column", op.column); end();
          },
          [&](const ops::AlterColumn& op) {
            flow();
            key("table", op.table);
            key("column", op.column);
            if (op.type) {
              out << YAML::Key << "type" << YAML::Value;
              WriteType(out, *op.type);
            }
            if (op.nullable) out << YAML::Key << "nullable" << YAML::Value << *op.nullable;
            if (op.server_default) {
              out << YAML::Key << "server_default" << YAML::Value;
              WriteDefault(out, *op.server_default);
            }
            if (op.new_name) key("new_name", *op.new_name);
            end();
          },
          [&](const ops::CreateIndex& op) {
            flow();
            key("name", op.index.name);
            key("table", op.table);
            Names(out, "columns", op.index.columns);
            if (op.index.unique) out << YAML::Key << "unique" << YAML::Value << true;
            if (op.concurrently) out << YAML::Key << "concurrently" << YAML::Value << true;
            end();
          },
          [&](const ops::DropIndex& op) {
            flow();
            key("name", op.name);
            key("table", op.table);
            if (op.concurrently) out << YAML::Key << "concurrently" << YAML::Value << true;
            end();
          },
          [&](const ops::CreatePrimaryKey& op) {
            flow(); NameOf(out, op.key); key("table", op.table);
            Names(out, "columns", op.key.columns);
            end();
          },
          [&](const ops::CreateUniqueConstraint& op) {
            flow(); NameOf(out, op.constraint); key("table", op.table);
            Names(out, "columns", op.constraint.columns);
            end();
          },
          [&](const ops::CreateForeignKey& op) {
            flow();
            out << YAML::Key << "table" << YAML::Value << op.table;
            ForeignKeyBody(out, op.foreign_key);
            end();
          },
          [&](const ops::CreateCheckConstraint& op) {
            flow(); NameOf(out, op.check); key("table", op.table); key("expr", op.check.expr);
            end();
          },
          [&](const ops::DropConstraint& op) {
            flow(); key("name", op.name); key("table", op.table); end();
          },
          [&](const ops::CreateEnum& op) {
            flow(); key("name", op.enumeration.name);
            Names(out, "values", op.enumeration.values);
            end();
          },
          [&](const ops::DropEnum& op) { flow(); key("name", op.name); end(); },
          [&](const ops::AddEnumValue& op) {
            flow(); key("name", op.name); key("value", op.value);
            if (op.before) key("before", *op.before);
            if (op.after) key("after", *op.after);
            end();
          },
          [&](const ops::DropEnumValue& op) {
            flow(); key("name", op.name); key("value", op.value); end();
          },
          [&](const ops::BulkInsert& op) {
            out << YAML::BeginMap;
            key("table", op.table);
            out << YAML::Key << "rows" << YAML::Value << YAML::BeginSeq;
            for (const ops::BulkInsert::Row& row : op.rows) {
              out << YAML::Flow << YAML::BeginMap;
              for (const auto& [column, value] : row) {
                out << YAML::Key << column << YAML::Value;
                if (value) {
                  out << YAML::DoubleQuoted << *value;
                } else {
                  out << YAML::Null;
                }
              }
              out << YAML::EndMap;
            }
            out << YAML::EndSeq;
            end();
          },
          [&](const ops::Execute& op) {
            out << YAML::BeginMap << YAML::Key << "sql" << YAML::Value << YAML::BeginMap;
            for (const auto& [dialect, sql] : op.sql) {
              out << YAML::Key << (dialect.empty() ? "default" : dialect) << YAML::Value << sql;
            }
            out << YAML::EndMap;
            if (!op.effect.empty()) {
              out << YAML::Key << "effect" << YAML::Value << YAML::BeginSeq;
              for (const ops::OpAt& effect : op.effect) {
                out << YAML::BeginMap << YAML::Key << ops::OperationName(effect.op) << YAML::Value;
                WriteBody(out, effect.op, false);
                out << YAML::EndMap;
              }
              out << YAML::EndSeq;
            }
            end();
          },
      },
      operation);
}

}  // namespace

std::string WriteOperations(const std::vector<WrittenOp>& operations, int indent) {
  std::string pad(indent, ' ');
  std::string text;
  for (const WrittenOp& w : operations) {
    for (const std::string& line : w.comments) text += pad + "# " + line + "\n";
    YAML::Emitter out;
    out.SetIndent(2);
    out.SetNullFormat(YAML::LowerNull);
    out << YAML::BeginMap << YAML::Key << ops::OperationName(w.op) << YAML::Value;
    WriteBody(out, w.op, w.needs_acknowledgement);
    out << YAML::EndMap;
    std::istringstream lines(out.c_str());
    std::string line;
    bool first = true;
    while (std::getline(lines, line)) {
      text += pad + (first ? "- " : "  ") + line + "\n";
      first = false;
    }
  }
  return text;
}

}  // namespace retort::script
