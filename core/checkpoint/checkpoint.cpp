// Checkpoint <-> HDF5 file: root attributes, /config, /versions and one dataset per named tensor.
#include "core/checkpoint/checkpoint.h"

#include <ctime>
#include <cstdio>

#include "core/common/error.h"
#include "core/io/atomic_file.h"
#include "core/io/h5.h"

namespace tailor {
namespace {

constexpr const char* kMagic = "TAILOR-CKPT";
constexpr const char* kSections[] = {"params", "buffers", "optimizer", "meta"};

h5::DType to_h5(TensorDType dt) {
  switch (dt) {
    case TensorDType::kInt8: return h5::DType::kInt8;
    case TensorDType::kInt16: return h5::DType::kInt16;
    case TensorDType::kInt32: return h5::DType::kInt32;
    case TensorDType::kInt64: return h5::DType::kInt64;
    case TensorDType::kUInt8: return h5::DType::kUInt8;
    case TensorDType::kFloat32: return h5::DType::kFloat32;
    case TensorDType::kFloat64: return h5::DType::kFloat64;
  }
  TAILOR_FAIL("internal: unknown tensor dtype " << static_cast<int>(dt));
}

TensorDType from_h5(h5::DType dt, const std::string& where) {
  switch (dt) {
    case h5::DType::kInt8: return TensorDType::kInt8;
    case h5::DType::kInt16: return TensorDType::kInt16;
    case h5::DType::kInt32: return TensorDType::kInt32;
    case h5::DType::kInt64: return TensorDType::kInt64;
    case h5::DType::kUInt8: return TensorDType::kUInt8;
    case h5::DType::kFloat32: return TensorDType::kFloat32;
    case h5::DType::kFloat64: return TensorDType::kFloat64;
    case h5::DType::kString: break;
  }
  TAILOR_FAIL(where << ": not a numeric tensor");
}

/// Splits "section/a/b" into components, checking the section and every component.
std::vector<std::string> split_name(const std::string& name, const std::string& file) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t slash = name.find('/', start);
    parts.push_back(name.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  bool known = false;
  for (const char* s : kSections) known = known || parts[0] == s;
  TAILOR_CHECK(known && parts.size() >= 2,
               "checkpoint " << file << ": entry name '" << name
                             << "' must be '<section>/<name>' with section params, buffers, optimizer or meta");
  for (const std::string& p : parts)
    TAILOR_CHECK(!p.empty() && p != "." && p != "..",
                 "checkpoint " << file << ": entry name '" << name << "' has an empty or '.' component");
  return parts;
}

/// The group that holds entry `name` (creating intermediate groups) and the leaf name.
std::pair<h5::Group, std::string> parent_of(const h5::Group& root, const std::string& name, const std::string& file) {
  const std::vector<std::string> parts = split_name(name, file);
  h5::Group g = root.open_group(parts[0]);
  for (size_t i = 1; i + 1 < parts.size(); ++i) {
    TAILOR_CHECK(!g.has(parts[i]) || g.has_group(parts[i]),
                 "checkpoint " << file << ": entry '" << name << "' clashes with another entry named '"
                               << g.path().substr(1) << "/" << parts[i] << "'");
    g = g.require_group(parts[i]);
  }
  TAILOR_CHECK(!g.has(parts.back()), "checkpoint " << file << ": entry '" << name
                                                   << "' is used twice (as a group and as a value)");
  return {g, parts.back()};
}

void write_all(const Checkpoint& ckpt, h5::File& f, const std::string& final_path) {
  h5::Group root = f.root();
  root.set_attr("magic", kMagic);
  root.set_attr("format_version", static_cast<int64_t>(kCheckpointFormatVersion));
  root.set_attr("model_type", ckpt.model_type);
  root.set_attr("created", ckpt.created.empty() ? iso8601_utc_now() : ckpt.created);
  root.write_string_scalar("config", ckpt.config);

  std::map<std::string, std::string> versions = ckpt.versions;
  versions.emplace("tailor", TAILOR_VERSION);
  versions.emplace("hdf5", h5::hdf5_version());
  h5::Group vg = root.create_group("versions");
  for (const auto& [lib, version] : versions) vg.set_attr(lib, version);

  for (const char* s : kSections) root.create_group(s);
  h5::WriteOptions opt;  // chunked above 1 MiB, uncompressed, checksummed
  for (const auto& [name, blob] : ckpt.tensors) {
    const auto [group, leaf] = parent_of(root, name, final_path);
    TAILOR_CHECK(static_cast<int64_t>(blob.data.size()) == blob.numel() * int64_t(tensor_dtype_size(blob.dtype)),
                 "checkpoint " << final_path << ": " << name << " has " << blob.data.size() << " bytes, but shape "
                               << shape_to_string(blob.shape) << " of " << tensor_dtype_name(blob.dtype)
                               << " needs " << blob.numel() * int64_t(tensor_dtype_size(blob.dtype)));
    group.write_array(leaf, to_h5(blob.dtype), blob.shape, blob.data.data(), opt);
  }
  for (const auto& [name, text] : ckpt.strings) {
    const auto [group, leaf] = parent_of(root, name, final_path);
    group.write_string_scalar(leaf, text, opt);
  }
  for (const auto& [name, list] : ckpt.string_lists) {
    const auto [group, leaf] = parent_of(root, name, final_path);
    group.write_strings(leaf, list, opt);
  }
}

/// Reads every dataset below `g` into `ckpt`, naming entries by their path from the root.
void read_entries(const h5::Group& g, const std::string& prefix, Checkpoint* ckpt) {
  for (const std::string& child : g.children()) {
    const std::string name = prefix + "/" + child;
    if (g.has_group(child)) {
      read_entries(g.open_group(child), name, ckpt);
      continue;
    }
    const h5::ArrayInfo ai = g.info(child);
    if (ai.dtype == h5::DType::kString) {
      if (ai.shape.empty()) {
        ckpt->strings[name] = g.read_string_scalar(child);
      } else {
        ckpt->string_lists[name] = g.read_strings(child);
      }
      continue;
    }
    TensorBlob b;
    b.dtype = from_h5(ai.dtype, g.where(child));
    b.shape = g.read_array(child, ai.dtype, &b.data);
    ckpt->tensors[name] = std::move(b);
  }
}

}  // namespace

const char* tensor_dtype_name(TensorDType dt) { return h5::dtype_name(to_h5(dt)); }

size_t tensor_dtype_size(TensorDType dt) { return h5::dtype_size(to_h5(dt)); }

int64_t TensorBlob::numel() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

void TensorBlob::check_dtype(TensorDType expected) const {
  TAILOR_CHECK(dtype == expected, "tensor has dtype " << tensor_dtype_name(dtype) << ", read as "
                                                      << tensor_dtype_name(expected));
}

std::string shape_to_string(const std::vector<int64_t>& shape) { return h5::shape_string(shape); }

const TensorBlob& Checkpoint::tensor(const std::string& name) const {
  auto it = tensors.find(name);
  TAILOR_CHECK(it != tensors.end(), "checkpoint " << (path.empty() ? "(in memory)" : path) << " of model '"
                                                  << model_type << "' has no tensor " << name);
  return it->second;
}

const std::vector<std::string>& Checkpoint::string_list(const std::string& name) const {
  auto it = string_lists.find(name);
  TAILOR_CHECK(it != string_lists.end(), "checkpoint " << (path.empty() ? "(in memory)" : path) << " of model '"
                                                       << model_type << "' has no string list " << name);
  return it->second;
}

const std::string& Checkpoint::text(const std::string& name) const {
  auto it = strings.find(name);
  TAILOR_CHECK(it != strings.end(), "checkpoint " << (path.empty() ? "(in memory)" : path) << " of model '"
                                                  << model_type << "' has no string " << name);
  return it->second;
}

void check_tensor(const Checkpoint& ckpt, const std::string& name, TensorDType dtype,
                  const std::vector<int64_t>& shape) {
  const TensorBlob& b = ckpt.tensor(name);
  const std::string file = ckpt.path.empty() ? "(in memory)" : ckpt.path;
  TAILOR_CHECK(b.shape == shape, "checkpoint " << file << ": " << name << " has shape " << shape_to_string(b.shape)
                                               << ", model expects " << shape_to_string(shape));
  TAILOR_CHECK(b.dtype == dtype, "checkpoint " << file << ": " << name << " has dtype "
                                               << tensor_dtype_name(b.dtype) << ", model expects "
                                               << tensor_dtype_name(dtype));
}

std::string iso8601_utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void write_checkpoint(const Checkpoint& ckpt, const std::string& path) {
  TAILOR_CHECK(!ckpt.model_type.empty(), "checkpoint " << path << ": model_type is empty");
  const std::string tmp = temporary_path_for(path);
  try {
    h5::File f = h5::File::create(tmp);
    write_all(ckpt, f, path);
    f.close();
  } catch (...) {
    std::remove(tmp.c_str());
    throw;
  }
  commit_temporary(tmp, path);
}

Checkpoint read_checkpoint(const std::string& path, const std::string& expected_model_type) {
  h5::File f = h5::File::open(path);
  h5::Group root = f.root();
  TAILOR_CHECK(root.has_attr("magic"), path << ": not a tailor checkpoint (no 'magic' attribute on /)");
  const std::string magic = root.attr_string("magic");
  TAILOR_CHECK(magic == kMagic, path << ": not a tailor checkpoint (magic '" << magic << "', expected '" << kMagic
                                     << "')");
  const int64_t version = root.attr_int("format_version");
  TAILOR_CHECK(version == kCheckpointFormatVersion,
               path << ": checkpoint format version " << version << " is not supported (this build reads version "
                    << kCheckpointFormatVersion << ")");
  Checkpoint ckpt;
  ckpt.path = path;
  ckpt.model_type = root.attr_string("model_type");
  TAILOR_CHECK(expected_model_type.empty() || ckpt.model_type == expected_model_type,
               path << ": checkpoint of model '" << ckpt.model_type << "', expected a '" << expected_model_type
                    << "' checkpoint");
  ckpt.created = root.attr_string("created");
  ckpt.config = root.read_string_scalar("config");
  const h5::Group vg = root.open_group("versions");
  for (const std::string& lib : vg.attr_names()) ckpt.versions[lib] = vg.attr_string(lib);
  for (const char* s : kSections) read_entries(root.open_group(s), s, &ckpt);
  return ckpt;
}

}  // namespace tailor
