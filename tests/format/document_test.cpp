// The YAML reader: what each text reads as (the document written back in a
// compact form, each node with its line:column), and what each bad text is
// refused with, at which line and column.
#include <gtest/gtest.h>

#include "format/document.h"
#include "format/file.h"
#include "retort/error.h"

#include <utility>

namespace retort::format {
namespace {

// A node as "<line>:<column>" and its value: "~" null, 'text' (plain) or
// "text" (quoted), [items], {key=value}.
std::string Dump(const Node& n) {
  std::string at = std::to_string(n.line()) + ":" + std::to_string(n.column()) + " ";
  if (n.IsNull()) return at + "~";
  if (n.IsScalar()) {
    const char q = n.style() == ScalarStyle::kPlain ? '\'' : '"';
    return at + q + n.Scalar() + q;
  }
  std::string out = at + (n.IsMap() ? "{" : "[");
  bool first = true;
  if (n.IsMap()) {
    for (const Node::Entry& e : n.entries()) {
      out += (first ? "" : ", ") + e.first.Scalar() + "=" + Dump(e.second);
      first = false;
    }
    return out + "}";
  }
  for (const Node item : n) {
    out += (first ? "" : ", ") + Dump(item);
    first = false;
  }
  return out + "]";
}

struct Reads {
  std::string text;
  std::string dump;
};

class ReadsAs : public ::testing::TestWithParam<Reads> {};

TEST_P(ReadsAs, Document) {
  Document doc = ParseYaml(GetParam().text, "t.yaml");
  EXPECT_EQ(Dump(doc.root()), GetParam().dump) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    Texts, ReadsAs,
    ::testing::Values(
        Reads{"", "0:0 ~"},
        Reads{"# only a comment\n", "0:0 ~"},
        Reads{"a: 1\nb:\n  - x\n  - 'y'\n", "1:1 {a=1:4 '1', b=3:3 [3:5 'x', 4:5 \"y\"]}"},
        // Null is a plain scalar that says so, never a quoted one.
        Reads{"[~, null, Null, NULL, 'null', nul, !!str null]",
              "1:1 [1:2 ~, 1:5 ~, 1:11 ~, 1:17 ~, 1:23 \"null\", 1:31 'nul', 1:36 'null']"},
        Reads{"a:\nb: ~\n", "1:1 {a=1:3 ~, b=2:4 ~}"},
        Reads{"s: |\n  two\n  lines\nf: >-\n  folded\n  text\n",
              "1:1 {s=1:4 \"two\nlines\n\", f=4:4 \"folded text\"}"},
        Reads{"e: \"tab\\there \\u00e9 \\x41\"\n", "1:1 {e=1:4 \"tab\there \xC3\xA9 A\"}"},
        Reads{"q: 'it''s'\n", "1:1 {q=1:4 \"it's\"}"},
        // Aliases share the anchored node, at its place.
        Reads{"a: &x {k: v}\nb: *x\n", "1:1 {a=1:4 {k=1:11 'v'}, b=1:4 {k=1:11 'v'}}"},
        Reads{"\xEF\xBB\xBF---\nk: v\n...\n", "2:1 {k=2:4 'v'}"},
        Reads{"%YAML 1.2\n---\nk: v\n", "3:1 {k=3:4 'v'}"},
        // Columns count characters, not bytes.
        Reads{"\xC3\xBC: [\xC3\xA9, b]\n", "1:1 {\xC3\xBC=1:4 [1:5 '\xC3\xA9', 1:8 'b']}"}));

struct Refused {
  std::string text;
  std::string error;  // what the message starts with, after "t.yaml:"
};

class RefusedWith : public ::testing::TestWithParam<Refused> {};

TEST_P(RefusedWith, OneClearError) {
  try {
    ParseYaml(GetParam().text, "t.yaml");
    FAIL() << "read: " << GetParam().text;
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInput);
    EXPECT_EQ(std::string(e.what()).substr(0, 7 + GetParam().error.size()), "t.yaml:" + GetParam().error)
        << e.what();
  }
}

std::string ManyKeys(int n, const std::string& repeat) {
  std::string out;
  for (int i = 0; i < n; ++i) out += "k" + std::to_string(i) + ": v\n";
  return out + repeat + ": again\n";
}

std::string Laughs() {
  std::string out = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 9; ++i) {
    out += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) out += (k ? ", *a" : "*a") + std::to_string(i - 1);
    out += "]\n";
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(
    Texts, RefusedWith,
    ::testing::Values(
        Refused{"a: 1\nb: 2\na: 3\n", "3:1: duplicate key 'a' (first at line 1, column 1)"},
        Refused{ManyKeys(40, "k17"), "41:1: duplicate key 'k17' (first at line 18, column 1)"},
        Refused{"{a: 1, 'a': 2}", "1:8: duplicate key 'a' (first at line 1, column 2)"},
        Refused{"x: &k a\n*k : 2\na: 3\n", "3:1: duplicate key 'a' (first at line 1, column 4)"},
        Refused{"a: 1\nx: &k a\n*k : 2\n", "3:1: duplicate key 'a' (first at line 1, column 1)"},
        Refused{"? [a, b]\n: c\n", "1:3: malformed YAML: a map key must be a plain name"},
        Refused{"~: c\n", "1:1: malformed YAML: a map key must be a plain name"},
        Refused{"a: *nowhere\n", "1:4: malformed YAML: the alias '*nowhere' names no anchor before it"},
        Refused{"a: &x [*x]\n", "1:8: malformed YAML: the alias '*x' names no anchor before it"},
        Refused{Laughs(), "4:5: malformed YAML: aliases expand this document past 16 values"},
        Refused{"a: \"x\\0y\"\n", "1:4: malformed YAML: a NUL character"},
        Refused{"a: \"x\\u0000\"\n", "1:4: malformed YAML: a NUL character"},
        Refused{std::string("a: x\0y\n", 7), "1:5: malformed YAML: a NUL byte"},
        Refused{"a: \"never\nb: c\n", "1:4: malformed YAML: the quoted text starting here is never closed"},
        Refused{"a: [1, 2\n", "2:1: malformed YAML: the file ends inside the '[' at line 1, column 4"},
        Refused{"a: {b: 1\n", "2:1: malformed YAML: the file ends inside the '{' at line 1, column 4"},
        Refused{"a: b: c\n", "1:5: malformed YAML: mapping values are not allowed in this context"},
        Refused{"a: \x01\n", "1:4: malformed YAML: control characters are not allowed"},
        Refused{"a: 1\n---\nb: 2\n", "2:1: malformed YAML: a second document (after '---')"},
        Refused{", a\n", "1:1: malformed YAML: a document cannot start with ','"},
        Refused{"%YAML 2.0\n---\na: 1\n", "1:1: malformed YAML: found incompatible YAML document"}));

TEST(Document, AliasesOfLongTextCountItsLength) {
  // Few nodes, but each alias copies 64 KiB wherever it is read.
  std::string text = "a: &m \"" + std::string(65536, 'x') + "\"\nb: [";
  for (int i = 0; i < 40; ++i) text += (i ? ", *m" : "*m");
  try {
    ParseYaml(text + "]\n", "t.yaml");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("aliases expand this document"), std::string::npos)
        << e.what();
  }
  EXPECT_NO_THROW(ParseYaml("a: &m \"" + std::string(65536, 'x') + "\"\nb: [*m, *m]\n", "t.yaml"));
}

TEST(Document, NeverClosedAfterTextThatIsNotAscii) {
  try {
    ParseYaml("\xEF\xBB\xBF# \xC3\xA9\xC3\xA9\na: \"\xC3\xA9 never\n", "t.yaml");
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "t.yaml:2:4: malformed YAML: the quoted text starting here is never closed");
  }
}

TEST(Document, LaughsAreRefusedForTheirSize) {
  try {
    ParseYaml(Laughs(), "t.yaml");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("aliases expand this document past 16 values per byte"),
              std::string::npos)
        << e.what();
  }
}

TEST(File, ReadingWhatIsNoFileSaysWhy) {
  for (const auto& [path, why] : {std::pair<std::string, std::string>{"/", "a directory"},
                                  {"/nonexistent/x.yaml", "No such file or directory"}}) {
    try {
      File(path).Load();
      FAIL() << path;
    } catch (const Error& e) {
      EXPECT_EQ(e.message(), "cannot read file: " + why) << path;
      EXPECT_EQ(e.where().file, path);
    }
  }
}

TEST(File, BooleansAsYamlTakesThem) {
  Document doc = ParseYaml(
      "[{v: true}, {v: 'Yes'}, {v: ON}, {v: y}, {v: False}, {v: no}, {v: OFF}, {v: n}, "
      "{v: TRue}, {v: 1}, {v: ''}, {v: [true]}]",
      "t.yaml");
  File file("t.yaml");
  std::vector<std::string> got;
  for (const Node item : doc.root()) {
    try {
      got.push_back(file.OptBool(item, "v").value() ? "true" : "false");
    } catch (const Error&) {
      got.push_back("error");
    }
  }
  EXPECT_EQ(got, (std::vector<std::string>{"true", "true", "true", "true", "false", "false",
                                           "false", "false", "error", "error", "error", "error"}));
}

}  // namespace
}  // namespace retort::format
