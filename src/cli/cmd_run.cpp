#include <unistd.h>

#include <iostream>

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
  cmd->add_option("target", *target,
                  upgrade ? "head, heads, a revision (id, unique prefix or label), label@head, "
                            "label@<rev>, +N, <rev>+N, label@+N, base+N, head-N"
                          : "base, a revision (id, unique prefix or label), -N, <rev>-N, "
                            "label@-N, label@base, head-N")
      ->required();
  cmd->add_flag("--transaction-per-migration", *per_migration,
                "Commit each migration with its version update");
  cmd->callback([&ctx, target, per_migration, upgrade] {
    ctx.run = [&ctx, target, per_migration, upgrade] {
      Settings settings = ctx.MakeSettings();
      if (*per_migration) settings.transaction_per_migration = true;
      if (isatty(STDERR_FILENO)) settings.on_progress = ShowProgress;
      Project project = Project::Open(settings);
      RunResult result = upgrade ? project.Upgrade(*target, PrintStep)
                                 : project.Downgrade(*target, PrintStep);
      if (result.steps.empty()) std::cerr << "Nothing to do: already at " << *target << "\n";
      return 0;
    };
  });
}

}  // namespace

void AddRunCommands(CLI::App& app, Context& ctx) {
  AddRun(app, ctx, "upgrade", "Upgrade the database to a later revision", true);
  AddRun(app, ctx, "downgrade", "Revert the database to an earlier revision", false);

  auto* stamp = app.add_subcommand("stamp", "Set the version table without running migrations");
  auto target = std::make_shared<std::string>();
  auto purge = std::make_shared<bool>(false);
  stamp->add_option("target", *target, "head, heads, base, a revision, label@head or label@base")
      ->required();
  stamp->add_flag("--purge", *purge, "Empty the version table first, even of unknown revisions");
  stamp->callback([&ctx, target, purge] {
    ctx.run = [&ctx, target, purge] {
      Project project = ctx.OpenProject();
      std::vector<std::string> rows = project.Stamp(*target, *purge);
      std::cerr << "Stamped " << (rows.empty() ? "<base>" : Joined(rows)) << "\n";
      return 0;
    };
  });
}

}  // namespace retort::cli
