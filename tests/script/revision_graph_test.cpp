// Unit tests of the revision graph. Expected plans, version-table rows,
// stamps and history ranges were observed with Alembic 1.8.1 on the same
// graphs (revision files written by hand, sqlite, `alembic upgrade ...`,
// then the alembic_version table); cases marked "Alembic:" are where we
// deliberately differ, as commented in revision_graph.cpp.
#include "script/revision_graph.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <functional>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace retort::script {
namespace {

// ---------------------------------------------------------------------------
// Helpers

// A graph written as "aaaa; bbbb<aaaa[L1]; cccc<bbbb,xxxx{net}": nodes in
// order, '<' down_revisions, [branch labels], {depends_on}, separated by
// ';'. Each node's file is "<id>.py".
std::vector<RevisionNode> Nodes(std::string_view spec) {
  auto split = [](std::string_view text, char sep) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= text.size()) {
      size_t end = text.find(sep, start);
      if (end == std::string_view::npos) end = text.size();
      std::string item(text.substr(start, end - start));
      item.erase(0, item.find_first_not_of(' '));
      item.erase(item.find_last_not_of(' ') + 1);
      if (!item.empty()) out.push_back(item);
      start = end + 1;
    }
    return out;
  };
  std::vector<RevisionNode> nodes;
  for (const std::string& part : split(spec, ';')) {
    RevisionNode node;
    size_t end = part.find_first_of("<[{");
    node.id = part.substr(0, end);
    auto section = [&](char open, char close) {
      size_t at = part.find(open);
      if (at == std::string::npos) return std::vector<std::string>{};
      size_t stop = close == 0 ? part.find_first_of("[{", at) : part.find(close, at);
      if (stop == std::string::npos) stop = part.size();
      return split(std::string_view(part).substr(at + 1, stop - at - 1), ',');
    };
    node.down_revisions = section('<', 0);
    node.branch_labels = section('[', ']');
    node.depends_on = section('{', '}');
    node.where.file = node.id + ".py";
    nodes.push_back(node);
  }
  return nodes;
}

std::string Sorted(std::set<std::string> rows) {
  std::string out;
  for (const std::string& row : rows) out += (out.empty() ? "" : " ") + row;
  return out;
}

// Applies `steps` to the version table `rows`, checking each removal names a
// row present and each addition one absent, and renders each step as
// "+rev => rows after" (upgrade) or "-rev => rows after" (downgrade), the
// rows sorted.
std::vector<std::string> Render(const std::vector<std::string>& rows,
                                const std::vector<Step>& steps) {
  std::set<std::string> table(rows.begin(), rows.end());
  std::vector<std::string> out;
  for (const Step& step : steps) {
    for (const std::string& row : step.remove) {
      EXPECT_EQ(table.erase(row), 1u) << step.revision << " removes absent row " << row;
    }
    for (const std::string& row : step.add) {
      EXPECT_TRUE(table.insert(row).second) << step.revision << " adds present row " << row;
    }
    const bool up = step.direction == Step::Direction::kUpgrade;
    out.push_back((up ? "+" : "-") + step.revision + " => " + Sorted(table));
  }
  return out;
}

// Runs `fn`, expecting a retort::Error of `kind` whose message contains
// every one of `fragments`.
void ExpectError(const std::function<void()>& fn, ErrorKind kind,
                 const std::vector<std::string>& fragments) {
  try {
    fn();
    ADD_FAILURE() << "no error thrown";
  } catch (const Error& e) {
    EXPECT_EQ(static_cast<int>(e.kind()), static_cast<int>(kind)) << e.what();
    for (const std::string& fragment : fragments) {
      EXPECT_NE(e.message().find(fragment), std::string::npos)
          << "'" << fragment << "' not in: " << e.message();
    }
  }
}

std::string TestName(std::string text) {
  std::string out;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out += c;
    } else if (c == '+') {
      out += "Plus";
    } else if (c == '-') {
      out += "Minus";
    } else if (c == '@') {
      out += "At";
    } else if (c == ':') {
      out += "To";
    } else {
      out += '_';
    }
  }
  return out;
}

struct Graph {
  const char* name;
  const char* spec;
};

const Graph kChain{"Chain", "aaaa; bbbb<aaaa; cccc<bbbb"};
// Two labelled branches growing from one base.
const Graph kBranches{"Branches", "aaaa; bbbb<aaaa[L1]; cccc<bbbb; xxxx<aaaa[L2]; yyyy<xxxx"};
// A branch point, then a merge.
const Graph kDiamond{"Diamond", "aaaa; bbbb<aaaa; cccc<aaaa; mmmm<bbbb,cccc; nnnn<mmmm"};
// Two roots; cccc (branch core) depends on the net branch by label.
const Graph kRoots{"Roots", "aaaa[core]; bbbb<aaaa; xxxx[net]; yyyy<xxxx; cccc<bbbb{net}"};
// depends_on naming an ancestor of the down_revision.
const Graph kDepOnAncestor{"DepOnAncestor", "aaaa; bbbb<aaaa; cccc<bbbb{aaaa}"};
// A branch whose label sits above its first revision.
const Graph kLateLabel{"LateLabel", "aaaa; bbbb<aaaa; cccc<bbbb[L]; xxxx<aaaa"};
const Graph kPrefixes{"Prefixes", "ab12; ab34<ab12; xyz<ab34; xyzw<xyz"};

// ---------------------------------------------------------------------------
// Construction

TEST(RevisionGraphTest, EmptyGraph) {
  RevisionGraph graph({});
  EXPECT_TRUE(graph.Heads().empty());
  EXPECT_TRUE(graph.Bases().empty());
  EXPECT_TRUE(graph.TopologicalOrder().empty());
  EXPECT_TRUE(graph.PlanUpgrade({}, "heads").empty());
  EXPECT_TRUE(graph.PlanUpgrade({}, "head").empty());
  EXPECT_TRUE(graph.PlanDowngrade({}, "base").empty());
  EXPECT_TRUE(graph.StampRows({}, "heads", false).empty());
  EXPECT_TRUE(graph.Range(":").empty());
}

struct BadGraphCase {
  const char* name;
  const char* spec;
  ErrorKind kind;
  std::vector<std::string> fragments;
  const char* file;  // expected Location::file, "" for any
};

void PrintTo(const BadGraphCase& c, std::ostream* os) { *os << c.spec; }

class BadGraphTest : public ::testing::TestWithParam<BadGraphCase> {};

TEST_P(BadGraphTest, Throws) {
  const BadGraphCase& c = GetParam();
  try {
    RevisionGraph graph(Nodes(c.spec));
    ADD_FAILURE() << "no error thrown";
  } catch (const Error& e) {
    EXPECT_EQ(static_cast<int>(e.kind()), static_cast<int>(c.kind)) << e.what();
    for (const std::string& fragment : c.fragments) {
      EXPECT_NE(e.message().find(fragment), std::string::npos) << e.message();
    }
    if (*c.file != '\0') {
      EXPECT_EQ(e.where().file, c.file) << e.what();
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    RevisionGraphTest, BadGraphTest,
    ::testing::Values(
        BadGraphCase{"DuplicateId",
                     "aaaa; bbbb<aaaa; aaaa",
                     ErrorKind::kDuplicateRevision,
                     {"aaaa", "aaaa.py"},
                     "aaaa.py"},
        BadGraphCase{"UnknownDownRevision",
                     "aaaa; bbbb<aaaa; cccc<zzzz",
                     ErrorKind::kUnknownRevision,
                     {"zzzz"},
                     "cccc.py"},
        // down_revisions are exact ids: no prefixes, no labels.
        BadGraphCase{"DownRevisionPrefix",
                     "aaaa1; bbbb<aaaa",
                     ErrorKind::kUnknownRevision,
                     {"aaaa"},
                     "bbbb.py"},
        BadGraphCase{"DownRevisionLabel",
                     "aaaa[L]; bbbb<L",
                     ErrorKind::kUnknownRevision,
                     {"'L'"},
                     "bbbb.py"},
        BadGraphCase{"UnknownDependency",
                     "aaaa; bbbb{nope}",
                     ErrorKind::kUnknownRevision,
                     {"depends_on", "nope"},
                     "bbbb.py"},
        BadGraphCase{"AmbiguousDependencyPrefix",
                     "ab12; ab34; cccc{ab}",
                     ErrorKind::kAmbiguousTarget,
                     {"ab12", "ab34"},
                     "cccc.py"},
        BadGraphCase{"Cycle",
                     "aaaa<cccc; bbbb<aaaa; cccc<bbbb; dddd<cccc",
                     ErrorKind::kRevisionCycle,
                     {"revision cycle: aaaa -> bbbb -> cccc -> aaaa"},
                     "aaaa.py"},
        BadGraphCase{"CycleAfterRoot",
                     "root; bbbb<root,dddd; cccc<bbbb; dddd<cccc",
                     ErrorKind::kRevisionCycle,
                     {"revision cycle: bbbb -> cccc -> dddd -> bbbb"},
                     "bbbb.py"},
        BadGraphCase{
            "SelfLoop", "aaaa; bbbb<bbbb", ErrorKind::kRevisionCycle, {"bbbb -> bbbb"}, "bbbb.py"},
        BadGraphCase{"DependencyCycle",
                     "aaaa{cccc}; bbbb<aaaa; cccc<bbbb",
                     ErrorKind::kRevisionCycle,
                     {"aaaa -> bbbb -> cccc -> aaaa"},
                     "aaaa.py"},
        BadGraphCase{"DependencySelfLoop",
                     "aaaa{aaaa}",
                     ErrorKind::kRevisionCycle,
                     {"aaaa -> aaaa"},
                     "aaaa.py"},
        BadGraphCase{"LabelUsedTwice",
                     "aaaa[L]; bbbb<aaaa[L]",
                     ErrorKind::kInput,
                     {"'L'", "aaaa"},
                     "bbbb.py"},
        BadGraphCase{"LabelTwiceOnOneRevision", "aaaa[L,L]", ErrorKind::kInput, {"'L'"}, "aaaa.py"},
        BadGraphCase{
            "LabelIsAnId", "aaaa; bbbb<aaaa[aaaa]", ErrorKind::kInput, {"aaaa"}, "bbbb.py"},
        BadGraphCase{"IdWithMinus", "ab-c", ErrorKind::kInput, {"ab-c"}, "ab-c.py"},
        BadGraphCase{"IdWithPlus", "ab+c", ErrorKind::kInput, {"ab+c"}, "ab+c.py"},
        BadGraphCase{"IdWithAt", "ab@c", ErrorKind::kInput, {"ab@c"}, "ab@c.py"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(RevisionGraphTest, ErrorLocationNamesTheRevision) {
  try {
    RevisionGraph graph(Nodes("aaaa; bbbb<zzzz"));
    FAIL() << "no error thrown";
  } catch (const Error& e) {
    EXPECT_EQ(e.where().revision, "bbbb");
    EXPECT_NE(std::string(e.what()).find("bbbb.py"), std::string::npos) << e.what();
  }
}

TEST(RevisionGraphTest, DependenciesMayBeIdsPrefixesOrLabels) {
  RevisionGraph graph(Nodes("root1; side1[side]; abcd1; xxxx<root1{side,abcd,root1}"));
  EXPECT_EQ(graph.Ancestors({"xxxx"}),
            (std::vector<std::string>{"root1", "side1", "abcd1", "xxxx"}));
  // Heads and bases only follow down_revisions.
  EXPECT_EQ(graph.Heads(), (std::vector<std::string>{"side1", "abcd1", "xxxx"}));
  EXPECT_EQ(graph.Bases(), (std::vector<std::string>{"root1", "side1", "abcd1"}));
}

// ---------------------------------------------------------------------------
// Structure

TEST(RevisionGraphTest, Structure) {
  RevisionGraph branches(Nodes(kBranches.spec));
  EXPECT_EQ(branches.Heads(), (std::vector<std::string>{"cccc", "yyyy"}));
  EXPECT_EQ(branches.Bases(), (std::vector<std::string>{"aaaa"}));
  EXPECT_EQ(branches.BranchPoints(), (std::vector<std::string>{"aaaa"}));
  EXPECT_TRUE(branches.MergePoints().empty());

  RevisionGraph diamond(Nodes(kDiamond.spec));
  EXPECT_EQ(diamond.Heads(), (std::vector<std::string>{"nnnn"}));
  EXPECT_EQ(diamond.BranchPoints(), (std::vector<std::string>{"aaaa"}));
  EXPECT_EQ(diamond.MergePoints(), (std::vector<std::string>{"mmmm"}));

  RevisionGraph roots(Nodes(kRoots.spec));
  // xxxx is needed by cccc but no down_revision names it: not a branch point.
  EXPECT_EQ(roots.Heads(), (std::vector<std::string>{"yyyy", "cccc"}));
  EXPECT_EQ(roots.Bases(), (std::vector<std::string>{"aaaa", "xxxx"}));
  EXPECT_TRUE(roots.BranchPoints().empty());
  EXPECT_EQ(roots.nodes().size(), 5u);
  ASSERT_NE(roots.Find("cccc"), nullptr);
  EXPECT_EQ(roots.Find("cccc")->where.file, "cccc.py");
  EXPECT_EQ(roots.Find("ccc"), nullptr);
  EXPECT_EQ(roots.Find("core"), nullptr);
}

TEST(RevisionGraphTest, TopologicalOrderPutsParentsFirstTiesInInputOrder) {
  EXPECT_EQ(RevisionGraph(Nodes(kRoots.spec)).TopologicalOrder(),
            (std::vector<std::string>{"aaaa", "bbbb", "xxxx", "yyyy", "cccc"}));
  EXPECT_EQ(RevisionGraph(Nodes(kDiamond.spec)).TopologicalOrder(),
            (std::vector<std::string>{"aaaa", "bbbb", "cccc", "mmmm", "nnnn"}));
  // Children listed before their parents still come after them.
  EXPECT_EQ(RevisionGraph(Nodes("cccc<bbbb; zzzz; bbbb<aaaa{zzzz}; aaaa")).TopologicalOrder(),
            (std::vector<std::string>{"zzzz", "aaaa", "bbbb", "cccc"}));
}

TEST(RevisionGraphTest, Ancestors) {
  RevisionGraph graph(Nodes(kRoots.spec));
  EXPECT_EQ(graph.Ancestors({"cccc"}), (std::vector<std::string>{"aaaa", "bbbb", "xxxx", "cccc"}));
  EXPECT_EQ(graph.Ancestors({"bbbb", "yyyy"}),
            (std::vector<std::string>{"aaaa", "bbbb", "xxxx", "yyyy"}));
  EXPECT_EQ(graph.Ancestors({"net"}), (std::vector<std::string>{"xxxx"}));
  EXPECT_TRUE(graph.Ancestors({}).empty());
  ExpectError([&] { graph.Ancestors({"zzzz"}); }, ErrorKind::kUnknownRevision, {"zzzz"});
}

TEST(RevisionGraphTest, Resolve) {
  RevisionGraph graph(Nodes("ab12[first]; ab34<ab12; xyz<ab34; xyzw<xyz"));
  EXPECT_EQ(graph.Resolve("ab12").id, "ab12");
  EXPECT_EQ(graph.Resolve("first").id, "ab12");
  EXPECT_EQ(graph.Resolve("ab3").id, "ab34");
  EXPECT_EQ(graph.Resolve("xyz").id, "xyz");  // exact id beats prefix
  // As in Alembic: a prefix of any length, but only ids longer than three
  // characters are prefix-matched; so "x" and "xy" mean xyzw, never xyz.
  EXPECT_EQ(graph.Resolve("x").id, "xyzw");
  EXPECT_EQ(graph.Resolve("xy").id, "xyzw");
  ExpectError([&] { graph.Resolve("ab"); }, ErrorKind::kAmbiguousTarget, {"'ab'", "ab12, ab34"});
  ExpectError([&] { graph.Resolve("a"); }, ErrorKind::kAmbiguousTarget, {"ab12, ab34"});
  ExpectError([&] { graph.Resolve("zz"); }, ErrorKind::kUnknownRevision, {"'zz'"});
  ExpectError([&] { graph.Resolve(""); }, ErrorKind::kUnknownRevision, {});
  // Branch labels are matched whole (Alembic also prefix-matches them).
  ExpectError([&] { graph.Resolve("firs"); }, ErrorKind::kUnknownRevision, {"firs"});
}

// ---------------------------------------------------------------------------
// Upgrade and downgrade plans

struct PlanCase {
  Graph graph;
  std::vector<std::string> rows;
  const char* op;  // "upgrade" or "downgrade"
  const char* target;
  std::vector<std::string> steps;  // as Render() shows them
};

void PrintTo(const PlanCase& c, std::ostream* os) {
  *os << c.graph.name << " " << c.op << " " << c.target << " from {";
  for (const std::string& row : c.rows) *os << " " << row;
  *os << " }";
}

class PlanTest : public ::testing::TestWithParam<PlanCase> {};

TEST_P(PlanTest, StepsAndRows) {
  const PlanCase& c = GetParam();
  RevisionGraph graph(Nodes(c.graph.spec));
  const bool up = std::string_view(c.op) == "upgrade";
  std::vector<Step> steps =
      up ? graph.PlanUpgrade(c.rows, c.target) : graph.PlanDowngrade(c.rows, c.target);
  for (const Step& step : steps) {
    EXPECT_EQ(step.direction, up ? Step::Direction::kUpgrade : Step::Direction::kDowngrade);
  }
  EXPECT_EQ(Render(c.rows, steps), c.steps);
}

// clang-format off
const PlanCase kPlanCases[] = {
    // A chain.
    {kChain, {}, "upgrade", "heads", {"+aaaa => aaaa", "+bbbb => bbbb", "+cccc => cccc"}},
    {kChain, {}, "upgrade", "head", {"+aaaa => aaaa", "+bbbb => bbbb", "+cccc => cccc"}},
    {kChain, {}, "upgrade", "bbbb", {"+aaaa => aaaa", "+bbbb => bbbb"}},
    {kChain, {"aaaa"}, "upgrade", "+1", {"+bbbb => bbbb"}},
    {kChain, {}, "upgrade", "+2", {"+aaaa => aaaa", "+bbbb => bbbb"}},
    {kChain, {}, "upgrade", "bbbb+1", {"+aaaa => aaaa", "+bbbb => bbbb", "+cccc => cccc"}},
    {kChain, {}, "upgrade", "head-1", {"+aaaa => aaaa", "+bbbb => bbbb"}},
    {kChain, {}, "upgrade", "base+1", {"+aaaa => aaaa"}},
    {kChain, {"cccc"}, "upgrade", "cccc", {}},
    {kChain, {"cccc"}, "upgrade", "heads", {}},
    {kChain, {}, "upgrade", "base", {}},
    {kChain, {"aaaa"}, "upgrade", "bbb", {"+bbbb => bbbb"}},
    {kChain, {"aaaa"}, "upgrade", "aaaa+2", {"+bbbb => bbbb", "+cccc => cccc"}},
    {kChain, {"cccc"}, "downgrade", "base", {"-cccc => bbbb", "-bbbb => aaaa", "-aaaa => "}},
    {kChain, {"cccc"}, "downgrade", "-1", {"-cccc => bbbb"}},
    {kChain, {"cccc"}, "downgrade", "-2", {"-cccc => bbbb", "-bbbb => aaaa"}},
    {kChain, {"cccc"}, "downgrade", "-3", {"-cccc => bbbb", "-bbbb => aaaa", "-aaaa => "}},
    {kChain, {"cccc"}, "downgrade", "aaaa", {"-cccc => bbbb", "-bbbb => aaaa"}},
    {kChain, {"cccc"}, "downgrade", "cccc-2", {"-cccc => bbbb", "-bbbb => aaaa"}},
    {kChain, {"cccc"}, "downgrade", "head-1", {"-cccc => bbbb"}},
    {kChain, {"cccc"}, "downgrade", "base+1", {"-cccc => bbbb", "-bbbb => aaaa"}},
    {kChain, {"cccc"}, "downgrade", "cccc", {}},
    {kChain, {}, "downgrade", "base", {}},

    // Two labelled branches from one base: a branch point adds a row.
    {kBranches, {}, "upgrade", "heads",
     {"+aaaa => aaaa", "+xxxx => xxxx", "+yyyy => yyyy", "+bbbb => bbbb yyyy",
      "+cccc => cccc yyyy"}},
    {kBranches, {}, "upgrade", "L1@head", {"+aaaa => aaaa", "+bbbb => bbbb", "+cccc => cccc"}},
    {kBranches, {"bbbb"}, "upgrade", "L2@+1", {"+xxxx => bbbb xxxx"}},
    {kBranches, {}, "upgrade", "L1@+1", {"+aaaa => aaaa"}},
    {kBranches, {}, "upgrade", "L2@base+2", {"+aaaa => aaaa", "+xxxx => xxxx"}},
    {kBranches, {}, "upgrade", "yyyy-1", {"+aaaa => aaaa", "+xxxx => xxxx"}},
    {kBranches, {"cccc"}, "upgrade", "L2@head", {"+xxxx => cccc xxxx", "+yyyy => cccc yyyy"}},
    {kBranches, {"cccc", "xxxx"}, "upgrade", "L2@+1", {"+yyyy => cccc yyyy"}},
    {kBranches, {}, "upgrade", "L2@heads", {"+aaaa => aaaa", "+xxxx => xxxx", "+yyyy => yyyy"}},
    {kBranches, {}, "upgrade", "L2@yyyy", {"+aaaa => aaaa", "+xxxx => xxxx", "+yyyy => yyyy"}},
    {kBranches, {"cccc", "yyyy"}, "upgrade", "heads", {}},
    {kBranches, {"cccc"}, "upgrade", "L2@base", {}},
    {kBranches, {"cccc", "xxxx"}, "downgrade", "L2@-1", {"-xxxx => cccc"}},
    {kBranches, {"cccc", "xxxx"}, "downgrade", "L1@-1", {"-cccc => bbbb xxxx"}},
    {kBranches, {"cccc", "yyyy"}, "downgrade", "aaaa",
     {"-cccc => bbbb yyyy", "-bbbb => yyyy", "-yyyy => xxxx", "-xxxx => aaaa"}},
    {kBranches, {"cccc", "yyyy"}, "downgrade", "L1@aaaa", {"-cccc => bbbb yyyy", "-bbbb => yyyy"}},
    {kBranches, {"cccc", "yyyy"}, "downgrade", "base",
     {"-cccc => bbbb yyyy", "-bbbb => yyyy", "-yyyy => xxxx", "-xxxx => aaaa", "-aaaa => "}},
    // Alembic: label@base over a shared base takes every branch down.
    {kBranches, {"cccc", "yyyy"}, "downgrade", "L1@base", {"-cccc => bbbb yyyy", "-bbbb => yyyy"}},
    {kBranches, {"cccc", "yyyy"}, "downgrade", "L2@base", {"-yyyy => cccc xxxx", "-xxxx => cccc"}},
    {kBranches, {"cccc", "yyyy"}, "downgrade", "cccc-1", {"-cccc => bbbb yyyy"}},
    {kBranches, {"cccc", "yyyy"}, "downgrade", "bbbb", {"-cccc => bbbb yyyy"}},
    {kBranches, {"cccc", "yyyy"}, "downgrade", "L2@-2", {"-yyyy => cccc xxxx", "-xxxx => cccc"}},
    {kBranches, {"cccc", "yyyy"}, "downgrade", "yyyy", {}},
    // A label above the start of its branch still names the whole branch.
    {kLateLabel, {"cccc", "xxxx"}, "downgrade", "L@base", {"-cccc => bbbb xxxx", "-bbbb => xxxx"}},

    // A merge collapses rows; undoing it restores them.
    {kDiamond, {}, "upgrade", "heads",
     {"+aaaa => aaaa", "+cccc => cccc", "+bbbb => bbbb cccc", "+mmmm => mmmm", "+nnnn => nnnn"}},
    {kDiamond, {"bbbb"}, "upgrade", "mmmm", {"+cccc => bbbb cccc", "+mmmm => mmmm"}},
    {kDiamond, {"cccc"}, "upgrade", "bbbb", {"+bbbb => bbbb cccc"}},
    {kDiamond, {"bbbb", "cccc"}, "upgrade", "mmmm+1", {"+mmmm => mmmm", "+nnnn => nnnn"}},
    {kDiamond, {"nnnn"}, "downgrade", "-1", {"-nnnn => mmmm"}},
    {kDiamond, {"mmmm"}, "downgrade", "aaaa",
     {"-mmmm => bbbb cccc", "-bbbb => cccc", "-cccc => aaaa"}},
    {kDiamond, {"mmmm"}, "downgrade", "bbbb", {"-mmmm => bbbb cccc"}},
    {kDiamond, {"nnnn"}, "downgrade", "base",
     {"-nnnn => mmmm", "-mmmm => bbbb cccc", "-bbbb => cccc", "-cccc => aaaa", "-aaaa => "}},

    // depends_on across roots: applying cccc does remove the dependency's row
    // when it is one (Alembic merges it like a down_revision).
    {kRoots, {}, "upgrade", "heads",
     {"+xxxx => xxxx", "+aaaa => aaaa xxxx", "+bbbb => bbbb xxxx", "+cccc => cccc",
      "+yyyy => cccc yyyy"}},
    {kRoots, {"bbbb", "xxxx"}, "upgrade", "cccc", {"+cccc => cccc"}},
    {kRoots, {"bbbb", "yyyy"}, "upgrade", "cccc", {"+cccc => cccc yyyy"}},
    {kRoots, {"bbbb"}, "upgrade", "cccc", {"+xxxx => bbbb xxxx", "+cccc => cccc"}},
    {kRoots, {}, "upgrade", "core@head",
     {"+xxxx => xxxx", "+aaaa => aaaa xxxx", "+bbbb => bbbb xxxx", "+cccc => cccc"}},
    {kRoots, {}, "upgrade", "net@head", {"+xxxx => xxxx", "+yyyy => yyyy"}},
    {kRoots, {"yyyy"}, "upgrade", "core@+2", {"+aaaa => aaaa yyyy", "+bbbb => bbbb yyyy"}},
    {kRoots, {"cccc"}, "upgrade", "net@+1", {"+yyyy => cccc yyyy"}},
    // A no-op in Alembic too: xxxx is applied, as cccc's dependency.
    {kRoots, {"cccc"}, "upgrade", "xxxx", {}},
    {kRoots, {"cccc"}, "downgrade", "-1", {"-cccc => bbbb xxxx"}},
    {kRoots, {"cccc"}, "downgrade", "net@base", {"-cccc => bbbb xxxx", "-xxxx => bbbb"}},
    {kRoots, {"cccc", "yyyy"}, "downgrade", "xxxx", {"-yyyy => cccc"}},
    // Alembic: fails ("not a valid downgrade target"); net is at xxxx already.
    {kRoots, {"cccc"}, "downgrade", "xxxx", {}},
    {kRoots, {"cccc", "yyyy"}, "downgrade", "core@base",
     {"-cccc => bbbb yyyy", "-bbbb => aaaa yyyy", "-aaaa => yyyy"}},
    {kRoots, {"cccc", "yyyy"}, "downgrade", "base",
     {"-yyyy => cccc", "-cccc => bbbb xxxx", "-bbbb => aaaa xxxx", "-aaaa => xxxx", "-xxxx => "}},
    {kRoots, {"cccc", "yyyy"}, "downgrade", "net@-1", {"-yyyy => cccc"}},

    // A dependency on an ancestor of the down_revision.
    {kDepOnAncestor, {}, "upgrade", "heads", {"+aaaa => aaaa", "+bbbb => bbbb", "+cccc => cccc"}},
    // Alembic: restores a redundant row, leaving {aaaa, bbbb}.
    {kDepOnAncestor, {"cccc"}, "downgrade", "-1", {"-cccc => bbbb"}},
    // Redundant rows (as Alembic leaves them) are dropped by the first step.
    {kDepOnAncestor, {"aaaa", "bbbb"}, "upgrade", "cccc", {"+cccc => cccc"}},
    // Alembic: warns that -1 from two rows is ambiguous; only bbbb is a head.
    {kDepOnAncestor, {"aaaa", "bbbb"}, "downgrade", "-1", {"-bbbb => aaaa"}},
    {kDepOnAncestor, {"bbbb", "aaaa"}, "downgrade", "base", {"-bbbb => aaaa", "-aaaa => "}},
};
// clang-format on

INSTANTIATE_TEST_SUITE_P(RevisionGraphTest, PlanTest, ::testing::ValuesIn(kPlanCases),
                         [](const auto& info) {
                           const PlanCase& c = info.param;
                           return std::string(c.graph.name) + "_" + c.op + "_" +
                                  TestName(c.target) + "_" + std::to_string(info.index);
                         });

TEST(RevisionGraphTest, MergeStepsCarryTheRowChanges) {
  RevisionGraph graph(Nodes(kDiamond.spec));
  std::vector<Step> up = graph.PlanUpgrade({"bbbb", "cccc"}, "mmmm");
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0].revision, "mmmm");
  EXPECT_EQ(up[0].direction, Step::Direction::kUpgrade);
  EXPECT_EQ(up[0].remove, (std::vector<std::string>{"bbbb", "cccc"}));
  EXPECT_EQ(up[0].add, (std::vector<std::string>{"mmmm"}));

  // (As in Alembic, "-1" from a merge is ambiguous: which parent?)
  std::vector<Step> down = graph.PlanDowngrade({"mmmm"}, "bbbb");
  ASSERT_EQ(down.size(), 1u);
  EXPECT_EQ(down[0].revision, "mmmm");
  EXPECT_EQ(down[0].direction, Step::Direction::kDowngrade);
  EXPECT_EQ(down[0].remove, (std::vector<std::string>{"mmmm"}));
  EXPECT_EQ(down[0].add, (std::vector<std::string>{"bbbb", "cccc"}));

  // Duplicated rows count once.
  EXPECT_EQ(Render({"mmmm"}, graph.PlanDowngrade({"mmmm", "mmmm"}, "cccc")),
            (std::vector<std::string>{"-mmmm => bbbb cccc"}));
}

// Every revision of every graph: upgrading from nothing leaves exactly it,
// and downgrading to base from there undoes everything.
TEST(RevisionGraphTest, UpgradeAnyRevisionThenDowngradeToBase) {
  for (const Graph& g : {kChain, kBranches, kDiamond, kRoots, kDepOnAncestor, kPrefixes}) {
    RevisionGraph graph(Nodes(g.spec));
    for (const RevisionNode& node : graph.nodes()) {
      SCOPED_TRACE(std::string(g.name) + " " + node.id);
      std::vector<Step> up = graph.PlanUpgrade({}, node.id);
      EXPECT_EQ(up.size(), graph.Ancestors({node.id}).size());
      std::vector<std::string> rendered = Render({}, up);
      ASSERT_FALSE(rendered.empty());
      EXPECT_EQ(rendered.back(), "+" + node.id + " => " + node.id);
      EXPECT_EQ(graph.StampRows({}, node.id, false), std::vector<std::string>{node.id});
      std::vector<Step> down = graph.PlanDowngrade({node.id}, "base");
      EXPECT_EQ(down.size(), up.size());
      rendered = Render({node.id}, down);
      EXPECT_EQ(rendered.back(), "-" + down.back().revision + " => ");
    }
  }
}

// ---------------------------------------------------------------------------
// Plan errors

struct PlanErrorCase {
  Graph graph;
  std::vector<std::string> rows;
  const char* op;
  const char* target;
  ErrorKind kind;
  std::vector<std::string> fragments;
};

void PrintTo(const PlanErrorCase& c, std::ostream* os) {
  *os << c.graph.name << " " << c.op << " " << c.target;
}

class PlanErrorTest : public ::testing::TestWithParam<PlanErrorCase> {};

TEST_P(PlanErrorTest, Throws) {
  const PlanErrorCase& c = GetParam();
  RevisionGraph graph(Nodes(c.graph.spec));
  ExpectError(
      [&] {
        if (std::string_view(c.op) == "upgrade") {
          graph.PlanUpgrade(c.rows, c.target);
        } else {
          graph.PlanDowngrade(c.rows, c.target);
        }
      },
      c.kind, c.fragments);
}

// clang-format off
const PlanErrorCase kPlanErrorCases[] = {
    // Moving the wrong way, or too far.
    {kChain, {"cccc"}, "upgrade", "-1", ErrorKind::kRangeError, {"'-1'", "downgrade"}},
    // Alembic: upgrading to a revision below the current one is a silent no-op.
    {kChain, {"cccc"}, "upgrade", "aaaa", ErrorKind::kRangeError, {"below", "cccc", "downgrade"}},
    {kChain, {"cccc"}, "upgrade", "head-1", ErrorKind::kRangeError, {"below"}},
    {kChain, {"cccc"}, "upgrade", "base", ErrorKind::kRangeError, {"below"}},
    {kBranches, {"cccc"}, "upgrade", "L1@base", ErrorKind::kRangeError, {"below", "cccc"}},
    {kChain, {"cccc"}, "upgrade", "+1", ErrorKind::kRangeError, {"1 step up", "only 0"}},
    {kChain, {}, "upgrade", "+5", ErrorKind::kRangeError, {"5 steps up from base", "only 3"}},
    {kChain, {"aaaa"}, "downgrade", "+1", ErrorKind::kRangeError, {"'+1'", "upgrade"}},
    {kChain, {"cccc"}, "downgrade", "-5", ErrorKind::kRangeError, {"5 steps down from cccc", "only 3"}},
    {kChain, {"aaaa"}, "downgrade", "cccc", ErrorKind::kRangeError, {"not below", "aaaa"}},
    {kChain, {}, "downgrade", "aaaa", ErrorKind::kRangeError, {"not applied"}},
    {kChain, {}, "downgrade", "-1", ErrorKind::kRangeError, {"nothing is applied"}},
    {kChain, {"cccc"}, "downgrade", "cccc+1", ErrorKind::kRangeError, {"only 0"}},
    // Names that resolve to nothing.
    {kChain, {}, "upgrade", "zzzz", ErrorKind::kUnknownRevision, {"'zzzz'"}},
    {kChain, {"zzzz"}, "upgrade", "heads", ErrorKind::kUnknownRevision, {"zzzz", "version table"}},
    {kChain, {"zzzz"}, "downgrade", "base", ErrorKind::kUnknownRevision, {"zzzz"}},
    // Alembic: resolves a label only when it has to, so a misspelt one can
    // pass unnoticed.
    {kChain, {"cccc"}, "downgrade", "nope@base", ErrorKind::kUnknownRevision, {"'nope'"}},
    {kChain, {}, "upgrade", "nope@head", ErrorKind::kUnknownRevision, {"'nope'"}},
    // Malformed targets.
    {kChain, {}, "upgrade", "", ErrorKind::kUsage, {}},
    {kChain, {}, "upgrade", "+0", ErrorKind::kUsage, {"'+0'"}},
    {kChain, {"cccc"}, "downgrade", "-0", ErrorKind::kUsage, {"'-0'"}},
    {kChain, {}, "upgrade", "aaaa@", ErrorKind::kUsage, {}},
    {kChain, {}, "upgrade", "@head", ErrorKind::kUsage, {}},
    {kChain, {}, "upgrade", "a@b@c", ErrorKind::kUsage, {}},
    {kChain, {}, "upgrade", "+99999999999999999999", ErrorKind::kUsage, {}},
    // Several heads, or a step that could go several ways.
    {kBranches, {}, "upgrade", "head", ErrorKind::kMultipleHeads, {"cccc, yyyy", "'heads'", "@head"}},
    {kBranches, {"cccc", "yyyy"}, "downgrade", "head", ErrorKind::kMultipleHeads, {"cccc, yyyy"}},
    {kBranches, {"aaaa"}, "upgrade", "+1", ErrorKind::kAmbiguousTarget, {"aaaa", "bbbb, xxxx"}},
    {kBranches, {}, "upgrade", "base+2", ErrorKind::kAmbiguousTarget, {"bbbb, xxxx"}},
    {kBranches, {"cccc", "xxxx"}, "upgrade", "+1", ErrorKind::kAmbiguousTarget, {"cccc, xxxx", "@+1"}},
    // Alembic: warns, then steps down from whichever row comes first.
    {kBranches, {"cccc", "yyyy"}, "downgrade", "-1", ErrorKind::kAmbiguousTarget, {"cccc, yyyy", "@-1"}},
    {kBranches, {"cccc"}, "downgrade", "L2@-1", ErrorKind::kRangeError, {"L2"}},
    {kBranches, {"cccc", "yyyy"}, "downgrade", "L1@yyyy", ErrorKind::kUnknownRevision, {"yyyy", "'L1'"}},
    {kBranches, {}, "upgrade", "L1@xxxx", ErrorKind::kUnknownRevision, {"xxxx", "'L1'"}},
    // As in Alembic: a relative step cannot cross a merge (which parent?).
    {kDiamond, {"nnnn"}, "downgrade", "-2", ErrorKind::kAmbiguousTarget, {"mmmm", "merge", "bbbb, cccc"}},
    {kDiamond, {"mmmm"}, "downgrade", "-1", ErrorKind::kAmbiguousTarget, {"mmmm", "merge"}},
    {kDiamond, {"bbbb", "cccc"}, "upgrade", "+1", ErrorKind::kAmbiguousTarget, {"bbbb, cccc"}},
    {kRoots, {"cccc"}, "upgrade", "head", ErrorKind::kMultipleHeads, {"yyyy, cccc"}},
    {kPrefixes, {}, "upgrade", "ab", ErrorKind::kAmbiguousTarget, {"ab12, ab34"}},
};
// clang-format on

INSTANTIATE_TEST_SUITE_P(RevisionGraphTest, PlanErrorTest, ::testing::ValuesIn(kPlanErrorCases),
                         [](const auto& info) {
                           const PlanErrorCase& c = info.param;
                           return std::string(c.graph.name) + "_" + c.op + "_" +
                                  TestName(c.target) + "_" + std::to_string(info.index);
                         });

// ---------------------------------------------------------------------------
// Stamp

struct StampCase {
  Graph graph;
  std::vector<std::string> rows;
  const char* target;
  bool purge;
  std::vector<std::string> expected;  // in any order
};

void PrintTo(const StampCase& c, std::ostream* os) {
  *os << c.graph.name << " stamp " << c.target << (c.purge ? " --purge" : "");
}

class StampTest : public ::testing::TestWithParam<StampCase> {};

TEST_P(StampTest, Rows) {
  const StampCase& c = GetParam();
  RevisionGraph graph(Nodes(c.graph.spec));
  std::vector<std::string> rows = graph.StampRows(c.rows, c.target, c.purge);
  std::vector<std::string> expected = c.expected;
  std::sort(rows.begin(), rows.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(rows, expected);
}

// clang-format off
const StampCase kStampCases[] = {
    {kBranches, {"cccc", "yyyy"}, "bbbb", false, {"bbbb", "yyyy"}},
    {kBranches, {"cccc", "yyyy"}, "aaaa", false, {"aaaa"}},
    {kBranches, {"cccc", "yyyy"}, "L2@base", false, {"cccc"}},
    // Alembic: drops the shared base's row as well, leaving nothing.
    {kBranches, {"aaaa"}, "L2@base", false, {"aaaa"}},
    {kBranches, {"yyyy"}, "L2@base", false, {"aaaa"}},
    {kBranches, {"cccc", "yyyy"}, "base", false, {}},
    {kBranches, {"bbbb"}, "xxxx", false, {"bbbb", "xxxx"}},
    // Alembic: leaves only {cccc}, losing the yyyy branch.
    {kBranches, {"bbbb", "yyyy"}, "heads", false, {"cccc", "yyyy"}},
    {kBranches, {"aaaa"}, "heads", false, {"cccc", "yyyy"}},
    {kBranches, {}, "heads", false, {"cccc", "yyyy"}},
    {kBranches, {"yyyy"}, "L1@head", false, {"cccc", "yyyy"}},
    {kBranches, {"cccc"}, "L2@head", false, {"cccc", "yyyy"}},
    {kBranches, {"cccc", "yyyy"}, "cccc", false, {"cccc", "yyyy"}},
    {kBranches, {"cccc", "yyyy"}, "cccc-1", false, {"bbbb", "yyyy"}},
    {kBranches, {"cccc", "yyyy"}, "aaaa-1", false, {}},
    {kBranches, {"cccc", "yyyy"}, "heads", true, {"cccc", "yyyy"}},
    {kBranches, {"cccc", "yyyy"}, "xxxx", true, {"xxxx"}},
    {kChain, {"aaaa"}, "cccc", false, {"cccc"}},
    {kChain, {"cccc"}, "aaaa", false, {"aaaa"}},
    {kChain, {"cccc"}, "head", false, {"cccc"}},
    {kChain, {"zzzz"}, "bbbb", true, {"bbbb"}},
    {kChain, {"zzzz"}, "base", true, {}},
    {kChain, {"cccc"}, "base+1", false, {"aaaa"}},
    // Alembic: also drops cccc (it depends on net), leaving nothing; we leave
    // what `downgrade net@base` leaves.
    {kRoots, {"cccc"}, "net@base", false, {"bbbb"}},
    {kRoots, {"cccc", "yyyy"}, "xxxx", false, {"xxxx"}},
    {kRoots, {"cccc", "yyyy"}, "bbbb", false, {"bbbb", "yyyy"}},
    {kRoots, {}, "heads", false, {"cccc", "yyyy"}},
    {kRoots, {"bbbb", "xxxx"}, "cccc", false, {"cccc"}},
    {kDiamond, {"bbbb", "cccc"}, "mmmm", false, {"mmmm"}},
    {kDiamond, {"mmmm"}, "cccc", false, {"cccc"}},
    {kDiamond, {"bbbb"}, "cccc", false, {"bbbb", "cccc"}},
};
// clang-format on

INSTANTIATE_TEST_SUITE_P(RevisionGraphTest, StampTest, ::testing::ValuesIn(kStampCases),
                         [](const auto& info) {
                           const StampCase& c = info.param;
                           return std::string(c.graph.name) + "_" + TestName(c.target) + "_" +
                                  std::to_string(info.index);
                         });

TEST(RevisionGraphTest, StampErrors) {
  RevisionGraph graph(Nodes(kBranches.spec));
  ExpectError([&] { graph.StampRows({}, "head", false); }, ErrorKind::kMultipleHeads,
              {"cccc, yyyy"});
  ExpectError([&] { graph.StampRows({"zzzz"}, "heads", false); }, ErrorKind::kUnknownRevision,
              {"zzzz"});
  ExpectError([&] { graph.StampRows({}, "zzzz", false); }, ErrorKind::kUnknownRevision, {"zzzz"});
  ExpectError([&] { graph.StampRows({"cccc"}, "-1", false); }, ErrorKind::kUsage, {"'-1'"});
  ExpectError([&] { graph.StampRows({}, "", false); }, ErrorKind::kUsage, {});
}

// ---------------------------------------------------------------------------
// History ranges

struct RangeCase {
  Graph graph;
  std::vector<std::string> current;
  const char* spec;
  std::vector<std::string> expected;  // newest first
};

void PrintTo(const RangeCase& c, std::ostream* os) {
  *os << c.graph.name << " history -r " << c.spec;
}

class RangeTest : public ::testing::TestWithParam<RangeCase> {};

TEST_P(RangeTest, Revisions) {
  const RangeCase& c = GetParam();
  RevisionGraph graph(Nodes(c.graph.spec));
  EXPECT_EQ(graph.Range(c.spec, c.current), c.expected);
}

// clang-format off
const RangeCase kRangeCases[] = {
    {kBranches, {}, ":", {"cccc", "bbbb", "yyyy", "xxxx", "aaaa"}},
    {kBranches, {}, "base:heads", {"cccc", "bbbb", "yyyy", "xxxx", "aaaa"}},
    {kBranches, {}, "aaaa:cccc", {"cccc", "bbbb", "aaaa"}},
    {kBranches, {}, "bbbb:", {"cccc", "bbbb"}},
    {kBranches, {}, " bbbb : ", {"cccc", "bbbb"}},
    // -N on the left steps down from each revision on the right.
    {kBranches, {}, "-1:", {"cccc", "bbbb", "yyyy", "xxxx"}},
    {kBranches, {}, "-2:cccc", {"cccc", "bbbb", "aaaa"}},
    {kBranches, {}, "cccc:+1", {"cccc"}},
    {kBranches, {}, "L2@base:L2@head", {"yyyy", "xxxx", "aaaa"}},
    {kBranches, {"bbbb"}, "current:", {"cccc", "bbbb"}},
    {kBranches, {"bbbb", "xxxx"}, ":current", {"bbbb", "xxxx", "aaaa"}},
    {kBranches, {}, ":current", {}},
    {kBranches, {}, "current:", {"cccc", "bbbb", "yyyy", "xxxx", "aaaa"}},
    {kBranches, {"cccc"}, "-1:current", {"cccc", "bbbb"}},
    {kChain, {}, ":+2", {"bbbb", "aaaa"}},
    {kChain, {"aaaa"}, "current:+1", {"bbbb", "aaaa"}},
    {kChain, {}, "bbbb:bbbb", {"bbbb"}},
    {kChain, {}, "-1:", {"cccc", "bbbb"}},
    // Relative ends stop at the ends of history (Alembic fails on -9).
    {kChain, {}, "-9:", {"cccc", "bbbb", "aaaa"}},
    {kChain, {}, "cccc:+5", {"cccc"}},
    {kChain, {}, ":head", {"cccc", "bbbb", "aaaa"}},
    {kChain, {}, "base:bbbb", {"bbbb", "aaaa"}},
    {kChain, {}, "bbbb-1:cccc", {"cccc", "bbbb", "aaaa"}},
    {kChain, {}, ":base", {}},
    {kRoots, {}, ":", {"yyyy", "cccc", "bbbb", "aaaa", "xxxx"}},
    {kRoots, {}, ":cccc", {"cccc", "bbbb", "aaaa", "xxxx"}},
    // From a revision, only what descends from it along down_revisions.
    {kRoots, {}, "xxxx:", {"yyyy", "xxxx"}},
    {kRoots, {}, "aaaa:cccc", {"cccc", "bbbb", "aaaa"}},
    {kDiamond, {}, ":", {"nnnn", "mmmm", "bbbb", "cccc", "aaaa"}},
    {kDiamond, {}, "bbbb:", {"nnnn", "mmmm", "bbbb"}},
    {kDiamond, {}, "aaaa:mmmm", {"mmmm", "bbbb", "cccc", "aaaa"}},
};
// clang-format on

INSTANTIATE_TEST_SUITE_P(RevisionGraphTest, RangeTest, ::testing::ValuesIn(kRangeCases),
                         [](const auto& info) {
                           const RangeCase& c = info.param;
                           return std::string(c.graph.name) + "_" + TestName(c.spec) + "_" +
                                  std::to_string(info.index);
                         });

TEST(RevisionGraphTest, RangeErrors) {
  RevisionGraph graph(Nodes(kBranches.spec));
  ExpectError([&] { graph.Range("aaaa"); }, ErrorKind::kUsage, {"[start]:[end]"});
  ExpectError([&] { graph.Range("a:b:c"); }, ErrorKind::kUsage, {});
  ExpectError([&] { graph.Range("+1:"); }, ErrorKind::kUsage, {});
  ExpectError([&] { graph.Range(":-1"); }, ErrorKind::kUsage, {});
  ExpectError([&] { graph.Range("-1:+1"); }, ErrorKind::kUsage, {});
  ExpectError([&] { graph.Range(":+2"); }, ErrorKind::kAmbiguousTarget, {"bbbb, xxxx"});
  ExpectError([&] { graph.Range("xxxx:cccc"); }, ErrorKind::kRangeError,
              {"xxxx", "not an ancestor", "cccc"});
  ExpectError([&] { graph.Range("zzzz:"); }, ErrorKind::kUnknownRevision, {"zzzz"});
  ExpectError([&] { graph.Range("current:", {"zzzz"}); }, ErrorKind::kUnknownRevision, {"zzzz"});
}

// ---------------------------------------------------------------------------
// Scale: long histories must stay fast and must not recurse deeply.

std::vector<RevisionNode> Chain(int length, const std::string& prefix, const std::string& root) {
  std::vector<RevisionNode> nodes;
  for (int i = 0; i < length; ++i) {
    RevisionNode node;
    node.id = prefix + std::to_string(100000 + i);
    if (i > 0) {
      node.down_revisions = {nodes.back().id};
    } else if (!root.empty()) {
      node.down_revisions = {root};
    }
    nodes.push_back(std::move(node));
  }
  return nodes;
}

double MillisecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

TEST(RevisionGraphTest, TenThousandRevisionChain) {
  std::vector<RevisionNode> nodes = Chain(10000, "r", "");
  nodes.front().branch_labels = {"trunk"};
  const std::string first = nodes.front().id;
  const std::string last = nodes.back().id;
  auto start = std::chrono::steady_clock::now();
  RevisionGraph graph(std::move(nodes));
  EXPECT_EQ(graph.Heads(), std::vector<std::string>{last});
  std::vector<Step> up = graph.PlanUpgrade({}, "heads");
  ASSERT_EQ(up.size(), 10000u);
  EXPECT_EQ(up.front().revision, first);
  EXPECT_EQ(up.back().remove, std::vector<std::string>{up[9998].revision});
  EXPECT_EQ(graph.PlanUpgrade({first}, "trunk@head").size(), 9999u);
  EXPECT_EQ(graph.PlanUpgrade({first}, "+9999").back().revision, last);
  std::vector<Step> down = graph.PlanDowngrade({last}, "base");
  ASSERT_EQ(down.size(), 10000u);
  EXPECT_EQ(down.back().revision, first);
  EXPECT_TRUE(down.back().add.empty());
  EXPECT_EQ(graph.PlanDowngrade({last}, "-5000").size(), 5000u);
  EXPECT_EQ(graph.PlanDowngrade({last}, "trunk@-10").size(), 10u);
  EXPECT_EQ(graph.Range(":").size(), 10000u);
  EXPECT_EQ(graph.Range("-100:").size(), 101u);
  EXPECT_EQ(graph.TopologicalOrder().size(), 10000u);
  EXPECT_EQ(graph.Ancestors({last}).size(), 10000u);
  EXPECT_EQ(graph.StampRows({first}, "heads", false), std::vector<std::string>{last});
  ExpectError([&] { graph.PlanDowngrade({last}, "-10001"); }, ErrorKind::kRangeError,
              {"only 10000"});
  // Generous bound: a few milliseconds in an optimised build.
  EXPECT_LT(MillisecondsSince(start), 2000.0);
}

TEST(RevisionGraphTest, TenThousandRevisionsInBranchesWithDependencies) {
  // 100 branches of 100 growing from one base; every tenth revision of a
  // branch below its head also depends on the revision at the same height
  // on the previous branch.
  std::vector<RevisionNode> nodes = {RevisionNode{"base0", {}, {}, {}, {}}};
  for (int b = 0; b < 100; ++b) {
    std::vector<RevisionNode> branch = Chain(100, "b" + std::to_string(b) + "x", "base0");
    branch.front().branch_labels = {"branch" + std::to_string(b)};
    for (int i = 9; b > 0 && i < 99; i += 10) {
      branch[i].depends_on = {"b" + std::to_string(b - 1) + "x" + std::to_string(100000 + i)};
    }
    nodes.insert(nodes.end(), branch.begin(), branch.end());
  }
  auto start = std::chrono::steady_clock::now();
  RevisionGraph graph(std::move(nodes));
  EXPECT_EQ(graph.Heads().size(), 100u);
  std::vector<Step> up = graph.PlanUpgrade({}, "heads");
  ASSERT_EQ(up.size(), 10001u);
  std::vector<std::string> rendered = Render({}, up);
  std::vector<std::string> heads = graph.StampRows({}, "heads", false);
  EXPECT_EQ(heads.size(), 100u);
  std::vector<Step> down = graph.PlanDowngrade(heads, "base");
  EXPECT_EQ(down.size(), 10001u);
  EXPECT_EQ(Render(heads, down).back(), "-base0 => ");
  EXPECT_EQ(graph.PlanDowngrade(heads, "branch50@-1").size(), 1u);
  EXPECT_LT(MillisecondsSince(start), 5000.0);
}

}  // namespace
}  // namespace retort::script
