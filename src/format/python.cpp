#include "format/python.h"

#include <cstring>
#include <set>

namespace retort::format::python {
namespace {

// Deeper than any revision file is written.
constexpr size_t kMaxNesting = 100;

struct Token {
  enum class Kind { kName, kNumber, kString, kOp, kNewline, kIndent, kDedent, kEnd };
  Kind kind = Kind::kEnd;
  std::string text;
  int line = 0, column = 0;
  bool fstring = false, bytes = false;
};

class Lexer {
 public:
  Lexer(const std::string& text, const std::string& path) : s_(text), path_(path) {}

  std::vector<Token> Run() {
    std::vector<int> indents = {0};
    bool line_start = true;
    while (at_ < s_.size()) {
      if (line_start && depth_ == 0) {
        // Indentation of a line that holds something.
        int width = 0;
        size_t i = at_;
        while (i < s_.size() && (s_[i] == ' ' || s_[i] == '\t' || s_[i] == '\f')) {
          width = s_[i] == '\t' ? (width / 8 + 1) * 8 : width + 1;
          ++i;
        }
        if (i >= s_.size()) break;
        if (s_[i] == '#' || s_[i] == '\n' || s_[i] == '\r') {
          // A blank or comment line: no token, not even its indentation.
          while (i < s_.size() && s_[i] != '\n') ++i;
          Advance(i - at_);
          if (at_ < s_.size()) {
            Advance(1);
            NewLine();
          }
          continue;
        }
        Advance(i - at_);
        if (width > indents.back()) {
          // The reader recurses once per block and per bracket: hostile
          // nesting is refused, not followed down the stack.
          if (indents.size() > kMaxNesting) Fail("blocks nested too deep");
          indents.push_back(width);
          Push(Token::Kind::kIndent, "");
        } else {
          while (width < indents.back()) {
            indents.pop_back();
            Push(Token::Kind::kDedent, "");
          }
          if (width != indents.back()) Fail("this line's indentation matches no outer block");
        }
        line_start = false;
      }
      const char c = s_[at_];
      if (c == ' ' || c == '\t' || c == '\f' || c == '\r') {
        Advance(1);
      } else if (c == '#') {
        while (at_ < s_.size() && s_[at_] != '\n') Advance(1);
      } else if (c == '\\' && at_ + 1 < s_.size() && (s_[at_ + 1] == '\n' || s_[at_ + 1] == '\r')) {
        Advance(1);
        if (s_[at_] == '\r') Advance(1);
        if (at_ < s_.size() && s_[at_] == '\n') {
          Advance(1);
          NewLine();
        }
      } else if (c == '\n') {
        if (depth_ == 0 && !out_.empty() && out_.back().kind != Token::Kind::kNewline &&
            out_.back().kind != Token::Kind::kIndent && out_.back().kind != Token::Kind::kDedent) {
          Push(Token::Kind::kNewline, "");
        }
        Advance(1);
        NewLine();
        line_start = depth_ == 0;  // inside brackets a line goes on
      } else if (IsNameStart(c)) {
        size_t i = at_;
        while (i < s_.size() && IsNameChar(s_[i])) ++i;
        // A string's prefix: r, b, u, f and their pairs.
        if (i < s_.size() && (s_[i] == '\'' || s_[i] == '"') && i - at_ <= 2) {
          std::string prefix = s_.substr(at_, i - at_);
          bool ok = true;
          for (char& p : prefix) {
            p = static_cast<char>(std::tolower(static_cast<unsigned char>(p)));
            if (std::strchr("rbuf", p) == nullptr) ok = false;
          }
          if (ok) {
            String(prefix);
            continue;
          }
        }
        Push(Token::Kind::kName, s_.substr(at_, i - at_));
        Advance(i - at_);
      } else if (std::isdigit(static_cast<unsigned char>(c)) ||
                 (c == '.' && at_ + 1 < s_.size() && std::isdigit(static_cast<unsigned char>(s_[at_ + 1])))) {
        size_t i = at_;
        while (i < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i])) || s_[i] == '.' || s_[i] == '_' ||
                                 ((s_[i] == '+' || s_[i] == '-') && (s_[i - 1] == 'e' || s_[i - 1] == 'E')))) {
          ++i;
        }
        Push(Token::Kind::kNumber, s_.substr(at_, i - at_));
        Advance(i - at_);
      } else if (c == '\'' || c == '"') {
        String("");
      } else {
        static const char* kOps[] = {"**=", "//=", ">>=", "<<=", "...", "->", ":=", "**", "//", "==", "!=", "<=",
                                     ">=", "<<", ">>", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@="};
        std::string op(1, c);
        for (const char* o : kOps) {
          if (s_.compare(at_, std::strlen(o), o) == 0) {
            op = o;
            break;
          }
        }
        if (op.size() == 1 && std::strchr("()[]{},:.;@=+-*/%<>&|^~!", c) == nullptr) {
          Fail(std::string("a character Python does not know here: '") + c + "'");
        }
        if (op == "(" || op == "[" || op == "{") {
          if (depth_ >= static_cast<int>(kMaxNesting)) Fail("brackets nested too deep");
          ++depth_;
          open_.emplace_back(line_, column_);
        }
        if (op == ")" || op == "]" || op == "}") {
          if (depth_ == 0) Fail("'" + op + "' closes no bracket");
          --depth_;
          open_.pop_back();
        }
        Push(Token::Kind::kOp, op);
        Advance(op.size());
      }
    }
    if (depth_ > 0) {
      throw Error(ErrorKind::kInput, "this bracket is never closed",
                  Location{.file = path_, .line = open_.back().first, .column = open_.back().second});
    }
    if (!out_.empty() && out_.back().kind != Token::Kind::kNewline && out_.back().kind != Token::Kind::kDedent) {
      Push(Token::Kind::kNewline, "");
    }
    while (indents.size() > 1) {
      indents.pop_back();
      Push(Token::Kind::kDedent, "");
    }
    Push(Token::Kind::kEnd, "");
    return std::move(out_);
  }

 private:
  static bool IsNameStart(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || static_cast<unsigned char>(c) >= 0x80;
  }
  static bool IsNameChar(char c) { return IsNameStart(c) || std::isdigit(static_cast<unsigned char>(c)); }

  void Advance(size_t n) {
    at_ += n;
    column_ += static_cast<int>(n);
  }
  void NewLine() {
    ++line_;
    column_ = 1;
  }
  void Push(Token::Kind kind, std::string text) {
    out_.push_back(Token{kind, std::move(text), line_, column_});
  }
  [[noreturn]] void Fail(const std::string& what) const {
    throw Error(ErrorKind::kInput, what, Location{.file = path_, .line = line_, .column = column_});
  }

  // A string literal at at_, after its `prefix` (lower case).
  void String(const std::string& prefix) {
    const int line = line_, column = column_;
    Advance(prefix.size());
    const char quote = s_[at_];
    const bool triple = s_.compare(at_, 3, std::string(3, quote)) == 0;
    const bool raw = prefix.find('r') != std::string::npos;
    Advance(triple ? 3 : 1);
    std::string value;
    while (true) {
      if (at_ >= s_.size()) {
        throw Error(ErrorKind::kInput, "a string is never closed", Location{.file = path_, .line = line, .column = column});
      }
      const char c = s_[at_];
      if (triple ? s_.compare(at_, 3, std::string(3, quote)) == 0 : c == quote) {
        Advance(triple ? 3 : 1);
        break;
      }
      if (c == '\n') {
        if (!triple) {
          throw Error(ErrorKind::kInput, "a string is never closed", Location{.file = path_, .line = line, .column = column});
        }
        value += c;
        Advance(1);
        NewLine();
        continue;
      }
      if (c == '\\' && at_ + 1 < s_.size()) {
        const char e = s_[at_ + 1];
        if (raw) {
          value += c;
          value += e;
          Advance(2);
          if (e == '\n') NewLine();
          continue;
        }
        Advance(2);
        switch (e) {
          case '\n': NewLine(); break;  // a continued line
          case 'n': value += '\n'; break;
          case 't': value += '\t'; break;
          case 'r': value += '\r'; break;
          case '0': value += '\0'; break;
          case '\\': value += '\\'; break;
          case '\'': value += '\''; break;
          case '"': value += '"'; break;
          case 'x': {
            if (at_ + 2 > s_.size() || !std::isxdigit(static_cast<unsigned char>(s_[at_])) ||
                !std::isxdigit(static_cast<unsigned char>(s_[at_ + 1]))) {
              Fail("\\x needs two hex digits");
            }
            value += static_cast<char>(std::stoi(s_.substr(at_, 2), nullptr, 16));
            Advance(2);
            break;
          }
          default:
            value += '\\';
            value += e;
        }
        continue;
      }
      value += c;
      Advance(1);
    }
    Token t{Token::Kind::kString, std::move(value), line, column};
    t.fstring = prefix.find('f') != std::string::npos;
    t.bytes = prefix.find('b') != std::string::npos;
    out_.push_back(std::move(t));
  }

  const std::string& s_;
  const std::string& path_;
  size_t at_ = 0;
  int line_ = 1, column_ = 1, depth_ = 0;
  std::vector<std::pair<int, int>> open_;  // where each open bracket is
  std::vector<Token> out_;
};

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : t_(std::move(tokens)) {}

  Block ParseBlock() {
    Block out;
    while (!At(Token::Kind::kEnd) && !At(Token::Kind::kDedent)) {
      if (At(Token::Kind::kNewline)) {
        ++i_;
        continue;
      }
      out.push_back(ParseStatement());
    }
    return out;
  }

 private:
  const Token& Peek(size_t ahead = 0) const { return t_[std::min(i_ + ahead, t_.size() - 1)]; }
  bool At(Token::Kind kind) const { return Peek().kind == kind; }
  bool AtOp(const char* op) const { return Peek().kind == Token::Kind::kOp && Peek().text == op; }
  bool AtName(const char* name) const { return Peek().kind == Token::Kind::kName && Peek().text == name; }
  const Token& Next() {
    const Token& t = Peek();
    if (i_ < t_.size() - 1) ++i_;
    return t;
  }

  // Skips to the end of the logical line, and past the block it opens.
  void SkipStatement() {
    while (!At(Token::Kind::kNewline) && !At(Token::Kind::kEnd) && !At(Token::Kind::kDedent)) Next();
    if (At(Token::Kind::kNewline)) Next();
    if (At(Token::Kind::kIndent)) {
      int depth = 0;
      do {
        if (At(Token::Kind::kIndent)) ++depth;
        if (At(Token::Kind::kDedent)) --depth;
        Next();
      } while (depth > 0 && !At(Token::Kind::kEnd));
    }
  }

  Statement Unsupported(const Token& first, const std::string& what) {
    Statement s;
    s.kind = Statement::Kind::kUnsupported;
    s.text = what;
    s.line = first.line;
    s.column = first.column;
    SkipStatement();
    return s;
  }

  // The body after a ':': an indented block, or statements on the line.
  Block ParseSuite() {
    if (At(Token::Kind::kNewline)) {
      Next();
      if (!At(Token::Kind::kIndent)) return {};
      Next();
      Block body = ParseBlock();
      if (At(Token::Kind::kDedent)) Next();
      return body;
    }
    Block body;
    body.push_back(ParseStatement());
    return body;
  }

  // After a suite on its own line: the newline before a clause that
  // continues the statement (elif, else).
  bool AtClause(const char* clause) {
    if (At(Token::Kind::kNewline) && Peek(1).kind == Token::Kind::kName && Peek(1).text == clause) Next();
    return AtName(clause);
  }

  // `if c: ... elif c: ... else: ...`: each elif one kIf in the orelse of
  // the one before. The clauses are read in a loop, not by recursion.
  Statement ParseIf() {
    std::vector<Statement> clauses;
    Block last;  // the else
    while (true) {
      const Token first = Next();  // if, elif
      Statement s;
      s.kind = Statement::Kind::kIf;
      s.line = first.line;
      s.column = first.column;
      s.value = ParseExpr();
      if (!AtOp(":")) return Unsupported(first, "an " + first.text + " clause without ':'");
      Next();
      s.body = ParseSuite();
      clauses.push_back(std::move(s));
      if (clauses.size() > kMaxNesting) return Unsupported(first, "an if with more than 100 elif clauses");
      if (AtClause("elif")) continue;
      if (AtClause("else")) {
        const Token e = Next();
        if (!AtOp(":")) return Unsupported(e, "an else clause without ':'");
        Next();
        last = ParseSuite();
      }
      break;
    }
    clauses.back().orelse = std::move(last);
    while (clauses.size() > 1) {
      Statement inner = std::move(clauses.back());
      clauses.pop_back();
      clauses.back().orelse.push_back(std::move(inner));
    }
    return std::move(clauses.front());
  }

  // `for a[, b ...] in iterable: ...`
  Statement ParseFor() {
    const Token first = Next();
    Statement s;
    s.kind = Statement::Kind::kFor;
    s.line = first.line;
    s.column = first.column;
    const bool parenthesized = AtOp("(");
    if (parenthesized) Next();
    while (At(Token::Kind::kName) && Peek().text != "in") {
      s.targets.push_back(Next().text);
      if (!AtOp(",")) break;
      Next();
    }
    if (parenthesized) {
      if (!AtOp(")")) return Unsupported(first, "a for statement whose targets are not names");
      Next();
    }
    if (s.targets.empty() || !AtName("in")) return Unsupported(first, "a for statement whose targets are not names");
    Next();
    s.value = ParseExprList();
    if (!AtOp(":")) return Unsupported(first, "a for statement without ':'");
    Next();
    s.body = ParseSuite();
    if (AtClause("else")) return Unsupported(first, "a for statement with an else clause");
    return s;
  }

  Statement ParseStatement() {
    const Token first = Peek();
    Statement s;
    s.line = first.line;
    s.column = first.column;
    if (first.kind == Token::Kind::kIndent) return Unsupported(first, "an unexpected indent");
    if (first.kind == Token::Kind::kName) {
      static const std::set<std::string> kCompound = {"if", "for", "while", "try", "class", "async"};
      static const std::set<std::string> kClauses = {"elif", "else", "except", "finally"};
      static const std::set<std::string> kSimple = {"return", "raise", "global", "nonlocal", "del",
                                                    "assert", "yield", "break", "continue", "lambda",
                                                    "await", "match"};
      const std::string& w = first.text;
      if (w == "import" || w == "from") {
        SkipStatement();
        s.kind = Statement::Kind::kImport;
        return s;
      }
      if (w == "pass") {
        Next();
        s.kind = Statement::Kind::kPass;
        if (AtOp(";")) {  // another statement follows on the line
          Next();
          return s;
        }
        if (!At(Token::Kind::kNewline) && !At(Token::Kind::kEnd) && !At(Token::Kind::kDedent)) {
          return Unsupported(first, "more on the line after pass");
        }
        s.kind = Statement::Kind::kPass;
        return s;
      }
      if (w == "if") return ParseIf();
      if (w == "for") return ParseFor();
      if (kCompound.count(w)) {
        Statement u = Unsupported(first, "a" + std::string(w == "if" || w == "async" ? "n " : " ") + w + " statement");
        while (At(Token::Kind::kName) && kClauses.count(Peek().text)) SkipStatement();
        return u;
      }
      if (kClauses.count(w)) return Unsupported(first, "an " + w + " clause");
      if (kSimple.count(w)) return Unsupported(first, "a " + w + " statement");
      if (w == "def") {
        Next();
        if (!At(Token::Kind::kName)) return Unsupported(first, "a def without a name");
        s.target = Next().text;
        if (!AtOp("(")) return Unsupported(first, "a def without parameters");
        int depth = 0;
        do {
          if (AtOp("(")) ++depth;
          if (AtOp(")")) --depth;
          Next();
        } while (depth > 0 && !At(Token::Kind::kEnd));
        if (AtOp("->")) {
          while (!AtOp(":") && !At(Token::Kind::kNewline) && !At(Token::Kind::kEnd)) Next();
        }
        if (!AtOp(":")) return Unsupported(first, "a def without ':'");
        Next();
        s.kind = Statement::Kind::kDef;
        s.body = ParseSuite();
        return s;
      }
      if (w == "with") {
        Next();
        s.value = ParseExpr();
        if (AtName("as")) {
          Next();
          if (!At(Token::Kind::kName)) return Unsupported(first, "a with statement whose target is no name");
          s.target = Next().text;
        }
        if (AtOp(",")) return Unsupported(first, "a with statement of several items");
        if (!AtOp(":")) return Unsupported(first, "a with statement without ':'");
        Next();
        s.kind = Statement::Kind::kWith;
        s.body = ParseSuite();
        return s;
      }
    }
    ExprPtr e = ParseExpr();
    if (e->kind == Expr::Kind::kName && AtOp(":")) {  // an annotation: `revision: str = "a"`
      Next();
      ExprPtr annotation = ParseExpr();
      (void)annotation;
      if (!AtOp("=")) return Unsupported(first, "an annotation without a value");
    }
    if (AtOp("=")) {
      Next();
      if (e->kind != Expr::Kind::kName) return Unsupported(first, "an assignment to what is no name");
      s.kind = Statement::Kind::kAssign;
      s.target = e->text;
      s.value = ParseExprList();
      if (AtOp("=")) return Unsupported(first, "a chained assignment");
    } else {
      s.kind = Statement::Kind::kExpr;
      s.value = e;
    }
    if (AtOp(";")) {  // another statement follows on the line
      Next();
      return s;
    }
    if (!At(Token::Kind::kNewline) && !At(Token::Kind::kEnd) && !At(Token::Kind::kDedent)) {
      return Unsupported(first, "a statement this reader does not know (" +
                                    (Peek().text.empty() ? std::string("more on the line") : "'" + Peek().text + "'") +
                                    ")");
    }
    return s;
  }

  ExprPtr Make(Expr e) { return std::make_shared<const Expr>(std::move(e)); }

  // An expression, or several separated by commas (a tuple).
  ExprPtr ParseExprList() {
    const Token first = Peek();
    ExprPtr e = ParseExpr();
    if (!AtOp(",")) return e;
    Expr tuple{.kind = Expr::Kind::kTuple, .line = first.line, .column = first.column};
    tuple.items.push_back(e);
    while (AtOp(",")) {
      Next();
      if (EndsExpr()) break;
      tuple.items.push_back(ParseExpr());
    }
    return Make(std::move(tuple));
  }

  // Whether the next token ends an expression.
  bool EndsExpr() const {
    if (At(Token::Kind::kNewline) || At(Token::Kind::kEnd) || At(Token::Kind::kDedent) ||
        At(Token::Kind::kIndent)) {
      return true;
    }
    if (At(Token::Kind::kOp)) {
      static const std::set<std::string> kEnds = {",", ")", "]", "}", ":", "=", ";"};
      return kEnds.count(Peek().text) > 0;
    }
    return AtName("as");
  }

  // Skips what is left of an expression outside the subset.
  ExprPtr UnsupportedExpr(const Token& first, const std::string& what) {
    int depth = 0;
    while (!At(Token::Kind::kEnd)) {
      if (depth == 0 && EndsExpr()) break;
      if (AtOp("(") || AtOp("[") || AtOp("{")) ++depth;
      if (AtOp(")") || AtOp("]") || AtOp("}")) --depth;
      Next();
    }
    return Make(Expr{.kind = Expr::Kind::kUnsupported, .text = what, .line = first.line, .column = first.column});
  }

  ExprPtr ParseExpr() {
    const Token first = Peek();
    ExprPtr e = ParseOr();
    if (e->kind == Expr::Kind::kUnsupported) {
      Token at = first;  // where the unsupported part is
      at.line = e->line;
      at.column = e->column;
      return UnsupportedExpr(at, e->text);
    }
    if (!EndsExpr()) {
      return UnsupportedExpr(first, Peek().kind == Token::Kind::kOp || Peek().kind == Token::Kind::kName
                                        ? "an expression with '" + Peek().text + "'"
                                        : "an expression this reader does not know");
    }
    return e;
  }

  // `a or b`, `a and b`: an Unsupported part comes back as it is.
  ExprPtr ParseOr() { return ParseBool("or", Expr::Kind::kOr); }
  ExprPtr ParseAnd() { return ParseBool("and", Expr::Kind::kAnd); }
  ExprPtr ParseBool(const char* word, Expr::Kind kind) {
    const Token first = Peek();
    Expr e{.kind = kind, .line = first.line, .column = first.column};
    while (true) {
      ExprPtr part = kind == Expr::Kind::kOr ? ParseAnd() : ParseNot();
      if (part->kind == Expr::Kind::kUnsupported) return part;
      e.items.push_back(std::move(part));
      if (!AtName(word)) break;
      Next();
    }
    if (e.items.size() == 1) return e.items[0];
    return Make(std::move(e));
  }
  // `not x`: counted, not recursed into.
  ExprPtr ParseNot() {
    const Token first = Peek();
    size_t nots = 0;
    while (AtName("not")) {
      Next();
      ++nots;
    }
    ExprPtr inner = ParseComparison();
    if (nots % 2 == 0 || inner->kind == Expr::Kind::kUnsupported) return inner;
    return Make(Expr{.kind = Expr::Kind::kNot, .object = inner, .line = first.line, .column = first.column});
  }
  // The comparison operator at the next token(s), consumed; "" when none.
  std::string ComparisonOperator() {
    if (AtOp("==") || AtOp("!=")) return Next().text;
    if (AtName("in")) return Next().text;
    if (AtName("not") && Peek(1).kind == Token::Kind::kName && Peek(1).text == "in") {
      Next();
      Next();
      return "not in";
    }
    if (AtName("is")) {
      Next();
      if (!AtName("not")) return "is";
      Next();
      return "is not";
    }
    return "";
  }
  ExprPtr ParseComparison() {
    const Token first = Peek();
    ExprPtr left = ParsePrimary();
    if (left->kind == Expr::Kind::kUnsupported) return left;
    const Token at = Peek();
    std::string op = ComparisonOperator();
    if (op.empty()) return left;
    ExprPtr right = ParsePrimary();
    if (right->kind == Expr::Kind::kUnsupported) return right;
    if (!ComparisonOperator().empty()) {
      return Make(Expr{.kind = Expr::Kind::kUnsupported, .text = "a chained comparison", .line = at.line,
                       .column = at.column});
    }
    Expr e{.kind = Expr::Kind::kCompare, .text = op, .object = left, .line = first.line, .column = first.column};
    e.items.push_back(right);
    return Make(std::move(e));
  }

  ExprPtr ParsePrimary() {
    const Token first = Peek();
    Expr e{.line = first.line, .column = first.column};
    if (AtOp("-")) {
      // Counted, not recursed into: a run of them is one sign.
      size_t signs = 0;
      while (AtOp("-")) {
        Next();
        ++signs;
      }
      ExprPtr inner = ParsePrimary();
      if (signs % 2 == 0) return inner;
      e.kind = Expr::Kind::kNegative;
      e.object = inner;
      return Make(std::move(e));
    }
    if (At(Token::Kind::kName)) {
      const std::string w = Next().text;
      static const std::set<std::string> kKeywords = {"lambda", "not", "await", "yield", "if", "for", "in", "is",
                                                       "and", "or", "else", "def", "class", "return"};
      if (w == "True") {
        e.kind = Expr::Kind::kTrue;
      } else if (w == "False") {
        e.kind = Expr::Kind::kFalse;
      } else if (w == "None") {
        e.kind = Expr::Kind::kNone;
      } else if (kKeywords.count(w)) {
        return Make(Expr{.kind = Expr::Kind::kUnsupported, .text = "'" + w + "'", .line = first.line,
                         .column = first.column});
      } else {
        e.kind = Expr::Kind::kName;
        e.text = w;
      }
    } else if (At(Token::Kind::kNumber)) {
      e.kind = Expr::Kind::kNumber;
      e.text = Next().text;
    } else if (At(Token::Kind::kString)) {
      e.kind = Expr::Kind::kString;
      bool fstring = false, bytes = false;
      std::string plain;  // the same, braces doubled as in an f-string
      while (At(Token::Kind::kString)) {
        const Token& part = Next();
        fstring = fstring || part.fstring;
        bytes = bytes || part.bytes;
        e.text += part.text;
        for (char c : part.text) {
          plain += c;
          if (!part.fstring && (c == '{' || c == '}')) plain += c;
        }
      }
      if (bytes) {
        return Make(Expr{.kind = Expr::Kind::kUnsupported, .text = "a bytes literal", .line = first.line,
                         .column = first.column});
      }
      if (fstring) {
        e.kind = Expr::Kind::kFString;
        e.text = std::move(plain);
      }
    } else if (AtOp("(") || AtOp("[")) {
      const bool list = AtOp("[");
      Next();
      e.kind = list ? Expr::Kind::kList : Expr::Kind::kTuple;
      bool comma = false;
      while (!AtOp(list ? "]" : ")") && !At(Token::Kind::kEnd)) {
        e.items.push_back(ParseExpr());
        if (AtOp(",")) {
          comma = true;
          Next();
        } else if (!AtOp(list ? "]" : ")")) {
          return UnsupportedExpr(first, "a bracket this reader does not know");
        }
      }
      Next();
      if (!list && !comma && e.items.size() == 1) {
        ExprPtr inner = e.items[0];  // parentheses around one expression
        return Trailers(inner);
      }
    } else if (AtOp("{")) {
      Next();
      e.kind = Expr::Kind::kDict;
      while (!AtOp("}") && !At(Token::Kind::kEnd)) {
        e.keys.push_back(ParseExpr());
        if (!AtOp(":")) return UnsupportedExpr(first, "a set or a dict comprehension");
        Next();
        e.items.push_back(ParseExpr());
        if (AtOp(",")) {
          Next();
        } else if (!AtOp("}")) {
          return UnsupportedExpr(first, "a dict this reader does not know");
        }
      }
      Next();
    } else {
      return Make(Expr{.kind = Expr::Kind::kUnsupported,
                       .text = Peek().text.empty() ? "nothing" : "'" + Peek().text + "'",
                       .line = first.line,
                       .column = first.column});
    }
    return Trailers(Make(std::move(e)));
  }

  // Skips to just past the ')' that closes the call being read.
  void SkipCall() {
    int depth = 1;
    while (depth > 0 && !At(Token::Kind::kEnd)) {
      if (AtOp("(") || AtOp("[") || AtOp("{")) ++depth;
      if (AtOp(")") || AtOp("]") || AtOp("}")) --depth;
      Next();
    }
  }
  ExprPtr UnsupportedCall(const Token& at, const std::string& what) {
    SkipCall();
    return Make(Expr{.kind = Expr::Kind::kUnsupported, .text = what, .line = at.line, .column = at.column});
  }

  // `.name`, `(arguments)`; a subscript is outside the subset.
  ExprPtr Trailers(ExprPtr e) {
    while (true) {
      if (AtOp(".")) {
        const Token dot = Next();
        if (!At(Token::Kind::kName)) return Make(Expr{.kind = Expr::Kind::kUnsupported, .text = "a '.' without a name",
                                                      .line = dot.line, .column = dot.column});
        Expr a{.kind = Expr::Kind::kAttribute, .text = Next().text, .object = e, .line = e->line, .column = e->column};
        e = Make(std::move(a));
      } else if (AtOp("(")) {
        Next();
        Expr call{.kind = Expr::Kind::kCall, .object = e, .line = e->line, .column = e->column};
        while (!AtOp(")") && !At(Token::Kind::kEnd)) {
          if (AtOp("*") || AtOp("**")) return UnsupportedCall(Peek(), "an unpacked argument (* or **)");
          if (At(Token::Kind::kName) && Peek(1).kind == Token::Kind::kOp && Peek(1).text == "=") {
            std::string key = Next().text;
            Next();
            call.keywords.emplace_back(std::move(key), ParseExpr());
          } else {
            if (!call.keywords.empty()) return UnsupportedCall(Peek(), "a positional argument after a keyword");
            call.items.push_back(ParseExpr());
          }
          if (AtOp(",")) {
            Next();
          } else if (!AtOp(")")) {
            return UnsupportedCall(Peek(), "an argument this reader does not know");
          }
        }
        Next();
        e = Make(std::move(call));
      } else if (AtOp("[")) {
        return Make(Expr{.kind = Expr::Kind::kUnsupported, .text = "a subscript", .line = e->line, .column = e->column});
      } else {
        return e;
      }
    }
  }

  std::vector<Token> t_;
  size_t i_ = 0;
};

}  // namespace

std::string Expr::DottedName() const {
  if (kind == Kind::kName) return text;
  if (kind == Kind::kCall && object) return object->DottedName();
  if (kind == Kind::kAttribute && object) {
    std::string left = object->kind == Kind::kCall ? "" : object->DottedName();
    return left.empty() ? "" : left + "." + text;
  }
  return "";
}

const Expr* Expr::Keyword(const std::string& name) const {
  for (const auto& [key, value] : keywords) {
    if (key == name) return value.get();
  }
  return nullptr;
}

Module Parse(const std::string& text, const std::string& path) {
  Lexer lexer(text, path);
  Parser parser(lexer.Run());
  Module m;
  m.body = parser.ParseBlock();
  if (!m.body.empty() && m.body.front().kind == Statement::Kind::kExpr && m.body.front().value &&
      m.body.front().value->kind == Expr::Kind::kString) {
    m.docstring = m.body.front().value->text;
    m.body.erase(m.body.begin());
  }
  return m;
}

}  // namespace retort::format::python
