// retort: database schema migrations. Exit codes: 0 ok, 1 check or verify
// found differences, 2 usage or input error, 3 database error.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <stdexcept>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

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

namespace {

size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// The first word that should name a command, when it names none: CLI11
// would say only "A subcommand is required". Options before it that take a
// value are skipped with their value.
std::optional<std::string> UnknownCommand(const CLI::App& app, int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string word = argv[i];
    if (word == "--") return std::nullopt;
    if (word.starts_with("-")) {
      if (word.find('=') != std::string::npos) continue;
      const CLI::Option* option = nullptr;
      try {
        option = app.get_option_no_throw(word);
      } catch (...) {
      }
      if (option && option->get_expected_min() > 0) ++i;  // its value
      continue;
    }
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
      if (sub->check_name(word)) return std::nullopt;
    }
    return word;
  }
  return std::nullopt;
}

int ReportUnknownCommand(const CLI::App& app, const std::string& word) {
  std::string closest, names;
  size_t best = 3;  // at most two edits away
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    const std::string& name = sub->get_name();
    names += (names.empty() ? "" : ", ") + name;
    size_t d = EditDistance(word, name);
    if (d < best || (name.starts_with(word) && word.size() >= 2 && closest.empty())) {
      best = std::min(d, best);
      closest = name;
    }
  }
  std::cerr << "error: unknown command '" << retort::MaskPasswords(word) << "'";
  if (!closest.empty()) std::cerr << "; did you mean '" << closest << "'?";
  std::cerr << "\nCommands: " << names << " (retort --help tells more)\n";
  return 2;
}

}  // namespace

}  // namespace retort::cli

namespace {

// {"error": {"message", "kind", "file", "line", "column", "revision",
// "target", "statement", "text"}, "exit_code"}: the fields set, passwords
// masked.
void PrintJsonError(const retort::Error& e, int exit_code) {
  using retort::MaskPasswords;
  nlohmann::json error = {{"message", MaskPasswords(e.message())},
                          {"kind", retort::ErrorKindName(e.kind())},
                          {"text", MaskPasswords(e.what())}};
  const retort::Location& at = e.where();
  if (!at.file.empty()) error["file"] = at.file;
  if (at.line) error["line"] = at.line;
  if (at.column) error["column"] = at.column;
  if (!at.revision.empty()) error["revision"] = at.revision;
  if (!at.target.empty()) error["target"] = MaskPasswords(at.target);
  if (!at.statement.empty()) error["statement"] = MaskPasswords(at.statement);
  std::cout << nlohmann::json{{"error", error}, {"exit_code", exit_code}}.dump(2) << "\n";
}

}  // namespace

// Each command's --help ends with the global options that apply to it
// (they are given before or after the command), described as `retort
// --help` describes them.
void AddGlobalOptionsToHelp(CLI::App& app) {
  const std::vector<std::string> all = {"--config", "--url", "--targets", "--jobs", "--fail-fast",
                                        "--lock-timeout", "--create-schema"};
  const std::vector<std::string> one_database = {"--config", "--url"};
  const std::vector<std::string> fleet = {"--config", "--url", "--targets", "--jobs", "--fail-fast", "--lock-timeout"};
  const std::map<std::string, std::vector<std::string>> applies = {
      {"init", {}},
      {"revision", {"--config", "--url"}},
      {"merge", {"--config"}},
      {"upgrade", all},
      {"downgrade", all},
      {"stamp", all},
      {"ensure_version", {"--config", "--url", "--lock-timeout", "--create-schema"}},
      {"current", fleet},
      {"history", one_database},
      {"heads", {"--config"}},
      {"branches", {"--config"}},
      {"show", one_database},
      {"check", {"--config"}},
      {"verify", fleet},
      {"validate", fleet},
      {"repair", fleet},
      {"pull", one_database},
      {"import", {"--config"}},
  };
  for (CLI::App* sub : app.get_subcommands({})) {
    auto it = applies.find(sub->get_name());
    if (it == applies.end()) throw std::logic_error("no global options listed for " + sub->get_name());
    if (it->second.empty()) continue;
    std::string footer = "Global options:";
    for (const std::string& name : it->second) {
      const CLI::Option* option = app.get_option(name);
      std::string left = option->get_name(false, true);
      if (!option->get_type_name().empty()) left += " " + option->get_type_name();
      footer += "\n  " + left + std::string(left.size() < 28 ? 28 - left.size() : 1, ' ') + option->get_description();
    }
    sub->footer(footer);
  }
}

int main(int argc, char** argv) {
  using namespace retort::cli;
  CLI::App app{"retort: database schema migrations.\n"
               "Exit codes: 0 ok, 1 check, verify or validate found differences, 2 usage or input error, 3 database error."};
  app.name("retort");  // not argv[0]'s path
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
  AddPullCommand(app, ctx);
  AddImportCommand(app, ctx);
  // Help is asked for with -h or --help (anywhere, as CLI11 reads it):
  // only then are the footers worth writing.
  if (std::any_of(argv + 1, argv + argc, [](const char* a) {
        return std::string_view(a) == "-h" || std::string_view(a) == "--help";
      })) {
    AddGlobalOptionsToHelp(app);
  }
  // With --json, an error is a JSON object on standard output too.
  const bool json = std::any_of(argv + 1, argv + argc, [](const char* a) { return std::string(a) == "--json"; });
  if (std::optional<std::string> word = UnknownCommand(app, argc, argv)) {
    const int code = ReportUnknownCommand(app, *word);
    if (json) PrintJsonError(retort::Error(retort::ErrorKind::kUsage, "unknown command '" + *word + "'"), code);
    return code;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    if (code != 0 && json) {
      PrintJsonError(retort::Error(retort::ErrorKind::kUsage, retort::MaskPasswords(e.what())), 2);
    }
    return code == 0 ? 0 : 2;
  }
  try {
    return ctx.run ? ctx.run() : 0;
  } catch (const retort::Error& e) {
    std::cerr << "error: " << retort::MaskPasswords(e.what()) << "\n";
    if (json) PrintJsonError(e, e.ExitCode());
    return e.ExitCode();
  } catch (const std::exception& e) {
    std::cerr << "error: " << retort::MaskPasswords(e.what()) << "\n";
    if (json) PrintJsonError(retort::Error(retort::ErrorKind::kDatabase, e.what()), 3);
    return 3;
  }
}
