// The one checkpoint format of every tailor model: an HDF5 file with magic, version, model type,
// full config, library versions and named tensors (layout and rules in docs/checkpoint.md).
#pragma once

#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

namespace tailor {

/// Current checkpoint format version; readers reject every other version.
constexpr int kCheckpointFormatVersion = 1;

/// Element type of a stored tensor.
enum class TensorDType : uint8_t { kInt8, kInt16, kInt32, kInt64, kUInt8, kFloat32, kFloat64 };

/// "float32", "int64", ...
const char* tensor_dtype_name(TensorDType dt);
/// Bytes per element.
size_t tensor_dtype_size(TensorDType dt);

template <typename T>
constexpr TensorDType tensor_dtype_of();
template <> constexpr TensorDType tensor_dtype_of<int8_t>() { return TensorDType::kInt8; }
template <> constexpr TensorDType tensor_dtype_of<int16_t>() { return TensorDType::kInt16; }
template <> constexpr TensorDType tensor_dtype_of<int32_t>() { return TensorDType::kInt32; }
template <> constexpr TensorDType tensor_dtype_of<int64_t>() { return TensorDType::kInt64; }
template <> constexpr TensorDType tensor_dtype_of<uint8_t>() { return TensorDType::kUInt8; }
template <> constexpr TensorDType tensor_dtype_of<float>() { return TensorDType::kFloat32; }
template <> constexpr TensorDType tensor_dtype_of<double>() { return TensorDType::kFloat64; }

/// A dense row-major array: raw bytes in native (little-endian) order, stored and read bit-exactly.
struct TensorBlob {
  TensorDType dtype = TensorDType::kFloat32;
  std::vector<int64_t> shape;  ///< empty = scalar (one element)
  std::vector<uint8_t> data;   ///< numel() * tensor_dtype_size(dtype) bytes

  int64_t numel() const;

  /// A blob holding `values` with `shape` (default: 1-D of values.size()).
  template <typename T>
  static TensorBlob from(const std::vector<T>& values, std::vector<int64_t> shape = {-1}) {
    TensorBlob b;
    b.dtype = tensor_dtype_of<T>();
    b.shape = (shape.size() == 1 && shape[0] == -1) ? std::vector<int64_t>{int64_t(values.size())} : shape;
    b.data.resize(values.size() * sizeof(T));
    if (!values.empty()) std::memcpy(b.data.data(), values.data(), b.data.size());
    return b;
  }
  /// A scalar (shape []) blob.
  template <typename T>
  static TensorBlob scalar(T value) {
    return from(std::vector<T>{value}, {});
  }
  /// The elements as T; throws tailor::Error unless dtype is exactly T.
  template <typename T>
  std::vector<T> values() const {
    check_dtype(tensor_dtype_of<T>());
    std::vector<T> v(data.size() / sizeof(T));
    if (!v.empty()) std::memcpy(v.data(), data.data(), data.size());
    return v;
  }

 private:
  void check_dtype(TensorDType expected) const;
};

/// Everything a model needs to resume or serve. Names are "<section>/<path>" with section one of
/// params, buffers, optimizer, meta; '/' in <path> makes nested HDF5 groups.
struct Checkpoint {
  std::string model_type;  ///< e.g. "kmeans", "lstm_lm"; checked on read
  std::string config;      ///< YAML text of the full effective config
  std::string created;     ///< ISO 8601 UTC; write_checkpoint fills it when empty
  /// Library versions: "tailor" and "hdf5" are filled by write_checkpoint, "torch" by the torch
  /// adapter (models/torch_checkpoint.h), others ("cuda", ...) by whoever knows them.
  std::map<std::string, std::string> versions;
  /// Numeric arrays: "params/<name>", "buffers/<name>", "optimizer/...", "meta/...".
  std::map<std::string, TensorBlob> tensors;
  /// Text values (e.g. "meta/tokenizer_kind").
  std::map<std::string, std::string> strings;
  /// String lists (e.g. "meta/vocabulary").
  std::map<std::string, std::vector<std::string>> string_lists;
  /// The file this checkpoint was read from ("" when built in memory); used in messages.
  std::string path;

  /// The tensor `name`; tailor::Error naming the checkpoint when missing.
  const TensorBlob& tensor(const std::string& name) const;
  const std::vector<std::string>& string_list(const std::string& name) const;
  const std::string& text(const std::string& name) const;
  bool has_tensor(const std::string& name) const { return tensors.count(name) > 0; }
};

/// Checks that tensor `name` exists with exactly `dtype` and `shape`; otherwise throws e.g.
/// "checkpoint run/model.h5: params/fc.weight has shape [4,3], model expects [4,5]".
void check_tensor(const Checkpoint& ckpt, const std::string& name, TensorDType dtype,
                  const std::vector<int64_t>& shape);

/// "[4,3]".
std::string shape_to_string(const std::vector<int64_t>& shape);

/// The current time as ISO 8601 UTC, e.g. "2024-05-01T12:34:56Z".
std::string iso8601_utc_now();

/// Writes `ckpt` to `path` atomically: a temporary file renamed into place only when complete, so
/// `path` never holds a partial checkpoint. Throws tailor::Error (bad names, sizes, I/O).
void write_checkpoint(const Checkpoint& ckpt, const std::string& path);

/// Reads and checks a checkpoint: HDF5 readable (not truncated or corrupted, checksums match),
/// magic "TAILOR-CKPT", format version, and model type (unless `expected_model_type` is empty).
Checkpoint read_checkpoint(const std::string& path, const std::string& expected_model_type);

}  // namespace tailor
