#include "core/checkpoint/checkpoint_summary.h"

#include <sstream>

#include "core/io/h5.h"

namespace tailor {

std::string describe_checkpoint(const Checkpoint& ckpt) {
  std::ostringstream os;
  os << "checkpoint       " << ckpt.path << "\n";
  os << "model type       " << ckpt.model_type << "\n";
  os << "created          " << ckpt.created << "\n";
  for (const auto& [lib, version] : ckpt.versions) os << "version." << lib << ": " << version << "\n";
  int64_t total = 0;
  for (const auto& [name, blob] : ckpt.tensors) {
    os << "tensor  " << name << "  " << tensor_dtype_name(blob.dtype) << " "
       << shape_to_string(blob.shape) << "\n";
    total += blob.numel();
  }
  os << "tensors          " << ckpt.tensors.size() << " (" << total << " elements)\n";
  for (const auto& [name, list] : ckpt.string_lists)
    os << "strings " << name << "  " << list.size() << " entries\n";
  for (const auto& [name, text] : ckpt.strings) os << "text    " << name << "  " << text.size() << " bytes\n";
  os << "config:\n" << ckpt.config << "\n";
  return os.str();
}

std::string tailor_file_magic(const std::string& path) {
  h5::File file = h5::File::open(path);
  h5::Group root = file.root();
  return root.has_attr("magic") ? root.attr_string("magic") : std::string();
}

}  // namespace tailor
