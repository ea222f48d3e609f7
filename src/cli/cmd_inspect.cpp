#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/cli.h"

namespace retort::cli {
namespace {

CLI::App* Sub(CLI::App& app, Context& ctx, const std::string& name, const std::string& help) {
  auto* cmd = app.add_subcommand(name, help);
  cmd->add_flag("--json", ctx.json, "Print JSON");
  return cmd;
}

void Print(const Context& ctx, const std::vector<RevisionInfo>& infos, bool verbose) {
  if (ctx.json) {
    std::cout << RevisionJson(infos) << "\n";
    return;
  }
  for (const RevisionInfo& r : infos) std::cout << RevisionLine(r, verbose) << (verbose ? "\n" : "\n");
}

std::string Short(const RevisionInfo& r) {
  std::string out = r.revision;
  if (!r.branch_names.empty()) out += " (" + Joined(r.branch_names) + ")";
  if (r.is_head) out += r.is_effective_head ? " (effective head)" : " (head)";
  return out;
}

}  // namespace

void AddInspectCommands(CLI::App& app, Context& ctx) {
  auto verbose = std::make_shared<bool>(false);

  auto* current = Sub(app, ctx, "current", "Show the database's current revisions");
  current->add_flag("-v,--verbose", *verbose, "Show each revision in full");
  auto check_heads = std::make_shared<bool>(false);
  current->add_flag("--check-heads", *check_heads,
                    "Exit 1 unless the database is at every head of the scripts, saying which it lacks");
  current->callback([&ctx, verbose, check_heads] {
    ctx.run = [&ctx, verbose, check_heads] {
      Project project = ctx.OpenProject();
      if (ctx.ManyTargets(project)) {
        return RunFleet(ctx, project, {.kind = FleetCommand::Kind::kCurrent, .check_heads = *check_heads});
      }
      // What the rows lack of the heads (a row no script declares fails).
      std::vector<std::string> missing;
      if (*check_heads) missing = project.MissingHeads(project.Current());
      const int code = missing.empty() ? 0 : 1;
      auto not_at_head = [&] {
        return "not at head: " + Joined(missing) + (missing.size() == 1 ? " is" : " are") + " not applied";
      };
      std::vector<RevisionInfo> infos;
      std::vector<std::string> rows, unknown;  // unknown: rows no script declares
      for (const std::string& rev : project.Current()) {
        if (std::optional<RevisionInfo> info = project.Lookup(rev)) {
          infos.push_back(std::move(*info));
          rows.push_back(rev);
        } else {
          unknown.push_back(rev);
        }
      }
      // What the rows depend on, on branches of their own: Alembic lists
      // these too (its effective heads); here they are marked.
      std::vector<RevisionInfo> depended;
      if (unknown.empty()) {
        for (const std::string& rev : project.DependedOn(rows)) depended.push_back(*project.Lookup(rev));
      }
      if (ctx.json) {
        nlohmann::json out = nlohmann::json::parse(RevisionJson(infos));
        for (auto& entry : out) entry["in_version_table"] = true;
        for (auto& entry : nlohmann::json::parse(RevisionJson(depended))) {
          entry["in_version_table"] = false;
          entry["depended_on"] = true;
          out.push_back(std::move(entry));
        }
        for (const std::string& rev : unknown) out.push_back({{"revision", rev}, {"unknown", true}});
        if (*check_heads) {
          out = {{"revisions", out}, {"at_heads", missing.empty()}, {"missing_heads", missing}};
        }
        std::cout << out.dump(2) << "\n";
        return code;
      }
      if (*verbose) {
        std::cout << "Current revision(s) for " << project.MaskedUrl() << ":\n";
        for (const RevisionInfo& r : infos) std::cout << RevisionLine(r, true) << "\n";
        for (const RevisionInfo& r : depended) std::cout << RevisionLine(r, true) << "\n";
      } else {
        for (const RevisionInfo& r : infos) std::cout << Short(r) << "\n";
        for (const RevisionInfo& r : depended) {
          // Marked always, also where it is no head of the whole graph.
          std::cout << Short(r) << (r.is_effective_head ? "" : " (effective head)") << "\n";
        }
      }
      for (const std::string& rev : unknown) {
        std::cout << rev << " (unknown: no migration script declares it)\n";
      }
      if (code) std::cout << not_at_head() << "\n";
      return code;
    };
  });

  auto range = std::make_shared<std::string>();
  auto* history = Sub(app, ctx, "history", "List revisions, newest first");
  history->add_option("-r,--rev-range", *range, "A range a:b (e.g. base:head, -3:, current:)");
  history->add_flag("-v,--verbose", *verbose, "Show each revision in full");
  auto indicate = std::make_shared<bool>(false);
  history->add_flag("-i,--indicate-current", *indicate, "Mark the database's current revisions (reads it)");
  history->callback([&ctx, verbose, range, indicate] {
    ctx.run = [&ctx, verbose, range, indicate] {
      Project project = ctx.OpenProject();
      std::vector<RevisionInfo> infos = range->empty() ? project.Revisions() : project.History(*range);
      if (!*indicate) {
        Print(ctx, infos, *verbose);
        return 0;
      }
      const std::vector<std::string> rows = project.Current();
      auto current = [&](const RevisionInfo& r) {
        return std::find(rows.begin(), rows.end(), r.revision) != rows.end();
      };
      if (ctx.json) {
        nlohmann::json out = nlohmann::json::parse(RevisionJson(infos));
        for (size_t i = 0; i < infos.size(); ++i) out[i]["is_current"] = current(infos[i]);
        std::cout << out.dump(2) << "\n";
        return 0;
      }
      for (const RevisionInfo& r : infos) std::cout << RevisionLine(r, *verbose, current(r)) << "\n";
      return 0;
    };
  });

  auto* heads = Sub(app, ctx, "heads", "Show the heads of the scripts");
  heads->add_flag("-v,--verbose", *verbose, "Show each revision in full");
  auto resolve = std::make_shared<bool>(false);
  heads->add_flag("--resolve-dependencies", *resolve,
                  "Treat depends_on as down revisions: a head another revision depends on is none");
  heads->callback([&ctx, verbose, resolve] {
    ctx.run = [&ctx, verbose, resolve] {
      Project project = ctx.OpenProject();
      std::vector<RevisionInfo> infos = project.Heads();
      if (*resolve) {
        std::vector<std::string> depended;
        for (const RevisionInfo& r : project.Revisions()) {
          for (const std::string& d : r.depends_on) {
            for (const RevisionInfo& target : project.Show(d)) depended.push_back(target.revision);
          }
        }
        std::erase_if(infos, [&](const RevisionInfo& r) {
          return std::find(depended.begin(), depended.end(), r.revision) != depended.end();
        });
      }
      if (ctx.json || *verbose) {
        Print(ctx, infos, true);
      } else {
        for (const RevisionInfo& r : infos) std::cout << Short(r) << "\n";
      }
      return 0;
    };
  });

  auto* branches = Sub(app, ctx, "branches", "Show the branch points of the scripts");
  branches->add_flag("-v,--verbose", *verbose, "Show each revision in full");
  branches->callback([&ctx, verbose] {
    ctx.run = [&ctx, verbose] {
      Project project = ctx.OpenProject();
      std::vector<RevisionInfo> infos = project.Branches();
      if (ctx.json || *verbose) {
        Print(ctx, infos, true);
        return 0;
      }
      for (const RevisionInfo& r : infos) {
        std::cout << r.revision << " (branchpoint), " << r.message << "\n";
        for (const std::string& next : r.next_revisions) {
          RevisionInfo n = project.Show(next).at(0);
          std::cout << "    -> " << Short(n) << ", " << n.message << "\n";
        }
      }
      return 0;
    };
  });

  auto targets = std::make_shared<std::vector<std::string>>();
  auto* show = Sub(app, ctx, "show", "Show revisions in full");
  show->add_option("revisions", *targets, "Revisions, labels, head, heads, base or current")->required();
  show->callback([&ctx, targets] {
    ctx.run = [&ctx, targets] {
      Project project = ctx.OpenProject();
      std::vector<RevisionInfo> infos;
      for (const std::string& t : *targets) {
        for (RevisionInfo& r : project.Show(t)) infos.push_back(std::move(r));
      }
      Print(ctx, infos, true);
      return 0;
    };
  });
}

}  // namespace retort::cli
