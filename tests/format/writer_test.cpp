// The YAML writer against yaml-cpp's emitter, which wrote every script and
// checksum before it: the same scalars and the same layout, byte for byte,
// except where yaml-cpp's text does not read back as what it was given
// (then the writer double-quotes). And everything written reads back.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <random>

#include "format/document.h"
#include "format/writer.h"

namespace retort::format {
namespace {

// What reading `text` as the value of a one-key map gives ("" and false
// when it does not read as a scalar).
std::pair<std::string, bool> ReadBack(const std::string& doc, bool flow) {
  try {
    Document d = ParseYaml(doc, "t.yaml");
    Node v = flow ? d.root()[0] : d.root()["k"];
    return {v.Scalar(), v.IsScalar()};
  } catch (const std::exception&) {
    return {"", false};
  }
}

// Text with what yaml-cpp wrote as is and a reader takes for a line break
// (a lone CR, NEL, U+2028, U+2029) or refuses (DEL, and a ':' first in
// flow context): written differently, so that it reads back.
bool Breaks(const std::string& s, bool flow) {
  if (flow && s.starts_with(":")) return true;
  for (const char* c : {"\r", "\x7f", "\xC2\x85", "\xE2\x80\xA8", "\xE2\x80\xA9"}) {
    if (s.find(c) != std::string::npos) return true;
  }
  return false;
}

std::string YamlCppScalar(const std::string& s, bool flow) {
  YAML::Emitter out;
  if (flow) {
    out << YAML::Flow << YAML::BeginSeq << s << YAML::EndSeq;
    std::string t = out.c_str();
    return t.substr(1, t.size() - 2);
  }
  out << YAML::BeginMap << YAML::Key << "k" << YAML::Value << s << YAML::EndMap;
  return std::string(out.c_str()).substr(3);
}

std::vector<std::string> Corpus() {
  const std::vector<std::string> alphabet = {
      " ", "\t", "\n", "\r", ":", "-", "?", "#", ",", "[", "]", "{", "}", "&", "*", "!", "|",
      ">", "'", "\"", "%", "@", "`", "a", "~", "\\", "\x7f", "\x01", "\xC2\x85", "\xC2\xA0",
      "\xC3\xA9", "\xEF\xBB\xBF", "\xE2\x80\xA8", "\xE2\x80\xA9", ".", "0", "=", "/", "\xF0\x9F\x98\x80"};
  std::vector<std::string> out = {"", "null", "Null", "NULL", "~", "true", "yes", "no", "0x1F",
                                  "1e3", "010", "-1", "a b", "a  b", "a #b", "a# b", "a:b",
                                  "a: b", "http://x", "---", "...", "- a", "? a", ": a",
                                  "<<", "=", "a\r\nb", std::string(300, 'x')};
  for (const std::string& a : alphabet) {
    out.push_back(a);
    for (const std::string& b : alphabet) {
      out.push_back(a + b);
      out.push_back("x" + a + b);
      out.push_back(a + b + "x");
      out.push_back("x" + a + "x" + b);
    }
  }
  std::mt19937 random(7);
  for (int i = 0; i < 3000; ++i) {
    std::string s;
    for (int n = random() % 6; n >= 0; --n) s += alphabet[random() % alphabet.size()];
    out.push_back(s);
  }
  return out;
}

TEST(Writer, ScalarsAsYamlCppWroteThemAndTheyReadBack) {
  int differ = 0;
  for (const std::string& s : Corpus()) {
    for (bool flow : {false, true}) {
      const std::string ours = YamlScalar(s, flow);
      const std::string doc = flow ? "[" + ours + "]" : "k: " + ours;
      EXPECT_EQ(ReadBack(doc, flow), std::make_pair(s, true)) << "written: " << doc;
      const std::string theirs = YamlCppScalar(s, flow);
      const std::string their_doc = flow ? "[" + theirs + "]" : "k: " + theirs;
      if (!Breaks(s, flow)) {
        EXPECT_EQ(ours, theirs) << (flow ? "flow" : "block");
        EXPECT_EQ(ReadBack(their_doc, flow), std::make_pair(s, true)) << their_doc;
      } else if (ours != theirs) {
        EXPECT_EQ(ours, YamlDoubleQuoted(s));
        ++differ;
      }
    }
  }
  EXPECT_GT(differ, 100);  // the corpus holds such text
}

// Drives both emitters with the same random shapes: block maps and lists
// as scripts use them, flow maps and lists inside, scalars, booleans, null.
class Twin {
 public:
  explicit Twin(unsigned seed) : random_(seed) {
    theirs_.SetIndent(2);
    theirs_.SetNullFormat(YAML::LowerNull);
  }
  void Document() {
    theirs_ << YAML::BeginMap;
    ours_.BeginMap(false);
    for (int i = 0, n = 1 + random_() % 3; i < n; ++i) {
      KeyPart("op" + std::to_string(i), false);
      Value(3, false);
    }
    theirs_ << YAML::EndMap;
    ours_.EndMap();
  }
  std::string theirs() const { return theirs_.c_str(); }
  std::string ours() const { return ours_.text(); }

 private:
  std::string Text() {
    static const std::vector<std::string> texts = {"a", "b c", "x: y", "", "null", "it's",
                                                   "[x]", "- d", "#", "e\nf", "1"};
    return texts[random_() % texts.size()];
  }
  void KeyPart(const std::string& key, bool flow) {
    theirs_ << YAML::Key << key << YAML::Value;
    ours_.Key(key);
  }
  void Value(int depth, bool flow) {
    int kind = random_() % (depth > 0 ? 8 : 4);
    if (flow && kind >= 6) kind -= 2;
    switch (kind) {
      case 0: {
        std::string t = Text();
        theirs_ << t;
        ours_.Scalar(t);
        break;
      }
      case 1: {
        bool b = random_() % 2;
        theirs_ << b;
        ours_.Bool(b);
        break;
      }
      case 2:
        theirs_ << YAML::Null;
        ours_.Null();
        break;
      case 3: {
        std::string t = Text();
        theirs_ << YAML::DoubleQuoted << t;
        ours_.Scalar(t, true);
        break;
      }
      case 4:
      case 6: {  // a map: flow (4) or block (6)
        const bool f = flow || kind == 4;
        if (f) theirs_ << YAML::Flow;
        theirs_ << YAML::BeginMap;
        ours_.BeginMap(f);
        for (int i = 0, n = random_() % 3; i < n; ++i) {
          KeyPart("k" + std::to_string(i), f);
          Value(depth - 1, f);
        }
        theirs_ << YAML::EndMap;
        ours_.EndMap();
        break;
      }
      case 5:
      case 7: {  // a list: flow (5) or block (7), whose items are no lists
        const bool f = flow || kind == 5;
        if (f) theirs_ << YAML::Flow;
        theirs_ << YAML::BeginSeq;
        ours_.BeginSeq(f);
        for (int i = 0, n = random_() % 3; i < n; ++i) {
          if (f) {
            Value(depth - 1, true);
          } else if (random_() % 2) {
            theirs_ << YAML::BeginMap;
            ours_.BeginMap(false);
            for (int k = 0, m = 1 + random_() % 2; k < m; ++k) {
              KeyPart("i" + std::to_string(k), false);
              Value(depth - 1, false);
            }
            theirs_ << YAML::EndMap;
            ours_.EndMap();
          } else {
            Value(0, false);
          }
        }
        theirs_ << YAML::EndSeq;
        ours_.EndSeq();
        break;
      }
    }
  }

  std::mt19937 random_;
  YAML::Emitter theirs_;
  Writer ours_;
};

TEST(Writer, LayoutAsYamlCppWroteIt) {
  for (unsigned seed = 0; seed < 3000; ++seed) {
    Twin twin(seed);
    twin.Document();
    ASSERT_EQ(twin.ours(), twin.theirs()) << "seed " << seed;
    EXPECT_NO_THROW(ParseYaml(twin.ours(), "t.yaml")) << twin.ours();
  }
}

}  // namespace
}  // namespace retort::format

namespace retort::format {
namespace {

// A literal block reads back as the text it was given, whatever the text:
// where a block cannot hold it, it is double-quoted instead.
TEST(WriterLiteral, ReadsBackAsGiven) {
  const std::vector<std::string> texts = {
      "SELECT a,\n    b\n   FROM t",   "RETURNS int\n LANGUAGE sql\nAS $$ SELECT 1 $$\n",
      "a\n\nb",                         "a\n\n\nb\n",
      " leading\nblank",                "trailing \nblank",
      "two breaks at the end\n\n",      "tab\n\tinside",
      "cr\r\nlf",                       "# not a comment\n- not a list\nkey: not a map",
      "quote \"x\" and 'y'\n|>",        "\xC2\x85nel\nx",
      "one line",                       "\nstarts with a break",
      "\n  indented after a break",       "\n\n\tx\ny",
  };
  for (const std::string& text : texts) {
    Writer w;
    w.BeginMap(false);
    w.Key("outer");
    w.BeginMap(false);
    w.Key("k");
    w.Literal(text);
    w.Key("after");
    w.Scalar("x");
    w.EndMap();
    w.EndMap();
    Document d = ParseYaml(w.text(), "t.yaml");
    EXPECT_EQ(d.root()["outer"]["k"].Scalar(), text) << w.text();
    EXPECT_EQ(d.root()["outer"]["after"].Scalar(), "x") << w.text();
  }
  Writer w;
  w.BeginMap(false);
  w.Key("k");
  w.Literal("a\n  b\n");
  w.EndMap();
  EXPECT_EQ(w.text(), "k: |\n  a\n    b");
}

}  // namespace
}  // namespace retort::format
