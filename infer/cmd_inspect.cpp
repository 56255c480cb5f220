// `tailor-infer inspect FILE`: what a tailor dataset holds (row counts, rates, import summary),
// without any personal data.
#include <cmath>
#include <iostream>

#include "core/cli/command.h"
#include "core/data/dataset_io.h"
#include "core/data/dataset_summary.h"

namespace tailor {
namespace {

CommandRegistrar inspect_command({
    "inspect",
    "Print what a tailor dataset file holds (counts and rates; no personal data)",
    [](CLI::App* sub, std::vector<std::unique_ptr<ParamSet>>&) -> std::function<void()> {
      auto path = std::make_shared<std::string>();
      sub->add_option("file", *path, "dataset file (.h5)")->required()->check(CLI::ExistingFile);
      return [path] {
        Dataset ds = read_dataset(*path);
        std::cout << describe_dataset(ds);
      };
    },
});

}  // namespace
}  // namespace tailor
