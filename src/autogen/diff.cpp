#include "autogen/diff.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "autogen/compare.h"
#include "ops/replay.h"
#include "schema/naming.h"

namespace retort::autogen {
namespace {

using schema::Column;
using schema::Schema;
using schema::Table;

template <typename T>
const T* Named(const std::vector<T>& items, const std::string& name) {
  for (const T& item : items) {
    if (item.name == name) return &item;
  }
  return nullptr;
}

// True when `word` stands in `text` on its own, in any case, strings and
// bodies included: a function's body is a string to the SQL around it.
bool NamesWord(const std::string& text, const std::string& word) {
  auto lower = [](std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  const std::string t = lower(text), w = lower(word);
  auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (size_t at = t.find(w); !w.empty() && at != std::string::npos; at = t.find(w, at + 1)) {
    bool starts = at == 0 || !is_word(t[at - 1]);
    bool ends = at + w.size() == t.size() || !is_word(t[at + w.size()]);
    if (starts && ends) return true;
  }
  return false;
}

class Differ {
 public:
  Differ(const Schema& from, const Schema& to, const DiffOptions& options)
      : cur_(from), to_(to), stored_(options.stored_to ? *options.stored_to : to),
        live_(options.stored_to != nullptr) {
    // Constraints the database names match by definition.
    if (live_) {
      schema::AlignImpliedNames(stored_, cur_, &to_);
      AdoptDeclaredNames();
    } else {
      schema::AlignImpliedNames(to_, cur_);
      stored_ = to_;
    }
    // A dialect that keeps no enums (SQLite) stores them in each column's
    // CHECK: there is nothing to create, only names the columns use.
    skip_enums_ = live_ && !options.native_enums;
    if (skip_enums_) cur_.enums = to_.enums;
  }

  std::vector<ops::Operation> Run() {
    CreateExtensions();
    if (!skip_enums_) CreateEnums();
    CreateSequences(false);
    DropTriggers();
    DropViews();
    DropFunctions();
    CreateFunctions(kBeforeTables);
    RenameTables();
    DropForeignKeys();
    for (const Table& t : to_.tables) {
      if (cur_.FindTable(t.name)) ChangeTable(t);
    }
    CreateTables();
    CreateSequences(true);
    DropTables();
    CreateForeignKeys();
    CreateFunctions(kAfterTables);
    CreateViews();
    CreateFunctions(kAfterViews);
    CreateTriggers();
    DropSequences();
    if (!skip_enums_) DropEnums();
    DropExtensions();
    return std::move(out_);
  }

 private:
  // The database holds a declared object under the name it stores (a
  // convention's long name shortened): the object is spoken of by its
  // declared name, which the dialect shortens again when it renders.
  void AdoptDeclaredNames() {
    for (const Table& declared : to_.tables) {
      const Table* stored = stored_.FindTable(declared.name);
      Table* live = cur_.FindTable(declared.name);
      if (!stored || !live) continue;
      auto adopt = [](auto& live_list, const auto& stored_list, const auto& declared_list) {
        for (size_t i = 0; i < declared_list.size() && i < stored_list.size(); ++i) {
          if (stored_list[i].name == declared_list[i].name) continue;
          for (auto& x : live_list) {
            if (x.name == stored_list[i].name) x.name = declared_list[i].name;
          }
        }
      };
      adopt(live->indexes, stored->indexes, declared.indexes);
      adopt(live->uniques, stored->uniques, declared.uniques);
      adopt(live->checks, stored->checks, declared.checks);
      adopt(live->foreign_keys, stored->foreign_keys, declared.foreign_keys);
      if (live->primary_key && stored->primary_key && declared.primary_key &&
          live->primary_key->name == stored->primary_key->name) {
        live->primary_key->name = declared.primary_key->name;
      }
    }
    // The stored form speaks of the declared names too.
    for (Table& stored : stored_.tables) {
      const Table* declared = to_.FindTable(stored.name);
      if (!declared) continue;
      auto rename = [](auto& stored_list, const auto& declared_list) {
        for (size_t i = 0; i < declared_list.size() && i < stored_list.size(); ++i) {
          stored_list[i].name = declared_list[i].name;
        }
      };
      rename(stored.indexes, declared->indexes);
      rename(stored.uniques, declared->uniques);
      rename(stored.checks, declared->checks);
      rename(stored.foreign_keys, declared->foreign_keys);
      if (stored.primary_key && declared->primary_key) stored.primary_key->name = declared->primary_key->name;
    }
  }

  void Emit(ops::Operation op) {
    ops::KeepImpliedNames(op, cur_);
    ops::Apply(ops::OpAt{op, {}}, cur_);
    out_.push_back(std::move(op));
  }

  // The declared table as the database stores it (itself without a live
  // database).
  const Table& Stored(const Table& t) const {
    const Table* s = stored_.FindTable(t.name);
    return s ? *s : t;
  }

  // The stored form of object `name` of `t`, or `declared` when the stored
  // table lacks it.
  template <typename T>
  const T& StoredObject(const std::vector<T> Table::*member, const Table& t, const T& declared) const {
    const T* s = Named(Stored(t).*member, declared.name);
    return s ? *s : declared;
  }

  void CreateEnums() {
    for (const schema::Enum& e : to_.enums) {
      const schema::Enum* have = cur_.FindEnum(e.name);
      if (!have) {
        Emit(ops::CreateEnum{e});
        continue;
      }
      for (size_t i = 0; i < e.values.size(); ++i) {
        const std::vector<std::string>& now = cur_.FindEnum(e.name)->values;
        if (std::find(now.begin(), now.end(), e.values[i]) != now.end()) continue;
        ops::AddEnumValue add{e.name, e.values[i], std::nullopt, std::nullopt};
        if (i > 0 && now.back() != e.values[i - 1]) {
          add.after = e.values[i - 1];
        } else if (i == 0) {
          add.before = now.front();
        }
        Emit(std::move(add));
      }
    }
  }

  void DropEnums() {
    for (const schema::Enum& e : std::vector<schema::Enum>(cur_.enums)) {
      const schema::Enum* wanted = to_.FindEnum(e.name);
      if (!wanted) {
        Emit(ops::DropEnum{e.name});
        continue;
      }
      for (const std::string& value : e.values) {
        if (std::find(wanted->values.begin(), wanted->values.end(), value) == wanted->values.end()) {
          Emit(ops::DropEnumValue{e.name, value});
        }
      }
    }
  }

  // Sequences the database is to hold (in its spelling; a dialect without
  // sequences holds none), created from their declared form: those owned
  // by a table not created yet (`owned_by_new`) once it is. A sequence
  // that differs is altered, field by field.
  void CreateSequences(bool owned_by_new) {
    if (owned_by_new) {
      for (const schema::Sequence& q : waiting_sequences_) Emit(ops::CreateSequence{q});
      for (const ops::AlterSequence& a : waiting_alters_) Emit(a);
      return;
    }
    for (const schema::Sequence& want : stored_.sequences) {
      const schema::Sequence* declared = to_.FindSequence(want.name);
      const schema::Sequence& q = declared ? *declared : want;
      const schema::Sequence* have = cur_.FindSequence(want.name);
      if (!have) {
        // Owned by a column not there yet: made once the tables are.
        if (!q.owned_by.empty() && !cur_.FindOwner(q.owned_by)) {
          waiting_sequences_.push_back(q);
        } else {
          Emit(ops::CreateSequence{q});
        }
        continue;
      }
      // Compared with the server's defaults filled in.
      const schema::Sequence a = schema::ResolvedSequence(*have), b = schema::ResolvedSequence(want);
      if ((*a.increment > 0) != (*b.increment > 0)) {
        // One that is to count the other way is made anew.
        Emit(ops::DropSequence{want.name});
        Emit(ops::CreateSequence{q});
        continue;
      }
      ops::AlterSequence alter{want.name};
      if (a.type != b.type) alter.type = b.type;
      if (a.start != b.start) alter.start = q.start;
      if (a.increment != b.increment) alter.increment = q.increment;
      if (a.minvalue != b.minvalue) alter.minvalue = q.minvalue;
      if (a.maxvalue != b.maxvalue) alter.maxvalue = q.maxvalue;
      if (a.cycle != b.cycle) alter.cycle = q.cycle;
      if (a.owned_by != b.owned_by) alter.owned_by = q.owned_by;
      if (!alter.ChangesSomething()) continue;
      if (alter.owned_by && !q.owned_by.empty() && !cur_.FindOwner(q.owned_by)) {
        waiting_alters_.push_back(std::move(alter));  // its owner is made first
      } else {
        Emit(std::move(alter));
      }
    }
  }

  // Views that go or change go first, before the tables and columns they
  // read change (a column a changed view no longer reads may be dropped),
  // with the views that read them; they are made again once the tables
  // are as declared. Last made is dropped first.
  void DropViews() {
    std::vector<std::string> going;
    for (const schema::View& have : cur_.views) {  // in creation order: readers after
      const schema::View* want = stored_.FindView(have.name);
      bool reads_going = std::any_of(going.begin(), going.end(),
                                     [&](const std::string& n) { return schema::MentionsName(have.sql, n); });
      auto indexes = [](const schema::View& v) {
        std::vector<std::string> out;
        for (const schema::Index& ix : v.indexes) out.push_back(ix.name + " " + DescribeIndex(ix) + (ix.unique ? " unique" : ""));
        std::sort(out.begin(), out.end());
        return out;
      };
      if (!want || want->materialized != have.materialized || want->with_data != have.with_data ||
          indexes(*want) != indexes(have) ||
          schema::CanonicalQuery(want->sql) != schema::CanonicalQuery(have.sql) || reads_going) {
        going.push_back(have.name);
      }
    }
    for (auto it = going.rbegin(); it != going.rend(); ++it) Emit(ops::DropView{*it});
  }
  void CreateViews() {
    for (const schema::View& want : stored_.views) {
      const schema::View* declared = to_.FindView(want.name);
      if (!cur_.FindView(want.name)) Emit(ops::CreateView{declared ? *declared : want});
    }
  }

  // Whether `f`'s text names `name`: a table, or another function it calls
  // (its LANGUAGE clause aside, which may spell a table's name).
  static bool FunctionNames(const schema::Function& f, const std::string& name) {
    static const std::vector<std::string> kLanguages = {"sql", "plpgsql", "c", "internal", "plpython3u",
                                                        "plperl", "plperlu", "pltcl", "pltclu", "plv8"};
    std::string text = f.definition;
    for (const std::string& language : kLanguages) {
      for (const char* quote : {"", "'"}) {
        const std::string clause = std::string("language ") + quote + language + quote;
        std::string lower = text;
        for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        for (size_t at = lower.find(clause); at != std::string::npos; at = lower.find(clause, at + 1)) {
          bool ends = at + clause.size() == lower.size() || !std::isalnum(static_cast<unsigned char>(lower[at + clause.size()]));
          if (ends) text.replace(at, clause.size(), std::string(clause.size(), ' '));
        }
      }
    }
    return NamesWord(text, name);
  }
  // What a definition's RETURNS clause says, in one spelling ("" for
  // none: a procedure's, an aggregate's).
  static std::string Returns(const std::string& definition) {
    static const std::set<std::string> kAfter = {
        "language", "as",     "immutable", "stable", "volatile", "strict", "called",   "security",
        "external", "cost",   "rows",      "parallel", "leakproof", "not",  "window",  "set",
        "support",  "transform", "begin",  "return"};
    std::istringstream words(schema::CanonicalQuery(definition));
    std::string word, out;
    bool in = false;
    while (words >> word) {
      if (!in) {
        in = word == "returns";
        continue;
      }
      if (kAfter.count(word)) break;
      out += (out.empty() ? "" : " ") + word;
    }
    return out;
  }
  // The functions of `list` that `f` calls.
  static std::vector<const schema::Function*> Calls(const schema::Function& f,
                                                    const std::vector<schema::Function>& list) {
    std::vector<const schema::Function*> out;
    for (const schema::Function& g : list) {
      if (g.Signature() != f.Signature() && FunctionNames(f, g.name)) out.push_back(&g);
    }
    return out;
  }

  // Functions that are gone, or whose kind changed, go before the tables
  // (a table's default may call one, and is dropped or changed first; the
  // database refuses otherwise, saying what uses it); one that another
  // going function calls goes after it.
  void DropFunctions() {
    std::vector<schema::Function> going;
    for (const schema::Function& have : cur_.functions) {
      const schema::Function* want = stored_.FindFunction(have.Signature());
      if (!want || want->kind != have.kind) going.push_back(have);
    }
    while (!going.empty()) {
      size_t pick = 0;  // one no other going function calls (the first, in a cycle)
      for (size_t i = 0; i < going.size(); ++i) {
        bool called = std::any_of(going.begin(), going.end(), [&](const schema::Function& g) {
          return g.Signature() != going[i].Signature() && FunctionNames(g, going[i].name);
        });
        if (!called) {
          pick = i;
          break;
        }
      }
      Emit(ops::DropFunction{going[pick].name, going[pick].arguments});
      going.erase(going.begin() + static_cast<long>(pick));
    }
  }
  // When a function is made: before the tables (`kBeforeTables`), where a
  // default, a check or an index may call it; after them when its text
  // names a declared table (a LANGUAGE sql body is checked against the
  // tables when it is made); after the views when it names a declared view
  // that calls none of the functions. Each comes after the functions it
  // calls (an aggregate after its state function), so no later than they.
  // One whose definition differs is replaced.
  enum Phase { kBeforeTables, kAfterTables, kAfterViews };
  std::map<std::string, Phase> FunctionPhases() const {
    const std::vector<schema::Function>& all = stored_.functions;
    auto text_of = [&](const schema::Function& f) -> const schema::Function& {
      const schema::Function* declared = to_.FindFunction(f.Signature());
      return declared ? *declared : f;
    };
    std::map<std::string, Phase> phase;
    for (const schema::Function& f : all) {
      const schema::Function& text = text_of(f);
      Phase p = kBeforeTables;
      if (std::any_of(to_.tables.begin(), to_.tables.end(),
                      [&](const Table& t) { return FunctionNames(text, t.name); })) {
        p = kAfterTables;
      }
      for (const schema::View& v : to_.views) {
        if (!FunctionNames(text, v.name)) continue;
        bool view_calls_one = std::any_of(all.begin(), all.end(), [&](const schema::Function& g) {
          return NamesWord(v.sql, g.name);
        });
        p = std::max(p, view_calls_one ? kAfterTables : kAfterViews);
      }
      phase[f.Signature()] = p;
    }
    for (bool grew = true; grew;) {
      grew = false;
      for (const schema::Function& f : all) {
        for (const schema::Function* g : Calls(text_of(f), all)) {
          if (phase[g->Signature()] > phase[f.Signature()]) {
            phase[f.Signature()] = phase[g->Signature()];
            grew = true;
          }
        }
      }
    }
    return phase;
  }
  void CreateFunctions(Phase now) {
    const std::vector<schema::Function>& all = stored_.functions;
    std::map<std::string, Phase> phase = FunctionPhases();
    std::set<std::string> done;
    std::function<void(const schema::Function&)> make = [&](const schema::Function& want) {
      if (!done.insert(want.Signature()).second) return;
      const schema::Function* declared = to_.FindFunction(want.Signature());
      const schema::Function& f = declared ? *declared : want;
      for (const schema::Function* g : Calls(f, all)) {
        if (phase[g->Signature()] == now) make(*g);
      }
      const schema::Function* have = cur_.FindFunction(want.Signature());
      if (!have) {
        Emit(ops::CreateFunction{f});
      } else if (schema::CanonicalQuery(have->definition) != schema::CanonicalQuery(want.definition)) {
        if (Returns(have->definition) != Returns(want.definition)) {
          // CREATE OR REPLACE changes no return type: made anew.
          Emit(ops::DropFunction{have->name, have->arguments});
          Emit(ops::CreateFunction{f});
        } else {
          Emit(ops::ReplaceFunction{f.name, f.arguments, f.definition});
        }
      }
    };
    for (const schema::Function& want : all) {
      if (phase[want.Signature()] == now) make(want);
    }
  }

  // Triggers that go or change go first (one that changes is made again
  // last, once its table, view and function are as declared).
  static bool SameTrigger(schema::Trigger a, schema::Trigger b) {
    for (schema::Trigger* x : {&a, &b}) {
      x->when = schema::CanonicalQuery(x->when);
      x->body = schema::CanonicalQuery(x->body);
      x->execute = schema::CanonicalQuery(x->execute);
    }
    return a == b;
  }
  void DropTriggers() {
    for (const schema::Trigger& have : std::vector<schema::Trigger>(cur_.triggers)) {
      const schema::Trigger* want = stored_.FindTrigger(have.table, have.name);
      if (!want || !SameTrigger(*want, have)) Emit(ops::DropTrigger{have.table, have.name});
    }
  }
  void CreateTriggers() {
    for (const schema::Trigger& want : stored_.triggers) {
      if (cur_.FindTrigger(want.table, want.name)) continue;
      const schema::Trigger* declared = to_.FindTrigger(want.table, want.name);
      Emit(ops::CreateTrigger{declared ? *declared : want});
    }
  }

  // Extensions first, as declared: what follows may use their types and
  // functions. One that moved schema is dropped and made again (which
  // the server refuses while objects depend on it); one whose declared
  // version differs is updated.
  void CreateExtensions() {
    for (const schema::Extension& want : stored_.extensions) {
      const schema::Extension* declared = to_.FindExtension(want.name);
      const schema::Extension& x = declared ? *declared : want;
      const schema::Extension* have = cur_.FindExtension(want.name);
      if (have && have->schema != want.schema) {
        Emit(ops::DropExtension{have->name});
        have = nullptr;
      }
      if (!have) {
        Emit(ops::CreateExtension{x});
      } else if (!want.version.empty() && want.version != have->version) {
        Emit(ops::UpdateExtension{want.name, want.version});
      }
    }
  }
  // Last, what no longer needs them gone; an extension of another schema
  // that nothing declares is the database's, and stays.
  void DropExtensions() {
    for (const schema::Extension& have : std::vector<schema::Extension>(cur_.extensions)) {
      if (!stored_.FindExtension(have.name) && have.schema.empty()) Emit(ops::DropExtension{have.name});
    }
  }

  void DropSequences() {
    for (const schema::Sequence& have : std::vector<schema::Sequence>(cur_.sequences)) {
      if (!stored_.FindSequence(have.name)) Emit(ops::DropSequence{have.name});
    }
  }

  void RenameTables() {
    for (const auto& [new_name, old_name] : to_.renames.tables) {
      // A hint whose rename is done (or that names nothing) stays in the
      // schema file harmlessly.
      if (cur_.FindTable(old_name) && !cur_.FindTable(new_name) && to_.FindTable(new_name)) {
        Emit(ops::RenameTable{old_name, new_name});
      }
    }
  }

  // Foreign keys of kept tables that are gone or changed go first: they may
  // point at columns and tables about to be dropped.
  void DropForeignKeys() {
    for (const Table& c : std::vector<Table>(cur_.tables)) {
      const Table* t = to_.FindTable(c.name);
      if (!t) continue;
      for (const schema::ForeignKey& fk : c.foreign_keys) {
        const schema::ForeignKey* want = Named(t->foreign_keys, fk.name);
        if (!want || StoredObject(&Table::foreign_keys, *t, *want) != fk) {
          Emit(ops::DropConstraint{c.name, fk.name});
        }
      }
    }
  }

  void ChangeTable(const Table& t) {
    const Table stored = Stored(t);
    Table c = *cur_.FindTable(t.name);

    // What is gone or changed, before the columns it may stand on change.
    for (const schema::Index& ix : c.indexes) {
      const schema::Index* want = Named(t.indexes, ix.name);
      if (!want || StoredObject(&Table::indexes, t, *want) != ix) {
        Emit(ops::DropIndex{t.name, ix.name});
      }
    }
    for (const schema::UniqueConstraint& uq : c.uniques) {
      const schema::UniqueConstraint* want = Named(t.uniques, uq.name);
      if (!want || StoredObject(&Table::uniques, t, *want) != uq) {
        Emit(ops::DropConstraint{t.name, uq.name});
      }
    }
    for (const schema::CheckConstraint& ck : c.checks) {
      const schema::CheckConstraint* want = Named(t.checks, ck.name);
      // A check the database holds because of a declared column (an enum's
      // labels on SQLite) is implied, not unexpected.
      const schema::CheckConstraint* implied = want ? nullptr : Named(stored.checks, ck.name);
      if (implied && *implied == ck) continue;
      if (!want || StoredObject(&Table::checks, t, *want) != ck) {
        Emit(ops::DropConstraint{t.name, ck.name});
      }
    }
    if (c.primary_key && (!t.primary_key || stored.primary_key != c.primary_key)) {
      Emit(ops::DropConstraint{t.name, c.primary_key->name});
    }

    // Renames first (a new column may take an old name), each with the
    // column's other changes in the same alter_column.
    for (const auto& [key, old_name] : to_.renames.columns) {
      if (key.first != t.name) continue;
      const Table& now = *cur_.FindTable(t.name);
      const Column* old_col = now.FindColumn(old_name);
      const Column* new_col = t.FindColumn(key.second);
      if (old_col && new_col && !now.FindColumn(key.second)) {
        ops::AlterColumn rename = AlterTo(stored, *old_col, *new_col);
        rename.column = old_name;
        rename.new_name = key.second;
        Emit(std::move(rename));
      }
    }

    if (stored.sqlite_autoincrement != c.sqlite_autoincrement) {
      Emit(ops::AlterTable{t.name, t.sqlite_autoincrement});
    }
    if (stored.comment != c.comment) {
      if (t.comment.empty()) {
        Emit(ops::DropTableComment{t.name});
      } else {
        Emit(ops::CreateTableComment{t.name, t.comment});
      }
    }
    for (const Column& col : t.columns) {
      const Column* have = cur_.FindTable(t.name)->FindColumn(col.name);
      if (!have) {
        Emit(ops::AddColumn{t.name, col, {}, {}, {}});
        continue;
      }
      const Column* stored_col = Named(stored.columns, col.name);
      if ((stored_col ? stored_col->computed : col.computed) != have->computed) {
        // No dialect changes a generation expression in place: the
        // column is made again, and its values computed anew.
        Emit(ops::DropColumn{t.name, col.name});
        Emit(ops::AddColumn{t.name, col, {}, {}, {}});
        continue;
      }
      ops::AlterColumn alter = AlterTo(stored, *have, col);
      if (alter.ChangesDefinition()) Emit(std::move(alter));
    }
    for (const Column& col : std::vector<Column>(cur_.FindTable(t.name)->columns)) {
      if (!t.FindColumn(col.name)) Emit(ops::DropColumn{t.name, col.name});
    }

    const Table& now = *cur_.FindTable(t.name);
    if (t.primary_key && !now.primary_key) Emit(ops::CreatePrimaryKey{t.name, *t.primary_key});
    for (const schema::UniqueConstraint& uq : t.uniques) {
      if (!Named(cur_.FindTable(t.name)->uniques, uq.name)) {
        Emit(ops::CreateUniqueConstraint{t.name, uq});
      }
    }
    for (const schema::CheckConstraint& ck : t.checks) {
      if (!Named(cur_.FindTable(t.name)->checks, ck.name)) {
        Emit(ops::CreateCheckConstraint{t.name, ck});
      }
    }
    for (const schema::Index& ix : t.indexes) {
      if (!Named(cur_.FindTable(t.name)->indexes, ix.name)) {
        Emit(ops::CreateIndex{t.name, ix, false});
      }
    }
  }

  // The alter_column that makes column `have` of `t` what `want` declares
  // (compared in the stored form); changes nothing when they agree.
  ops::AlterColumn AlterTo(const Table& stored, const Column& have, const Column& want) const {
    const Column* stored_col = Named(stored.columns, want.name);
    const Column& compare = stored_col ? *stored_col : want;
    ops::AlterColumn alter;
    alter.table = stored.name;
    alter.column = want.name;
    if (compare.type != have.type) alter.type = want.type;
    if (compare.nullable != have.nullable) alter.nullable = want.nullable;
    if (!SameDefault(compare, have)) alter.server_default = want.server_default;
    if (compare.identity != have.identity) alter.identity = want.identity;
    if (compare.comment != have.comment) alter.comment = want.comment;
    return alter;
  }

  // New tables, each after the tables it refers to; a foreign key to a table
  // not created yet (a cycle) is added afterwards by CreateForeignKeys.
  void CreateTables() {
    std::vector<const Table*> pending;
    for (const Table& t : to_.tables) {
      if (!cur_.FindTable(t.name)) pending.push_back(&t);
    }
    auto waits_for = [&](const Table& t) {
      for (const schema::ForeignKey& fk : t.foreign_keys) {
        if (fk.referred_table == t.name || fk.RefersElsewhere() || cur_.FindTable(fk.referred_table)) continue;
        for (const Table* p : pending) {
          if (p->name == fk.referred_table) return true;
        }
      }
      return false;
    };
    while (!pending.empty()) {
      auto next = std::find_if(pending.begin(), pending.end(),
                               [&](const Table* t) { return !waits_for(*t); });
      if (next == pending.end()) next = pending.begin();
      Table t = **next;
      pending.erase(next);
      std::erase_if(t.foreign_keys, [&](const schema::ForeignKey& fk) {
        return fk.referred_table != t.name && !fk.RefersElsewhere() && !cur_.FindTable(fk.referred_table);
      });
      Emit(ops::CreateTable{std::move(t)});
    }
  }

  // Gone tables, each before the tables it refers to; in a cycle, the
  // cycle's foreign keys go first.
  void DropTables() {
    std::vector<std::string> pending;
    for (const Table& c : cur_.tables) {
      if (!to_.FindTable(c.name)) pending.push_back(c.name);
    }
    auto referred = [&](const std::string& name) {
      for (const std::string& other : pending) {
        if (other == name) continue;
        for (const schema::ForeignKey& fk : cur_.FindTable(other)->foreign_keys) {
          if (fk.referred_table == name) return true;
        }
      }
      return false;
    };
    while (!pending.empty()) {
      auto next = std::find_if(pending.begin(), pending.end(),
                               [&](const std::string& t) { return !referred(t); });
      if (next == pending.end()) {
        next = pending.begin();
        for (const std::string& other : pending) {
          if (other == *next) continue;
          for (const schema::ForeignKey& fk :
               std::vector<schema::ForeignKey>(cur_.FindTable(other)->foreign_keys)) {
            if (fk.referred_table == *next) Emit(ops::DropConstraint{other, fk.name});
          }
        }
      }
      std::string name = *next;
      pending.erase(next);
      Emit(ops::DropTable{name});
    }
  }

  void CreateForeignKeys() {
    for (const Table& t : to_.tables) {
      for (const schema::ForeignKey& fk : t.foreign_keys) {
        if (!Named(cur_.FindTable(t.name)->foreign_keys, fk.name)) {
          Emit(ops::CreateForeignKey{t.name, fk});
        }
      }
    }
  }

  Schema cur_;  // `from` with the operations so far applied
  Schema to_;      // the target, implied names aligned with cur_'s
  Schema stored_;  // the target as the database stores it (to_ without one)
  bool live_;
  std::vector<schema::Sequence> waiting_sequences_;  // owned by a column not made yet
  std::vector<ops::AlterSequence> waiting_alters_;    // likewise
  bool skip_enums_ = false;
  std::vector<ops::Operation> out_;
};

std::string List(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return "(" + out + ")";
}

}  // namespace

std::vector<ops::Operation> Diff(const Schema& from, const Schema& to, const DiffOptions& options) {
  return Differ(from, to, options).Run();
}

namespace {

// (a, b) -> t (x, y), with its actions when they are not NO ACTION.
std::string ForeignKeyText(const schema::ForeignKey& fk) {
  std::string out = List(fk.columns) + " -> " + fk.referred_table + " " + List(fk.referred_columns);
  if (fk.on_delete != schema::Action::kNoAction) out += " on delete " + schema::FormatAction(fk.on_delete);
  if (fk.on_update != schema::Action::kNoAction) out += " on update " + schema::FormatAction(fk.on_update);
  return out;
}

}  // namespace

std::string Describe(const ops::Operation& operation, const Schema& before) {
  auto column = [&](const std::string& table, const std::string& name) -> const Column* {
    const Table* t = before.FindTable(table);
    return t ? t->FindColumn(name) : nullptr;
  };
  return std::visit(
      ops::Overloaded{
          [](const ops::CreateTable& op) {
            return "+ table " + op.table.name + " (" + std::to_string(op.table.columns.size()) +
                   " columns)";
          },
          [](const ops::DropTable& op) { return "- table " + op.table; },
          [](const ops::RenameTable& op) { return "~ table " + op.table + " renamed to " + op.new_name; },
          [](const ops::AddColumn& op) {
            return "+ column " + op.table + "." + op.column.name + " " + schema::DescribeType(op.column.type) +
                   (op.column.nullable ? "" : " not null");
          },
          [](const ops::DropColumn& op) { return "- column " + op.table + "." + op.column; },
          [&](const ops::AlterColumn& op) {
            const Column* old = column(op.table, op.column);
            std::string out;
            auto add = [&](const std::string& part) { out += (out.empty() ? ": " : ", ") + part; };
            if (op.new_name) add("renamed to " + *op.new_name);
            if (op.type) add("type " + (old ? schema::DescribeType(old->type) + " -> " : "") + schema::DescribeType(*op.type));
            if (op.nullable) add(*op.nullable ? "nullable" : "not null");
            if (op.server_default) {
              add("default " + (old ? DescribeDefault(old->server_default) + " -> " : "") +
                  DescribeDefault(*op.server_default));
            }
            if (op.identity) {
              add("identity " + (old ? DescribeIdentity(old->identity) + " -> " : "") +
                  DescribeIdentity(*op.identity));
            }
            if (op.comment) add("comment " + DescribeComment(*op.comment));
            return "~ column " + op.table + "." + op.column + out;
          },
          [](const ops::CreateIndex& op) {
            return std::string("+ ") + (op.index.unique ? "unique " : "") + "index " + op.index.name +
                   " on " + op.table + " " + DescribeIndex(op.index);
          },
          [](const ops::DropIndex& op) { return "- index " + op.name + " on " + op.table; },
          [](const ops::CreatePrimaryKey& op) {
            return "+ primary key " + op.key.name + " on " + op.table + " " + List(op.key.columns);
          },
          [](const ops::CreateUniqueConstraint& op) {
            return "+ unique constraint " + op.constraint.name + " on " + op.table + " " +
                   List(op.constraint.columns);
          },
          [&](const ops::CreateForeignKey& op) {
            return "+ foreign key " + op.foreign_key.name + " on " + op.table + " " +
                   ForeignKeyText(op.foreign_key);
          },
          [](const ops::CreateCheckConstraint& op) {
            return "+ check constraint " + op.check.name + " on " + op.table + " (" + op.check.expr + ")";
          },
          [&](const ops::DropConstraint& op) {
            // What is dropped, so that a drop and a create of one name
            // show what changed.
            const std::string place = op.name + " on " + op.table;
            const Table* t = before.FindTable(op.table);
            if (!t) return "- constraint " + place;
            if (t->primary_key && t->primary_key->name == op.name) {
              return "- primary key " + place + " " + List(t->primary_key->columns);
            }
            if (const schema::ForeignKey* fk = Named(t->foreign_keys, op.name)) {
              return "- foreign key " + place + " " + ForeignKeyText(*fk);
            }
            if (const schema::UniqueConstraint* uq = Named(t->uniques, op.name)) {
              return "- unique constraint " + place + " " + List(uq->columns);
            }
            if (const schema::CheckConstraint* ck = Named(t->checks, op.name)) {
              return "- check constraint " + place + " (" + ck->expr + ")";
            }
            return "- constraint " + place;
          },
          [](const ops::CreateEnum& op) {
            return "+ enum " + op.enumeration.name + " " + List(op.enumeration.values);
          },
          [](const ops::DropEnum& op) { return "- enum " + op.name; },
          [](const ops::AddEnumValue& op) { return "+ enum value " + op.name + "." + op.value; },
          [](const ops::DropEnumValue& op) { return "- enum value " + op.name + "." + op.value; },
          [](const ops::RenameEnumValue& op) {
            return "~ enum value " + op.name + "." + op.value + " renamed to " + op.new_value;
          },
          [](const ops::CreateTableComment& op) { return "~ table " + op.table + ": comment set"; },
          [](const ops::AlterTable& op) {
            return "~ table " + op.table + ": sqlite_autoincrement " +
                   (op.sqlite_autoincrement.value_or(false) ? "on" : "off");
          },
          [](const ops::CreateView& op) {
            return std::string("+ ") + (op.view.materialized ? "materialized " : "") + "view " + op.view.name;
          },
          [](const ops::ReplaceView& op) { return "~ view " + op.name + ": query changed"; },
          [](const ops::DropView& op) { return "- view " + op.name; },
          [](const ops::CreateFunction& op) {
            return std::string("+ ") + schema::FunctionKindName(op.function.kind) + " " + op.function.Signature();
          },
          [](const ops::ReplaceFunction& op) {
            return "~ function " + op.name + "(" + op.arguments + "): definition changed";
          },
          [](const ops::DropFunction& op) { return "- function " + op.name + "(" + op.arguments + ")"; },
          [](const ops::CreateTrigger& op) {
            return "+ trigger " + op.trigger.name + " on " + op.trigger.table;
          },
          [](const ops::DropTrigger& op) { return "- trigger " + op.name + " on " + op.table; },
          [](const ops::CreateExtension& op) { return "+ extension " + op.extension.name; },
          [](const ops::UpdateExtension& op) {
            return "~ extension " + op.name + ": version " + op.version;
          },
          [](const ops::DropExtension& op) { return "- extension " + op.name; },
          [](const ops::CreateSequence& op) { return "+ sequence " + op.sequence.name; },
          [](const ops::DropSequence& op) { return "- sequence " + op.name; },
          [](const ops::AlterSequence& op) { return "~ sequence " + op.name; },
          [](const ops::DropTableComment& op) { return "~ table " + op.table + ": comment dropped"; },
          [](const ops::BulkInsert& op) {
            return "+ " + std::to_string(op.rows.size()) + " rows into " + op.table;
          },
          [](const ops::Execute&) { return std::string("! execute"); },
      },
      operation);
}

}  // namespace retort::autogen
