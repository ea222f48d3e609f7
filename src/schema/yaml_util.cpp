#include "schema/yaml_util.h"

#include "schema/utf8.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace retort::schema {
namespace {

// True when the quoted scalar whose opening quote is text[open] is closed
// before the text ends.
bool QuoteClosed(const std::string& text, size_t open) {
  const char quote = text[open];
  for (size_t i = open + 1; i < text.size(); ++i) {
    if (quote == '"' && text[i] == '\\') {
      ++i;  // an escape: the next character is part of it
    } else if (text[i] == quote) {
      if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
        ++i;  // '' is a quote inside single quotes
      } else {
        return true;
      }
    }
  }
  return false;
}

}  // namespace

YAML::Node YamlFile::Parse(const std::string& text) const {
  // yaml-cpp takes a NUL byte (also one of UTF-16 text) for an escape.
  RequireUtf8Text(text, path_, "YAML");
  CheckOneDocument(text);
  YAML::Node document;
  try {
    document = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    Location where{.file = path_, .line = e.mark.line + 1,
                   .column = e.mark.column + 1};
    throw Error(ErrorKind::kInput, "malformed YAML: " + e.msg, where);
  }
  // A file is read as far as aliases expand it; a few repeated blocks are
  // fine, a "billion laughs" document is not.
  CheckState state{.budget = 16 * text.size() + 4096};
  CheckDocument(text, document, state);
  return document;
}

void YamlFile::CheckOneDocument(const std::string& text) const {
  // A line starting with "---" or "..." (then a space or its end) is a
  // document marker wherever it is, by YAML's rules: after content, it
  // starts another document, which yaml-cpp would drop. (Its LoadAll is no
  // way to find out: it loops forever on some inputs.) And where yaml-cpp
  // gives up at a first token no node starts with (a ','), it reads an
  // empty document: a file whose content cannot start a node is refused.
  bool content = false, ended = false, started = false;
  size_t line_no = 0;
  const size_t bom = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  for (size_t at = bom; at < text.size(); ++line_no) {
    size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + at, end - at);
    auto marker = [&](std::string_view m) {
      return line.starts_with(m) && (line.size() == 3 || line[3] == ' ' || line[3] == '\t' ||
                                     line[3] == '\r');
    };
    size_t first = line.find_first_not_of(" \t\r");
    bool blank = first == std::string_view::npos || line[first] == '#';
    auto second = [&](const char* after) {
      throw Error(ErrorKind::kInput,
                  std::string("malformed YAML: a second document (after '") + after +
                      "'); a file holds one",
                  Location{.file = path_, .line = static_cast<int>(line_no) + 1, .column = 1});
    };
    if (line.starts_with("%") && !content && !started) {
      // A directive (%YAML 1.2, %TAG): before the document's "---".
    } else if (marker("---")) {
      if (content || ended || started) second(ended ? "..." : "---");
      started = true;
      std::string_view rest = line.substr(3);
      size_t r = rest.find_first_not_of(" \t\r");
      content = r != std::string_view::npos && rest[r] != '#';
    } else if (marker("...")) {
      ended = true;
    } else if (!blank) {
      if (ended) second("...");
      if (!content && (line[first] == ',' || line[first] == ']' || line[first] == '}')) {
        throw Error(ErrorKind::kInput,
                    std::string("malformed YAML: a document cannot start with '") + line[first] + "'",
                    Location{.file = path_, .line = static_cast<int>(line_no) + 1,
                             .column = static_cast<int>(first) + 1});
      }
      content = true;
    }
    at = end + 1;
  }
}

void YamlFile::CheckDocument(const std::string& text, const YAML::Node& node,
                             CheckState& state) const {
  if (state.budget-- == 0) {
    Fail(node, "malformed YAML: aliases expand this document past 16 values per byte of it");
  }
  switch (node.Type()) {
    case YAML::NodeType::Scalar: {
      // Once per scalar, however many aliases name it.
      if (!state.scalars_seen.insert(node.Mark().pos).second) return;
      const std::string& value = node.Scalar();
      if (value.find('\0') != std::string::npos) {
        Fail(node, "malformed YAML: a NUL character (an escape such as \\0, \\x00 or "
                   "\\u0000); no name, value or statement may hold one");
      }
      // yaml-cpp takes a quoted scalar that the file ends inside (after a
      // line break) as ending there, swallowing what follows.
      size_t at = static_cast<size_t>(std::max(node.Mark().pos, 0));
      while (at < text.size() && (text[at] == '!' || text[at] == '&')) {  // a tag, an anchor
        at = text.find_first_of(" \t\r\n", at);
        at = text.find_first_not_of(" \t\r\n", at == std::string::npos ? text.size() : at);
      }
      if (at < text.size() && (text[at] == '"' || text[at] == '\'') && !QuoteClosed(text, at)) {
        Fail(node, "malformed YAML: the quoted text starting here is never closed");
      }
      return;
    }
    case YAML::NodeType::Sequence:
      for (const YAML::Node& item : node) CheckDocument(text, item, state);
      return;
    case YAML::NodeType::Map: {
      // Keys and where they are, in file order. (Never a vector of nodes to
      // sort: assigning a YAML::Node writes through to the document.)
      std::vector<std::pair<std::string_view, YAML::Mark>> keys;
      for (const auto& entry : node) {
        const YAML::Node& key = entry.first;
        if (!key.IsScalar()) Fail(key, "malformed YAML: a map key must be a plain name");
        CheckDocument(text, key, state);
        keys.emplace_back(key.Scalar(), key.Mark());
        CheckDocument(text, entry.second, state);
      }
      // Of all repeated keys, the one repeated first in the file is
      // reported (a stable sort keeps file order among equal keys).
      std::stable_sort(keys.begin(), keys.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      size_t dup = 0;
      for (size_t i = 1; i < keys.size(); ++i) {
        if (keys[i].first == keys[i - 1].first &&
            (dup == 0 || keys[i].second.pos < keys[dup].second.pos)) {
          dup = i;
        }
      }
      if (dup != 0) {
        const YAML::Mark& first = keys[dup - 1].second;
        const YAML::Mark& second = keys[dup].second;
        throw Error(ErrorKind::kInput,
                    "duplicate key '" + std::string(keys[dup].first) + "' (first at line " +
                        std::to_string(first.line + 1) + ", column " +
                        std::to_string(first.column + 1) + ")",
                    Location{.file = path_, .line = second.line + 1, .column = second.column + 1});
      }
      return;
    }
    default:
      return;
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

MapView::MapView(const YAML::Node& node) : node_(node) {
  if (!node.IsMap()) return;
  entries_.reserve(node.size());
  for (const auto& entry : node) {
    entries_.push_back({entry.first.IsScalar() ? entry.first.Scalar() : std::string(),
                        entry.first, entry.second});
  }
}

YAML::Node MapView::operator[](std::string_view key) const {
  for (const Entry& e : entries_) {
    if (e.key == key) return e.value;
  }
  return YAML::Node(YAML::NodeType::Undefined);  // as operator[] gives: !node holds
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

void YamlFile::CheckKeys(const MapView& node, std::string_view what,
                         std::initializer_list<std::string_view> allowed) const {
  CheckKeys(node, what, std::vector<std::string_view>(allowed));
}

void YamlFile::CheckKeys(const MapView& node, std::string_view what,
                         const std::vector<std::string_view>& allowed) const {
  RequireMap(node.node(), what);
  for (const MapView::Entry& entry : node.entries()) {
    const std::string& key = entry.key;
    bool ok = false;
    for (std::string_view a : allowed) ok = ok || a == key;
    if (!ok) {
      std::string list;
      for (std::string_view a : allowed) {
        list += (list.empty() ? "" : ", ") + std::string(a);
      }
      Fail(entry.key_node, "unknown key '" + key + "' in " + std::string(what) +
                            " (expected one of: " + list + ")");
    }
  }
}

std::optional<std::string> YamlFile::OptString(const MapView& node,
                                               std::string_view key) const {
  YAML::Node value = node[key];
  if (!value || value.IsNull()) return std::nullopt;
  if (!value.IsScalar()) Fail(value, "'" + std::string(key) + "' must be a scalar");
  return value.Scalar();
}

std::string YamlFile::String(const MapView& node, std::string_view key) const {
  std::optional<std::string> value = OptString(node, key);
  if (!value) Fail(node.node(), "missing '" + std::string(key) + "'");
  if (value->empty()) Fail(node[key], "'" + std::string(key) + "' is empty");
  return *value;
}

std::optional<bool> YamlFile::OptBool(const MapView& node,
                                      std::string_view key) const {
  YAML::Node value = node[key];
  if (!value || value.IsNull()) return std::nullopt;
  bool result = false;
  if (!value.IsScalar() || !YAML::convert<bool>::decode(value, result)) {
    Fail(value, "'" + std::string(key) + "' must be true or false");
  }
  return result;
}

std::vector<std::string> YamlFile::Strings(const MapView& node,
                                           std::string_view key) const {
  YAML::Node value = node[key];
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

std::vector<std::string> YamlFile::RequiredStrings(const MapView& node,
                                                   std::string_view key) const {
  std::vector<std::string> out = Strings(node, key);
  if (out.empty()) Fail(node.node(), "missing '" + std::string(key) + "'");
  return out;
}

void YamlFile::Defer(const YAML::Node& node, const std::string& message) const {
  deferred_->emplace_back(At(node), message);
}

void YamlFile::ThrowDeferred(const std::vector<const YamlFile*>& files) {
  std::vector<std::pair<Location, std::string>> all;
  for (const YamlFile* f : files) all.insert(all.end(), f->deferred_->begin(), f->deferred_->end());
  if (all.empty()) return;
  if (all.size() == 1) throw Error(ErrorKind::kInput, all[0].second, all[0].first);
  std::string message = std::to_string(all.size()) + " errors:";
  for (const auto& [where, text] : all) {
    message += "\n  " + where.file + ":" + std::to_string(where.line) + ":" +
               std::to_string(where.column) + ": " + text;
  }
  throw Error(ErrorKind::kInput, message, all[0].first);
}

}  // namespace retort::schema
