#include "core/cli/command.h"

#include <algorithm>

#include "core/common/error.h"
#include "core/common/log.h"

namespace tailor {

std::vector<CommandSpec>& command_registry() {
  static std::vector<CommandSpec> registry;
  return registry;
}

int run_cli(const std::string& program, const std::string& description, int argc, char** argv) {
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
