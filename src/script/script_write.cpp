#include "script/script_write.h"

#include <algorithm>
#include <set>
#include <sstream>

#include "format/writer.h"
#include "schema/naming.h"

namespace retort::script {
namespace {

// The writer as a stream of tokens (out << Key << "name" << Value << v),
// which keeps each operation's shape on a line or two.
namespace yaml {
enum Token { Flow, BeginMap, EndMap, BeginSeq, EndSeq, Key, Value, Null, DoubleQuoted };

class Emitter {
 public:
  Emitter& operator<<(Token t) {
    switch (t) {
      case Flow: flow_ = true; break;
      case BeginMap: writer_.BeginMap(flow_); flow_ = false; break;
      case BeginSeq: writer_.BeginSeq(flow_); flow_ = false; break;
      case EndMap: writer_.EndMap(); break;
      case EndSeq: writer_.EndSeq(); break;
      case Key: key_ = true; break;
      case Value: break;
      case Null: writer_.Null(); break;
      case DoubleQuoted: quoted_ = true; break;
    }
    return *this;
  }
  Emitter& operator<<(std::string_view text) {
    if (key_) {
      writer_.Key(text);
    } else if (literal_ && !quoted_) {
      writer_.Literal(text);
    } else {
      writer_.Scalar(text, quoted_);
    }
    key_ = quoted_ = false;
    return *this;
  }
  Emitter& operator<<(const std::string& text) { return *this << std::string_view(text); }
  Emitter& operator<<(const char* text) { return *this << std::string_view(text); }
  Emitter& operator<<(bool value) {
    writer_.Bool(value);
    return *this;
  }
  const std::string& text() const { return writer_.text(); }
  // Text with line breaks as literal blocks (schema files; scripts keep
  // the layout their checksums were first taken over).
  void UseLiteralBlocks() { literal_ = true; }

 private:
  format::Writer writer_;
  bool flow_ = false, key_ = false, quoted_ = false, literal_ = false;
};
}  // namespace yaml

using schema::Column;
using schema::Table;

void WriteType(yaml::Emitter& out, const schema::Type& type) {
  if (type.kind != schema::TypeKind::kRaw) {
    out << schema::FormatType(type);
    return;
  }
  out << yaml::Flow << yaml::BeginMap;
  for (const auto& [dialect, spelling] : type.raw) out << yaml::Key << dialect << yaml::Value << spelling;
  out << yaml::EndMap;
}

void WriteDefault(yaml::Emitter& out, const std::optional<schema::Default>& d) {
  if (!d) {
    out << yaml::Null;
    return;
  }
  switch (d->kind) {
    case schema::Default::Kind::kPerDialect:
      out << yaml::Flow << yaml::BeginMap;
      for (const auto& [dialect, one] : d->dialects) {
        out << yaml::Key << dialect << yaml::Value;
        WriteDefault(out, schema::Default{one.first, one.second, {}});
      }
      out << yaml::EndMap;
      return;
    case schema::Default::Kind::kNow: out << "now()"; return;
    case schema::Default::Kind::kSql:
      out << yaml::Flow << yaml::BeginMap << yaml::Key << "sql" << yaml::Value << d->value
          << yaml::EndMap;
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
void NameOf(yaml::Emitter& out, const Constraint& c) {
  if (!c.implied) out << yaml::Key << "name" << yaml::Value << c.name;
}
// A schema file's names: those its convention gives are left out, but for
// `keep` ("table\x1fname"), which reading the file back would name
// otherwise.
struct FileNames {
  schema::NamingConvention convention;
  std::set<std::string> keep;
  bool LeftOut(std::string_view key, const schema::NameParts& parts, const std::string& name) const {
    return !keep.count(parts.table + '\x1f' + name) && schema::NameFollows(convention, key, parts, name);
  }
};

template <typename Constraint>
void NameOf(yaml::Emitter& out, const Constraint& c, const FileNames* names, std::string_view key,
            const schema::NameParts& parts) {
  if (!names || c.implied) return NameOf(out, c);
  if (!names->LeftOut(key, parts, c.name)) out << yaml::Key << "name" << yaml::Value << c.name;
}

void Names(yaml::Emitter& out, const char* key, const std::vector<std::string>& names) {
  out << yaml::Key << key << yaml::Value << yaml::Flow << yaml::BeginSeq;
  for (const std::string& n : names) out << n;
  out << yaml::EndSeq;
}

// An index's definition past its name: columns (plain names, or a map per
// entry), unique, where, using, include.
void IndexBody(yaml::Emitter& out, const schema::Index& index) {
  out << yaml::Key << "columns" << yaml::Value << yaml::Flow << yaml::BeginSeq;
  for (const schema::IndexEntry& e : index.entries) {
    if (e.IsPlainColumn()) {
      out << e.column;
      continue;
    }
    out << yaml::Flow << yaml::BeginMap;
    if (e.expr.empty()) {
      out << yaml::Key << "column" << yaml::Value << e.column;
    } else {
      out << yaml::Key << "expr" << yaml::Value << e.expr;
    }
    if (!e.opclass.empty()) out << yaml::Key << "opclass" << yaml::Value << e.opclass;
    if (e.desc) out << yaml::Key << "desc" << yaml::Value << true;
    if (e.nulls != schema::IndexEntry::Nulls::kDefault) {
      out << yaml::Key << "nulls" << yaml::Value
          << (e.nulls == schema::IndexEntry::Nulls::kFirst ? "first" : "last");
    }
    out << yaml::EndMap;
  }
  out << yaml::EndSeq;
  if (index.unique) out << yaml::Key << "unique" << yaml::Value << true;
  if (!index.method.empty()) out << yaml::Key << "using" << yaml::Value << index.method;
  if (!index.include.empty()) Names(out, "include", index.include);
  if (!index.where.empty()) out << yaml::Key << "where" << yaml::Value << index.where;
}

void DeferralKeys(yaml::Emitter& out, const schema::Deferral& d) {
  if (d.deferrable) out << yaml::Key << "deferrable" << yaml::Value << true;
  if (d.initially_deferred) out << yaml::Key << "initially" << yaml::Value << "deferred";
}

void WriteIdentity(yaml::Emitter& out, const schema::Identity& identity) {
  const char* kind = identity.always ? "always" : "by_default";
  if (!identity.start && !identity.increment) {
    out << kind;
    return;
  }
  out << yaml::Flow << yaml::BeginMap << yaml::Key << "generated" << yaml::Value << kind;
  if (identity.start) out << yaml::Key << "start" << yaml::Value << std::to_string(*identity.start);
  if (identity.increment) {
    out << yaml::Key << "increment" << yaml::Value << std::to_string(*identity.increment);
  }
  out << yaml::EndMap;
}

// `in_table`: a primary key column of a create_table, whose NOT NULL the
// table's primary key implies.
void WriteColumn(yaml::Emitter& out, const Column& c, bool implied_not_null,
                 const ops::AddColumn* with = nullptr) {
  out << yaml::Flow << yaml::BeginMap;
  out << yaml::Key << "name" << yaml::Value << c.name;
  out << yaml::Key << "type" << yaml::Value;
  WriteType(out, c.type);
  if (!c.nullable && !implied_not_null) out << yaml::Key << "nullable" << yaml::Value << false;
  if (c.server_default) {
    out << yaml::Key << "server_default" << yaml::Value;
    WriteDefault(out, c.server_default);
  }
  if (c.autoincrement) out << yaml::Key << "autoincrement" << yaml::Value << *c.autoincrement;
  if (c.identity) {
    out << yaml::Key << "identity" << yaml::Value;
    WriteIdentity(out, *c.identity);
  }
  if (c.computed) {
    out << yaml::Key << "computed" << yaml::Value << yaml::Flow << yaml::BeginMap << yaml::Key
        << "sql" << yaml::Value << c.computed->sql;
    if (c.computed->stored) out << yaml::Key << "stored" << yaml::Value << *c.computed->stored;
    out << yaml::EndMap;
  }
  if (!c.comment.empty()) out << yaml::Key << "comment" << yaml::Value << c.comment;
  if (with) {
    // What an add_column adds beside its column, as the column's shorthands,
    // each with its full name.
    auto named = [&](const char* key, const std::string& name) {
      out << yaml::Key << key << yaml::Value << yaml::Flow << yaml::BeginMap << yaml::Key << "name"
          << yaml::Value << name << yaml::EndMap;
    };
    for (const schema::Index& index : with->indexes) {
      named("index", index.name);
      if (index.unique) out << yaml::Key << "unique" << yaml::Value << true;
    }
    for (const schema::UniqueConstraint& uq : with->uniques) {
      if (uq.implied) {
        out << yaml::Key << "unique" << yaml::Value << true;
      } else {
        named("unique", uq.name);
      }
    }
    for (const schema::ForeignKey& fk : with->foreign_keys) {
      std::string column = fk.referred_table + "." + fk.referred_columns.at(0);
      if (fk.implied && !fk.deferral.deferrable) {
        out << yaml::Key << "references" << yaml::Value << column;
      } else {
        out << yaml::Key << "references" << yaml::Value << yaml::Flow << yaml::BeginMap
            << yaml::Key << "column" << yaml::Value << column;
        if (!fk.implied) out << yaml::Key << "name" << yaml::Value << fk.name;
        DeferralKeys(out, fk.deferral);
        out << yaml::EndMap;
      }
      if (fk.on_delete != schema::Action::kNoAction) {
        out << yaml::Key << "on_delete" << yaml::Value << schema::FormatAction(fk.on_delete);
      }
      if (fk.on_update != schema::Action::kNoAction) {
        out << yaml::Key << "on_update" << yaml::Value << schema::FormatAction(fk.on_update);
      }
    }
  }
  out << yaml::EndMap;
}

void ForeignKeyBody(yaml::Emitter& out, const schema::ForeignKey& fk, const Table* in = nullptr,
                    const FileNames* names = nullptr) {
  if (in) {
    NameOf(out, fk, names, "fk", schema::ForeignKeyParts(*in, fk));
  } else {
    NameOf(out, fk);
  }
  Names(out, "columns", fk.columns);
  out << yaml::Key << "referred_table" << yaml::Value << fk.referred_table;
  Names(out, "referred_columns", fk.referred_columns);
  if (fk.on_delete != schema::Action::kNoAction) {
    out << yaml::Key << "on_delete" << yaml::Value << schema::FormatAction(fk.on_delete);
  }
  if (fk.on_update != schema::Action::kNoAction) {
    out << yaml::Key << "on_update" << yaml::Value << schema::FormatAction(fk.on_update);
  }
  DeferralKeys(out, fk.deferral);
}

// `names`: a schema file's (some names left out).
// An operation's `dialect:` key, when it is limited to some.
void WriteDialects(yaml::Emitter& out, const std::vector<std::string>& dialects) {
  if (dialects.empty()) return;
  out << yaml::Key << "dialect" << yaml::Value;
  if (dialects.size() == 1) {
    out << dialects[0];
    return;
  }
  out << yaml::Flow << yaml::BeginSeq;
  for (const std::string& d : dialects) out << d;
  out << yaml::EndSeq;
}

void WriteTable(yaml::Emitter& out, const Table& t, const FileNames* names = nullptr,
                const std::vector<std::string>* dialects = nullptr) {
  out << yaml::BeginMap;
  out << yaml::Key << "name" << yaml::Value << t.name;
  if (!t.comment.empty()) out << yaml::Key << "comment" << yaml::Value << t.comment;
  if (t.sqlite_autoincrement) out << yaml::Key << "sqlite_autoincrement" << yaml::Value << true;
  out << yaml::Key << "columns" << yaml::Value << yaml::BeginSeq;
  for (const Column& c : t.columns) {
    bool in_key = t.primary_key && std::find(t.primary_key->columns.begin(),
                                             t.primary_key->columns.end(),
                                             c.name) != t.primary_key->columns.end();
    WriteColumn(out, c, in_key);
  }
  out << yaml::EndSeq;
  if (t.primary_key) {
    out << yaml::Key << "primary_key" << yaml::Value << yaml::Flow << yaml::BeginMap;
    NameOf(out, *t.primary_key, names, "pk", schema::PrimaryKeyParts(t));
    Names(out, "columns", t.primary_key->columns);
    DeferralKeys(out, t.primary_key->deferral);
    out << yaml::EndMap;
  }
  if (!t.foreign_keys.empty()) {
    out << yaml::Key << "foreign_keys" << yaml::Value << yaml::BeginSeq;
    for (const schema::ForeignKey& fk : t.foreign_keys) {
      out << yaml::Flow << yaml::BeginMap;
      ForeignKeyBody(out, fk, &t, names);
      out << yaml::EndMap;
    }
    out << yaml::EndSeq;
  }
  if (!t.uniques.empty()) {
    out << yaml::Key << "unique" << yaml::Value << yaml::BeginSeq;
    for (const schema::UniqueConstraint& uq : t.uniques) {
      out << yaml::Flow << yaml::BeginMap;
      NameOf(out, uq, names, "uq", schema::UniqueParts(t, uq));
      Names(out, "columns", uq.columns);
      DeferralKeys(out, uq.deferral);
      out << yaml::EndMap;
    }
    out << yaml::EndSeq;
  }
  if (!t.checks.empty()) {
    out << yaml::Key << "checks" << yaml::Value << yaml::BeginSeq;
    for (const schema::CheckConstraint& ck : t.checks) {
      out << yaml::Flow << yaml::BeginMap;
      NameOf(out, ck, names, "ck", schema::CheckParts(t, ck));
      out << yaml::Key << "expr" << yaml::Value << ck.expr << yaml::EndMap;
    }
    out << yaml::EndSeq;
  }
  if (!t.indexes.empty()) {
    out << yaml::Key << "indexes" << yaml::Value << yaml::BeginSeq;
    for (const schema::Index& ix : t.indexes) {
      out << yaml::Flow << yaml::BeginMap;
      if (!names || !names->LeftOut("ix", schema::IndexParts(t, ix), ix.name)) {
        out << yaml::Key << "name" << yaml::Value << ix.name;
      }
      IndexBody(out, ix);
      out << yaml::EndMap;
    }
    out << yaml::EndSeq;
  }
  if (dialects) WriteDialects(out, *dialects);
  out << yaml::EndMap;
}

// The body of one operation (the value of its one-key map).
void WriteBody(yaml::Emitter& out, const ops::Operation& operation, bool acknowledgement,
               const std::vector<std::string>& dialects = {}) {
  auto key = [&](const char* k, const std::string& v) { out << yaml::Key << k << yaml::Value << v; };
  auto flow = [&]() { out << yaml::Flow << yaml::BeginMap; };
  auto end = [&]() {
    WriteDialects(out, dialects);
    if (acknowledgement) out << yaml::Key << "acknowledged" << yaml::Value << false;
    out << yaml::EndMap;
  };
  std::visit(
      ops::Overloaded{
          [&](const ops::CreateTable& op) { WriteTable(out, op.table, nullptr, &dialects); },
          [&](const ops::DropTable& op) { flow(); key("name", op.table); end(); },
          [&](const ops::RenameTable& op) {
            flow(); key("name", op.table); key("new_name", op.new_name); end();
          },
          [&](const ops::AddColumn& op) {
            flow();
            key("table", op.table);
            out << yaml::Key << "column" << yaml::Value;
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
              out << yaml::Key << "type" << yaml::Value;
              WriteType(out, *op.type);
            }
            if (op.nullable) out << yaml::Key << "nullable" << yaml::Value << *op.nullable;
            if (op.server_default) {
              out << yaml::Key << "server_default" << yaml::Value;
              WriteDefault(out, *op.server_default);
            }
            if (op.identity) {
              out << yaml::Key << "identity" << yaml::Value;
              if (*op.identity) {
                WriteIdentity(out, **op.identity);
              } else {
                out << yaml::Null;
              }
            }
            if (op.comment) {
              out << yaml::Key << "comment" << yaml::Value;
              if (op.comment->empty()) {
                out << yaml::Null;
              } else {
                out << *op.comment;
              }
            }
            if (op.new_name) key("new_name", *op.new_name);
            end();
          },
          [&](const ops::CreateIndex& op) {
            flow();
            key("name", op.index.name);
            key("table", op.table);
            IndexBody(out, op.index);
            if (op.concurrently) out << yaml::Key << "concurrently" << yaml::Value << true;
            end();
          },
          [&](const ops::DropIndex& op) {
            flow();
            key("name", op.name);
            key("table", op.table);
            if (op.concurrently) out << yaml::Key << "concurrently" << yaml::Value << true;
            end();
          },
          [&](const ops::CreatePrimaryKey& op) {
            flow(); NameOf(out, op.key); key("table", op.table);
            Names(out, "columns", op.key.columns);
            DeferralKeys(out, op.key.deferral);
            end();
          },
          [&](const ops::CreateUniqueConstraint& op) {
            flow(); NameOf(out, op.constraint); key("table", op.table);
            Names(out, "columns", op.constraint.columns);
            DeferralKeys(out, op.constraint.deferral);
            end();
          },
          [&](const ops::CreateForeignKey& op) {
            flow();
            out << yaml::Key << "table" << yaml::Value << op.table;
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
            if (!op.enumeration.create_constraint) out << yaml::Key << "create_constraint" << yaml::Value << false;
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
          [&](const ops::RenameEnumValue& op) {
            flow(); key("name", op.name); key("value", op.value); key("new_value", op.new_value);
            end();
          },
          [&](const ops::CreateTableComment& op) {
            flow(); key("table", op.table); key("comment", op.comment); end();
          },
          [&](const ops::DropTableComment& op) { flow(); key("table", op.table); end(); },
          [&](const ops::AlterTable& op) {
            flow();
            key("table", op.table);
            if (op.sqlite_autoincrement) {
              out << yaml::Key << "sqlite_autoincrement" << yaml::Value << *op.sqlite_autoincrement;
            }
            end();
          },
          [&](const ops::CreateView& op) {
            out << yaml::BeginMap;
            key("name", op.view.name);
            if (op.view.materialized) out << yaml::Key << "materialized" << yaml::Value << true;
            if (!op.view.with_data) out << yaml::Key << "with_data" << yaml::Value << false;
            key("sql", op.view.sql);
            if (!op.view.indexes.empty()) {
              out << yaml::Key << "indexes" << yaml::Value << yaml::BeginSeq;
              for (const schema::Index& index : op.view.indexes) {
                out << yaml::Flow << yaml::BeginMap;
                key("name", index.name);
                IndexBody(out, index);
                out << yaml::EndMap;
              }
              out << yaml::EndSeq;
            }
            end();
          },
          [&](const ops::ReplaceView& op) {
            out << yaml::BeginMap;
            key("name", op.name);
            key("sql", op.sql);
            end();
          },
          [&](const ops::DropView& op) { flow(); key("name", op.name); end(); },
          [&](const ops::CreateFunction& op) {
            out << yaml::BeginMap;
            key("name", op.function.name);
            if (op.function.kind != schema::Function::Kind::kFunction) {
              key("kind", schema::FunctionKindName(op.function.kind));
            }
            if (!op.function.arguments.empty()) key("arguments", op.function.arguments);
            key("definition", op.function.definition);
            end();
          },
          [&](const ops::ReplaceFunction& op) {
            out << yaml::BeginMap;
            key("name", op.name);
            if (!op.arguments.empty()) key("arguments", op.arguments);
            key("definition", op.definition);
            end();
          },
          [&](const ops::DropFunction& op) {
            flow();
            key("name", op.name);
            if (!op.arguments.empty()) key("arguments", op.arguments);
            end();
          },
          [&](const ops::CreateTrigger& op) {
            const schema::Trigger& t = op.trigger;
            out << yaml::BeginMap;
            key("name", t.name);
            key("table", t.table);
            key("timing", t.timing == schema::Trigger::Timing::kInsteadOf ? "instead_of"
                                                                          : schema::TimingName(t.timing));
            out << yaml::Key << "events" << yaml::Value << yaml::Flow << yaml::BeginSeq;
            for (const std::string& e : t.events) out << e;
            out << yaml::EndSeq;
            if (!t.columns.empty()) {
              out << yaml::Key << "columns" << yaml::Value << yaml::Flow << yaml::BeginSeq;
              for (const std::string& c : t.columns) out << c;
              out << yaml::EndSeq;
            }
            if (!t.for_each_row) key("for_each", "statement");
            if (!t.when.empty()) key("when", t.when);
            if (!t.execute.empty()) key("execute", t.execute);
            if (!t.body.empty()) key("body", t.body);
            if (t.deferral.deferrable) out << yaml::Key << "deferrable" << yaml::Value << true;
            if (t.deferral.initially_deferred) key("initially", "deferred");
            end();
          },
          [&](const ops::DropTrigger& op) {
            flow();
            key("table", op.table);
            key("name", op.name);
            end();
          },
          [&](const ops::CreateExtension& op) {
            flow();
            key("name", op.extension.name);
            if (!op.extension.schema.empty()) key("schema", op.extension.schema);
            if (!op.extension.version.empty()) key("version", op.extension.version);
            if (op.if_not_exists) out << yaml::Key << "if_not_exists" << yaml::Value << true;
            end();
          },
          [&](const ops::UpdateExtension& op) {
            flow();
            key("name", op.name);
            key("version", op.version);
            end();
          },
          [&](const ops::DropExtension& op) { flow(); key("name", op.name); end(); },
          [&](const ops::CreateSequence& op) {
            flow();
            key("name", op.sequence.name);
            if (op.sequence.type) {
              out << yaml::Key << "type" << yaml::Value;
              WriteType(out, *op.sequence.type);
            }
            auto number = [&](const char* k, const std::optional<int64_t>& v) {
              if (v) key(k, std::to_string(*v));
            };
            number("start", op.sequence.start);
            number("increment", op.sequence.increment);
            number("minvalue", op.sequence.minvalue);
            number("maxvalue", op.sequence.maxvalue);
            if (op.sequence.cycle) out << yaml::Key << "cycle" << yaml::Value << true;
            if (!op.sequence.owned_by.empty()) key("owned_by", op.sequence.owned_by);
            end();
          },
          [&](const ops::DropSequence& op) { flow(); key("name", op.name); end(); },
          [&](const ops::AlterSequence& op) {
            flow();
            key("name", op.name);
            if (op.type) {
              out << yaml::Key << "type" << yaml::Value;
              WriteType(out, *op.type);
            }
            auto number = [&](const char* k, const std::optional<std::optional<int64_t>>& v) {
              if (!v) return;
              if (*v) {
                key(k, std::to_string(**v));
              } else {
                out << yaml::Key << k << yaml::Value << yaml::Null;
              }
            };
            number("start", op.start);
            number("increment", op.increment);
            number("minvalue", op.minvalue);
            number("maxvalue", op.maxvalue);
            if (op.cycle) out << yaml::Key << "cycle" << yaml::Value << *op.cycle;
            if (op.owned_by) {
              if (op.owned_by->empty()) {
                out << yaml::Key << "owned_by" << yaml::Value << yaml::Null;
              } else {
                key("owned_by", *op.owned_by);
              }
            }
            end();
          },
          [&](const ops::BulkInsert& op) {
            out << yaml::BeginMap;
            key("table", op.table);
            out << yaml::Key << "rows" << yaml::Value << yaml::BeginSeq;
            for (const ops::BulkInsert::Row& row : op.rows) {
              out << yaml::Flow << yaml::BeginMap;
              for (const auto& [column, value] : row) {
                out << yaml::Key << column << yaml::Value;
                if (value) {
                  out << yaml::DoubleQuoted << *value;
                } else {
                  out << yaml::Null;
                }
              }
              out << yaml::EndMap;
            }
            out << yaml::EndSeq;
            end();
          },
          [&](const ops::Execute& op) {
            out << yaml::BeginMap << yaml::Key << "sql" << yaml::Value << yaml::BeginMap;
            for (const auto& [dialect, sql] : op.sql) {
              out << yaml::Key << (dialect.empty() ? "default" : dialect) << yaml::Value << sql;
            }
            out << yaml::EndMap;
            if (!op.effect.empty()) {
              out << yaml::Key << "effect" << yaml::Value << yaml::BeginSeq;
              for (const ops::OpAt& effect : op.effect) {
                out << yaml::BeginMap << yaml::Key << ops::OperationName(effect.op) << yaml::Value;
                WriteBody(out, effect.op, false);
                out << yaml::EndMap;
              }
              out << yaml::EndSeq;
            }
            end();
          },
      },
      operation);
}

}  // namespace

std::string WriteSchemaFile(const schema::Schema& schema, const std::vector<std::string>& header,
                            const std::set<std::string>& keep_names) {
  yaml::Emitter out;
  out.UseLiteralBlocks();
  out << yaml::BeginMap;
  if (!schema.naming.templates.empty()) {
    out << yaml::Key << "naming_convention" << yaml::Value << yaml::BeginMap;
    for (const char* key : {"pk", "fk", "uq", "ck", "ix"}) {
      auto it = schema.naming.templates.find(key);
      if (it == schema.naming.templates.end()) continue;
      out << yaml::Key << key << yaml::Value;
      if (it->second.empty()) {
        out << yaml::Null;
      } else {
        out << yaml::DoubleQuoted << it->second;
      }
    }
    out << yaml::EndMap;
  }
  // Each object as the operation that makes it writes it.
  auto list = [&](const char* key, const auto& items, auto make) {
    if (items.empty()) return;
    out << yaml::Key << key << yaml::Value << yaml::BeginSeq;
    for (const auto& item : items) WriteBody(out, make(item), false);
    out << yaml::EndSeq;
  };
  list("extensions", schema.extensions, [](const schema::Extension& x) { return ops::CreateExtension{x}; });
  if (!schema.enums.empty()) {
    out << yaml::Key << "enums" << yaml::Value << yaml::BeginMap;
    for (const schema::Enum& e : schema.enums) {
      out << yaml::Key << e.name << yaml::Value;
      if (!e.create_constraint) out << yaml::Flow << yaml::BeginMap << yaml::Key << "values" << yaml::Value;
      out << yaml::Flow << yaml::BeginSeq;
      for (const std::string& v : e.values) out << v;
      out << yaml::EndSeq;
      if (!e.create_constraint) out << yaml::Key << "create_constraint" << yaml::Value << false << yaml::EndMap;
    }
    out << yaml::EndMap;
  }
  list("sequences", schema.sequences, [](const schema::Sequence& q) { return ops::CreateSequence{q}; });
  if (!schema.tables.empty()) {
    const FileNames names{schema::WithDefaults(schema.naming), keep_names};
    out << yaml::Key << "tables" << yaml::Value << yaml::BeginSeq;
    for (const Table& t : schema.tables) WriteTable(out, t, &names);
    out << yaml::EndSeq;
  }
  list("views", schema.views, [](const schema::View& v) { return ops::CreateView{v}; });
  list("functions", schema.functions, [](const schema::Function& f) { return ops::CreateFunction{f}; });
  list("triggers", schema.triggers, [](const schema::Trigger& x) { return ops::CreateTrigger{x}; });
  out << yaml::EndMap;
  // A blank line before each section after the first.
  std::string text;
  for (const std::string& line : header) text += line.empty() ? "#\n" : "# " + line + "\n";
  if (!header.empty()) text += "\n";
  const std::string& body = schema.tables.empty() && schema.enums.empty() && schema.views.empty() &&
                                    schema.functions.empty() && schema.triggers.empty() &&
                                    schema.sequences.empty() && schema.extensions.empty() &&
                                    schema.naming.templates.empty()
                                ? std::string()
                                : out.text();
  bool first = true;
  for (size_t at = 0; at < body.size();) {
    size_t end = body.find('\n', at);
    if (end == std::string::npos) end = body.size();
    // (A top-level key: not an empty line of a literal block.)
    if (!first && end > at && body[at] != ' ' && body[at] != '-') text += "\n";
    text.append(body, at, end - at);
    text += '\n';
    first = false;
    at = end + 1;
  }
  return text;
}

std::string AsListItem(const std::string& yaml, int indent) {
  const std::string pad(indent, ' ');
  std::string text;
  bool first = true;
  for (size_t at = 0; at < yaml.size();) {
    size_t end = yaml.find('\n', at);
    if (end == std::string::npos) end = yaml.size();
    text += pad;
    text += first ? "- " : "  ";
    text.append(yaml, at, end - at);
    text += '\n';
    first = false;
    at = end + 1;
  }
  return text;
}

std::string WriteOperations(const std::vector<WrittenOp>& operations, int indent) {
  std::string pad(indent, ' ');
  std::string text;
  for (const WrittenOp& w : operations) {
    for (const std::string& line : w.comments) text += pad + "# " + line + "\n";
    yaml::Emitter out;
    out << yaml::BeginMap << yaml::Key << ops::OperationName(w.op) << yaml::Value;
    WriteBody(out, w.op, w.needs_acknowledgement, w.dialects);
    out << yaml::EndMap;
    text += AsListItem(out.text(), indent);
  }
  return text;
}

}  // namespace retort::script
