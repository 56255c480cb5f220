// TEMPORARY (do not merge): lets the import branch link until core/data/dataset_io.cpp lands.
#include "core/data/dataset_io.h"

#include "core/common/error.h"

namespace tailor {

void write_dataset(const Dataset&, const std::string& path) {
  TAILOR_FAIL("write_dataset is not in this build yet (temporary stub); cannot write '" << path << "'");
}

Dataset read_dataset(const std::string& path) {
  TAILOR_FAIL("read_dataset is not in this build yet (temporary stub); cannot read '" << path << "'");
}

}  // namespace tailor
