#include "core/cli/command.h"

#include <algorithm>

#include "core/common/error.h"
#include "core/common/log.h"

namespace tailor {

std::vector<CommandSpec>& command_registry() {
  static std::vector<CommandSpec> registry;
  return registry;
}

namespace {

std::string& command_line_storage() {
  static std::string line;
  return line;
}

/// argv with `default_command` inserted after the global options when the first remaining
/// argument is neither a registered command nor a help flag.
std::vector<std::string> with_default_command(int argc, char** argv,
                                              const std::string& default_command) {
  std::vector<std::string> args(argv, argv + argc);
  if (default_command.empty()) return args;
  size_t i = 1;
  while (i < args.size() && (args[i] == "--log-level" || args[i].rfind("--log-level=", 0) == 0))
    i += args[i] == "--log-level" ? 2 : 1;
  if (i < args.size()) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help" || a == "--help-all") return args;
    for (const CommandSpec& spec : command_registry())
      if (spec.name == a) return args;
  }
  args.insert(args.begin() + std::ptrdiff_t(std::min(i, args.size())), default_command);
  return args;
}

}  // namespace

const std::string& cli_command_line() { return command_line_storage(); }

int run_cli(const std::string& program, const std::string& description, int argc, char** argv,
            const std::string& default_command) {
  std::string& line = command_line_storage();
  line = program;
  for (int i = 1; i < argc; ++i) line += std::string(" ") + argv[i];
  std::vector<std::string> args = with_default_command(argc, argv, default_command);
  std::vector<char*> arg_ptrs;
  for (std::string& a : args) arg_ptrs.push_back(a.data());
  argc = int(arg_ptrs.size());
  argv = arg_ptrs.data();

  CLI::App app{description, program};
  app.require_subcommand(1, 1);
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error, off")
      ->capture_default_str();

  struct Sub {
    CLI::App* app;
    std::string config;
    std::vector<std::unique_ptr<ParamSet>> params;
    std::function<void()> action;
  };
  std::vector<std::unique_ptr<Sub>> subs;
  auto specs = command_registry();
  std::sort(specs.begin(), specs.end(),
            [](const CommandSpec& a, const CommandSpec& b) { return a.name < b.name; });
  for (const auto& spec : specs) {
    auto s = std::make_unique<Sub>();
    s->app = app.add_subcommand(spec.name, spec.description);
    s->app->add_option("--config", s->config,
                       "YAML config; its values replace the defaults, options given here win");
    s->action = spec.setup(s->app, s->params);
    subs.push_back(std::move(s));
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    set_log_level(log_level);
    for (auto& s : subs) {
      if (!s->app->parsed()) continue;
      if (!s->config.empty()) {
        YAML::Node root = load_yaml_file(s->config);
        for (auto& p : s->params) p->apply_yaml(root, s->config);
      }
      s->action();
    }
  } catch (const Error& e) {
    spdlog::error("{}", e.what());
    return 1;
  } catch (const std::exception& e) {
    spdlog::error("unexpected error: {}", e.what());
    return 2;
  }
  return 0;
}

}  // namespace tailor
