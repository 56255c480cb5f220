// Subcommands of tailor-train, tailor-infer and tailor-bench. Each command lives in its own file
// in train/, infer/ or bench/ and registers itself with a static CommandRegistrar, so the mains
// stay thin and adding a command touches no shared file.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/config/param_set.h"

namespace tailor {

/// What a command file provides: `setup` adds options to its subcommand and returns the action
/// to run after parsing (the config file, if any, has been applied to every ParamSet by then).
struct CommandSpec {
  std::string name;
  std::string description;
  /// Adds the command's options. Store ParamSets in `params` so `--config` can fill them.
  std::function<std::function<void()>(CLI::App* sub, std::vector<std::unique_ptr<ParamSet>>& params)>
      setup;
};

/// The commands registered in this executable, in registration order.
std::vector<CommandSpec>& command_registry();

struct CommandRegistrar {
  explicit CommandRegistrar(CommandSpec spec) { command_registry().push_back(std::move(spec)); }
};

/// Builds the CLI from the registry and runs the chosen subcommand. Adds to every subcommand
/// `--config FILE` (YAML; command-line options override it) and global `--log-level`.
/// Returns the process exit code; errors are printed without a stack of noise.
/// A subcommand is required, unless `default_command` names one: then a command line whose first
/// argument (after the global options) is not a subcommand or --help runs that one with all the
/// arguments (`tailor-bench --quick` = `tailor-bench run --quick`).
int run_cli(const std::string& program, const std::string& description, int argc, char** argv,
            const std::string& default_command = "");

/// The command line run_cli was given, arguments joined by spaces (for reports).
const std::string& cli_command_line();

}  // namespace tailor
