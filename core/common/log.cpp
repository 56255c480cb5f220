#include "core/common/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

#include "core/common/error.h"

namespace tailor {

void set_log_level(const std::string& level) {
  auto lvl = spdlog::level::from_str(level);
  TAILOR_CHECK(lvl != spdlog::level::off || level == "off",
               "unknown log level '" << level << "' (trace, debug, info, warn, error, off)");
  static bool sink_set = false;
  if (!sink_set) {
    spdlog::set_default_logger(spdlog::stderr_color_mt("tailor"));
    spdlog::set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%^%l%$] %v");
    sink_set = true;
  }
  spdlog::set_level(lvl);
}

}  // namespace tailor
