// retort's own document model: what a YAML or TOML file says, as maps,
// sequences and scalars, each with its line and column in the file. The
// readers above format/ see only this, never the parsing library.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace retort::format {

enum class NodeKind : uint8_t { kNull, kScalar, kSequence, kMap };

// How a scalar was written. YAML: plain or quoted (any other style: quotes,
// a literal or folded block). TOML: its value's type.
enum class ScalarStyle : uint8_t { kPlain, kQuoted, kString, kInteger, kFloat, kBoolean, kDate };

struct NodeData {
  NodeKind kind = NodeKind::kNull;
  ScalarStyle style = ScalarStyle::kPlain;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based, in characters
  std::string text;                        // a scalar's value
  std::vector<const NodeData*> children;   // items; a map's keys and values alternating
  uint64_t weight = 1;  // nodes and scalar bytes under this one, aliases expanded
};

struct NodeEntry;

// A view of one node of a Document, valid while the Document lives. A
// default Node is "undefined" (false): what a lookup of a missing key gives.
class Node {
 public:
  Node() = default;
  explicit Node(const NodeData* data) : data_(data) {}

  explicit operator bool() const { return data_ != nullptr; }
  bool IsNull() const { return data_ && data_->kind == NodeKind::kNull; }
  bool IsScalar() const { return data_ && data_->kind == NodeKind::kScalar; }
  bool IsSequence() const { return data_ && data_->kind == NodeKind::kSequence; }
  bool IsMap() const { return data_ && data_->kind == NodeKind::kMap; }
  // A scalar's value; "" for any other node.
  const std::string& Scalar() const;
  ScalarStyle style() const { return data_ ? data_->style : ScalarStyle::kPlain; }
  int line() const { return data_ ? data_->line : 0; }
  int column() const { return data_ ? data_->column : 0; }

  // A sequence's items or a map's entries; 0 for any other node.
  size_t size() const;
  // A sequence's item. REQUIRES: i < size().
  Node operator[](size_t i) const { return Node(data_->children[i]); }
  // A map's value at `key`: undefined when absent or when this is no map.
  Node operator[](std::string_view key) const;

  // A sequence's items, in order (none for any other node).
  class Iterator {
   public:
    using value_type = Node;
    using difference_type = std::ptrdiff_t;
    explicit Iterator(const NodeData* const* at) : at_(at) {}
    Node operator*() const { return Node(*at_); }
    Iterator& operator++() { ++at_; return *this; }
    bool operator==(const Iterator&) const = default;

   private:
    const NodeData* const* at_;
  };
  Iterator begin() const;
  Iterator end() const;

  // A map's entries, in file order (none for any other node).
  using Entry = NodeEntry;
  std::vector<Entry> entries() const;

  const NodeData* data() const { return data_; }
  bool operator==(const Node&) const = default;

 private:
  const NodeData* data_ = nullptr;
};

struct NodeEntry {
  Node first;   // the key: a scalar
  Node second;  // the value
};

// A parsed file: owns its nodes.
class Document {
 public:
  Document();
  Document(Document&&) noexcept;
  Document& operator=(Document&&) noexcept;
  ~Document();

  Node root() const { return Node(root_); }

  // For the readers: a new node, owned by this document.
  NodeData& Add();
  void set_root(const NodeData* root) { root_ = root; }

 private:
  std::unique_ptr<std::deque<NodeData>> nodes_;
  const NodeData* root_ = nullptr;
};

// True when `s`, written plain and untagged, is YAML's null: "", "~",
// "null", "Null" or "NULL".
bool IsYamlNullText(std::string_view s);

// A copy of map `map` without the entry at `key`, owned by `scratch` (its
// keys and values are `map`'s own nodes).
Node WithoutKey(Document& scratch, const Node& map, std::string_view key);

// Parses `text`, the content of `path`, as one YAML document. Throws
// Error(kInput) at file:line:column on malformed YAML, text that is not
// UTF-8, a second document, a map key that is no scalar, a duplicate key, a
// quote or bracket never closed, a NUL character (as a byte or decoded from
// an escape), an alias to no anchor, or aliases that expand it past 16
// values (nodes and scalar bytes) per byte of the text.
Document ParseYaml(const std::string& text, const std::string& path);

}  // namespace retort::format
