#include "format/document.h"

#include <yaml.h>

#include <algorithm>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

#include "format/utf8.h"
#include "retort/error.h"

namespace retort::format {

const std::string& Node::Scalar() const {
  static const std::string kEmpty;
  return IsScalar() ? data_->text : kEmpty;
}

size_t Node::size() const {
  if (IsSequence()) return data_->children.size();
  if (IsMap()) return data_->children.size() / 2;
  return 0;
}

Node Node::operator[](std::string_view key) const {
  if (!IsMap()) return Node();
  const auto& c = data_->children;
  for (size_t i = 0; i + 1 < c.size(); i += 2) {
    if (c[i]->text == key) return Node(c[i + 1]);
  }
  return Node();
}

Node::Iterator Node::begin() const {
  return Iterator(IsSequence() ? data_->children.data() : nullptr);
}

Node::Iterator Node::end() const {
  return Iterator(IsSequence() ? data_->children.data() + data_->children.size() : nullptr);
}

std::vector<Node::Entry> Node::entries() const {
  std::vector<Entry> out;
  if (!IsMap()) return out;
  const auto& c = data_->children;
  out.reserve(c.size() / 2);
  for (size_t i = 0; i + 1 < c.size(); i += 2) out.push_back({Node(c[i]), Node(c[i + 1])});
  return out;
}

Document::Document() : nodes_(std::make_unique<std::deque<NodeData>>()) {}
Document::Document(Document&&) noexcept = default;
Document& Document::operator=(Document&&) noexcept = default;
Document::~Document() = default;

NodeData& Document::Add() { return nodes_->emplace_back(); }

bool IsYamlNullText(std::string_view s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

Node WithoutKey(Document& scratch, const Node& map, std::string_view key) {
  NodeData& copy = scratch.Add();
  copy = *map.data();
  auto& c = copy.children;
  for (size_t i = 0; i + 1 < c.size(); i += 2) {
    if (c[i]->text == key) {
      c.erase(c.begin() + static_cast<std::ptrdiff_t>(i), c.begin() + static_cast<std::ptrdiff_t>(i) + 2);
      break;
    }
  }
  return Node(&copy);
}

namespace {

// A line starting with "---" or "..." (then a space or its end) is a
// document marker wherever it is, by YAML's rules: after content, it starts
// another document, which a reader of one document would drop. And a file
// whose content cannot start a node (a ',') is refused with a message that
// says so. Checked on the text, before parsing, so that the message names
// the marker the user wrote.
void CheckOneDocument(const std::string& text, const std::string& path) {
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
                  Location{.file = path, .line = static_cast<int>(line_no) + 1, .column = 1});
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
                    Location{.file = path, .line = static_cast<int>(line_no) + 1,
                             .column = static_cast<int>(first) + 1});
      }
      content = true;
    }
    at = end + 1;
  }
}

class Builder {
 public:
  Builder(const std::string& text, const std::string& path)
      : text_(text), path_(path), budget_(16 * static_cast<uint64_t>(text.size()) + 4096) {
    yaml_parser_initialize(&parser_);
    yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(text.data()),
                                 text.size());
  }
  ~Builder() {
    if (has_event_) yaml_event_delete(&event_);
    yaml_parser_delete(&parser_);
  }
  Builder(const Builder&) = delete;
  Builder& operator=(const Builder&) = delete;

  Document Build() {
    int documents = 0;
    for (;;) {
      Next();
      const yaml_mark_t& mark = event_.start_mark;
      switch (event_.type) {
        case YAML_STREAM_START_EVENT:
        case YAML_DOCUMENT_END_EVENT:
        case YAML_NO_EVENT:
          break;
        case YAML_DOCUMENT_START_EVENT:
          if (++documents > 1) Fail(mark, "malformed YAML: a second document; a file holds one");
          break;
        case YAML_STREAM_END_EVENT:
          if (!doc_.root().data()) {
            NodeData& empty = doc_.Add();  // an empty file: null
            doc_.set_root(&empty);
          }
          return std::move(doc_);
        case YAML_ALIAS_EVENT: {
          const char* anchor = reinterpret_cast<const char*>(event_.data.alias.anchor);
          auto found = anchors_.find(anchor);
          if (found == anchors_.end()) {
            Fail(mark, std::string("malformed YAML: the alias '*") + anchor +
                           "' names no anchor before it");
          }
          Attach(found->second, mark);
          break;
        }
        case YAML_SCALAR_EVENT: {
          NodeData& n = New(mark);
          const auto& s = event_.data.scalar;
          std::string_view value(reinterpret_cast<const char*>(s.value), s.length);
          if (s.plain_implicit && s.style == YAML_PLAIN_SCALAR_STYLE && IsYamlNullText(value)) {
            n.kind = NodeKind::kNull;
          } else {
            n.kind = NodeKind::kScalar;
            n.style = s.style == YAML_PLAIN_SCALAR_STYLE ? ScalarStyle::kPlain : ScalarStyle::kQuoted;
            if (value.find('\0') != std::string_view::npos) {
              Fail(mark, "malformed YAML: a NUL character (an escape such as \\0, \\x00 or "
                         "\\u0000); no name, value or statement may hold one");
            }
            n.text.assign(value);
          }
          // A scalar weighs its length too: an alias of a long text copied
          // into every place that names it costs as much as the text.
          n.weight = 1 + value.size();
          Anchor(s.anchor, n);
          Attach(&n, mark);
          break;
        }
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT: {
          const bool map = event_.type == YAML_MAPPING_START_EVENT;
          NodeData& n = New(mark);
          n.kind = map ? NodeKind::kMap : NodeKind::kSequence;
          open_.push_back(Open{&n, mark});
          // The anchor names the node once it is complete (no alias inside
          // it may name it: no cycles).
          const unsigned char* anchor =
              map ? event_.data.mapping_start.anchor : event_.data.sequence_start.anchor;
          if (anchor) open_.back().anchor = reinterpret_cast<const char*>(anchor);
          break;
        }
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: {
          Open done = std::move(open_.back());
          open_.pop_back();
          if (!done.anchor.empty()) anchors_[done.anchor] = done.node;
          Attach(done.node, done.mark);
          break;
        }
      }
    }
  }

 private:
  struct Open {
    NodeData* node;
    yaml_mark_t mark;  // where it starts
    std::string anchor;
    std::unordered_set<std::string_view> keys;  // of a large map, for duplicates
  };

  void Next() {
    if (has_event_) yaml_event_delete(&event_);
    has_event_ = false;
    if (!yaml_parser_parse(&parser_, &event_)) ParseError();
    has_event_ = true;
  }

  NodeData& New(const yaml_mark_t& mark) {
    NodeData& n = doc_.Add();
    n.line = static_cast<int>(mark.line) + 1;
    n.column = static_cast<int>(mark.column) + 1;
    return n;
  }

  void Anchor(unsigned char* anchor, const NodeData& n) {
    if (anchor) anchors_[reinterpret_cast<const char*>(anchor)] = &n;
  }

  // Adds `child` (new, or an alias's node) to the open container, checking
  // map keys and the expanded size.
  void Attach(const NodeData* child, const yaml_mark_t& mark) {
    if (child->weight > budget_) {
      Fail(mark, "malformed YAML: aliases expand this document past 16 values per byte of it");
    }
    if (open_.empty()) {
      doc_.set_root(child);
      return;
    }
    Open& parent = open_.back();
    NodeData& p = *parent.node;
    p.weight = std::min(p.weight + child->weight, budget_ + 1);
    if (p.kind == NodeKind::kMap && p.children.size() % 2 == 0) {
      if (child->kind != NodeKind::kScalar) {
        Fail(mark, "malformed YAML: a map key must be a plain name");
      }
      CheckDuplicate(parent, *child, mark);
    }
    p.children.push_back(child);
  }

  void CheckDuplicate(Open& parent, const NodeData& key, const yaml_mark_t& mark) {
    const auto& c = parent.node->children;
    // A small map's keys are compared one by one; a large one's through a
    // set, and scanned only for the first place of a repeated key.
    constexpr size_t kSmall = 16;
    bool repeated = true;
    if (c.size() / 2 >= kSmall) {
      if (parent.keys.empty()) {
        for (size_t i = 0; i < c.size(); i += 2) parent.keys.insert(c[i]->text);
      }
      repeated = !parent.keys.insert(key.text).second;
    }
    for (size_t i = 0; repeated && i < c.size(); i += 2) {
      if (c[i]->text != key.text) continue;
      throw Error(ErrorKind::kInput,
                  "duplicate key '" + key.text + "' (first at line " + std::to_string(c[i]->line) +
                      ", column " + std::to_string(c[i]->column) + ")",
                  At(mark));
    }
  }

  Location At(const yaml_mark_t& mark) const {
    return Location{.file = path_, .line = static_cast<int>(mark.line) + 1,
                    .column = static_cast<int>(mark.column) + 1};
  }

  [[noreturn]] void Fail(const yaml_mark_t& mark, const std::string& message) const {
    throw Error(ErrorKind::kInput, message, At(mark));
  }

  // The byte offset of libyaml's mark index, which counts characters after
  // the byte-order mark.
  size_t ByteOffset(size_t characters) const {
    size_t at = text_.starts_with("\xEF\xBB\xBF") ? 3 : 0;
    for (; at < text_.size(); ++at) {
      if ((static_cast<unsigned char>(text_[at]) & 0xC0) != 0x80 && characters-- == 0) break;
    }
    return at;
  }

  // True when only white space and comments follow `index`.
  bool NothingAfter(size_t index) const {
    for (size_t i = index; i < text_.size(); ++i) {
      char c = text_[i];
      if (c == '#') {
        i = text_.find('\n', i);
        if (i == std::string::npos) return true;
      } else if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        return false;
      }
    }
    return true;
  }

  [[noreturn]] void ParseError() const {
    const char* problem = parser_.problem ? parser_.problem : "cannot be read";
    if (parser_.error == YAML_READER_ERROR) {
      // Control characters and the like: the offset is in bytes.
      size_t offset = std::min(parser_.problem_offset, text_.size());
      yaml_mark_t mark{};
      for (size_t i = 0; i < offset; ++i) {
        if (text_[i] == '\n') {
          ++mark.line;
          mark.column = 0;
        } else if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) {
          ++mark.column;
        }
      }
      Fail(mark, std::string("malformed YAML: ") + problem);
    }
    std::string_view context = parser_.context ? parser_.context : "";
    if (!context.empty() && NothingAfter(ByteOffset(parser_.problem_mark.index))) {
      // The file ends inside something opened earlier: say where it opened.
      if (context == "while scanning a quoted scalar") {
        Fail(parser_.context_mark, "malformed YAML: the quoted text starting here is never closed");
      }
      // A bracket: reported where the file ends, naming where it opened.
      const char* bracket = context == "while parsing a flow sequence" ? "'['"
                            : context == "while parsing a flow mapping" ? "'{'"
                                                                        : nullptr;
      if (bracket) {
        Fail(parser_.problem_mark,
             std::string("malformed YAML: the file ends inside the ") + bracket + " at line " +
                 std::to_string(parser_.context_mark.line + 1) + ", column " +
                 std::to_string(parser_.context_mark.column + 1) + ", which is never closed");
      }
    }
    std::string message = std::string("malformed YAML: ") + problem;
    if (!context.empty()) {
      message += " (" + std::string(context) + " that starts at line " +
                 std::to_string(parser_.context_mark.line + 1) + ", column " +
                 std::to_string(parser_.context_mark.column + 1) + ")";
    }
    Fail(parser_.problem_mark, message);
  }

  const std::string& text_;
  const std::string& path_;
  const uint64_t budget_;
  yaml_parser_t parser_;
  yaml_event_t event_;
  bool has_event_ = false;
  Document doc_;
  std::vector<Open> open_;
  std::unordered_map<std::string, const NodeData*> anchors_;
};

}  // namespace

Document ParseYaml(const std::string& text, const std::string& path) {
  RequireUtf8Text(text, path, "YAML");
  CheckOneDocument(text, path);
  return Builder(text, path).Build();
}

}  // namespace retort::format
