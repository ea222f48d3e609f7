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
  // (a down_revision naming no id, or a depends_on naming no id, label or
  // prefix; location = that node's file), kAmbiguousTarget (a depends_on
  // prefix matching several ids), kRevisionCycle (message lists the
  // revisions on the cycle, "revision cycle: a -> b -> a"), kInput (an empty
  // id or one containing '@', '+' or '-'; a branch label used twice, equal
  // to a revision id, or containing '@').
  explicit RevisionGraph(std::vector<RevisionNode> nodes);

  // Exact id lookup; nullptr when absent.
  const RevisionNode* Find(std::string_view id) const;

  // A full id, then a branch label (the revision carrying it), then a unique
  // id prefix. As in Alembic a prefix may have any length but only matches
  // ids longer than three characters. Throws kUnknownRevision, or
  // kAmbiguousTarget listing the candidates.
  const RevisionNode& Resolve(std::string_view id_or_prefix) const;

  const std::vector<RevisionNode>& nodes() const { return nodes_; }
  // Revisions no other revision names as a down_revision, in input order.
  // (The "heads" target also drops revisions another one depends_on.)
  std::vector<std::string> Heads() const;
  // Revisions with no down_revision, in input order (likewise below).
  std::vector<std::string> Bases() const;
  // Revisions named as down_revision by two or more revisions.
  std::vector<std::string> BranchPoints() const;
  // Revisions with two or more down_revisions.
  std::vector<std::string> MergePoints() const;
  // The branch names Alembic shows for revision `id` (history, heads,
  // show): its own labels, then those it inherits. A labelled revision's
  // descendants along down_revisions inherit its labels, and so, from the
  // last of them Alembic visits, do the revisions up to the nearest branch
  // point (counting depends_on) or merge point. Where the descendants
  // branch Alembic's choice of "last" follows Python's set order; here the
  // later child in input order is visited last.
  std::vector<std::string> BranchNames(std::string_view id) const;

  // Every revision, parents (down_revisions and depends_on) before children;
  // among revisions ready at once, the earliest in input order first.
  std::vector<std::string> TopologicalOrder() const;

  // Ancestors of `ids` (including themselves; ids, labels or prefixes),
  // following down_revisions and depends_on, in TopologicalOrder().
  std::vector<std::string> Ancestors(const std::vector<std::string>& ids) const;

  // What `rows` (the version table's) stand on, as Alembic's `current`
  // shows it (get_all_current): every ancestor, depends_on included, reduced
  // to the tips along down_revisions. Holds the rows themselves, plus the
  // revisions they depend on where no row descends from those. In
  // TopologicalOrder(). Throws kUnknownRevision for an unknown row.
  std::vector<std::string> EffectiveHeads(const std::vector<std::string>& rows) const;
  // The heads that version rows `rows` have not reached: neither a row nor
  // an effective head of them. Throws for a row no script declares.
  std::vector<std::string> HeadsNotReached(const std::vector<std::string>& rows) const;

  // The version-table rows `current` (may be empty: nothing applied) and a
  // target string; returns the steps that reach it, in run order (Alembic's
  // order). After each step the table holds one row per head of what is
  // applied: merges and depends_on collapse rows, branch points add rows.
  // Rows of `current` that are ancestors of other rows are removed by the
  // first step. A target already reached gives an empty plan.
  // Upgrade targets: head, heads, <rev>, label@head, label@heads, label@rev,
  // +N, label@+N, <rev>+N, <rev>-N, head-N, base+N.
  // Downgrade targets: base, label@base, <rev>, label@rev, -N, label@-N,
  // <rev>-N, <rev>+N, head-N, base+N.
  // Upgrade applies every missing ancestor of the target; downgrade to X
  // undoes what descends from X's children (so not a revision merely
  // depending on X), to base everything (label@base: what grows from the
  // label's base).
  // Throws kMultipleHeads for "head" over several heads, kAmbiguousTarget for
  // a relative step from several current heads without a label or across a
  // branch point or merge, kRangeError for a step beyond base or head or a
  // target that would move the wrong way, kUnknownRevision for an unknown
  // target, label, or current row, kUsage for a malformed target.
  std::vector<Step> PlanUpgrade(const std::vector<std::string>& current,
                                std::string_view target) const;
  std::vector<Step> PlanDowngrade(const std::vector<std::string>& current,
                                  std::string_view target) const;

  // The version-table rows after `stamp target` (Alembic's semantics):
  // heads -> every head, base -> none, label@base -> the rows not related to
  // that branch, otherwise the resolved revision(s), replacing the rows of
  // `current` that are their ancestors or descendants and keeping rows on
  // other branches. purge=true ignores `current` (which may then name
  // unknown revisions). Bare relative targets (+N, -N) are kUsage.
  std::vector<std::string> StampRows(const std::vector<std::string>& current,
                                     std::string_view target, bool purge) const;

  // Revisions for `history -r a:b`, newest first: the ancestors of b that
  // descend from a along down_revisions, a and b included. Either side may be
  // empty (open: base, heads), an id, prefix or label@rev, "base", "head",
  // "heads", "current" (the heads of `current`; nothing applied = base on
  // the left, an empty range on the right), <rev>+N / <rev>-N, or a bare
  // relative step: -N on the left counts down from each revision on the
  // right ("-3:current"), +N on the right counts up from the left side
  // ("current:+2"). Relative steps stop at the ends of history. Throws
  // kUsage without exactly one ':', kRangeError when a is not an ancestor
  // of b.
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
  std::vector<std::vector<size_t>> down_;          // down_revisions
  std::vector<std::vector<size_t>> deps_;          // depends_on not in down_
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
