// `tailor-infer inspect FILE`: what a tailor dataset or checkpoint holds (counts, rates, tensors,
// config), without any personal data.
#include <iostream>

#include "core/checkpoint/checkpoint_summary.h"
#include "core/cli/command.h"
#include "core/data/dataset_io.h"
#include "core/data/dataset_summary.h"

namespace tailor {
namespace {

CommandRegistrar inspect_command({
    "inspect",
    "Print what a tailor dataset or checkpoint file holds (no personal data)",
    [](CLI::App* sub, std::vector<std::unique_ptr<ParamSet>>&) -> std::function<void()> {
      auto path = std::make_shared<std::string>();
      sub->add_option("file", *path, "dataset or checkpoint file (.h5)")
          ->required()
          ->check(CLI::ExistingFile);
      return [path] {
        const std::string magic = tailor_file_magic(*path);
        if (magic == "TAILOR-CKPT") {
          std::cout << describe_checkpoint(read_checkpoint(*path, ""));
        } else {
          // read_dataset explains what is wrong when this is neither.
          std::cout << describe_dataset(read_dataset(*path));
        }
      };
    },
});

}  // namespace
}  // namespace tailor
