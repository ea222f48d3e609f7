// Names for unnamed constraints and indexes, from SQLAlchemy-style naming
// templates: %(table_name)s, %(column_0_name)s, %(column_0_label)s,
// %(column_0N_name)s, %(column_0_N_name)s (and _label variants),
// %(referred_table_name)s, %(referred_column_0_name)s, %(constraint_name)s.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "schema/schema.h"

namespace retort::schema {

// The templates used for keys a schema's convention leaves out.
const NamingConvention& DefaultNamingConvention();

// Fills the keys `convention` lacks from DefaultNamingConvention().
NamingConvention WithDefaults(NamingConvention convention);

struct NameParts {
  std::string table;
  std::vector<std::string> columns;
  std::string referred_table;
  std::vector<std::string> referred_columns;
  std::string constraint_name;  // ck templates use the given short name
};

// Renders template `key` (pk, fk, uq, ck, ix) of `convention` for `parts`.
// Throws Error(kInput) (without location) for an unknown token, or for a
// template that needs %(constraint_name)s when none was given. A ck name
// that already has the template's form (ck_users_positive for
// ck_%(table_name)s_%(constraint_name)s and table users) is kept as it is.
std::string ConventionName(const NamingConvention& convention,
                           std::string_view key, const NameParts& parts);

}  // namespace retort::schema
