#include "schema_printer.h"

#include <algorithm>
#include <tuple>

#include "autogen/compare.h"

namespace retort::schema {
namespace {

std::string List(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return "[" + out + "]";
}

std::string DefaultText(const std::optional<Default>& d) {
  if (!d) return "";
  switch (d->kind) {
    case Default::Kind::kNow: return " default now()";
    case Default::Kind::kSql: return " default {sql: " + d->value + "}";
    case Default::Kind::kLiteral: return " default '" + d->value + "'";
    case Default::Kind::kPerDialect: {
      std::string out = " default per dialect:";
      for (const auto& [dialect, one] : d->dialects) {
        out += " " + dialect + DefaultText(Default{one.first, one.second, {}});
      }
      return out;
    }
  }
  return "";
}

}  // namespace

void PrintTo(const Table& t, std::ostream* out) {
  *out << "\n  table " << t.name << ":";
  for (const Column& c : t.columns) {
    *out << "\n    " << c.name << " " << FormatType(c.type);
    for (const auto& [dialect, spelling] : c.type.raw) *out << " {" << dialect << ": " << spelling << "}";
    *out << (c.nullable ? "" : " not null") << DefaultText(c.server_default);
    if (c.autoincrement) *out << " autoincrement=" << *c.autoincrement;
    if (c.identity) *out << " identity " << autogen::DescribeIdentity(c.identity);
    if (c.computed) *out << " computed " << autogen::DescribeComputed(c.computed);
    if (!c.comment.empty()) *out << " comment '" << c.comment << "'";
  }
  if (t.sqlite_autoincrement) *out << "\n    sqlite_autoincrement";
  if (!t.comment.empty()) *out << "\n    comment '" << t.comment << "'";
  auto deferral = [](const Deferral& d) {
    return std::string(d.deferrable ? " deferrable" : "") + (d.initially_deferred ? " initially deferred" : "");
  };
  if (t.primary_key) {
    *out << "\n    pk " << t.primary_key->name << " " << List(t.primary_key->columns)
         << deferral(t.primary_key->deferral);
  }
  for (const ForeignKey& fk : t.foreign_keys) {
    *out << "\n    fk " << fk.name << " " << List(fk.columns) << " -> " << fk.referred_table << " "
         << List(fk.referred_columns) << " on delete " << FormatAction(fk.on_delete) << " on update "
         << FormatAction(fk.on_update) << deferral(fk.deferral);
  }
  for (const UniqueConstraint& uq : t.uniques) {
    *out << "\n    unique " << uq.name << " " << List(uq.columns) << deferral(uq.deferral);
  }
  for (const CheckConstraint& ck : t.checks) *out << "\n    check " << ck.name << " (" << ck.expr << ")";
  for (const Index& ix : t.indexes) {
    *out << "\n    index " << ix.name << " " << autogen::DescribeIndex(ix) << (ix.unique ? " unique" : "");
  }
}

Schema Canonical(Schema s, bool sort_columns) {
  s.naming = {};
  auto by_name = [](const auto& a, const auto& b) { return a.name < b.name; };
  std::sort(s.tables.begin(), s.tables.end(), by_name);
  std::sort(s.enums.begin(), s.enums.end(), by_name);
  std::sort(s.extensions.begin(), s.extensions.end(), by_name);
  std::sort(s.sequences.begin(), s.sequences.end(), by_name);
  for (Sequence& q : s.sequences) q = ResolvedSequence(q);  // as compared
  std::sort(s.views.begin(), s.views.end(), by_name);
  for (View& v : s.views) v.sql = CanonicalQuery(v.sql);  // as compared
  std::sort(s.functions.begin(), s.functions.end(),
            [](const Function& a, const Function& b) { return a.Signature() < b.Signature(); });
  for (Function& f : s.functions) f.definition = CanonicalQuery(f.definition);  // as compared
  std::sort(s.triggers.begin(), s.triggers.end(), [](const Trigger& a, const Trigger& b) {
    return std::tie(a.table, a.name) < std::tie(b.table, b.name);
  });
  for (Trigger& t : s.triggers) {
    t.when = CanonicalQuery(t.when);
    t.execute = CanonicalQuery(t.execute);
    t.body = CanonicalQuery(t.body);
  }
  for (Table& t : s.tables) {
    if (sort_columns) std::sort(t.columns.begin(), t.columns.end(), by_name);
    std::sort(t.foreign_keys.begin(), t.foreign_keys.end(), by_name);
    std::sort(t.uniques.begin(), t.uniques.end(), by_name);
    std::sort(t.checks.begin(), t.checks.end(), by_name);
    std::sort(t.indexes.begin(), t.indexes.end(), by_name);
  }
  return s;
}

void PrintTo(const Schema& s, std::ostream* out) {
  for (const Extension& x : s.extensions) {
    *out << "\n  extension " << x.name << " schema '" << x.schema << "' version '" << x.version << "'";
  }
  for (const Enum& e : s.enums) *out << "\n  enum " << e.name << " " << List(e.values);
  auto n = [](const std::optional<int64_t>& v) { return v ? std::to_string(*v) : std::string("-"); };
  for (const Sequence& q : s.sequences) {
    *out << "\n  sequence " << q.name << " " << (q.type ? FormatType(*q.type) : "-") << " start "
         << n(q.start) << " increment " << n(q.increment) << " min " << n(q.minvalue) << " max "
         << n(q.maxvalue) << (q.cycle ? " cycle" : "") << " owned by '" << q.owned_by << "'";
  }
  for (const View& v : s.views) {
    *out << "\n  " << (v.materialized ? "materialized " : "") << "view " << v.name << " ("
         << v.sql << ")" << (v.with_data ? "" : " with no data");
    for (const Index& ix : v.indexes) {
      *out << "\n    index " << ix.name << " " << autogen::DescribeIndex(ix) << (ix.unique ? " unique" : "");
    }
  }
  for (const Function& f : s.functions) {
    *out << "\n  " << FunctionKindName(f.kind) << " " << f.Signature() << " " << f.definition;
  }
  for (const Trigger& t : s.triggers) {
    *out << "\n  trigger " << t.name << " on " << t.table << " " << TimingName(t.timing) << " "
         << List(t.events) << " of " << List(t.columns) << (t.for_each_row ? " row" : " statement")
         << (t.deferral.deferrable ? " deferrable" : "") << (t.deferral.initially_deferred ? " deferred" : "")
         << " when (" << t.when << ") execute (" << t.execute << ") body (" << t.body << ")";
  }
  for (const Table& t : s.tables) PrintTo(t, out);
  *out << "\n";
}

}  // namespace retort::schema
