// Revision targets, as upgrade, downgrade, stamp and history take them,
// against a fixed graph with two roots, a branch point, a merge, branch
// labels, a depends_on and ids sharing a prefix, from several version
// tables. Every target either resolves or fails with retort::Error, and
// every plan keeps the version table consistent: each step removes rows
// present and adds rows absent. Anything else (another exception, a
// sanitizer report, a hang) is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "retort/error.h"
#include "script/revision_graph.h"

namespace retort::script {
namespace {

RevisionNode Node(std::string id, std::vector<std::string> down,
                  std::vector<std::string> labels = {}, std::vector<std::string> depends = {}) {
  RevisionNode node;
  node.id = std::move(id);
  node.down_revisions = std::move(down);
  node.branch_labels = std::move(labels);
  node.depends_on = std::move(depends);
  node.where.file = node.id + ".yaml";
  return node;
}

//   aaaa[core] -+- bbbb -+- mmmm - nnnn - zzzz{net}
//               +- cccc[side] -+
//   xxxx[net] - yyyy - ab12 - ab34
const RevisionGraph& Graph() {
  static const RevisionGraph graph({
      Node("aaaa", {}, {"core"}),
      Node("bbbb", {"aaaa"}),
      Node("cccc", {"aaaa"}, {"side"}),
      Node("mmmm", {"bbbb", "cccc"}),
      Node("nnnn", {"mmmm"}),
      Node("xxxx", {}, {"net"}),
      Node("yyyy", {"xxxx"}),
      Node("zzzz", {"nnnn"}, {}, {"net"}),
      Node("ab12", {"yyyy"}),
      Node("ab34", {"ab12"}),
  });
  return graph;
}

// Version tables: nothing applied, one branch, both roots, a merge, the
// heads, and a redundant row (an ancestor of another row).
const std::vector<std::vector<std::string>> kTables = {
    {}, {"cccc"}, {"bbbb", "yyyy"}, {"mmmm"}, {"zzzz", "ab34"}, {"aaaa", "bbbb"},
};

void Check(const std::vector<std::string>& rows, const std::vector<Step>& steps,
           const std::string& target) {
  std::set<std::string> table(rows.begin(), rows.end());
  for (const Step& step : steps) {
    for (const std::string& row : step.remove) {
      if (table.erase(row) != 1) {
        std::fprintf(stderr, "'%s': step %s removes absent row %s\n", target.c_str(),
                     step.revision.c_str(), row.c_str());
        std::abort();
      }
    }
    for (const std::string& row : step.add) {
      if (!table.insert(row).second) {
        std::fprintf(stderr, "'%s': step %s adds present row %s\n", target.c_str(),
                     step.revision.c_str(), row.c_str());
        std::abort();
      }
    }
  }
}

void FuzzOne(const std::string& target) {
  const RevisionGraph& graph = Graph();
  try {
    graph.Resolve(target);
  } catch (const Error&) {
  }
  for (const std::vector<std::string>& rows : kTables) {
    try {
      Check(rows, graph.PlanUpgrade(rows, target), target);
    } catch (const Error&) {
    }
    try {
      Check(rows, graph.PlanDowngrade(rows, target), target);
    } catch (const Error&) {
    }
    try {
      graph.StampRows(rows, target, false);
    } catch (const Error&) {
    }
    try {
      graph.Range(target, rows);
    } catch (const Error&) {
    }
  }
  try {
    graph.StampRows({"gone"}, target, true);
  } catch (const Error&) {
  }
}

}  // namespace
}  // namespace retort::script

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  retort::script::FuzzOne(std::string(reinterpret_cast<const char*>(data), size));
  return 0;
}
