#include "schema/yaml_util.h"

#include <fstream>
#include <sstream>

namespace retort::schema {

YAML::Node YamlFile::Parse(const std::string& text) const {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    Location where{.file = path_, .line = e.mark.line + 1,
                   .column = e.mark.column + 1};
    throw Error(ErrorKind::kInput, "malformed YAML: " + e.msg, where);
  }
}

YAML::Node YamlFile::Load() const {
  std::ifstream in(path_, std::ios::binary);
  if (!in) {
    throw Error(ErrorKind::kInput, "cannot read file", Location{.file = path_});
  }
  std::ostringstream text;
  text << in.rdbuf();
  return Parse(text.str());
}

Location YamlFile::At(const YAML::Node& node) const {
  Location where{.file = path_};
  YAML::Mark mark = node.Mark();
  if (!mark.is_null()) {
    where.line = mark.line + 1;
    where.column = mark.column + 1;
  }
  return where;
}

void YamlFile::Fail(const YAML::Node& node, const std::string& message) const {
  throw Error(ErrorKind::kInput, message, At(node));
}

void YamlFile::RequireMap(const YAML::Node& node, std::string_view what) const {
  if (!node.IsMap()) Fail(node, std::string(what) + " must be a map");
}

void YamlFile::RequireSequence(const YAML::Node& node,
                               std::string_view what) const {
  if (!node.IsSequence()) Fail(node, std::string(what) + " must be a list");
}

void YamlFile::CheckKeys(const YAML::Node& node, std::string_view what,
                         std::initializer_list<std::string_view> allowed) const {
  RequireMap(node, what);
  for (const auto& entry : node) {
    std::string key = entry.first.Scalar();
    bool ok = false;
    for (std::string_view a : allowed) ok = ok || a == key;
    if (!ok) {
      std::string list;
      for (std::string_view a : allowed) {
        list += (list.empty() ? "" : ", ") + std::string(a);
      }
      Fail(entry.first, "unknown key '" + key + "' in " + std::string(what) +
                            " (expected one of: " + list + ")");
    }
  }
}

std::optional<std::string> YamlFile::OptString(const YAML::Node& node,
                                               std::string_view key) const {
  YAML::Node value = node[std::string(key)];
  if (!value || value.IsNull()) return std::nullopt;
  if (!value.IsScalar()) Fail(value, "'" + std::string(key) + "' must be a scalar");
  return value.Scalar();
}

std::string YamlFile::String(const YAML::Node& node, std::string_view key) const {
  std::optional<std::string> value = OptString(node, key);
  if (!value) Fail(node, "missing '" + std::string(key) + "'");
  if (value->empty()) Fail(node[std::string(key)], "'" + std::string(key) + "' is empty");
  return *value;
}

std::optional<bool> YamlFile::OptBool(const YAML::Node& node,
                                      std::string_view key) const {
  YAML::Node value = node[std::string(key)];
  if (!value || value.IsNull()) return std::nullopt;
  bool result = false;
  if (!value.IsScalar() || !YAML::convert<bool>::decode(value, result)) {
    Fail(value, "'" + std::string(key) + "' must be true or false");
  }
  return result;
}

std::vector<std::string> YamlFile::Strings(const YAML::Node& node,
                                           std::string_view key) const {
  YAML::Node value = node[std::string(key)];
  std::vector<std::string> out;
  if (!value || value.IsNull()) return out;
  if (value.IsScalar()) {
    out.push_back(value.Scalar());
    return out;
  }
  if (!value.IsSequence()) {
    Fail(value, "'" + std::string(key) + "' must be a name or a list of names");
  }
  for (const auto& item : value) {
    if (!item.IsScalar() || item.Scalar().empty()) {
      Fail(item, "'" + std::string(key) + "' entries must be names");
    }
    out.push_back(item.Scalar());
  }
  return out;
}

std::vector<std::string> YamlFile::RequiredStrings(const YAML::Node& node,
                                                   std::string_view key) const {
  std::vector<std::string> out = Strings(node, key);
  if (out.empty()) Fail(node, "missing '" + std::string(key) + "'");
  return out;
}

}  // namespace retort::schema
