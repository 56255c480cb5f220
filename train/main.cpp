// tailor-train: import data and train tailor's models. Commands register themselves (train/cmd_*.cpp).
#include "core/cli/command.h"

int main(int argc, char** argv) {
  return tailor::run_cli("tailor-train", "tailor-train: import data, generate a synthetic shop and train "
                         "tailor's models", argc, argv);
}
