#include "core/config/param_set.h"

#include <fstream>

namespace tailor {

YAML::Node load_yaml_file(const std::string& path) {
  std::ifstream in(path);
  TAILOR_CHECK(in.good(), "cannot open config file '" << path << "'");
  try {
    return YAML::Load(in);
  } catch (const YAML::Exception& ex) {
    TAILOR_FAIL("config file '" << path << "' is not valid YAML: line " << ex.mark.line + 1
                                << ", column " << ex.mark.column + 1 << ": " << ex.msg);
  }
}

}  // namespace tailor
