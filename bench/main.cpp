// tailor-bench: measures tailor's hot paths on this machine against peers. Commands: bench/cmd_*.cpp.
#include "core/cli/command.h"

int main(int argc, char** argv) {
  return tailor::run_cli("tailor-bench", "tailor-bench: time tailor's CPU and GPU paths against peers",
                         argc, argv);
}
