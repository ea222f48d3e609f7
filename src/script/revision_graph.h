// The revision graph: a DAG of migration scripts with Alembic's semantics
// (heads, bases, branch points, merges, branch labels, depends_on) and the
// resolution of the targets users type (head, heads, base, ids and unique
// prefixes, label@head, +N / -N, head-N, base+N, <rev>+N, <rev>-N, a:b).
//
// Pure: knows nothing of files or databases. Thread-compatible; immutable
// after construction.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "retort/error.h"

namespace retort::script {

struct RevisionNode {
  std::string id;
  std::vector<std::string> down_revisions;  // empty for a base; 2+ = merge
  std::vector<std::string> branch_labels;
  std::vector<std::string> depends_on;  // ids, unique prefixes or labels
  Location where;                       // the script's file, for errors
};

// One step of a plan: run `revision` in `direction`, then change the version
// table by deleting `remove` and inserting `add` (Alembic's bookkeeping).
struct Step {
  enum class Direction { kUpgrade, kDowngrade };
  std::string revision;
  Direction direction = Direction::kUpgrade;
  std::vector<std::string> remove;
  std::vector<std::string> add;
};

class RevisionGraph {
 public:
  // Throws Error: kDuplicateRevision (two nodes with one id), kUnknownRevision
  // (a down_revision or depends_on naming nothing; location = that node's
  // file), kRevisionCycle (message lists the revisions on the cycle),
  // kInput (a branch label used twice, or equal to a revision id).
  explicit RevisionGraph(std::vector<RevisionNode> nodes);

  // Exact id lookup; nullptr when absent.
  const RevisionNode* Find(std::string_view id) const;

  // A full id, a unique id prefix, or a branch label (the revision carrying
  // it). Throws kUnknownRevision or kAmbiguousTarget.
  const RevisionNode& Resolve(std::string_view id_or_prefix) const;

  const std::vector<RevisionNode>& nodes() const { return nodes_; }
  // Revisions no other revision names as a down_revision, in a stable order.
  std::vector<std::string> Heads() const;
  // Revisions with no down_revision.
  std::vector<std::string> Bases() const;
  // Revisions named as down_revision by two or more revisions.
  std::vector<std::string> BranchPoints() const;
  // Revisions with two or more down_revisions.
  std::vector<std::string> MergePoints() const;

  // Every revision, parents (down_revisions and depends_on) before children,
  // in a deterministic order.
  std::vector<std::string> TopologicalOrder() const;

  // Ancestors of `ids` (including themselves), following down_revisions and
  // depends_on.
  std::vector<std::string> Ancestors(const std::vector<std::string>& ids) const;

  // The version-table rows `current` (may be empty: nothing applied) and a
  // target string; returns the steps that reach it, in run order.
  // Upgrade targets: head, heads, <rev>, label@head, +N, <rev>+N, label@+N.
  // Downgrade targets: base, <rev>, -N, <rev>-N, label@-N, label@base.
  // Throws kMultipleHeads for "head" over several heads, kAmbiguousTarget for
  // a relative step from several current heads without a label,
  // kRangeError for a downgrade below base or a target that would move the
  // wrong way, kUnknownRevision for a current row the graph does not have.
  std::vector<Step> PlanUpgrade(const std::vector<std::string>& current,
                                std::string_view target) const;
  std::vector<Step> PlanDowngrade(const std::vector<std::string>& current,
                                  std::string_view target) const;

  // The version-table rows after `stamp target` (Alembic's semantics):
  // heads -> every head, base -> none, otherwise the resolved revisions, with
  // rows of `current` kept where they are on other branches.
  // purge=true ignores `current`.
  std::vector<std::string> StampRows(const std::vector<std::string>& current,
                                     std::string_view target,
                                     bool purge) const;

  // Revisions for `history -r a:b`, newest first. Either side may be empty
  // (open), an id or prefix, "base", "head", "heads", "current" (the rows of
  // `current`), or relative (-N on the left, +N on the right of current).
  std::vector<std::string> Range(std::string_view spec,
                                 const std::vector<std::string>& current = {}) const;

 private:
  class Planner;  // target resolution and plan building (see the .cpp)

  // Revisions (indices into nodes_) with no child along down_revisions, and
  // with no down_revision, in input order.
  std::vector<size_t> VersionedHeads() const;
  std::vector<size_t> VersionedBases() const;
  // Throws kRevisionCycle naming one cycle among the revisions whose
  // `pending` parent count never dropped to zero.
  [[noreturn]] void ThrowCycle(const std::vector<size_t>& pending) const;

  std::vector<RevisionNode> nodes_;
  std::unordered_map<std::string, size_t> index_;
  std::unordered_map<std::string, size_t> labels_;  // label -> its revision

  // Edges by node index, de-duplicated, in declaration order.
  std::vector<std::vector<size_t>> down_;  // down_revisions
  std::vector<std::vector<size_t>> deps_;  // depends_on not in down_
  std::vector<std::vector<size_t>> parents_;       // down_ then deps_
  std::vector<std::vector<size_t>> children_;      // inverse of down_
  std::vector<std::vector<size_t>> all_children_;  // inverse of parents_
  // down_ plus the deps_ no down_revision ancestor also declares (Alembic's
  // _normalized_down_revisions); drives the order of plans.
  std::vector<std::vector<size_t>> norm_down_;
  std::vector<size_t> topo_;        // TopologicalOrder()
  std::vector<size_t> real_heads_;  // no child over any edge: "heads"
};

}  // namespace retort::script
