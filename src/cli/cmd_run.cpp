#include <unistd.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/cli.h"

namespace retort::cli {
namespace {

void PrintStep(const StepEvent& e) {
  std::string from = e.from.empty() ? "<base>" : Joined(e.from);
  std::string to = e.to.empty() ? "<base>" : Joined(e.to);
  std::cerr << "Running " << e.direction << " " << from << " -> " << to << ", " << e.message
            << "\n";
}

// A progress bar on standard error, drawn only on a terminal.
void ShowProgress(const std::string& table, int64_t done, int64_t total) {
  if (total <= 0) return;
  constexpr int kWidth = 30;
  int filled = static_cast<int>(kWidth * done / total);
  std::cerr << "\r  rebuilding " << table << " [" << std::string(filled, '#')
            << std::string(kWidth - filled, ' ') << "] " << (100 * done / total) << "% (" << done
            << "/" << total << " rows)" << (done >= total ? "\n" : "") << std::flush;
}

void AddRun(CLI::App& app, Context& ctx, const std::string& name, const std::string& help,
            bool upgrade) {
  auto* cmd = app.add_subcommand(name, help);
  auto target = std::make_shared<std::string>();
  auto per_migration = std::make_shared<bool>(false);
  auto dry_run = std::make_shared<bool>(false);
  auto sql = std::make_shared<bool>(false);
  cmd->add_option("target", *target,
                  upgrade ? "head, heads, a revision (id, unique prefix or label), label@head, "
                            "label@<rev>, +N, <rev>+N, label@+N, base+N, head-N"
                          : "base, a revision (id, unique prefix or label), -N, <rev>-N, "
                            "label@-N, label@base, head-N")
      ->required();
  cmd->add_flag("--transaction-per-migration", *per_migration,
                "Commit each migration with its version update");
  cmd->add_flag("--dry-run", *dry_run,
                "Show, for each database, the steps that would run; change nothing");
  auto dialect = std::make_shared<std::string>();
  cmd->add_flag("--sql", *sql,
                "Print the SQL script of TARGET (a range a:b, or for upgrade b from base) without "
                "connecting; with --dry-run: each database's statements");
  cmd->add_option("--dialect", *dialect,
                  "With --sql: sqlite or postgresql (default: the URL's)");
  cmd->add_flag("--json", ctx.json, "Print a JSON report (of each database) and errors as JSON");
  cmd->callback([&ctx, target, per_migration, dry_run, sql, dialect, upgrade] {
    if (!dialect->empty() && (!*sql || *dry_run)) {
      throw CLI::ValidationError("--dialect", "is given with --sql (and no --dry-run)");
    }
    ctx.run = [&ctx, target, per_migration, dry_run, sql, dialect, upgrade] {
      Settings settings = ctx.MakeSettings();
      if (*sql && !*dry_run) {
        // Unacknowledged destructive changes are written, marked, for a
        // reviewer to read; the exit code says a run would refuse them.
        std::vector<std::string> unacknowledged;
        std::cout << Project::Open(settings).OfflineSql(*target, upgrade, *dialect, &unacknowledged);
        for (const std::string& u : unacknowledged) std::cerr << "error: " << u << " (a run refuses it)\n";
        return unacknowledged.empty() ? 0 : 1;
      }
      if (*per_migration) settings.transaction_per_migration = true;
      Project project = Project::Open(settings);
      // A JSON report is the one a run over many databases prints.
      if (*dry_run || ctx.json || ctx.ManyTargets(project)) {
        FleetCommand command{.kind = upgrade ? FleetCommand::Kind::kUpgrade
                                             : FleetCommand::Kind::kDowngrade,
                             .target = *target,
                             .dry_run = *dry_run,
                             .with_sql = *sql};
        return RunFleet(ctx, project, command);
      }
      if (isatty(STDERR_FILENO)) {
        settings.on_progress = ShowProgress;
        project = Project::Open(settings);
      }
      RunResult result = upgrade ? project.Upgrade(*target, PrintStep)
                                 : project.Downgrade(*target, PrintStep);
      if (result.steps.empty()) std::cerr << "Nothing to do: already at " << *target << "\n";
      return 0;
    };
  });
}

}  // namespace

void AddEnsureVersion(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("ensure_version", "Create the version and history tables when they are missing");
  auto sql = std::make_shared<bool>(false);
  auto dialect = std::make_shared<std::string>();
  cmd->add_flag("--sql", *sql, "Print their statements without connecting");
  cmd->add_option("--dialect", *dialect, "With --sql: sqlite or postgresql (default: the URL's)");
  cmd->add_flag("--json", ctx.json, "Print JSON: the database the tables are in");
  cmd->callback([&ctx, sql, dialect] {
    if (!dialect->empty() && !*sql) throw CLI::ValidationError("--dialect", "is given with --sql");
    ctx.run = [&ctx, sql, dialect] {
      Project project = ctx.OpenProject();
      if (*sql) {
        std::cout << project.OfflineEnsureVersion(*dialect);
        return 0;
      }
      project.EnsureVersion();
      if (ctx.json) {
        std::cout << nlohmann::json{{"target", project.MaskedUrl()}, {"ensured", true}}.dump(2) << "\n";
        return 0;
      }
      std::cerr << "The version and history tables are there.\n";
      return 0;
    };
  });
}

void AddRunCommands(CLI::App& app, Context& ctx) {
  AddRun(app, ctx, "upgrade", "Upgrade the database to a later revision", true);
  AddRun(app, ctx, "downgrade", "Revert the database to an earlier revision", false);
  AddEnsureVersion(app, ctx);

  auto* stamp = app.add_subcommand("stamp", "Set the version table without running migrations");
  auto target = std::make_shared<std::string>();
  auto purge = std::make_shared<bool>(false);
  auto baseline = std::make_shared<bool>(false);
  auto if_matches = std::make_shared<bool>(false);
  stamp->add_option("target", *target, "head, heads, base, a revision, label@head or label@base")
      ->required();
  stamp->add_flag("--purge", *purge, "Empty the version table first, even of unknown revisions");
  stamp->add_flag("--baseline", *baseline,
                  "Stamp only databases with no version yet (adopting existing ones); leave the "
                  "others as they are");
  stamp->add_flag("--if-matches", *if_matches,
                  "With --baseline: stamp only where the live schema equals that revision's");
  auto dry_run = std::make_shared<bool>(false);
  auto sql = std::make_shared<bool>(false);
  auto dialect = std::make_shared<std::string>();
  stamp->add_flag("--dry-run", *dry_run,
                  "Show, for each database, what it would get (stamped, kept, mismatch); change nothing");
  stamp->add_flag("--sql", *sql,
                  "Print the version-table statements of TARGET (a range a:b, or b from base) without "
                  "connecting");
  stamp->add_option("--dialect", *dialect, "With --sql: sqlite or postgresql (default: the URL's)");
  stamp->add_flag("--json", ctx.json, "Print a JSON report (of each database) and errors as JSON");
  stamp->callback([&ctx, target, purge, baseline, if_matches, dry_run, sql, dialect] {
    if (*if_matches && !*baseline) throw CLI::ValidationError("--if-matches", "is given with --baseline");
    if (!dialect->empty() && !*sql) throw CLI::ValidationError("--dialect", "is given with --sql");
    if (*sql && (*dry_run || *baseline)) {
      throw CLI::ValidationError("--sql", "writes the statements for no database: not with --dry-run or --baseline");
    }
    ctx.run = [&ctx, target, purge, baseline, if_matches, dry_run, sql, dialect] {
      if (*sql) {
        std::cout << Project::Open(ctx.MakeSettings()).OfflineStamp(*target, *purge, *dialect);
        return 0;
      }
      Project project = ctx.OpenProject();
      if (*baseline || *dry_run || ctx.json || ctx.ManyTargets(project)) {
        FleetCommand command{.kind = FleetCommand::Kind::kStamp,
                             .target = *target,
                             .dry_run = *dry_run,
                             .purge = *purge,
                             .baseline = *baseline,
                             .require_match = *if_matches};
        return RunFleet(ctx, project, command);
      }
      std::vector<std::string> rows = project.Stamp(*target, *purge);
      std::cerr << "Stamped " << (rows.empty() ? "<base>" : Joined(rows)) << "\n";
      return 0;
    };
  });
}

}  // namespace retort::cli
