// tailor-infer: apply trained tailor models. Commands register themselves (infer/cmd_*.cpp).
#include "core/cli/command.h"

int main(int argc, char** argv) {
  return tailor::run_cli("tailor-infer", "tailor-infer: apply tailor's trained models to a dataset",
                         argc, argv);
}
