#include "schema/naming.h"

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
  if (token == "referred_table_name") return p.referred_table;
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
  static const NamingConvention kDefault{{
      {"pk", "pk_%(table_name)s"},
      {"fk", "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"},
      {"uq", "uq_%(table_name)s_%(column_0_name)s"},
      {"ck", "ck_%(table_name)s_%(constraint_name)s"},
      {"ix", "ix_%(column_0_label)s"},
  }};
  return kDefault;
}

NamingConvention WithDefaults(NamingConvention convention) {
  for (const auto& [key, value] : DefaultNamingConvention().templates) {
    convention.templates.emplace(key, value);
  }
  return convention;
}

namespace {

// Template `key` of `convention` filled in with `parts`; `constraint_at`,
// when given, receives where each %(constraint_name)s went in the result.
std::string Render(const NamingConvention& convention, std::string_view key,
                   const NameParts& parts, std::vector<size_t>* constraint_at = nullptr) {
  auto it = convention.templates.find(std::string(key));
  const std::string& tmpl =
      it != convention.templates.end()
          ? it->second
          : DefaultNamingConvention().templates.at(std::string(key));
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

std::string ConventionName(const NamingConvention& convention,
                           std::string_view key, const NameParts& parts) {
  // A check's name that already has the template's form (as written back by
  // autogenerate, or copied from a database) is the full name, not a short
  // one to wrap again.
  if (key == "ck" && !parts.constraint_name.empty()) {
    std::vector<size_t> at;
    std::string form = Render(convention, key, parts, &at);
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
  return Render(convention, key, parts);
}

}  // namespace retort::schema
