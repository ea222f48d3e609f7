// Names for constraints and indexes a file leaves unnamed, as SQLAlchemy
// gives them: from SQLAlchemy-style naming templates (%(table_name)s,
// %(column_0_name)s, %(column_0_label)s, %(column_0N_name)s,
// %(column_0_N_name)s and _label variants, %(referred_table_name)s,
// %(referred_column_0_name)s, %(constraint_name)s), and where no template
// applies, the name the database gives an unnamed constraint (PostgreSQL's
// rule; SQLite keeps no name).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "retort/error.h"
#include "schema/schema.h"

namespace retort::schema {

// SQLAlchemy's default convention: ix "ix_%(column_0_label)s", nothing else.
const NamingConvention& DefaultNamingConvention();

// Fills the keys `convention` lacks from DefaultNamingConvention(). A key set
// to an empty template (null in a file) stays off.
NamingConvention WithDefaults(NamingConvention convention);

struct NameParts {
  std::string table;
  std::vector<std::string> columns;
  std::string referred_table;
  std::vector<std::string> referred_columns;
  std::string constraint_name;  // ck templates use the given short name
};

// Renders template `key` (pk, fk, uq, ck, ix) of `convention` for `parts`;
// nullopt when the convention has no template for `key`. Throws
// Error(kInput) (without location) for an unknown token, or for a template
// that needs %(constraint_name)s when none was given. A ck name that
// already has the template's form (ck_users_positive for
// ck_%(table_name)s_%(constraint_name)s and table users) is kept as it is.
std::optional<std::string> ConventionName(const NamingConvention& convention,
                                          std::string_view key, const NameParts& parts);

// The name of a constraint or index that `given` names (may be empty):
// given (a check's through the ck template when there is one), else the
// template's, else implied (see NameImplied).
// Thrown by ChooseName for an explicit name longer than 63 bytes, which
// PostgreSQL would cut: readers defer it (format::File::Defer), to report all.
class NameTooLong : public Error {
 public:
  using Error::Error;
};

// Throws NameTooLong when `name` is longer than 63 bytes.
void RequireNameFits(const std::string& name);

struct ChosenName {
  std::string name;
  bool implied = false;
};
ChosenName ChooseName(const NamingConvention& convention, std::string_view key,
                      const std::string& given, const NameParts& parts);

// PostgreSQL's name for an unnamed constraint (key pk, fk, uq, ck) or index
// (ix) of `parts`: <table>_pkey, <table>_<columns>_fkey, <table>_<columns>_key,
// <table>_<column>_check (<table>_check when the expression mentions
// several columns or none), <table>_<columns>_idx; its parts shortened to
// fit 63 bytes, and numbered (_key1, _key2, ...) while `taken` says the
// name is in use, as PostgreSQL does.
std::string ImpliedName(std::string_view key, const NameParts& parts,
                        const std::function<bool(const std::string&)>& taken);

// The columns of `table` that check expression `expr` mentions, each once,
// in order of first mention (what PostgreSQL's check name is made from).
std::vector<std::string> MentionedColumns(const Table& table, const std::string& expr);

// ImpliedName for a constraint or index added to `schema`: free among the
// names the schema holds. ImpliedCheckNameIn: for `check`, added to `table`.
std::string ImpliedNameIn(const Schema& schema, std::string_view key, const NameParts& parts);
std::string ImpliedCheckNameIn(const Schema& schema, const Table& table,
                               const CheckConstraint& check);

// Names each implied constraint of `schema`'s tables (all tables, or the
// one named `only`) anew, in PostgreSQL's order (checks, the primary key,
// unique constraints, foreign keys; each in declaration order), each name
// free among the schema's constraint names (index names for keys).
void NameImplied(Schema& schema, const std::string& only = "");

// Gives each implied constraint of `target` the name `actual` holds it under
// when that differs (a table renamed since, a name numbered otherwise): the
// same kind of constraint on the same table with the same definition, by
// a name `target` does not use. `also` (the same schema in another form)
// gets the same names. Comparisons and autogenerate first align, so that a
// constraint left for the database to name matches by definition.
void AlignImpliedNames(Schema& target, const Schema& actual, Schema* also = nullptr);

// Whether a declaration of key `key` (pk, fk, uq, ck, ix) left without a
// name gets `name` under `convention`: its template's name (shortened to
// 63 bytes as SQLAlchemy shortens it), or with no template the name the
// database gives (PostgreSQL's rule). A check under a ck template is
// always named (its template needs the short name).
bool NameFollows(const NamingConvention& convention, std::string_view key, const NameParts& parts,
                 const std::string& name);

// The parts a name of each kind is made of, as the readers name them.
NameParts PrimaryKeyParts(const Table& t);
NameParts ForeignKeyParts(const Table& t, const ForeignKey& fk);
NameParts UniqueParts(const Table& t, const UniqueConstraint& uq);
NameParts CheckParts(const Table& t, const CheckConstraint& ck);
NameParts IndexParts(const Table& t, const Index& ix);

// The convention the names of `schema` (a live database's) follow: per
// key, the first of the templates SQLAlchemy projects write (pk_, fk_,
// uq_, ck_, ix_ forms) that makes every name of that kind the database
// holds, or an empty template (none) when every name is the one the
// database gives unnamed constraints; a key whose names follow no one
// rule, or that names nothing, is left out.
NamingConvention DetectNamingConvention(const Schema& schema);

// A name longer than `max_bytes` shortened as SQLAlchemy shortens the names
// its conventions make: the first max_bytes - 8 bytes, "_", and the last 4
// hex digits of the MD5 of the whole name. Shorter names are returned as
// they are.
std::string ShortenConventionName(const std::string& name, size_t max_bytes);

}  // namespace retort::schema
