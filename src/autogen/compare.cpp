#include "autogen/compare.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "schema/naming.h"

namespace retort::autogen {
namespace {

using schema::Table;

std::string List(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return "(" + out + ")";
}

// A literal default as a value of its column's type, so that "true" and
// "1" on a boolean column, or "5" and "5.0" on a number, read the same.
std::string CanonicalLiteral(const schema::Type& type, const std::string& value) {
  std::string lower;
  for (char c : value) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (type.kind == schema::TypeKind::kBoolean) {
    if (lower == "true" || lower == "1" || lower == "yes" || lower == "on" || lower == "t") {
      return "true";
    }
    if (lower == "false" || lower == "0" || lower == "no" || lower == "off" || lower == "f") {
      return "false";
    }
  }
  if (type.IsNumber()) {
    try {
      size_t used = 0;
      double number = std::stod(value, &used);
      if (used == value.size()) return std::to_string(number);
    } catch (const std::exception&) {
    }
  }
  return value;
}

}  // namespace

std::string DescribeDefault(const std::optional<schema::Default>& d) {
  if (!d) return "none";
  switch (d->kind) {
    case schema::Default::Kind::kNow: return "now()";
    case schema::Default::Kind::kSql: return "{sql: " + d->value + "}";
    case schema::Default::Kind::kLiteral: return "'" + d->value + "'";
    case schema::Default::Kind::kPerDialect: {
      std::string out;
      for (const auto& [dialect, one] : d->dialects) {
        out += (out.empty() ? "{" : ", ") + dialect + ": " +
               DescribeDefault(schema::Default{one.first, one.second, {}});
      }
      return out.empty() ? "{}" : out + "}";
    }
  }
  return "none";
}


std::string DescribeComment(const std::string& comment) {
  return comment.empty() ? "none" : "'" + comment + "'";
}

std::string DescribeIdentity(const std::optional<schema::Identity>& identity) {
  if (!identity) return "none";
  std::string out = identity->always ? "always" : "by_default";
  if (identity->start) out += " start " + std::to_string(*identity->start);
  if (identity->increment) out += " increment " + std::to_string(*identity->increment);
  return out;
}

std::string DescribeComputed(const std::optional<schema::Computed>& computed) {
  if (!computed) return "none";
  std::string out = "(" + computed->sql + ")";
  if (computed->stored) out += *computed->stored ? " stored" : " virtual";
  return out;
}

bool SameDefault(const schema::Column& a, const schema::Column& b) {
  if (!a.server_default || !b.server_default) return !a.server_default == !b.server_default;
  const schema::Default& x = *a.server_default;
  const schema::Default& y = *b.server_default;
  if (x.kind != y.kind) return false;
  if (x.kind == schema::Default::Kind::kPerDialect) {
    if (x.dialects.size() != y.dialects.size()) return false;
    for (const auto& [dialect, one] : x.dialects) {
      auto it = y.dialects.find(dialect);
      if (it == y.dialects.end()) return false;
      schema::Column a1 = a, b1 = b;
      a1.server_default = schema::Default{one.first, one.second, {}};
      b1.server_default = schema::Default{it->second.first, it->second.second, {}};
      if (!SameDefault(a1, b1)) return false;
    }
    return true;
  }
  if (x.kind != schema::Default::Kind::kLiteral) return x.value == y.value;
  return CanonicalLiteral(a.type, x.value) == CanonicalLiteral(b.type, y.value);
}

namespace {

class Comparer {
 public:
  std::vector<Difference> out;

  void Add(Difference::Kind kind, const std::string& table, const std::string& object,
           std::string detail = "") {
    out.push_back({kind, table, object, std::move(detail)});
  }

  // Named objects of one kind: missing, unexpected, or with another
  // definition (described by `describe`).
  template <typename T, typename Describe>
  void Named(const std::string& table, const std::string& what, const std::vector<T>& expected,
             const std::vector<T>& actual, Describe describe) {
    for (const T& e : expected) {
      auto it = std::find_if(actual.begin(), actual.end(), [&](const T& a) { return a.name == e.name; });
      if (it == actual.end()) {
        Add(Difference::Kind::kMissing, table, what + " " + e.name, describe(e));
      } else if (!(*it == e)) {
        Add(Difference::Kind::kChanged, table, what + " " + e.name, describe(e) + " -> " + describe(*it));
      }
    }
    for (const T& a : actual) {
      bool known = std::any_of(expected.begin(), expected.end(), [&](const T& e) { return e.name == a.name; });
      if (!known) Add(Difference::Kind::kUnexpected, table, what + " " + a.name, describe(a));
    }
  }

  void Columns(const Table& e, const Table& a) {
    for (const schema::Column& ec : e.columns) {
      const schema::Column* ac = a.FindColumn(ec.name);
      if (!ac) {
        Add(Difference::Kind::kMissing, e.name, "column " + ec.name, schema::DescribeType(ec.type));
        continue;
      }
      std::vector<std::string> changes;
      if (ec.type != ac->type) changes.push_back("type " + schema::DescribeType(ec.type) + " -> " + schema::DescribeType(ac->type));
      if (ec.nullable != ac->nullable) {
        changes.push_back(std::string("nullable ") + (ec.nullable ? "true" : "false") + " -> " +
                          (ac->nullable ? "true" : "false"));
      }
      if (ec.autoincrement.value_or(false) && !ac->autoincrement.value_or(false)) {
        // A key whose values must come from a sequence, and do not
        // (PostgreSQL): an insert without it fails. The other way round is
        // no fault: a column keeps its sequence when its key is dropped.
        changes.push_back("values from a sequence yes -> no");
      }
      if (!SameDefault(ec, *ac)) {
        changes.push_back("default " + DescribeDefault(ec.server_default) + " -> " +
                          DescribeDefault(ac->server_default));
      }
      if (ec.identity != ac->identity) {
        changes.push_back("identity " + DescribeIdentity(ec.identity) + " -> " +
                          DescribeIdentity(ac->identity));
      }
      if (ec.comment != ac->comment) {
        changes.push_back("comment " + DescribeComment(ec.comment) + " -> " + DescribeComment(ac->comment));
      }
      if (ec.computed != ac->computed) {
        changes.push_back("computed " + DescribeComputed(ec.computed) + " -> " +
                          DescribeComputed(ac->computed));
      }
      for (const std::string& c : changes) Add(Difference::Kind::kChanged, e.name, "column " + ec.name, c);
    }
    for (const schema::Column& ac : a.columns) {
      if (!e.FindColumn(ac.name)) {
        Add(Difference::Kind::kUnexpected, e.name, "column " + ac.name, schema::DescribeType(ac.type));
      }
    }
  }

  void Tables(const Table& e, const Table& a) {
    Columns(e, a);
    if (e.comment != a.comment) {
      Add(Difference::Kind::kChanged, e.name, "table",
          "comment " + DescribeComment(e.comment) + " -> " + DescribeComment(a.comment));
    }
    if (e.sqlite_autoincrement != a.sqlite_autoincrement) {
      Add(Difference::Kind::kChanged, e.name, "table",
          std::string("sqlite_autoincrement ") + (e.sqlite_autoincrement ? "true" : "false") +
              " -> " + (a.sqlite_autoincrement ? "true" : "false"));
    }
    auto deferral = [](const schema::Deferral& d) {
      return std::string(d.deferrable ? " deferrable" : "") +
             (d.initially_deferred ? " initially deferred" : "");
    };
    auto pk = [&](const std::optional<schema::PrimaryKey>& k) {
      return k ? k->name + " " + List(k->columns) + deferral(k->deferral) : std::string("none");
    };
    if (e.primary_key != a.primary_key) {
      Add(Difference::Kind::kChanged, e.name, "primary key", pk(e.primary_key) + " -> " + pk(a.primary_key));
    }
    Named(e.name, "foreign key", e.foreign_keys, a.foreign_keys, [&](const schema::ForeignKey& fk) {
      return List(fk.columns) + " references " + fk.referred_table + " " + List(fk.referred_columns) +
             " on delete " + schema::FormatAction(fk.on_delete) + " on update " +
             schema::FormatAction(fk.on_update) + deferral(fk.deferral);
    });
    Named(e.name, "unique constraint", e.uniques, a.uniques,
          [&](const schema::UniqueConstraint& uq) { return List(uq.columns) + deferral(uq.deferral); });
    Named(e.name, "check constraint", e.checks, a.checks,
          [](const schema::CheckConstraint& ck) { return "(" + ck.expr + ")"; });
    Named(e.name, "index", e.indexes, a.indexes, [](const schema::Index& ix) {
      return DescribeIndex(ix) + (ix.unique ? " unique" : "");
    });
  }
};

}  // namespace

std::string DescribeIndex(const schema::Index& ix) {
  std::vector<std::string> entries;
  for (const schema::IndexEntry& e : ix.entries) {
    std::string entry = e.expr.empty() ? e.column : "(" + e.expr + ")";
    if (!e.opclass.empty()) entry += " " + e.opclass;
    if (e.desc) entry += " desc";
    if (e.nulls != schema::IndexEntry::Nulls::kDefault) {
      entry += e.nulls == schema::IndexEntry::Nulls::kFirst ? " nulls first" : " nulls last";
    }
    entries.push_back(entry);
  }
  std::string out = (ix.method.empty() ? "" : "using " + ix.method + " ") + List(entries);
  if (!ix.include.empty()) out += " include " + List(ix.include);
  if (!ix.where.empty()) out += " where " + ix.where;
  return out;
}

std::string Difference::Describe() const {
  std::string out = table.empty() ? "" : "table " + table + ": ";
  switch (kind) {
    case Kind::kMissing: out += "missing " + object; break;
    case Kind::kUnexpected: out += "unexpected " + object; break;
    case Kind::kChanged: out += object + " differs"; break;
  }
  if (!detail.empty()) out += ": " + detail;
  return out;
}

std::vector<Difference> CompareSchemas(const schema::Schema& expected_as_given,
                                       const schema::Schema& actual) {
  schema::Schema expected = expected_as_given;
  schema::AlignImpliedNames(expected, actual);
  Comparer c;
  // An extension in another schema that nothing declares is the
  // database's, not the target's: left alone.
  std::vector<schema::Extension> actual_extensions;
  for (const schema::Extension& x : actual.extensions) {
    if (x.schema.empty() || expected.FindExtension(x.name)) actual_extensions.push_back(x);
  }
  c.Named("", "extension", expected.extensions, actual_extensions, [](const schema::Extension& x) {
    std::string out = x.version.empty() ? "" : "version " + x.version;
    if (!x.schema.empty()) out += (out.empty() ? "in schema " : " in schema ") + x.schema;
    return out;
  });
  c.Named("", "enum", expected.enums, actual.enums,
          [](const schema::Enum& e) { return List(e.values) + (e.create_constraint ? "" : " without a check"); });
  // With the server's defaults filled in: what is left unsaid is the default.
  auto resolved = [](std::vector<schema::Sequence> list) {
    for (schema::Sequence& q : list) q = schema::ResolvedSequence(q);
    return list;
  };
  c.Named("", "sequence", resolved(expected.sequences), resolved(actual.sequences), [](const schema::Sequence& q) {
    auto n = [](const std::optional<int64_t>& v) { return v ? std::to_string(*v) : std::string("-"); };
    return (q.type ? schema::FormatType(*q.type) : std::string("bigint")) + " start " + n(q.start) +
           " increment " + n(q.increment) + " min " + n(q.minvalue) + " max " + n(q.maxvalue) +
           (q.cycle ? " cycle" : "") + (q.owned_by.empty() ? "" : " owned by " + q.owned_by);
  });
  // Views and functions compared in one spelling (schema::CanonicalQuery),
  // shown as written.
  struct Defined {
    std::string name, canonical, shown;
    bool operator==(const Defined& o) const { return name == o.name && canonical == o.canonical; }
  };
  auto one_line = [](const std::string& text) {  // for the report only
    std::string out;
    for (char ch : text) {
      bool space = std::isspace(static_cast<unsigned char>(ch));
      if (space && (out.empty() || out.back() == ' ')) continue;
      out += space ? ' ' : ch;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
  };
  auto views = [&](const std::vector<schema::View>& list) {
    std::vector<Defined> out;
    for (const schema::View& v : list) {
      const std::string kind = v.materialized ? "materialized " : "";
      std::string data = v.with_data ? "" : " with no data";
      std::vector<std::string> indexes;
      for (const schema::Index& ix : v.indexes) {
        indexes.push_back(ix.name + " " + DescribeIndex(ix) + (ix.unique ? " unique" : ""));
      }
      std::sort(indexes.begin(), indexes.end());
      if (!indexes.empty()) data += " indexes " + List(indexes);
      out.push_back({v.name, kind + "(" + schema::CanonicalQuery(v.sql) + ")" + data,
                     kind + "(" + one_line(v.sql) + ")" + data});
    }
    return out;
  };
  auto show = [](const Defined& d) { return d.shown; };
  c.Named("", "view", views(expected.views), views(actual.views), show);
  auto functions = [&](const std::vector<schema::Function>& list) {
    std::vector<Defined> out;
    for (const schema::Function& f : list) {
      const std::string kind =
          f.kind == schema::Function::Kind::kFunction ? "" : std::string(schema::FunctionKindName(f.kind)) + " ";
      out.push_back({f.Signature(), kind + schema::CanonicalQuery(f.definition), kind + one_line(f.definition)});
    }
    return out;
  };
  c.Named("", "function", functions(expected.functions), functions(actual.functions), show);
  // Triggers by table and name, described as their SQL says it.
  auto triggers = [&](const std::vector<schema::Trigger>& list, const std::string& table) {
    std::vector<Defined> out;
    for (const schema::Trigger& t : list) {
      if (t.table != table) continue;
      std::string events;
      for (const std::string& e : t.events) {
        events += (events.empty() ? "" : " or ") + e;
        if (e == "update" && !t.columns.empty()) events += " of " + List(t.columns);
      }
      std::string head = std::string(schema::TimingName(t.timing)) + " " + events +
                         (t.for_each_row ? " for each row" : " for each statement") +
                         (t.deferral.initially_deferred ? " initially deferred"
                          : t.deferral.deferrable       ? " deferrable"
                                                        : "");
      auto part = [](const char* key, const std::string& text, auto&& form) {
        return text.empty() ? std::string() : std::string(" ") + key + " " + form(text);
      };
      auto canonical = [](const std::string& x) { return schema::CanonicalQuery(x); };
      out.push_back({t.name,
                     head + part("when", t.when, canonical) + part("execute", t.execute, canonical) +
                         part("body", t.body, canonical),
                     head + part("when", t.when, one_line) + part("execute", t.execute, one_line) +
                         part("body", t.body, one_line)});
    }
    return out;
  };
  std::set<std::string> trigger_tables;
  for (const schema::Trigger& t : expected.triggers) trigger_tables.insert(t.table);
  for (const schema::Trigger& t : actual.triggers) trigger_tables.insert(t.table);
  for (const std::string& table : trigger_tables) {
    c.Named(table, "trigger", triggers(expected.triggers, table), triggers(actual.triggers, table), show);
  }
  for (const Table& e : expected.tables) {
    const Table* a = actual.FindTable(e.name);
    if (!a) {
      c.Add(Difference::Kind::kMissing, e.name, "table");
      continue;
    }
    c.Tables(e, *a);
  }
  for (const Table& a : actual.tables) {
    if (!expected.FindTable(a.name)) c.Add(Difference::Kind::kUnexpected, a.name, "table");
  }
  return c.out;
}

}  // namespace retort::autogen
