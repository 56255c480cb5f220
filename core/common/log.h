// Logging for tailor: spdlog to stderr. Never log personal data (emails, names): log ids and counts.
#pragma once

#include <spdlog/spdlog.h>

namespace tailor {

/// Sets the global log level from a name: trace, debug, info, warn, error, off.
void set_log_level(const std::string& level);

}  // namespace tailor
