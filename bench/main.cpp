// tailor-bench: measures tailor's hot paths on this machine against peers. Without a command it
// runs the umbrella (`tailor-bench --quick` = `tailor-bench run --quick`, bench/cmd_run.cpp);
// suites: bench/bench_*.cpp; other commands: bench/cmd_*.cpp.
#include "core/cli/command.h"

int main(int argc, char** argv) {
  return tailor::run_cli(
      "tailor-bench",
      "tailor-bench: time tailor's CPU and GPU paths against peers (no command: run)", argc, argv,
      "run");
}
