#include "schema/naming.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "retort/error.h"

namespace retort::schema {
namespace {

std::string Join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += sep;
    out += item;
  }
  return out;
}

// Resolves one token such as "column_0_label" or "referred_column_0N_name".
std::optional<std::string> Token(std::string_view token, const NameParts& p) {
  if (token == "table_name") return p.table;
  // A table of another schema (core.users) by its own name, as SQLAlchemy
  // names it.
  if (token == "referred_table_name") return p.referred_table.substr(p.referred_table.rfind('.') + 1);
  if (token == "constraint_name") return p.constraint_name;
  bool referred = token.starts_with("referred_");
  if (referred) token.remove_prefix(std::string_view("referred_").size());
  if (!token.starts_with("column_0")) return std::nullopt;
  token.remove_prefix(std::string_view("column_0").size());
  const std::vector<std::string>& cols = referred ? p.referred_columns : p.columns;
  const std::string& table = referred ? p.referred_table : p.table;
  std::vector<std::string> names = cols;
  std::string_view sep;
  if (token.starts_with("_N_")) {
    sep = "_";
    token.remove_prefix(2);
  } else if (token.starts_with("N_")) {
    sep = "";
    token.remove_prefix(1);
  } else {
    names.resize(std::min<size_t>(names.size(), 1));
  }
  if (token == "_name") return Join(names, sep);
  if (token == "_label") {
    for (std::string& n : names) n = table + "_" + n;
    return Join(names, sep);
  }
  return std::nullopt;
}

}  // namespace

const NamingConvention& DefaultNamingConvention() {
  static const NamingConvention kDefault{{{"ix", "ix_%(column_0_label)s"}}};
  return kDefault;
}

NamingConvention WithDefaults(NamingConvention convention) {
  for (const auto& [key, value] : DefaultNamingConvention().templates) {
    convention.templates.emplace(key, value);
  }
  return convention;
}

namespace {

// The template of `key`, or nullptr when there is none (or it is off).
const std::string* Template(const NamingConvention& convention, std::string_view key) {
  auto it = convention.templates.find(std::string(key));
  if (it == convention.templates.end() || it->second.empty()) return nullptr;
  return &it->second;
}

// Template `tmpl` of `key` filled in with `parts`; `constraint_at`, when
// given, receives where each %(constraint_name)s went in the result.
std::string Render(const std::string& tmpl, std::string_view key, const NameParts& parts,
                   std::vector<size_t>* constraint_at = nullptr) {
  std::string out;
  size_t pos = 0;
  while (pos < tmpl.size()) {
    size_t start = tmpl.find("%(", pos);
    if (start == std::string::npos) {
      out += tmpl.substr(pos);
      break;
    }
    out += tmpl.substr(pos, start - pos);
    size_t end = tmpl.find(")s", start);
    if (end == std::string::npos) {
      throw Error(ErrorKind::kInput, "naming convention '" + std::string(key) +
                                         "': unterminated token in '" + tmpl + "'");
    }
    std::string token = tmpl.substr(start + 2, end - start - 2);
    std::optional<std::string> value = Token(token, parts);
    if (!value) {
      throw Error(ErrorKind::kInput, "naming convention '" + std::string(key) +
                                         "': unknown token %(" + token + ")s");
    }
    if (value->empty()) {
      throw Error(ErrorKind::kInput,
                  "naming convention '" + std::string(key) + "' needs %(" + token +
                      ")s, which this " + std::string(key) +
                      " does not have; give it a name");
    }
    if (constraint_at != nullptr && token == "constraint_name") {
      constraint_at->push_back(out.size());
    }
    out += *value;
    pos = end + 2;
  }
  return out;
}

}  // namespace

std::optional<std::string> ConventionName(const NamingConvention& convention,
                                          std::string_view key, const NameParts& parts) {
  const std::string* tmpl = Template(convention, key);
  if (tmpl == nullptr) return std::nullopt;
  // A check's name that already has the template's form (as written back by
  // autogenerate, or copied from a database) is the full name, not a short
  // one to wrap again.
  if (key == "ck" && !parts.constraint_name.empty()) {
    std::vector<size_t> at;
    std::string form = Render(*tmpl, key, parts, &at);
    if (at.size() == 1) {
      std::string_view name = parts.constraint_name;
      std::string_view prefix = std::string_view(form).substr(0, at[0]);
      std::string_view suffix = std::string_view(form).substr(at[0] + name.size());
      if (name.size() > prefix.size() + suffix.size() && name.starts_with(prefix) &&
          name.ends_with(suffix) && !(prefix.empty() && suffix.empty())) {
        return parts.constraint_name;
      }
    }
    return form;
  }
  return Render(*tmpl, key, parts);
}

namespace {

// The longest name PostgreSQL keeps (NAMEDATALEN - 1), the strictest
// dialect's: explicit names must fit it, implied ones are cut to it.
constexpr size_t kPostgresMaxBytes = 63;

}  // namespace

void RequireNameFits(const std::string& name) {
  if (name.size() > kPostgresMaxBytes) {
    throw NameTooLong(ErrorKind::kInput, "the name '" + name + "' is " + std::to_string(name.size()) +
                                             " bytes long and PostgreSQL would truncate it to 63 "
                                             "bytes; name it in at most 63 bytes");
  }
}

ChosenName ChooseName(const NamingConvention& convention, std::string_view key,
                      const std::string& given, const NameParts& parts) {
  // An explicit name is kept as it is written: one that some dialect would
  // cut is refused here, when it is read, not first met at upgrade time.
  auto explicit_name = [&]() -> ChosenName {
    // The convention's own name, written back (by autogenerate, say), is
    // shortened where it is too long, as the convention's.
    if (given.size() > kPostgresMaxBytes) {
      std::optional<std::string> conventional;
      try {
        NameParts with = parts;
        with.constraint_name = given;
        conventional = ConventionName(convention, key, with);
      } catch (const Error&) {
      }
      if (conventional != given) RequireNameFits(given);
    }
    return {given, false};
  };
  if (!given.empty() && key != "ck") return explicit_name();
  NameParts with = parts;
  if (key == "ck") with.constraint_name = given;
  if (std::optional<std::string> name = ConventionName(convention, key, with)) return {*name, false};
  if (!given.empty()) return explicit_name();
  return {ImpliedName(key, parts, [](const std::string&) { return false; }), true};
}

namespace {

// The length of the longest prefix of `text` of at most `bytes` bytes that
// ends on a character boundary (PostgreSQL's pg_mbcliplen for UTF-8).
size_t ClipUtf8(const std::string& text, size_t bytes) {
  if (bytes >= text.size()) return text.size();
  while (bytes > 0 && (static_cast<unsigned char>(text[bytes]) & 0xC0) == 0x80) --bytes;
  return bytes;
}

// PostgreSQL's makeObjectName: name1[_name2][_label], name1 and name2 cut
// (the longer one first) so that the whole fits 63 bytes.
std::string MakeObjectName(const std::string& name1, const std::string& name2,
                           const std::string& label) {
  size_t overhead = (name2.empty() ? 0 : 1) + (label.empty() ? 0 : label.size() + 1);
  size_t avail = kPostgresMaxBytes - std::min(overhead, kPostgresMaxBytes - 1);
  size_t n1 = std::min(name1.size(), kPostgresMaxBytes);
  size_t n2 = std::min(name2.size(), kPostgresMaxBytes);
  while (n1 + n2 > avail) {
    if (n1 > n2) {
      --n1;
    } else {
      --n2;
    }
  }
  std::string out = name1.substr(0, ClipUtf8(name1, n1));
  if (!name2.empty()) out += "_" + name2.substr(0, ClipUtf8(name2, n2));
  if (!label.empty()) out += "_" + label;
  return out;
}

}  // namespace

std::string ImpliedName(std::string_view key, const NameParts& parts,
                        const std::function<bool(const std::string&)>& taken) {
  std::string label;
  std::string columns = Join(parts.columns, "_");
  if (key == "pk") {
    label = "pkey";
    columns.clear();
  } else if (key == "fk") {
    label = "fkey";
  } else if (key == "uq") {
    label = "key";
  } else if (key == "ck") {
    label = "check";
    if (parts.columns.size() != 1) columns.clear();
  } else {
    label = "idx";
  }
  std::string name = MakeObjectName(parts.table, columns, label);
  for (int pass = 1; taken(name); ++pass) {
    name = MakeObjectName(parts.table, columns, label + std::to_string(pass));
  }
  return name;
}

std::vector<std::string> MentionedColumns(const Table& table, const std::string& expr) {
  std::vector<std::string> out;
  // As PostgreSQL reads a name: quoted exactly, else folded to lower case.
  auto mention = [&](std::string word, bool quoted) {
    if (!quoted) {
      for (char& ch : word) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    }
    for (const Column& c : table.columns) {
      if (c.name == word && std::find(out.begin(), out.end(), c.name) == out.end()) {
        out.push_back(c.name);
      }
    }
  };
  auto word_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' ||
           static_cast<unsigned char>(c) >= 0x80;
  };
  // The position after the '...' string opened at `i` (with backslash
  // escapes for an E'...' string).
  auto skip_string = [&](size_t i, bool backslashes) {
    for (++i; i < expr.size(); ++i) {
      if (backslashes && expr[i] == '\\') {
        ++i;
      } else if (expr[i] == '\'') {
        if (i + 1 < expr.size() && expr[i + 1] == '\'') {
          ++i;
        } else {
          break;
        }
      }
    }
    return i + 1;
  };
  std::string previous;  // the last word, upper-cased ("AS" names a type next)
  bool after_cast = false;  // the last token was "::": a type's name comes
  size_t i = 0;
  while (i < expr.size()) {
    char c = expr[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    bool type_next = after_cast || previous == "AS";
    after_cast = false;
    previous.clear();
    if (expr.compare(i, 2, "::") == 0) {
      after_cast = true;
      i += 2;
      continue;
    }
    if (expr.compare(i, 2, "--") == 0) {  // a comment to the end of the line
      size_t end = expr.find('\n', i);
      i = end == std::string::npos ? expr.size() : end + 1;
      continue;
    }
    if (expr.compare(i, 2, "/*") == 0) {
      size_t end = expr.find("*/", i + 2);
      i = end == std::string::npos ? expr.size() : end + 2;
      continue;
    }
    if (c == '\'') {  // a string: no names inside
      i = skip_string(i, false);
      continue;
    }
    if (c == '$') {  // $tag$ ... $tag$
      size_t close = expr.find('$', i + 1);
      if (close != std::string::npos) {
        std::string tag = expr.substr(i, close - i + 1);
        size_t end = expr.find(tag, close + 1);
        i = end == std::string::npos ? expr.size() : end + tag.size();
        continue;
      }
    }
    if (c == '"') {
      std::string word;
      for (++i; i < expr.size(); ++i) {
        if (expr[i] == '"') {
          if (i + 1 < expr.size() && expr[i + 1] == '"') {
            word += '"';
            ++i;
          } else {
            break;
          }
        } else {
          word += expr[i];
        }
      }
      ++i;
      // "schema"."type" after :: names a type in both parts.
      if (!type_next) mention(word, true);
      after_cast = type_next && i < expr.size() && expr[i] == '.';
      continue;
    }
    if (word_char(c) && !std::isdigit(static_cast<unsigned char>(c))) {
      size_t start = i;
      while (i < expr.size() && word_char(expr[i])) ++i;
      std::string word = expr.substr(start, i - start);
      if ((word == "E" || word == "e") && i < expr.size() && expr[i] == '\'') {
        i = skip_string(i, true);  // E'...': backslash escapes
        continue;
      }
      size_t next = i;
      while (next < expr.size() && std::isspace(static_cast<unsigned char>(expr[next]))) ++next;
      bool call = next < expr.size() && expr[next] == '(';
      bool qualifies = next < expr.size() && expr[next] == '.';
      if (!type_next && !call) mention(word, false);
      for (char& ch : word) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      previous = word;
      after_cast = type_next && qualifies;  // public.mood: both parts name the type
      if (after_cast) i = next + 1;
      continue;
    }
    if (std::isdigit(static_cast<unsigned char>(c))) {
      while (i < expr.size() && word_char(expr[i])) ++i;
      continue;
    }
    ++i;
  }
  return out;
}

namespace {

// The names a new constraint's name must not take: PostgreSQL keeps
// constraint names (pg_constraint) and index names (pg_class, with the
// tables) apart, and a key's name is also its index's.
struct TakenNames {
  // The schema's tables, each with or without its implied names (those
  // about to be named anew are not taken), looked through at each check:
  // a check is rare, a copy of every name per operation is not.
  std::vector<std::pair<const Table*, bool>> tables;
  std::set<std::string> chosen_constraints, chosen_relations;  // named in this pass

  void Add(const Table& t, bool with_implied) { tables.emplace_back(&t, with_implied); }

  bool Taken(const std::string& n, bool index) const {
    if (chosen_constraints.count(n) > 0 || (index && chosen_relations.count(n) > 0)) return true;
    for (const auto& entry : tables) {
      const Table* t = entry.first;
      const bool with_implied = entry.second;
      auto is = [&](const auto& c) { return (with_implied || !c.implied) && c.name == n; };
      if (t->primary_key && is(*t->primary_key)) return true;
      if (std::any_of(t->uniques.begin(), t->uniques.end(), is) ||
          std::any_of(t->foreign_keys.begin(), t->foreign_keys.end(), is) ||
          std::any_of(t->checks.begin(), t->checks.end(), is)) {
        return true;
      }
      if (index && (t->name == n || t->FindIndex(n) != nullptr)) return true;
    }
    return false;
  }

  std::string Choose(std::string_view key, const NameParts& parts) {
    bool index = key == "pk" || key == "uq" || key == "ix";
    std::string name = ImpliedName(key, parts, [&](const std::string& n) { return Taken(n, index); });
    chosen_constraints.insert(name);
    if (index) chosen_relations.insert(name);
    return name;
  }
};

NameParts PartsOf(const Table& t, const CheckConstraint& ck) {
  return {t.name, MentionedColumns(t, ck.expr), "", {}, ""};
}

}  // namespace

std::string ImpliedNameIn(const Schema& schema, std::string_view key, const NameParts& parts) {
  TakenNames taken;
  for (const Table& t : schema.tables) taken.Add(t, true);
  return taken.Choose(key, parts);
}

std::string ImpliedCheckNameIn(const Schema& schema, const Table& table,
                               const CheckConstraint& check) {
  return ImpliedNameIn(schema, "ck", PartsOf(table, check));
}

void NameImplied(Schema& schema, const std::string& only) {
  TakenNames taken;
  for (const Table& t : schema.tables) taken.Add(t, !only.empty() && t.name != only);
  for (Table& t : schema.tables) {
    if (!only.empty() && t.name != only) continue;
    for (CheckConstraint& ck : t.checks) {
      if (ck.implied) ck.name = taken.Choose("ck", PartsOf(t, ck));
    }
    if (t.primary_key && t.primary_key->implied) {
      t.primary_key->name = taken.Choose("pk", {t.name, t.primary_key->columns, "", {}, ""});
    }
    for (UniqueConstraint& uq : t.uniques) {
      if (uq.implied) uq.name = taken.Choose("uq", {t.name, uq.columns, "", {}, ""});
    }
    for (ForeignKey& fk : t.foreign_keys) {
      if (fk.implied) {
        fk.name = taken.Choose("fk", {t.name, fk.columns, fk.referred_table, fk.referred_columns, ""});
      }
    }
  }
}

namespace {

// Renames, in `table` of `target` (and of `also`), each implied constraint
// of `list` (a member of Table) that `actual` holds under another name.
template <typename Constraint>
void AlignList(std::vector<Constraint> Table::*list, Table& target, const Table& actual,
               Table* also) {
  for (Constraint& c : target.*list) {
    if (!c.implied) continue;
    auto named = [&](const std::vector<Constraint>& v, const std::string& n) {
      return std::any_of(v.begin(), v.end(), [&](const Constraint& x) { return x.name == n; });
    };
    if (named(actual.*list, c.name)) continue;
    for (const Constraint& a : actual.*list) {
      Constraint same = a;
      same.name = c.name;
      if (!(same == c) || named(target.*list, a.name)) continue;
      if (also) {
        for (Constraint& x : also->*list) {
          if (x.name == c.name) x.name = a.name;
        }
      }
      c.name = a.name;
      break;
    }
  }
}

}  // namespace

void AlignImpliedNames(Schema& target, const Schema& actual, Schema* also) {
  for (Table& t : target.tables) {
    const Table* a = actual.FindTable(t.name);
    if (!a) continue;
    Table* other = also ? also->FindTable(t.name) : nullptr;
    if (t.primary_key && t.primary_key->implied && a->primary_key &&
        a->primary_key->columns == t.primary_key->columns) {
      if (other && other->primary_key && other->primary_key->name == t.primary_key->name) {
        other->primary_key->name = a->primary_key->name;
      }
      t.primary_key->name = a->primary_key->name;
    }
    AlignList(&Table::uniques, t, *a, other);
    AlignList(&Table::checks, t, *a, other);
    AlignList(&Table::foreign_keys, t, *a, other);
  }
}

std::string ShortenConventionName(const std::string& name, size_t max_bytes) {
  if (max_bytes == 0 || name.size() <= max_bytes || max_bytes <= 8) return name;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(name.data(), name.size(), digest, &size, EVP_md5(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string tail;
  for (unsigned int i = size - 2; i < size; ++i) {
    tail += kHex[digest[i] >> 4];
    tail += kHex[digest[i] & 0xF];
  }
  return name.substr(0, max_bytes - 8) + "_" + tail;
}

bool NameFollows(const NamingConvention& convention, std::string_view key, const NameParts& parts,
                 const std::string& name) {
  if (key == "ck") {
    auto it = convention.templates.find("ck");
    if (it != convention.templates.end() && !it->second.empty()) return false;
    return ImpliedName("ck", parts, [](const std::string&) { return false; }) == name;
  }
  try {
    ChosenName chosen = ChooseName(convention, key, "", parts);
    return chosen.name == name || (!chosen.implied && ShortenConventionName(chosen.name, kPostgresMaxBytes) == name);
  } catch (const Error&) {
    return false;  // a template this name cannot be made by
  }
}

NameParts PrimaryKeyParts(const Table& t) { return {t.name, t.primary_key->columns, "", {}, ""}; }
NameParts ForeignKeyParts(const Table& t, const ForeignKey& fk) {
  return {t.name, fk.columns, fk.referred_table, fk.referred_columns, ""};
}
NameParts UniqueParts(const Table& t, const UniqueConstraint& uq) { return {t.name, uq.columns, "", {}, ""}; }
NameParts CheckParts(const Table& t, const CheckConstraint& ck) {
  return {t.name, MentionedColumns(t, ck.expr), "", {}, ""};
}
NameParts IndexParts(const Table& t, const Index& ix) { return {t.name, ix.KeyColumns(), "", {}, ""}; }

NamingConvention DetectNamingConvention(const Schema& schema) {
  struct Named {
    NameParts parts;
    std::string name;
  };
  std::map<std::string, std::vector<Named>> by_key;
  for (const Table& t : schema.tables) {
    if (t.primary_key && !t.primary_key->implied) by_key["pk"].push_back({PrimaryKeyParts(t), t.primary_key->name});
    for (const ForeignKey& fk : t.foreign_keys) {
      if (!fk.implied) by_key["fk"].push_back({ForeignKeyParts(t, fk), fk.name});
    }
    for (const UniqueConstraint& uq : t.uniques) {
      if (!uq.implied) by_key["uq"].push_back({UniqueParts(t, uq), uq.name});
    }
    for (const CheckConstraint& ck : t.checks) {
      if (!ck.implied) by_key["ck"].push_back({CheckParts(t, ck), ck.name});
    }
    for (const Index& ix : t.indexes) by_key["ix"].push_back({IndexParts(t, ix), ix.name});
  }
  static const std::map<std::string, std::vector<std::string>> kCandidates = {
      {"pk", {"pk_%(table_name)s"}},
      {"fk", {"fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
              "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s"}},
      {"uq", {"uq_%(table_name)s_%(column_0_name)s", "uq_%(table_name)s_%(column_0_N_name)s"}},
      {"ck", {"ck_%(table_name)s_%(constraint_name)s"}},
      {"ix", {"ix_%(column_0_label)s", "ix_%(table_name)s_%(column_0_N_name)s"}},
  };
  NamingConvention out;
  for (const auto& entry : kCandidates) {
    const std::string& key = entry.first;  // (a lambda below names it: no structured binding)
    const std::vector<std::string>& candidates = entry.second;
    auto it = by_key.find(key);
    if (it == by_key.end() || it->second.empty()) continue;
    std::vector<std::string> tried = candidates;
    tried.push_back("");  // none: the database's own names
    for (const std::string& candidate : tried) {
      NamingConvention one;
      one.templates[key] = candidate;
      bool all = std::all_of(it->second.begin(), it->second.end(), [&](const Named& n) {
        if (key == "ck" && !candidate.empty()) {
          const std::string prefix = "ck_" + n.parts.table + "_";
          return n.name.size() > prefix.size() && n.name.rfind(prefix, 0) == 0;
        }
        return NameFollows(one, key, n.parts, n.name);
      });
      if (all) {
        out.templates[key] = candidate;
        break;
      }
    }
  }
  return out;
}

}  // namespace retort::schema
