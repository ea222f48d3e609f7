// retort: database schema migrations. Exit codes: 0 ok, 1 check or verify
// found differences, 2 usage or input error, 3 database error.
#include <cstdio>
#include <iostream>

#include "cli/cli.h"

namespace retort::cli {

Settings Context::MakeSettings() const {
  Settings settings;
  settings.config_path = config_path;
  if (!urls.empty()) settings.url = urls.front();
  settings.lock_timeout_seconds = lock_timeout;
  if (create_schema) settings.create_schema = true;
  return settings;
}

Project Context::OpenProject() const { return Project::Open(MakeSettings()); }

FleetOptions Context::Fleet() const {
  return {.urls = urls, .targets_file = targets_file, .jobs = jobs, .fail_fast = fail_fast};
}

bool Context::ManyTargets(const Project& project) const { return project.NamesManyTargets(Fleet()); }

}  // namespace retort::cli

int main(int argc, char** argv) {
  using namespace retort::cli;
  CLI::App app{"retort: database schema migrations.\n"
               "Exit codes: 0 ok, 1 check, verify or validate found differences, 2 usage or input error, 3 database error."};
  app.set_version_flag("--version", std::string("retort ") + retort::Version());
  app.require_subcommand(1);
  app.fallthrough();
  Context ctx;
  app.add_option("-c,--config", ctx.config_path, "Config file (default: retort.toml)");
  app.add_option("--url", ctx.urls,
                 "Database URL (default: RETORT_DATABASE_URL, DATABASE_URL, then the config's url). "
                 "Repeat for several; a SQLite path with * ? [ or a PostgreSQL ?schema= with * ? "
                 "names every match")
      ->allow_extra_args(false);
  app.add_option("--targets", ctx.targets_file, "A file of database URLs (or patterns), one a line");
  app.add_option("-j,--jobs", ctx.jobs,
                 "With several databases: how many to work on at once (default: the cores)")
      ->check(CLI::NonNegativeNumber);
  app.add_flag("--fail-fast", ctx.fail_fast,
               "With several databases: start no other after one fails");
  app.add_option("--lock-timeout", ctx.lock_timeout,
                 "Seconds to wait for another run's lock on the database (default: the config's "
                 "lock_timeout, 30)");
  app.add_flag("--create-schema", ctx.create_schema,
               "PostgreSQL: create the URL's ?schema= when it is missing");
  // Whatever the command line held (a URL given where another argument
  // belongs, say) is masked before CLI11 echoes it.
  app.failure_message([](const CLI::App* failed, const CLI::Error& e) {
    return retort::MaskPasswords(CLI::FailureMessage::simple(failed, e));
  });
  AddInitCommand(app, ctx);
  AddRevisionCommands(app, ctx);
  AddRunCommands(app, ctx);
  AddInspectCommands(app, ctx);
  AddCheckCommands(app, ctx);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  try {
    return ctx.run ? ctx.run() : 0;
  } catch (const retort::Error& e) {
    std::cerr << "error: " << retort::MaskPasswords(e.what()) << "\n";
    return e.ExitCode();
  } catch (const std::exception& e) {
    std::cerr << "error: " << retort::MaskPasswords(e.what()) << "\n";
    return 3;
  }
}
