#include "script/revision_graph.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <functional>
#include <limits>
#include <queue>
#include <utility>

// Semantics follow Alembic 1.8 (alembic/script/revision.py and the
// HeadMaintainer of alembic/runtime/migration.py). Where we deliberately
// differ, a comment starting "Alembic:" says how and why.
//
// Vocabulary used below:
//   versioned edges   down_revisions only (Alembic's "nextrev"/"down_revision")
//   all edges         down_revisions plus depends_on
//   applied set       every revision the version table implies: the rows and
//                     all their ancestors over all edges
//   heads of a state  the maximal revisions of the applied set (no applied
//                     child over all edges); this is what Alembic's version
//                     table holds, one row each

namespace retort::script {
namespace {

constexpr size_t kBase = std::numeric_limits<size_t>::max();  // below all bases

using Mask = std::vector<char>;

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

bool Contains(const std::vector<size_t>& v, size_t x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

Location WhereOf(const RevisionNode& node) {
  Location where = node.where;
  if (where.revision.empty()) where.revision = node.id;
  return where;
}

// A target as typed: [label@]symbol, or [label@][symbol](+N|-N).
struct TargetSpec {
  std::string text;
  std::string label;   // empty: none
  std::string symbol;  // empty only for a bare relative step
  bool relative = false;
  long long steps = 0;  // non-zero when relative
};

TargetSpec ParseTarget(std::string_view text) {
  TargetSpec spec;
  spec.text = std::string(text);
  if (text.empty()) throw Error(ErrorKind::kUsage, "empty revision target");
  std::string_view rest = text;
  if (size_t at = text.find('@'); at != std::string_view::npos) {
    spec.label = std::string(text.substr(0, at));
    rest = text.substr(at + 1);
    if (spec.label.empty() || rest.empty() || rest.find('@') != std::string_view::npos) {
      throw Error(ErrorKind::kUsage,
                  fmt::format("malformed target '{}': expected label@target", text));
    }
  }
  // A trailing [+-]digits is a relative step (Alembic's regex
  // "(?:(.+?)@)?(\w+)?((?:\+|-)\d+)"; revision ids cannot contain + or -).
  size_t digits = rest.size();
  while (digits > 0 && rest[digits - 1] >= '0' && rest[digits - 1] <= '9') {
    --digits;
  }
  if (digits < rest.size() && digits > 0 && (rest[digits - 1] == '+' || rest[digits - 1] == '-')) {
    std::string_view symbol = rest.substr(0, digits - 1);
    if (!std::all_of(symbol.begin(), symbol.end(), IsWordChar)) {
      throw Error(ErrorKind::kUsage, fmt::format("malformed relative target '{}'", text));
    }
    long long n = 0;
    std::string_view number = rest.substr(digits);
    auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), n);
    if (ec != std::errc() || n == 0) {
      throw Error(ErrorKind::kUsage, fmt::format("relative target '{}' needs a step count "
                                                 "between 1 and {}",
                                                 text, std::numeric_limits<long long>::max()));
    }
    spec.relative = true;
    spec.symbol = std::string(symbol);
    spec.steps = rest[digits - 1] == '-' ? -n : n;
  } else {
    spec.symbol = std::string(rest);
  }
  return spec;
}

}  // namespace

// Traversals, target resolution and plan construction over a built graph.
// Every traversal is iterative, so 10,000-revision chains cannot overflow the
// stack.
class RevisionGraph::Planner {
 public:
  explicit Planner(const RevisionGraph& graph) : g_(graph), n_(graph.nodes_.size()) {}

  // What a version table implies.
  struct State {
    Mask applied;
    std::vector<size_t> applied_children;  // per revision, over all edges
    Mask is_row;                           // the rows as given
    std::vector<size_t> heads;             // maximal applied revisions, input order
    std::vector<size_t> stale;             // rows that are not heads (redundant rows)
  };

  State Load(const std::vector<std::string>& rows) const {
    State state;
    state.is_row.assign(n_, 0);
    std::vector<size_t> given;
    for (const std::string& row : rows) {
      auto it = g_.index_.find(row);
      if (it == g_.index_.end()) {
        throw Error(ErrorKind::kUnknownRevision,
                    fmt::format("the version table names revision '{}', which "
                                "no migration script defines",
                                row));
      }
      if (!state.is_row[it->second]) given.push_back(it->second);
      state.is_row[it->second] = 1;
    }
    state.applied = Reach(given, g_.parents_);
    state.applied_children.assign(n_, 0);
    for (size_t v = 0; v < n_; ++v) {
      if (!state.applied[v]) continue;
      for (size_t p : g_.parents_[v]) ++state.applied_children[p];
    }
    for (size_t v = 0; v < n_; ++v) {
      if (state.applied[v] && state.applied_children[v] == 0) {
        state.heads.push_back(v);
      }
    }
    for (size_t v : given) {
      if (state.applied_children[v] != 0) state.stale.push_back(v);
    }
    return state;
  }

  // `from` (kBase ignored) and everything reachable through `next`.
  Mask Reach(const std::vector<size_t>& from, const std::vector<std::vector<size_t>>& next) const {
    Mask seen(n_, 0);
    std::vector<size_t> stack;
    for (size_t v : from) {
      if (v != kBase && !seen[v]) {
        seen[v] = 1;
        stack.push_back(v);
      }
    }
    while (!stack.empty()) {
      size_t v = stack.back();
      stack.pop_back();
      for (size_t w : next[v]) {
        if (!seen[w]) {
          seen[w] = 1;
          stack.push_back(w);
        }
      }
    }
    return seen;
  }

  // Revisions sharing a line of descent with `rev` (its ancestors and
  // descendants, itself included): Alembic's _shares_lineage.
  Mask Lineage(size_t rev, bool with_dependencies) const {
    Mask up = Reach({rev}, with_dependencies ? g_.parents_ : g_.down_);
    Mask down = Reach({rev}, with_dependencies ? g_.all_children_ : g_.children_);
    for (size_t v = 0; v < n_; ++v) up[v] = up[v] || down[v];
    return up;
  }

  std::string Name(size_t v) const { return v == kBase ? "base" : g_.nodes_[v].id; }
  std::string Names(const std::vector<size_t>& vs) const {
    std::vector<std::string> names;
    for (size_t v : vs) names.push_back(Name(v));
    return Join(names);
  }
  std::vector<std::string> Ids(const std::vector<size_t>& vs) const {
    std::vector<std::string> ids;
    for (size_t v : vs) ids.push_back(Name(v));
    return ids;
  }

  // A full id, then a branch label, then a unique id prefix. With `lineage`,
  // prefixes only match revisions in it and the result must lie in it.
  size_t Lookup(std::string_view text, const Mask* lineage, std::string_view label) const {
    if (text.empty()) throw Error(ErrorKind::kUnknownRevision, "empty revision name");
    size_t found = kBase;
    if (auto it = g_.index_.find(std::string(text)); it != g_.index_.end()) {
      found = it->second;
    } else if (auto lt = g_.labels_.find(std::string(text)); lt != g_.labels_.end()) {
      found = lt->second;
    } else {
      // Alembic only prefix-matches ids longer than three characters, but
      // accepts a prefix of any length. Unlike Alembic we never
      // prefix-match branch labels: a label is named in full.
      std::vector<size_t> candidates;
      for (size_t v = 0; v < n_; ++v) {
        const std::string& id = g_.nodes_[v].id;
        if (id.size() > 3 && id.size() > text.size() && id.compare(0, text.size(), text) == 0 &&
            (lineage == nullptr || (*lineage)[v])) {
          candidates.push_back(v);
        }
      }
      if (candidates.size() > 1) {
        throw Error(
            ErrorKind::kAmbiguousTarget,
            fmt::format("'{}' is a prefix of several revisions: {}", text, Names(candidates)));
      }
      if (candidates.empty()) {
        throw Error(ErrorKind::kUnknownRevision,
                    lineage == nullptr
                        ? fmt::format("no revision or branch label '{}'", text)
                        : fmt::format("no revision '{}' on branch '{}'", text, label));
      }
      found = candidates.front();
    }
    if (lineage != nullptr && !(*lineage)[found]) {
      throw Error(ErrorKind::kUnknownRevision,
                  fmt::format("revision {} is not on branch '{}'", Name(found), label));
    }
    return found;
  }

  // The revision a label@ prefix names (a label, an id or a prefix, as in
  // Alembic's _resolve_branch); kBase when there is no label.
  size_t LabelRevision(const TargetSpec& spec) const {
    return spec.label.empty() ? kBase : Lookup(spec.label, nullptr, "");
  }

  // The revisions a symbol names: "heads", "head", "base" (none), or one
  // revision. `lineage` is that of the spec's label, if any.
  std::vector<size_t> Symbol(const TargetSpec& spec, const Mask* lineage) const {
    const std::string& symbol = spec.symbol;
    if (symbol == "base") return {};
    if (symbol == "heads") {
      // Alembic: plain "heads" means the heads over all edges (a revision
      // another one depends on is not one); label@heads filters the heads
      // over down_revisions.
      if (lineage == nullptr) return g_.real_heads_;
      return Filter(g_.VersionedHeads(), *lineage);
    }
    if (symbol == "head") {
      std::vector<size_t> heads = g_.VersionedHeads();
      if (lineage != nullptr) heads = Filter(heads, *lineage);
      if (heads.size() > 1) {
        throw Error(ErrorKind::kMultipleHeads,
                    fmt::format("'{}' is ambiguous: there are several heads ({}); "
                                "name one, use '<branch label>@head', or 'heads' for "
                                "all of them",
                                spec.label.empty() ? "head" : spec.label + "@head", Names(heads)));
      }
      return heads;
    }
    return {Lookup(symbol, lineage, spec.label)};
  }

  // Like Symbol, for places that need a single position (kBase for base).
  size_t SingleSymbol(const TargetSpec& spec, const Mask* lineage) const {
    std::vector<size_t> revs = Symbol(spec, lineage);
    if (revs.size() > 1) {
      throw Error(
          ErrorKind::kMultipleHeads,
          fmt::format("'{}' names several revisions ({}); name one", spec.text, Names(revs)));
    }
    return revs.empty() ? kBase : revs.front();
  }

  std::vector<size_t> Filter(const std::vector<size_t>& revs, const Mask& keep) const {
    std::vector<size_t> out;
    for (size_t v : revs) {
      if (keep[v]) out.push_back(v);
    }
    return out;
  }

  // Alembic's _walk: |steps| steps along down_revisions, up (steps > 0,
  // restricted to `lineage` when given) or down. kBase is the position below
  // every base. With `clamp`, stops at the end instead of failing.
  size_t Walk(size_t start, long long steps, const Mask* lineage, const std::string& text,
              bool clamp) const {
    size_t at = start;
    const unsigned long long count = steps < 0 ? 0ULL - static_cast<unsigned long long>(steps)
                                               : static_cast<unsigned long long>(steps);
    for (unsigned long long i = 0; i < count; ++i) {
      std::vector<size_t> next;
      if (steps > 0) {
        const std::vector<size_t> bases = at == kBase ? g_.VersionedBases() : std::vector<size_t>{};
        for (size_t c : at == kBase ? bases : g_.children_[at]) {
          if (lineage == nullptr || (*lineage)[c]) next.push_back(c);
        }
      } else if (at != kBase) {
        next = g_.down_[at];
        if (next.empty()) next.push_back(kBase);
      }
      if (next.empty()) {
        if (clamp) return at;
        throw Error(ErrorKind::kRangeError,
                    fmt::format("'{}' asks for {} step{} {} from {}, but only "
                                "{} {} possible",
                                text, count, count == 1 ? "" : "s", steps > 0 ? "up" : "down",
                                Name(start), i, i == 1 ? "is" : "are"));
      }
      if (next.size() > 1) {
        throw Error(ErrorKind::kAmbiguousTarget,
                    steps > 0 ? fmt::format("'{}' is ambiguous: {} has several children "
                                            "({}); use '<branch label>@' to pick one",
                                            text, Name(at), Names(next))
                              : fmt::format("'{}' is ambiguous: {} is a merge of {}; name "
                                            "a revision instead",
                                            text, Name(at), Names(next)));
      }
      at = next.front();
    }
    return at;
  }

  // Alembic's _topological_sort: the `todo` revisions, each before its
  // parents, walking one branch at a time from `heads` (input order) and
  // switching branch only when another head still needs the candidate.
  // Reproduced step for step so plans run in Alembic's order.
  std::vector<size_t> Sort(Mask todo, const std::vector<size_t>& heads) const {
    size_t remaining = static_cast<size_t>(std::count(todo.begin(), todo.end(), 1));
    std::vector<size_t> out;
    out.reserve(remaining);
    std::vector<size_t> start = heads;
    while (remaining > 0) {
      std::vector<size_t> current;
      Mask in_current(n_, 0);
      std::sort(start.begin(), start.end());
      for (size_t h : start) {
        if (h != kBase && todo[h] && !in_current[h]) {
          in_current[h] = 1;
          current.push_back(h);
        }
      }
      // ancestors[i] is computed lazily: it is only consulted with 2+ heads.
      std::vector<std::optional<Mask>> ancestors(current.size());
      auto is_ancestor = [&](size_t i, size_t v) {
        if (!ancestors[i]) ancestors[i] = Reach({current[i]}, g_.parents_);
        return (*ancestors[i])[v] != 0;
      };
      size_t idx = 0;
      while (!current.empty()) {
        const size_t candidate = current[idx];
        bool blocked = false;
        for (size_t j = 0; j < current.size(); ++j) {
          if (j != idx && is_ancestor(j, candidate)) {
            idx = j;
            blocked = true;
            break;
          }
        }
        if (blocked) continue;
        if (todo[candidate]) {
          out.push_back(candidate);
          todo[candidate] = 0;
          --remaining;
        }
        std::vector<size_t> to_add;
        for (size_t r : g_.norm_down_[candidate]) {
          if (todo[r] && !in_current[r]) to_add.push_back(r);
        }
        in_current[candidate] = 0;
        if (to_add.empty()) {
          current.erase(current.begin() + static_cast<std::ptrdiff_t>(idx));
          ancestors.erase(ancestors.begin() + static_cast<std::ptrdiff_t>(idx));
          idx = idx > 0 ? idx - 1 : 0;
          continue;
        }
        current[idx] = to_add.front();
        in_current[to_add.front()] = 1;
        if (g_.norm_down_[candidate].size() == 1 && g_.down_[candidate].size() == 1) {
          // Plain step down a line: the ancestors lose only the candidate.
          if (ancestors[idx]) (*ancestors[idx])[candidate] = 0;
        } else {
          ancestors[idx].reset();
          for (size_t k = 1; k < to_add.size(); ++k) {
            current.push_back(to_add[k]);
            in_current[to_add[k]] = 1;
            ancestors.emplace_back();
          }
        }
      }
      // Alembic asserts nothing is left; a history range can leave revisions
      // no head reaches, so continue from the remaining maximal ones.
      start.clear();
      for (size_t v = 0; v < n_ && remaining > 0; ++v) {
        if (!todo[v]) continue;
        bool has_todo_child = false;
        for (size_t c : g_.all_children_[v]) has_todo_child |= todo[c] != 0;
        if (!has_todo_child) start.push_back(v);
      }
    }
    return out;
  }

  // Runs `order` against `state`, recording each step's row changes: the
  // version table always holds the heads of the applied set. Rows of the
  // starting table that are not heads are dropped by the first step.
  std::vector<Step> Simulate(State& state, const std::vector<size_t>& order,
                             Step::Direction direction) const {
    std::vector<Step> steps;
    steps.reserve(order.size());
    Mask& row = state.is_row;
    for (size_t r : order) {
      Step step;
      step.revision = g_.nodes_[r].id;
      step.direction = direction;
      if (steps.empty()) {
        for (size_t v : state.stale) {
          step.remove.push_back(g_.nodes_[v].id);
          row[v] = 0;
        }
      }
      if (direction == Step::Direction::kUpgrade) {
        for (size_t p : g_.parents_[r]) {
          ++state.applied_children[p];
          if (row[p]) {
            step.remove.push_back(g_.nodes_[p].id);
            row[p] = 0;
          }
        }
        state.applied[r] = 1;
        row[r] = 1;
        step.add.push_back(g_.nodes_[r].id);
      } else {
        state.applied[r] = 0;
        if (row[r]) {
          row[r] = 0;
          step.remove.push_back(g_.nodes_[r].id);
        }
        // Alembic: a parent that is already an ancestor of another parent
        // (a depends_on naming an ancestor of the down_revision) is put back
        // as a redundant row. We only restore parents that became heads.
        for (size_t p : g_.parents_[r]) {
          if (--state.applied_children[p] == 0 && state.applied[p] && !row[p]) {
            row[p] = 1;
            step.add.push_back(g_.nodes_[p].id);
          }
        }
      }
      // A stale row its own step puts back (a redundant row that becomes a
      // head) is simply kept.
      for (auto it = step.remove.begin(); it != step.remove.end();) {
        auto again = std::find(step.add.begin(), step.add.end(), *it);
        if (again == step.add.end()) {
          ++it;
        } else {
          step.add.erase(again);
          it = step.remove.erase(it);
        }
      }
      steps.push_back(std::move(step));
    }
    return steps;
  }

  // Applied revisions of `lineage` with no applied child along
  // down_revisions (Alembic's _get_all_current + _filter_into_branch_heads).
  std::vector<size_t> BranchTips(const State& state, const Mask& lineage) const {
    std::vector<size_t> tips;
    for (size_t v = 0; v < n_; ++v) {
      if (!state.applied[v] || !lineage[v]) continue;
      bool has_applied_child = false;
      for (size_t c : g_.children_[v]) has_applied_child |= state.applied[c] != 0;
      if (!has_applied_child) tips.push_back(v);
    }
    return tips;
  }

  std::vector<size_t> UpgradeTargets(const State& state, const TargetSpec& spec) const {
    const size_t label_rev = LabelRevision(spec);
    std::optional<Mask> lineage;
    if (label_rev != kBase) lineage = Lineage(label_rev, false);
    const Mask* lin = lineage ? &*lineage : nullptr;
    if (!spec.relative) return Symbol(spec, lin);
    if (spec.steps < 0) {
      if (spec.symbol.empty()) {
        throw Error(ErrorKind::kRangeError,
                    fmt::format("upgrade cannot go to '{}', below the current "
                                "revision; use downgrade",
                                spec.text));
      }
      size_t to = Walk(SingleSymbol(spec, lin), spec.steps, nullptr, spec.text, false);
      return to == kBase ? std::vector<size_t>{} : std::vector<size_t>{to};
    }
    size_t start = kBase;
    if (!spec.symbol.empty()) {
      start = SingleSymbol(spec, lin);
    } else {
      std::vector<size_t> starts = state.heads;
      if (lin != nullptr) {
        starts = Filter(starts, *lin);
        if (starts.empty()) {
          // The branch's own tip is no row: start from the top of what is
          // applied on it (Alembic's "backtrack to find a branchpoint").
          Mask on_branch(n_, 0), below(n_, 0);
          for (size_t v = 0; v < n_; ++v) on_branch[v] = state.applied[v] && (*lin)[v];
          for (size_t v = 0; v < n_; ++v) {
            if (!on_branch[v]) continue;
            for (size_t p : g_.norm_down_[v]) below[p] = 1;
          }
          for (size_t v = 0; v < n_; ++v) {
            if (on_branch[v] && !below[v]) starts.push_back(v);
          }
        }
      }
      if (starts.size() > 1) {
        throw Error(ErrorKind::kAmbiguousTarget,
                    fmt::format("'{}' is ambiguous: there are several current heads ({}); {}",
                                spec.text, Names(starts), NarrowHint(spec)));
      }
      if (!starts.empty()) start = starts.front();
    }
    return {Walk(start, spec.steps, lin, spec.text, false)};
  }

  // How to make a relative step from several current heads unambiguous.
  static std::string NarrowHint(const TargetSpec& spec) {
    const std::string step = fmt::format("{:+d}", spec.steps);
    if (!spec.label.empty()) return fmt::format("use '<revision>{}'", step);
    return fmt::format("use '<branch label>@{}' or '<revision>{}'", step, step);
  }

  struct DowngradeTarget {
    size_t target = kBase;      // kBase: base
    size_t branch_of = kBase;   // restricts a branch point's children
    bool whole_branch = false;  // label@base: all of branch_of's own branch
  };

  DowngradeTarget ParseDowngrade(const State& state, const TargetSpec& spec) const {
    DowngradeTarget out;
    out.branch_of = LabelRevision(spec);
    std::optional<Mask> lineage;
    if (out.branch_of != kBase) lineage = Lineage(out.branch_of, false);
    const Mask* lin = lineage ? &*lineage : nullptr;
    if (!spec.relative) {
      out.target = SingleSymbol(spec, lin);
      out.whole_branch = out.target == kBase && out.branch_of != kBase;
      return out;
    }
    if (!spec.symbol.empty()) {
      out.target = Walk(SingleSymbol(spec, lin), spec.steps, lin, spec.text, false);
      return out;
    }
    if (spec.steps > 0) {
      throw Error(ErrorKind::kRangeError,
                  fmt::format("downgrade cannot go to '{}', above the current "
                              "revision; use upgrade",
                              spec.text));
    }
    std::vector<size_t> starts;
    if (lin != nullptr) {
      starts = Filter(state.heads, *lin);
      if (starts.empty()) starts = BranchTips(state, *lin);
      if (starts.empty()) {
        throw Error(ErrorKind::kRangeError, fmt::format("'{}': branch '{}' has no current head to "
                                                        "step down from",
                                                        spec.text, spec.label));
      }
    } else {
      starts = state.heads;
      if (starts.empty()) {
        throw Error(ErrorKind::kRangeError, fmt::format("'{}': nothing is applied", spec.text));
      }
      // Alembic only warns here ("downgrade -1 from multiple heads is
      // ambiguous") and steps down from whichever row the database returns
      // first; we refuse rather than pick a branch at random.
    }
    if (starts.size() > 1) {
      throw Error(ErrorKind::kAmbiguousTarget,
                  fmt::format("'{}' is ambiguous: there are several current heads ({}); {}",
                              spec.text, Names(starts), NarrowHint(spec)));
    }
    if (lin == nullptr) out.branch_of = starts.front();
    out.target = Walk(starts.front(), spec.steps, nullptr, spec.text, false);
    return out;
  }

  // The first revision of the branch `rev` is on: down from `rev` while the
  // parent is a plain revision (no merge, no other child or dependent), the
  // run Alembic propagates branch labels along.
  size_t BranchStart(size_t rev) const {
    size_t start = rev;
    while (g_.down_[start].size() == 1) {
      const size_t parent = g_.down_[start].front();
      if (g_.all_children_[parent].size() != 1 || g_.down_[parent].size() > 1) break;
      start = parent;
    }
    return start;
  }

  // The applied revisions a downgrade to `to` undoes (Alembic's
  // _collect_downgrade_revisions): what descends, over all edges, from the
  // target's children (from every base for base), so not a revision merely
  // depending on the target. Empty when the target is already reached.
  Mask Drop(const State& state, const DowngradeTarget& to, std::string_view text) const {
    std::vector<size_t> roots;
    if (to.whole_branch) {
      // Alembic: label@base starts from the bases below the label, so over a
      // base shared with other branches it undoes those branches too (and
      // runs their downgrades). We undo the label's own branch only, as the
      // user asked.
      roots = {BranchStart(to.branch_of)};
    } else {
      roots = to.target == kBase ? g_.VersionedBases() : g_.children_[to.target];
      if (to.branch_of != kBase && roots.size() > 1) {
        // Several branches start here: keep the one leading to `branch_of`.
        roots = Filter(roots, Reach({to.branch_of}, g_.down_));
        if (roots.empty()) {
          throw Error(ErrorKind::kRangeError,
                      fmt::format("downgrade target '{}' is not below the current revision on "
                                  "branch '{}'",
                                  text, Name(to.branch_of)));
        }
      }
    }
    Mask drop = Reach(roots, g_.all_children_);
    bool any = false;
    for (size_t v = 0; v < n_; ++v) {
      drop[v] = drop[v] && state.applied[v];
      any = any || drop[v];
    }
    // Alembic also fails for an applied target that is no row (reached only
    // as another branch's dependency); there is nothing to undo, so we
    // return an empty plan as for any target already reached.
    if (!any && to.target != kBase && !state.applied[to.target]) {
      throw Error(ErrorKind::kRangeError,
                  state.heads.empty()
                      ? fmt::format("downgrade target '{}' is not applied (nothing is); use "
                                    "upgrade",
                                    text)
                      : fmt::format("downgrade target '{}' is not below the current revision "
                                    "({}); use upgrade",
                                    text, Names(state.heads)));
    }
    return drop;
  }

  // One side of a history range; `other` is the resolved opposite side, used
  // by bare relative steps.
  std::vector<size_t> RangeSide(std::string_view text, bool upper, const std::vector<size_t>* other,
                                const std::vector<std::string>& current) const {
    if (text.empty()) return upper ? g_.real_heads_ : std::vector<size_t>{};
    if (text == "current") return Load(current).heads;
    TargetSpec spec = ParseTarget(text);
    const size_t label_rev = LabelRevision(spec);
    std::optional<Mask> lineage;
    if (label_rev != kBase) lineage = Lineage(label_rev, false);
    const Mask* lin = lineage ? &*lineage : nullptr;
    if (!spec.relative) return Symbol(spec, lin);
    std::vector<size_t> starts;
    if (!spec.symbol.empty()) {
      starts = {SingleSymbol(spec, lin)};
    } else if ((spec.steps > 0) != upper || other == nullptr) {
      throw Error(ErrorKind::kUsage, fmt::format("in a history range, a bare '-N' belongs on the "
                                                 "left and '+N' on the right ('{}')",
                                                 text));
    } else if (upper) {
      if (other->size() > 1) {
        throw Error(ErrorKind::kAmbiguousTarget,
                    fmt::format("'{}' is ambiguous: the range starts at "
                                "several revisions ({})",
                                text, Names(*other)));
      }
      starts = {other->empty() ? kBase : other->front()};
    } else {
      starts = *other;  // -N walks down from each upper revision
    }
    // History never fails for walking too far: it stops at the end.
    std::vector<size_t> out;
    for (size_t s : starts) {
      size_t to = Walk(s, spec.steps, lin, spec.text, true);
      if (to != kBase && !Contains(out, to)) out.push_back(to);
    }
    return out;
  }

 private:
  const RevisionGraph& g_;
  const size_t n_;
};

// ---------------------------------------------------------------------------
// Construction

RevisionGraph::RevisionGraph(std::vector<RevisionNode> nodes) : nodes_(std::move(nodes)) {
  const size_t n = nodes_.size();
  index_.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const RevisionNode& node = nodes_[i];
    if (node.id.empty()) {
      throw Error(ErrorKind::kInput, "empty revision id", node.where);
    }
    // As Alembic's Revision.verify_rev_id: these characters would make
    // targets such as "label@rev+1" ambiguous.
    if (size_t bad = node.id.find_first_of("@+-"); bad != std::string::npos) {
      throw Error(ErrorKind::kInput,
                  fmt::format("revision id '{}' contains '{}'; ids may not "
                              "contain '@', '+' or '-'",
                              node.id, node.id[bad]),
                  WhereOf(node));
    }
    auto [it, inserted] = index_.emplace(node.id, i);
    if (!inserted) {
      // Alembic only warns and lets the later script win.
      const Location& first = nodes_[it->second].where;
      throw Error(ErrorKind::kDuplicateRevision,
                  first.file.empty()
                      ? fmt::format("revision id '{}' is declared twice", node.id)
                      : fmt::format("revision id '{}' is also declared in {}", node.id, first.file),
                  WhereOf(node));
    }
  }
  for (size_t i = 0; i < n; ++i) {
    for (const std::string& label : nodes_[i].branch_labels) {
      if (label.empty() || label.find('@') != std::string::npos) {
        throw Error(ErrorKind::kInput, fmt::format("invalid branch label '{}'", label),
                    WhereOf(nodes_[i]));
      }
      if (index_.count(label) != 0) {
        throw Error(ErrorKind::kInput,
                    fmt::format("branch label '{}' is also a revision id", label),
                    WhereOf(nodes_[i]));
      }
      auto [it, inserted] = labels_.emplace(label, i);
      if (!inserted) {
        throw Error(ErrorKind::kInput,
                    fmt::format("branch label '{}' is already used by "
                                "revision {}",
                                label, nodes_[it->second].id),
                    WhereOf(nodes_[i]));
      }
    }
  }

  down_.resize(n);
  deps_.resize(n);
  std::vector<std::vector<size_t>> declared_deps(n);  // before de-duplication
  Planner planner(*this);
  for (size_t i = 0; i < n; ++i) {
    const RevisionNode& node = nodes_[i];
    for (const std::string& down : node.down_revisions) {
      auto it = index_.find(down);
      if (it == index_.end()) {
        throw Error(ErrorKind::kUnknownRevision,
                    fmt::format("down_revision '{}' names no revision", down), WhereOf(node));
      }
      if (!Contains(down_[i], it->second)) down_[i].push_back(it->second);
    }
    for (const std::string& dep : node.depends_on) {
      size_t d = kBase;
      try {
        d = planner.Lookup(dep, nullptr, "");
      } catch (const Error& e) {
        throw Error(e.kind(), "depends_on: " + e.message(), WhereOf(node));
      }
      if (!Contains(declared_deps[i], d)) declared_deps[i].push_back(d);
      if (!Contains(down_[i], d) && !Contains(deps_[i], d)) {
        deps_[i].push_back(d);
      }
    }
  }

  parents_.resize(n);
  children_.resize(n);
  all_children_.resize(n);
  for (size_t i = 0; i < n; ++i) {
    parents_[i] = down_[i];
    parents_[i].insert(parents_[i].end(), deps_[i].begin(), deps_[i].end());
    for (size_t p : down_[i]) children_[p].push_back(i);
    for (size_t p : parents_[i]) all_children_[p].push_back(i);
  }

  // Kahn's algorithm over all edges, smallest input index first.
  std::vector<size_t> pending(n);
  std::priority_queue<size_t, std::vector<size_t>, std::greater<>> ready;
  for (size_t i = 0; i < n; ++i) {
    pending[i] = parents_[i].size();
    if (pending[i] == 0) ready.push(i);
  }
  topo_.reserve(n);
  while (!ready.empty()) {
    size_t v = ready.top();
    ready.pop();
    topo_.push_back(v);
    for (size_t c : all_children_[v]) {
      if (--pending[c] == 0) ready.push(c);
    }
  }
  if (topo_.size() < n) ThrowCycle(pending);

  // Alembic's _normalize_depends_on: a dependency some down_revision
  // ancestor already declares is not an immediate parent. For each
  // dependency shared by several revisions, walk down_revision descendants
  // from all of its dependents at once.
  std::vector<std::vector<size_t>> dependents(n);
  for (size_t i = 0; i < n; ++i) {
    for (size_t d : declared_deps[i]) dependents[d].push_back(i);
  }
  std::vector<std::vector<size_t>> inherited(n);
  for (size_t d = 0; d < n; ++d) {
    if (dependents[d].size() < 2) continue;
    std::vector<size_t> stack;
    Mask seen(n, 0);
    for (size_t s : dependents[d]) {
      for (size_t c : children_[s]) {
        if (!seen[c]) {
          seen[c] = 1;
          stack.push_back(c);
        }
      }
    }
    while (!stack.empty()) {
      size_t v = stack.back();
      stack.pop_back();
      for (size_t c : children_[v]) {
        if (!seen[c]) {
          seen[c] = 1;
          stack.push_back(c);
        }
      }
    }
    for (size_t s : dependents[d]) {
      if (seen[s]) inherited[s].push_back(d);
    }
  }
  norm_down_.resize(n);
  for (size_t i = 0; i < n; ++i) {
    // Alembic orders these dependencies by Python set iteration (hash
    // order); we keep the declared order so plans are reproducible.
    norm_down_[i] = down_[i];
    for (size_t d : deps_[i]) {
      if (!Contains(inherited[i], d)) norm_down_[i].push_back(d);
    }
  }

  for (size_t i = 0; i < n; ++i) {
    if (all_children_[i].empty()) real_heads_.push_back(i);
  }
}

void RevisionGraph::ThrowCycle(const std::vector<size_t>& pending) const {
  // Every revision left with pending parents has a parent also left, so
  // walking parents from one of them must come back to a revision seen.
  size_t start = 0;
  while (pending[start] == 0) ++start;
  std::vector<size_t> path;
  std::vector<size_t> position(nodes_.size(), kBase);
  size_t v = start;
  while (position[v] == kBase) {
    position[v] = path.size();
    path.push_back(v);
    for (size_t p : parents_[v]) {
      if (pending[p] != 0) {
        v = p;
        break;
      }
    }
  }
  // path[position[v]..] runs child -> parent; show it parent -> child,
  // starting from the earliest revision in input order.
  std::vector<size_t> cycle(path.begin() + static_cast<std::ptrdiff_t>(position[v]), path.end());
  std::reverse(cycle.begin(), cycle.end());
  std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
  std::string text;
  for (size_t c : cycle) text += nodes_[c].id + " -> ";
  text += nodes_[cycle.front()].id;
  throw Error(ErrorKind::kRevisionCycle, "revision cycle: " + text, WhereOf(nodes_[cycle.front()]));
}

// ---------------------------------------------------------------------------
// Queries

const RevisionNode* RevisionGraph::Find(std::string_view id) const {
  auto it = index_.find(std::string(id));
  return it == index_.end() ? nullptr : &nodes_[it->second];
}

const RevisionNode& RevisionGraph::Resolve(std::string_view id_or_prefix) const {
  return nodes_[Planner(*this).Lookup(id_or_prefix, nullptr, "")];
}

std::vector<size_t> RevisionGraph::VersionedHeads() const {
  std::vector<size_t> out;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (children_[i].empty()) out.push_back(i);
  }
  return out;
}

std::vector<size_t> RevisionGraph::VersionedBases() const {
  std::vector<size_t> out;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (down_[i].empty()) out.push_back(i);
  }
  return out;
}

std::vector<std::string> RevisionGraph::Heads() const {
  return Planner(*this).Ids(VersionedHeads());
}

std::vector<std::string> RevisionGraph::Bases() const {
  return Planner(*this).Ids(VersionedBases());
}

std::vector<std::string> RevisionGraph::BranchPoints() const {
  std::vector<std::string> out;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (children_[i].size() > 1) out.push_back(nodes_[i].id);
  }
  return out;
}

std::vector<std::string> RevisionGraph::BranchNames(std::string_view id) const {
  const size_t target = index_.at(std::string(id));
  std::vector<std::string> out = nodes_[target].branch_labels;
  auto add = [&](const std::vector<std::string>& labels) {
    for (const std::string& l : labels) {
      if (std::find(out.begin(), out.end(), l) == out.end()) out.push_back(l);
    }
  };
  for (size_t r = 0; r < nodes_.size(); ++r) {
    if (r == target || nodes_[r].branch_labels.empty()) continue;
    // Its descendants, depth first from a stack as Alembic walks them.
    std::vector<size_t> todo = {r};
    std::vector<bool> seen(nodes_.size(), false);
    size_t last = r;
    bool inherits = false;
    while (!todo.empty()) {
      const size_t n = todo.back();
      todo.pop_back();
      if (seen[n]) continue;
      seen[n] = true;
      for (size_t child : children_[n]) todo.push_back(child);
      last = n;
      inherits = inherits || n == target;
    }
    // Up from the last one, to a branch point or a merge point.
    for (size_t p = last; !inherits;) {
      if (all_children_[p].size() > 1 || down_[p].size() > 1) break;
      if (p == target) inherits = true;
      if (down_[p].empty()) break;
      p = down_[p].front();
    }
    if (inherits) add(nodes_[r].branch_labels);
  }
  return out;
}

std::vector<std::string> RevisionGraph::MergePoints() const {
  std::vector<std::string> out;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (down_[i].size() > 1) out.push_back(nodes_[i].id);
  }
  return out;
}

std::vector<std::string> RevisionGraph::TopologicalOrder() const {
  return Planner(*this).Ids(topo_);
}

std::vector<std::string> RevisionGraph::Ancestors(const std::vector<std::string>& ids) const {
  Planner planner(*this);
  std::vector<size_t> from;
  for (const std::string& id : ids) from.push_back(planner.Lookup(id, nullptr, ""));
  Mask mask = planner.Reach(from, parents_);
  std::vector<std::string> out;
  for (size_t v : topo_) {
    if (mask[v]) out.push_back(nodes_[v].id);
  }
  return out;
}

std::vector<std::string> RevisionGraph::HeadsNotReached(const std::vector<std::string>& rows) const {
  for (const std::string& row : rows) Resolve(row);
  const std::vector<std::string> reached = EffectiveHeads(rows);
  std::vector<std::string> out;
  for (const std::string& head : Heads()) {
    if (std::find(reached.begin(), reached.end(), head) == reached.end()) out.push_back(head);
  }
  return out;
}

std::vector<std::string> RevisionGraph::EffectiveHeads(const std::vector<std::string>& rows) const {
  Planner planner(*this);
  std::vector<size_t> from;
  for (const std::string& id : rows) from.push_back(planner.Lookup(id, nullptr, ""));
  // Everything the rows stand on (depends_on included), then the tips of
  // it along down_revisions: the set holds each tip's ancestors, so a
  // revision with a descendant in it has a child in it.
  Mask applied = planner.Reach(from, parents_);
  std::vector<std::string> out;
  for (size_t v : topo_) {
    if (!applied[v]) continue;
    bool has_child = false;
    for (size_t c : children_[v]) has_child |= applied[c] != 0;
    if (!has_child) out.push_back(nodes_[v].id);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Plans

std::vector<Step> RevisionGraph::PlanUpgrade(const std::vector<std::string>& current,
                                             std::string_view target) const {
  Planner planner(*this);
  Planner::State state = planner.Load(current);
  const TargetSpec spec = ParseTarget(target);
  std::vector<size_t> targets = planner.UpgradeTargets(state, spec);

  // Alembic: a target already below the current revision is silently a
  // no-op; we report it, since the user most likely meant downgrade.
  // "Below" means something above it along down_revisions is applied; a
  // revision applied only as another branch's dependency is merely reached.
  for (size_t t : targets) {
    if (!state.applied[t]) continue;
    for (size_t c : children_[t]) {
      if (!state.applied[c]) continue;
      throw Error(ErrorKind::kRangeError,
                  fmt::format("upgrade target '{}' ({}) is below the current "
                              "revision ({}); use downgrade",
                              target, nodes_[t].id, planner.Names(state.heads)));
    }
  }
  if (targets.empty()) {
    // base, label@base, or a relative step that reached base: only a no-op
    // when nothing (of that branch) is applied.
    std::vector<size_t> above = state.heads;
    if (!spec.relative && !spec.label.empty()) {
      const Planner::DowngradeTarget branch{kBase, planner.LabelRevision(spec), true};
      above = planner.Filter(state.heads, planner.Drop(state, branch, target));
    }
    if (!above.empty()) {
      throw Error(ErrorKind::kRangeError,
                  fmt::format("upgrade target '{}' is below the current revision ({}); use "
                              "downgrade",
                              target, planner.Names(above)));
    }
    return {};
  }

  Mask needed = planner.Reach(targets, parents_);
  for (size_t v = 0; v < nodes_.size(); ++v) {
    if (state.applied[v]) needed[v] = 0;
  }
  std::vector<size_t> order = planner.Sort(std::move(needed), targets);
  std::reverse(order.begin(), order.end());
  return planner.Simulate(state, order, Step::Direction::kUpgrade);
}

std::vector<Step> RevisionGraph::PlanDowngrade(const std::vector<std::string>& current,
                                               std::string_view target) const {
  Planner planner(*this);
  Planner::State state = planner.Load(current);
  const TargetSpec spec = ParseTarget(target);
  const Planner::DowngradeTarget to = planner.ParseDowngrade(state, spec);

  Mask drop = planner.Drop(state, to, target);
  if (std::find(drop.begin(), drop.end(), 1) == drop.end()) return {};
  std::vector<size_t> order = planner.Sort(std::move(drop), state.heads);
  return planner.Simulate(state, order, Step::Direction::kDowngrade);
}

std::vector<std::string> RevisionGraph::StampRows(const std::vector<std::string>& current,
                                                  std::string_view target, bool purge) const {
  Planner planner(*this);
  std::vector<size_t> rows;
  if (!purge) {
    planner.Load(current);  // validates the rows
    for (const std::string& row : current) {
      size_t v = index_.at(row);
      if (!Contains(rows, v)) rows.push_back(v);
    }
  }
  const TargetSpec spec = ParseTarget(target);
  const size_t label_rev = planner.LabelRevision(spec);
  std::optional<Mask> lineage;
  if (label_rev != kBase) lineage = planner.Lineage(label_rev, false);
  const Mask* lin = lineage ? &*lineage : nullptr;

  if (!spec.relative && spec.symbol == "base" && label_rev != kBase) {
    // What `downgrade label@base` would leave (Alembic: drops every row
    // related to the label's revision, such as a shared base's row).
    Planner::State state = planner.Load(purge ? std::vector<std::string>{} : current);
    Mask drop = planner.Drop(state, {kBase, label_rev, true}, target);
    Mask left(nodes_.size(), 0);
    for (size_t v = 0; v < nodes_.size(); ++v) left[v] = state.applied[v] && !drop[v];
    auto is_head = [&](size_t v) {
      return left[v] && std::none_of(all_children_[v].begin(), all_children_[v].end(),
                                     [&](size_t c) { return left[c] != 0; });
    };
    std::vector<std::string> out;
    for (size_t v : rows) {
      if (is_head(v)) out.push_back(nodes_[v].id);
    }
    for (size_t v = 0; v < nodes_.size(); ++v) {
      if (is_head(v) && !Contains(rows, v)) out.push_back(nodes_[v].id);
    }
    return out;
  }

  std::vector<size_t> targets;
  // Rows related to the new position (ancestors or descendants over all
  // edges) are replaced; rows on unrelated branches stay.
  Mask replaced(nodes_.size(), 1);
  if (spec.relative) {
    if (spec.symbol.empty()) {
      throw Error(ErrorKind::kUsage,
                  fmt::format("stamp needs an absolute target, not '{}'", target));
    }
    const size_t from = planner.SingleSymbol(spec, lin);
    const size_t to = planner.Walk(from, spec.steps, lin, spec.text, false);
    if (to != kBase) {
      targets.push_back(to);
    } else if (from != kBase) {
      replaced = planner.Lineage(from, true);
    }
  } else {
    targets = planner.Symbol(spec, lin);
  }
  if (!targets.empty()) {
    // Alembic stamps each target in turn, merging every related row into
    // it; with several targets ("heads") one can swallow rows another
    // target left alone, e.g. stamping heads over rows {b, y} of a -> b -> c
    // and a -> x -> y yields only c. We stamp every target.
    Mask up = planner.Reach(targets, parents_);
    Mask down = planner.Reach(targets, all_children_);
    for (size_t v = 0; v < nodes_.size(); ++v) replaced[v] = up[v] || down[v];
  }
  std::vector<std::string> out;
  for (size_t v : rows) {
    if (!replaced[v]) out.push_back(nodes_[v].id);
  }
  for (size_t t : targets) {
    if (std::find(out.begin(), out.end(), nodes_[t].id) == out.end()) {
      out.push_back(nodes_[t].id);
    }
  }
  return out;
}

std::vector<std::string> RevisionGraph::Range(std::string_view spec,
                                              const std::vector<std::string>& current) const {
  const size_t colon = spec.find(':');
  if (colon == std::string_view::npos || spec.find(':', colon + 1) != std::string_view::npos) {
    throw Error(ErrorKind::kUsage, fmt::format("history range '{}' must be [start]:[end], "
                                               "[start]: or :[end]",
                                               spec));
  }
  auto trim = [](std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
  };
  const std::string_view lower_text = trim(spec.substr(0, colon));
  const std::string_view upper_text = trim(spec.substr(colon + 1));
  Planner planner(*this);

  // A bare -N on the left counts down from the right side; a bare +N on the
  // right counts up from the left side. Resolve the side it depends on first.
  const bool lower_is_relative = !lower_text.empty() && lower_text != "current" &&
                                 ParseTarget(lower_text).relative &&
                                 ParseTarget(lower_text).symbol.empty();
  std::vector<size_t> lower, upper;
  if (lower_is_relative) {
    upper = planner.RangeSide(upper_text, true, nullptr, current);
    lower = planner.RangeSide(lower_text, false, &upper, current);
  } else {
    lower = planner.RangeSide(lower_text, false, nullptr, current);
    upper = planner.RangeSide(upper_text, true, &lower, current);
  }
  if (upper.empty()) return {};

  // Alembic's iterate_revisions(upper, lower, inclusive=True): the
  // ancestors of `upper` not below `lower`, `lower` included, keeping only
  // descendants of `lower` along down_revisions.
  Mask wanted = planner.Reach(upper, parents_);
  for (size_t l : lower) {
    if (!wanted[l]) {
      throw Error(ErrorKind::kRangeError,
                  fmt::format("history range '{}': {} is not an ancestor of "
                              "{}",
                              spec, nodes_[l].id, planner.Names(upper)));
    }
  }
  if (!lower.empty()) {
    Mask below = planner.Reach(lower, parents_);
    Mask after = planner.Reach(lower, children_);
    for (size_t v = 0; v < nodes_.size(); ++v) {
      wanted[v] = wanted[v] && after[v] && (!below[v] || Contains(lower, v));
    }
  }
  return planner.Ids(planner.Sort(std::move(wanted), upper));
}

}  // namespace retort::script
