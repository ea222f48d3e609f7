// The command-line shell: parses arguments, calls the public API, prints.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "retort/retort.h"

namespace retort::cli {

// Options every command shares, and the command chosen.
struct Context {
  std::string config_path = "retort.toml";
  std::vector<std::string> urls;  // --url, repeatable
  std::string targets_file;       // --targets
  int jobs = 0;                   // -j
  bool fail_fast = false;
  std::optional<double> lock_timeout;
  bool create_schema = false;
  bool json = false;
  std::function<int()> run;  // set by the chosen command; returns the exit code

  Settings MakeSettings() const;
  Project OpenProject() const;
  FleetOptions Fleet() const;
  // True when the options name (or may name) several databases.
  bool ManyTargets(const Project& project) const;
};

void AddInitCommand(CLI::App& app, Context& ctx);
void AddRevisionCommands(CLI::App& app, Context& ctx);  // revision, merge
void AddRunCommands(CLI::App& app, Context& ctx);       // upgrade, downgrade, stamp
void AddInspectCommands(CLI::App& app, Context& ctx);   // current, history, heads, branches, show
void AddCheckCommands(CLI::App& app, Context& ctx);     // check, verify
void AddPullCommand(CLI::App& app, Context& ctx);
void AddImportCommand(CLI::App& app, Context& ctx);  // import alembic

// Runs `command` over the targets, printing progress, the targets that need
// reading and a summary (or JSON); returns the exit code (fleet_output.cpp).
int RunFleet(const Context& ctx, Project& project, const FleetCommand& command);

// "revision 3 (path): edited after it ran (...)" (cmd_check.cpp).
std::string ChangeLine(const ScriptChange& change);

// Printing (output.cpp).
// `current`: marked "(current)" (history --indicate-current).
std::string RevisionLine(const RevisionInfo& info, bool verbose, bool current = false);
std::string RevisionJson(const std::vector<RevisionInfo>& infos);
std::string Joined(const std::vector<std::string>& items, const std::string& sep = ", ");

}  // namespace retort::cli
