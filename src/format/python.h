// Reading the subset of Python that Alembic revision files are written in:
// the module docstring, assignments (`revision = "ab12"`, annotated or
// not), imports, `def` blocks, `with` blocks, `if`/`elif`/`else` and `for`
// blocks, and expression statements whose expressions are names,
// attributes, calls, literals (strings, f-strings, numbers, True, False,
// None), tuples, lists and dicts, comparisons (==, !=, in, not in, is, is
// not) and not/and/or. Any other statement (while, try, return, ...) or
// expression (arithmetic, a subscript) is kept as an Unsupported node with
// its place, never guessed at; its text is skipped as Python would group
// it. No Python runs.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "retort/error.h"

namespace retort::format::python {

struct Expr;
using ExprPtr = std::shared_ptr<const Expr>;

struct Expr {
  enum class Kind {
    kName,       // text: the name
    kAttribute,  // object.text
    kCall,       // object(args, keywords)
    kString,     // text: the value
    kNumber,     // text: as written
    kTrue,
    kFalse,
    kNone,
    kTuple,      // items
    kList,       // items
    kDict,       // keys[i]: items[i]
    kNegative,   // -object
    kFString,    // text: the literal with its {fields} as written
    kCompare,    // object text items[0]: text is ==, !=, in, not in, is, is not
    kNot,        // not object
    kAnd,        // items[0] and items[1] and ...
    kOr,         // items[0] or items[1] or ...
    kUnsupported,  // text: what it is ("an operator", "an f-string")
  };
  Kind kind = Kind::kUnsupported;
  std::string text;
  ExprPtr object;
  std::vector<ExprPtr> items;  // arguments, elements, dict values
  std::vector<ExprPtr> keys;   // dict keys
  std::vector<std::pair<std::string, ExprPtr>> keywords;
  int line = 0, column = 0;  // 1-based

  // "op.create_table" for a call's or an attribute's dotted name; "" when
  // it is none.
  std::string DottedName() const;
  // The keyword argument `name`, or nullptr.
  const Expr* Keyword(const std::string& name) const;
};

struct Statement;
using Block = std::vector<Statement>;

struct Statement {
  enum class Kind {
    kExpr,         // value
    kAssign,       // target = value (an annotation dropped)
    kImport,
    kPass,
    kDef,          // def target(...): body
    kWith,         // with value [as target]: body (one item)
    kIf,           // if value: body, else orelse (an elif: one kIf in orelse)
    kFor,          // for targets in value: body
    kUnsupported,  // text: what it is ("an if statement")
  };
  Kind kind = Kind::kUnsupported;
  std::string target;
  ExprPtr value;
  std::string text;
  Block body;
  Block orelse;                      // kIf
  std::vector<std::string> targets;  // kFor: the names bound, in order
  int line = 0, column = 0;
};

struct Module {
  std::string docstring;  // "" when there is none
  Block body;             // the docstring's statement left out
};

// Parses `text` (the file `path`, for messages). Throws Error(kInput) at
// file:line:column only for what cannot be read at all (an unterminated
// string or bracket, inconsistent indentation, a character outside the
// language); what is valid Python outside the subset comes back as
// Unsupported nodes.
Module Parse(const std::string& text, const std::string& path);

}  // namespace retort::format::python
