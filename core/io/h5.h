// Small RAII layer over the HDF5 C API for tailor's files (datasets, checkpoints): typed columns and
// n-D arrays with exact dtypes, UTF-8 string columns, attributes, checksums; every failure -> tailor::Error.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tailor {
namespace h5 {

/// Element types tailor stores. Files always hold little-endian fixed-size types.
enum class DType : uint8_t { kInt8, kInt16, kInt32, kInt64, kUInt8, kFloat32, kFloat64, kString };

/// "int8", "float32", "string", ...
const char* dtype_name(DType dt);
/// Bytes per element (0 for kString).
size_t dtype_size(DType dt);

template <typename T>
constexpr DType dtype_of();
template <> constexpr DType dtype_of<int8_t>() { return DType::kInt8; }
template <> constexpr DType dtype_of<int16_t>() { return DType::kInt16; }
template <> constexpr DType dtype_of<int32_t>() { return DType::kInt32; }
template <> constexpr DType dtype_of<int64_t>() { return DType::kInt64; }
template <> constexpr DType dtype_of<uint8_t>() { return DType::kUInt8; }
template <> constexpr DType dtype_of<float>() { return DType::kFloat32; }
template <> constexpr DType dtype_of<double>() { return DType::kFloat64; }

/// Owns one HDF5 identifier and closes it with the matching H5*close function.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  Handle(Handle&& o) noexcept : id_(o.id_), closer_(o.closer_) { o.id_ = -1; }
  Handle& operator=(Handle&& o) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  /// Closes now; returns false when HDF5 reported an error while closing (e.g. a failed flush).
  bool reset();

 private:
  hid_t id_ = -1;
  Closer closer_ = nullptr;
};

/// How an array is laid out on disk.
struct WriteOptions {
  /// Arrays of at least this many bytes are chunked (otherwise contiguous).
  size_t chunk_threshold_bytes = size_t(1) << 20;
  /// Target bytes per chunk (rows along the first dimension are grouped to about this size).
  size_t chunk_bytes = size_t(4) << 20;
  /// 0: no compression; 1..9: deflate level (with byte shuffle) for chunked numeric arrays.
  int deflate_level = 0;
  /// Store a CRC-32 of the content as attribute "tailor_crc32"; verified on read.
  bool checksum = true;
};

/// Type and shape of a stored dataset. A scalar has an empty shape.
struct ArrayInfo {
  DType dtype = DType::kUInt8;
  std::vector<int64_t> shape;
  int64_t numel() const;
};

/// "[4,3]" for error messages.
std::string shape_string(const std::vector<int64_t>& shape);

/// A group (or the root) of an open file. Cheap to copy; keeps the file open while alive.
class Group {
 public:
  /// The file name and the HDF5 path of this group, for messages.
  const std::string& file() const { return *file_; }
  const std::string& path() const { return path_; }
  /// "<file>: <path>/<name>" for error messages.
  std::string where(const std::string& name = "") const;

  // --- links -----------------------------------------------------------------------------
  bool has(const std::string& name) const;
  bool has_group(const std::string& name) const;
  bool has_dataset(const std::string& name) const;
  /// Names of the direct children, sorted by name.
  std::vector<std::string> children() const;
  Group create_group(const std::string& name) const;
  /// Opens an existing child group; error naming file and path when missing.
  Group open_group(const std::string& name) const;
  /// Opens `name` if it exists, else creates it.
  Group require_group(const std::string& name) const;

  // --- numeric arrays --------------------------------------------------------------------
  /// Writes an n-D array (shape empty = scalar) of `dtype` from `data` (row-major, native order).
  void write_array(const std::string& name, DType dtype, const std::vector<int64_t>& shape,
                   const void* data, const WriteOptions& opt = {}) const;
  template <typename T>
  void write_column(const std::string& name, const std::vector<T>& v,
                    const WriteOptions& opt = {}) const {
    write_array(name, dtype_of<T>(), {static_cast<int64_t>(v.size())}, v.data(), opt);
  }
  /// Type and shape of dataset `name` (error when it is not a dataset or has an unsupported type).
  ArrayInfo info(const std::string& name) const;
  /// Reads the whole numeric dataset `name`, which must have exactly `dtype`, into `out`
  /// (resized to numel * dtype_size); returns its shape. Verifies the stored checksum.
  std::vector<int64_t> read_array(const std::string& name, DType dtype,
                                  std::vector<uint8_t>* out) const;
  /// Reads a 1-D column of exactly type T; `expected_length` >= 0 is checked too.
  template <typename T>
  std::vector<T> read_column(const std::string& name, int64_t expected_length = -1) const {
    std::vector<T> v;
    read_column_into(name, dtype_of<T>(), expected_length,
                     [&v](size_t n) { v.resize(n); return static_cast<void*>(v.data()); });
    return v;
  }

  // --- strings (UTF-8; h5py: dataset.asstr()[()]) ----------------------------------------
  /// A 1-D string column. Stored fixed-length (NUL-padded, one contiguous block: fast) when padding
  /// costs at most about twice the text and no element exceeds 1 KiB, else variable-length.
  /// Elements may not contain NUL bytes (store binary data as uint8 arrays).
  void write_strings(const std::string& name, const std::vector<std::string>& v,
                     const WriteOptions& opt = {}) const;
  /// Reads a 1-D string column (fixed- or variable-length); `expected_length` >= 0 is checked.
  std::vector<std::string> read_strings(const std::string& name, int64_t expected_length = -1) const;
  /// A scalar variable-length string dataset (for long text such as a YAML config).
  void write_string_scalar(const std::string& name, const std::string& s,
                           const WriteOptions& opt = {}) const;
  std::string read_string_scalar(const std::string& name) const;

  // --- attributes on this group -----------------------------------------------------------
  bool has_attr(const std::string& name) const;
  void set_attr(const std::string& name, const std::string& value) const;
  void set_attr(const std::string& name, const char* value) const { set_attr(name, std::string(value)); }
  void set_attr(const std::string& name, int64_t value) const;
  void set_attr(const std::string& name, double value) const;
  std::string attr_string(const std::string& name) const;
  int64_t attr_int(const std::string& name) const;
  double attr_double(const std::string& name) const;
  /// Names of this group's attributes, sorted.
  std::vector<std::string> attr_names() const;

  hid_t id() const { return handle_->get(); }

 private:
  friend class File;
  Group(std::shared_ptr<Handle> h, std::shared_ptr<const std::string> file, std::string path)
      : handle_(std::move(h)), file_(std::move(file)), path_(std::move(path)) {}
  template <typename F>
  void read_column_into(const std::string& name, DType dtype, int64_t expected_length, F alloc) const {
    const ArrayInfo ai = check_column(name, dtype, expected_length);
    void* dst = alloc(static_cast<size_t>(ai.shape[0]));
    read_raw(name, dtype, dst, ai.numel());
  }
  ArrayInfo check_column(const std::string& name, DType dtype, int64_t expected_length) const;
  void read_raw(const std::string& name, DType dtype, void* dst, int64_t numel) const;

  std::shared_ptr<Handle> handle_;
  std::shared_ptr<const std::string> file_;
  std::string path_;
};

/// An open HDF5 file. Created files use the HDF5 1.8 object format (checksummed metadata) and
/// no modification times, so the same content always gives the same bytes.
///
/// Integrity block: files created with `Integrity::kBlock` start with a 512-byte HDF5 user block
/// (ignored by HDF5 and h5py) that records a CRC-32 and the length of the rest of the file, written
/// by close(). open() verifies it before HDF5 parses anything, so truncated or corrupted files give a
/// clear error instead of reaching HDF5 code that can crash on damaged heaps. Files without the block
/// (written by other tools) are read without this check.
class File {
 public:
  enum class Integrity { kNone, kBlock };
  /// Creates (truncates) `path` for writing.
  static File create(const std::string& path, Integrity integrity = Integrity::kBlock);
  /// Opens an existing file read-only; clear errors for a missing, non-HDF5, truncated or corrupted file.
  static File open(const std::string& path);

  Group root() const;
  const std::string& path() const { return *path_; }
  /// Flushes, closes and writes the integrity block; throws when HDF5 cannot finish writing or a
  /// Group of this file is still alive.
  void close();

 private:
  File(Handle h, std::string path, bool integrity);
  std::shared_ptr<Handle> handle_;
  std::shared_ptr<const std::string> path_;
  bool integrity_ = false;
};

/// Size of the integrity block (an HDF5 user block) at the start of tailor-written files.
constexpr size_t kIntegrityBlockBytes = 512;

/// Silences HDF5's automatic error printing (done by File::create/open; safe to call again).
void silence_hdf5_errors();

/// The innermost message on the current HDF5 error stack ("" when empty), then clears it.
std::string hdf5_error_detail();

/// The HDF5 library version, e.g. "1.10.8".
std::string hdf5_version();

}  // namespace h5
}  // namespace tailor
