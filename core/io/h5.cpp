// HDF5 wrappers: typed arrays, UTF-8 string columns, attributes and content checksums (core/io/h5.h).
#include "core/io/h5.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>

#include "core/common/error.h"

namespace tailor {
namespace h5 {
namespace {

constexpr const char* kChecksumAttr = "tailor_crc32";
/// Strings are read in blocks of this many elements to bound temporary memory.
constexpr hsize_t kStringReadBlock = hsize_t(1) << 20;
/// Longest string column element stored fixed-length; longer ones make the column variable-length.
constexpr size_t kMaxFixedStringBytes = 1024;

/// Throws tailor::Error with the HDF5 detail when `status` is negative.
#define H5_CHECK(status, msg)                                                      \
  do {                                                                             \
    if ((status) < 0) {                                                            \
      const std::string h5_detail_ = hdf5_error_detail();                          \
      TAILOR_FAIL(msg << (h5_detail_.empty() ? "" : " (HDF5: " + h5_detail_ + ")")); \
    }                                                                              \
  } while (0)

herr_t close_type(hid_t id) { return H5Tclose(id); }
herr_t close_space(hid_t id) { return H5Sclose(id); }
herr_t close_plist(hid_t id) { return H5Pclose(id); }
herr_t close_dataset(hid_t id) { return H5Dclose(id); }
herr_t close_attr(hid_t id) { return H5Aclose(id); }
herr_t close_group(hid_t id) { return H5Gclose(id); }
herr_t close_object(hid_t id) { return H5Oclose(id); }
herr_t close_file(hid_t id) { return H5Fclose(id); }

hid_t file_type(DType dt) {
  switch (dt) {
    case DType::kInt8: return H5T_STD_I8LE;
    case DType::kInt16: return H5T_STD_I16LE;
    case DType::kInt32: return H5T_STD_I32LE;
    case DType::kInt64: return H5T_STD_I64LE;
    case DType::kUInt8: return H5T_STD_U8LE;
    case DType::kFloat32: return H5T_IEEE_F32LE;
    case DType::kFloat64: return H5T_IEEE_F64LE;
    case DType::kString: break;
  }
  TAILOR_FAIL("internal: no fixed HDF5 file type for " << dtype_name(dt));
}

hid_t memory_type(DType dt) {
  switch (dt) {
    case DType::kInt8: return H5T_NATIVE_INT8;
    case DType::kInt16: return H5T_NATIVE_INT16;
    case DType::kInt32: return H5T_NATIVE_INT32;
    case DType::kInt64: return H5T_NATIVE_INT64;
    case DType::kUInt8: return H5T_NATIVE_UINT8;
    case DType::kFloat32: return H5T_NATIVE_FLOAT;
    case DType::kFloat64: return H5T_NATIVE_DOUBLE;
    case DType::kString: break;
  }
  TAILOR_FAIL("internal: no fixed HDF5 memory type for " << dtype_name(dt));
}

/// Variable-length string type with the given character set.
Handle vlen_string_type(H5T_cset_t cset = H5T_CSET_UTF8) {
  Handle t(H5Tcopy(H5T_C_S1), close_type);
  H5_CHECK(t.get(), "cannot create an HDF5 string type");
  H5_CHECK(H5Tset_size(t.get(), H5T_VARIABLE), "cannot create an HDF5 string type");
  H5_CHECK(H5Tset_cset(t.get(), cset), "cannot create an HDF5 string type");
  return t;
}

/// Fixed-length, NUL-padded string type of `width` bytes.
Handle fixed_string_type(size_t width, H5T_cset_t cset = H5T_CSET_UTF8) {
  Handle t(H5Tcopy(H5T_C_S1), close_type);
  H5_CHECK(t.get(), "cannot create an HDF5 string type");
  H5_CHECK(H5Tset_size(t.get(), width), "cannot create an HDF5 string type");
  H5_CHECK(H5Tset_strpad(t.get(), H5T_STR_NULLPAD), "cannot create an HDF5 string type");
  H5_CHECK(H5Tset_cset(t.get(), cset), "cannot create an HDF5 string type");
  return t;
}

/// Maps a stored HDF5 type to a DType; throws naming `where` for types tailor does not use.
DType dtype_from_hdf5(hid_t type, const std::string& where) {
  const H5T_class_t cls = H5Tget_class(type);
  const size_t size = H5Tget_size(type);
  if (cls == H5T_INTEGER) {
    const bool is_signed = H5Tget_sign(type) == H5T_SGN_2;
    if (!is_signed && size == 1) return DType::kUInt8;
    if (is_signed && size == 1) return DType::kInt8;
    if (is_signed && size == 2) return DType::kInt16;
    if (is_signed && size == 4) return DType::kInt32;
    if (is_signed && size == 8) return DType::kInt64;
    TAILOR_FAIL(where << ": unsupported integer type (" << (is_signed ? "int" : "uint") << size * 8
                      << ")");
  }
  if (cls == H5T_FLOAT) {
    if (size == 4) return DType::kFloat32;
    if (size == 8) return DType::kFloat64;
    TAILOR_FAIL(where << ": unsupported float type (" << size * 8 << " bits)");
  }
  if (cls == H5T_STRING) {
    return DType::kString;
  }
  TAILOR_FAIL(where << ": unsupported HDF5 type class " << static_cast<int>(cls));
}

uint32_t crc_update(uint32_t crc, const void* data, size_t n) {
  const auto* p = static_cast<const Bytef*>(data);
  while (n > 0) {
    const uInt step = static_cast<uInt>(std::min<size_t>(n, size_t(1) << 30));
    crc = static_cast<uint32_t>(crc32(crc, p, step));
    p += step;
    n -= step;
  }
  return crc;
}

/// Checksum of a string: its length (8 bytes, little-endian) then its bytes.
uint32_t crc_string(uint32_t crc, const char* s, size_t len) {
  uint8_t le[8];
  for (int i = 0; i < 8; ++i) le[i] = static_cast<uint8_t>((uint64_t(len) >> (8 * i)) & 0xff);
  crc = crc_update(crc, le, 8);
  return crc_update(crc, s, len);
}

void write_checksum_attr(hid_t obj, uint32_t crc, const std::string& where) {
  Handle space(H5Screate(H5S_SCALAR), close_space);
  Handle attr(H5Acreate2(obj, kChecksumAttr, H5T_STD_U32LE, space.get(), H5P_DEFAULT, H5P_DEFAULT),
              close_attr);
  H5_CHECK(attr.get(), "cannot write checksum of " << where);
  H5_CHECK(H5Awrite(attr.get(), H5T_NATIVE_UINT32, &crc), "cannot write checksum of " << where);
}

/// Compares the stored checksum (if any) with `crc`.
void verify_checksum_attr(hid_t obj, uint32_t crc, const std::string& where) {
  const htri_t exists = H5Aexists(obj, kChecksumAttr);
  H5_CHECK(exists, "cannot read attributes of " << where);
  if (exists == 0) return;
  Handle attr(H5Aopen(obj, kChecksumAttr, H5P_DEFAULT), close_attr);
  H5_CHECK(attr.get(), "cannot read checksum of " << where);
  uint32_t stored = 0;
  H5_CHECK(H5Aread(attr.get(), H5T_NATIVE_UINT32, &stored), "cannot read checksum of " << where);
  TAILOR_CHECK(stored == crc, where << ": checksum mismatch (stored " << stored << ", content "
                                    << crc << "): the file is corrupted");
}

void check_simple_name(const std::string& name, const std::string& where) {
  TAILOR_CHECK(!name.empty() && name.find('/') == std::string::npos && name != "." && name != "..",
               where << ": invalid HDF5 object name '" << name << "' (must be non-empty, no '/')");
}

Handle open_dataset(hid_t group, const std::string& name, const std::string& where) {
  const htri_t exists = H5Lexists(group, name.c_str(), H5P_DEFAULT);
  H5_CHECK(exists, "cannot look up " << where);
  TAILOR_CHECK(exists > 0, where << ": missing dataset");
  Handle d(H5Dopen2(group, name.c_str(), H5P_DEFAULT), close_dataset);
  H5_CHECK(d.get(), "cannot open dataset " << where);
  return d;
}

/// Shape of a dataspace (empty for scalar).
std::vector<int64_t> space_shape(hid_t space, const std::string& where) {
  const int rank = H5Sget_simple_extent_ndims(space);
  H5_CHECK(rank, "cannot read the shape of " << where);
  std::vector<hsize_t> dims(static_cast<size_t>(rank));
  if (rank > 0) H5_CHECK(H5Sget_simple_extent_dims(space, dims.data(), nullptr), "cannot read the shape of " << where);
  return std::vector<int64_t>(dims.begin(), dims.end());
}

Handle make_dcpl(const std::vector<int64_t>& shape, size_t elem_bytes, bool allow_deflate,
                 const WriteOptions& opt, const std::string& where) {
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), close_plist);
  H5_CHECK(dcpl.get(), "cannot create dataset properties for " << where);
  H5_CHECK(H5Pset_obj_track_times(dcpl.get(), 0), "cannot set dataset properties for " << where);
  if (shape.empty() || shape[0] == 0) return dcpl;
  int64_t numel = 1;
  for (int64_t d : shape) numel *= d;
  const size_t bytes = static_cast<size_t>(numel) * elem_bytes;
  if (numel == 0 || bytes < opt.chunk_threshold_bytes) return dcpl;
  const size_t row_bytes = bytes / static_cast<size_t>(shape[0]);
  if (row_bytes > (size_t(1) << 30)) return dcpl;  // one row would exceed HDF5's chunk limit
  std::vector<hsize_t> chunk(shape.begin(), shape.end());
  chunk[0] = std::clamp<hsize_t>(opt.chunk_bytes / std::max<size_t>(row_bytes, 1), 1,
                                 static_cast<hsize_t>(shape[0]));
  H5_CHECK(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()),
           "cannot set chunking for " << where);
  if (allow_deflate && opt.deflate_level > 0) {
    H5_CHECK(H5Pset_shuffle(dcpl.get()), "cannot set compression for " << where);
    H5_CHECK(H5Pset_deflate(dcpl.get(), static_cast<unsigned>(std::min(opt.deflate_level, 9))),
             "cannot set compression for " << where);
  }
  return dcpl;
}

herr_t collect_innermost(unsigned, const H5E_error2_t* err, void* client) {
  auto* out = static_cast<std::string*>(client);
  if (err->desc && *err->desc) *out = err->desc;
  return 0;
}

}  // namespace

const char* dtype_name(DType dt) {
  switch (dt) {
    case DType::kInt8: return "int8";
    case DType::kInt16: return "int16";
    case DType::kInt32: return "int32";
    case DType::kInt64: return "int64";
    case DType::kUInt8: return "uint8";
    case DType::kFloat32: return "float32";
    case DType::kFloat64: return "float64";
    case DType::kString: return "string";
  }
  return "unknown";
}

size_t dtype_size(DType dt) {
  switch (dt) {
    case DType::kInt8: case DType::kUInt8: return 1;
    case DType::kInt16: return 2;
    case DType::kInt32: case DType::kFloat32: return 4;
    case DType::kInt64: case DType::kFloat64: return 8;
    case DType::kString: return 0;
  }
  return 0;
}

int64_t ArrayInfo::numel() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

std::string shape_string(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

void silence_hdf5_errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

std::string hdf5_error_detail() {
  std::string innermost;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect_innermost, &innermost);
  H5Eclear2(H5E_DEFAULT);
  return innermost;
}

std::string hdf5_version() {
  unsigned maj = 0, min = 0, rel = 0;
  H5get_libversion(&maj, &min, &rel);
  return std::to_string(maj) + "." + std::to_string(min) + "." + std::to_string(rel);
}

// --- Handle ---------------------------------------------------------------------------------

Handle& Handle::operator=(Handle&& o) noexcept {
  if (this != &o) {
    reset();
    id_ = o.id_;
    closer_ = o.closer_;
    o.id_ = -1;
  }
  return *this;
}

bool Handle::reset() {
  bool ok = true;
  if (id_ >= 0 && closer_ != nullptr) ok = closer_(id_) >= 0;
  id_ = -1;
  return ok;
}

// --- File -----------------------------------------------------------------------------------

File::File(Handle h, std::string path, bool integrity)
    : handle_(std::make_shared<Handle>(std::move(h))),
      path_(std::make_shared<const std::string>(std::move(path))),
      integrity_(integrity) {}

namespace {

constexpr const char* kIntegrityPrefix = "TAILOR-H5-INTEGRITY 1\n";

/// CRC-32 of bytes [kIntegrityBlockBytes, end) of `f` (whose size is `size`).
uint32_t crc_after_block(std::FILE* f, uint64_t size, const std::string& path) {
  TAILOR_CHECK(std::fseek(f, static_cast<long>(kIntegrityBlockBytes), SEEK_SET) == 0, "cannot seek in '" << path << "'");
  std::vector<char> buf(size_t(4) << 20);
  uint32_t crc = 0;
  uint64_t left = size - kIntegrityBlockBytes;
  while (left > 0) {
    const size_t want = static_cast<size_t>(std::min<uint64_t>(left, buf.size()));
    const size_t got = std::fread(buf.data(), 1, want, f);
    TAILOR_CHECK(got == want, "cannot read '" << path << "'");
    crc = crc_update(crc, buf.data(), got);
    left -= got;
  }
  return crc;
}

/// Writes the integrity block of a closed file.
void write_integrity_block(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "r+b");
  TAILOR_CHECK(f != nullptr, "cannot reopen '" << path << "' to seal it: " << std::strerror(errno));
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> guard(f, std::fclose);
  const uint64_t size = std::filesystem::file_size(path);
  TAILOR_CHECK(size >= kIntegrityBlockBytes, "'" << path << "' is shorter than its user block");
  const uint32_t crc = crc_after_block(f, size, path);
  char block[kIntegrityBlockBytes] = {};
  std::snprintf(block, sizeof(block), "%scrc32 %08x\nbytes %llu\n", kIntegrityPrefix, crc,
                static_cast<unsigned long long>(size - kIntegrityBlockBytes));
  TAILOR_CHECK(std::fseek(f, 0, SEEK_SET) == 0 && std::fwrite(block, 1, sizeof(block), f) == sizeof(block),
               "cannot write the integrity block of '" << path << "'");
  TAILOR_CHECK(std::fflush(f) == 0, "cannot write '" << path << "': " << std::strerror(errno));
}

/// Verifies the integrity block when the file has one.
void verify_integrity_block(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  TAILOR_CHECK(f != nullptr, "cannot open '" << path << "': " << std::strerror(errno));
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> guard(f, std::fclose);
  const uint64_t size = std::filesystem::file_size(path);
  char block[kIntegrityBlockBytes + 1] = {};
  if (size < kIntegrityBlockBytes || std::fread(block, 1, kIntegrityBlockBytes, f) != kIntegrityBlockBytes) return;
  if (std::strncmp(block, kIntegrityPrefix, std::strlen(kIntegrityPrefix)) != 0) return;  // not sealed by tailor
  unsigned crc_stored = 0;
  unsigned long long bytes_stored = 0;
  TAILOR_CHECK(std::sscanf(block + std::strlen(kIntegrityPrefix), "crc32 %8x\nbytes %llu", &crc_stored,
                           &bytes_stored) == 2,
               "'" << path << "' is corrupted (unreadable integrity block)");
  const uint64_t bytes = size - kIntegrityBlockBytes;
  TAILOR_CHECK(bytes == bytes_stored, "'" << path << "' is truncated or was changed: " << bytes
                                          << " bytes after the header, " << bytes_stored << " written");
  const uint32_t crc = crc_after_block(f, size, path);
  TAILOR_CHECK(crc == crc_stored, "'" << path << "' is corrupted: checksum mismatch (stored " << std::hex
                                      << crc_stored << ", content " << crc << ")");
}

}  // namespace

File File::create(const std::string& path, Integrity integrity) {
  silence_hdf5_errors();
  Handle fcpl(H5Pcreate(H5P_FILE_CREATE), close_plist);
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), close_plist);
  H5_CHECK(fcpl.get(), "cannot create file properties for '" << path << "'");
  H5_CHECK(fapl.get(), "cannot create file properties for '" << path << "'");
  H5_CHECK(H5Pset_obj_track_times(fcpl.get(), 0), "cannot set file properties for '" << path << "'");
  if (integrity == Integrity::kBlock) {
    H5_CHECK(H5Pset_userblock(fcpl.get(), kIntegrityBlockBytes), "cannot set file properties for '" << path << "'");
  }
  // 1.8 object format: checksummed metadata, readable by every HDF5 >= 1.8 (h5py included).
  H5_CHECK(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V18, H5F_LIBVER_V18),
           "cannot set file properties for '" << path << "'");
  Handle f(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get()), close_file);
  H5_CHECK(f.get(), "cannot create HDF5 file '" << path << "'");
  return File(std::move(f), path, integrity == Integrity::kBlock);
}

File File::open(const std::string& path) {
  silence_hdf5_errors();
  std::error_code ec;
  TAILOR_CHECK(std::filesystem::exists(path, ec), "cannot open '" << path << "': no such file");
  TAILOR_CHECK(std::filesystem::is_regular_file(path, ec), "cannot open '" << path << "': not a regular file");
  verify_integrity_block(path);
#if H5_VERSION_GE(1, 12, 0)
  const htri_t is_h5 = H5Fis_accessible(path.c_str(), H5P_DEFAULT);
#else
  const htri_t is_h5 = H5Fis_hdf5(path.c_str());
#endif
  const std::string detail = is_h5 <= 0 ? hdf5_error_detail() : "";
  TAILOR_CHECK(is_h5 > 0, "'" << path << "' is not an HDF5 file (no HDF5 signature: wrong file, "
                              "truncated or corrupted)" << (detail.empty() ? "" : " (HDF5: " + detail + ")"));
  Handle f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), close_file);
  H5_CHECK(f.get(), "cannot open HDF5 file '" << path << "' (truncated or corrupted?)");
  return File(std::move(f), path, false);
}

Group File::root() const {
  TAILOR_CHECK(handle_->valid(), "'" << *path_ << "': file is closed");
  Handle g(H5Gopen2(handle_->get(), "/", H5P_DEFAULT), close_group);
  H5_CHECK(g.get(), "cannot open the root group of '" << *path_ << "' (corrupted?)");
  return Group(std::make_shared<Handle>(std::move(g)), path_, "");
}

void File::close() {
  if (!handle_->valid()) return;
  const ssize_t open_objects = H5Fget_obj_count(
      handle_->get(), H5F_OBJ_DATASET | H5F_OBJ_GROUP | H5F_OBJ_DATATYPE | H5F_OBJ_ATTR | H5F_OBJ_LOCAL);
  TAILOR_CHECK(open_objects == 0, "internal: closing '" << *path_ << "' with " << open_objects
                                                        << " HDF5 objects still open");
  H5_CHECK(H5Fflush(handle_->get(), H5F_SCOPE_LOCAL), "cannot flush '" << *path_ << "'");
  const bool ok = handle_->reset();
  TAILOR_CHECK(ok, "cannot close '" << *path_ << "': " << hdf5_error_detail());
  if (integrity_) write_integrity_block(*path_);
}

// --- Group: links ---------------------------------------------------------------------------

std::string Group::where(const std::string& name) const {
  return *file_ + ": " + path_ + "/" + name;
}

bool Group::has(const std::string& name) const {
  check_simple_name(name, where(name));
  const htri_t e = H5Lexists(id(), name.c_str(), H5P_DEFAULT);
  H5_CHECK(e, "cannot look up " << where(name));
  return e > 0;
}

namespace {
H5I_type_t child_kind(hid_t group, const std::string& name, const std::string& where) {
  Handle o(H5Oopen(group, name.c_str(), H5P_DEFAULT), close_object);
  H5_CHECK(o.get(), "cannot open " << where);
  return H5Iget_type(o.get());
}
}  // namespace

bool Group::has_group(const std::string& name) const {
  return has(name) && child_kind(id(), name, where(name)) == H5I_GROUP;
}

bool Group::has_dataset(const std::string& name) const {
  return has(name) && child_kind(id(), name, where(name)) == H5I_DATASET;
}

std::vector<std::string> Group::children() const {
  H5G_info_t gi;
  H5_CHECK(H5Gget_info(id(), &gi), "cannot list " << where());
  std::vector<std::string> names;
  names.reserve(gi.nlinks);
  for (hsize_t i = 0; i < gi.nlinks; ++i) {
    const ssize_t len = H5Lget_name_by_idx(id(), ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    H5_CHECK(len, "cannot list " << where());
    std::string name(static_cast<size_t>(len), '\0');
    H5_CHECK(H5Lget_name_by_idx(id(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size() + 1,
                                H5P_DEFAULT),
             "cannot list " << where());
    names.push_back(std::move(name));
  }
  return names;
}

Group Group::create_group(const std::string& name) const {
  check_simple_name(name, where(name));
  Handle gcpl(H5Pcreate(H5P_GROUP_CREATE), close_plist);
  H5_CHECK(gcpl.get(), "cannot create group " << where(name));
  H5_CHECK(H5Pset_obj_track_times(gcpl.get(), 0), "cannot create group " << where(name));
  Handle g(H5Gcreate2(id(), name.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), close_group);
  H5_CHECK(g.get(), "cannot create group " << where(name));
  return Group(std::make_shared<Handle>(std::move(g)), file_, path_ + "/" + name);
}

Group Group::open_group(const std::string& name) const {
  TAILOR_CHECK(has(name), where(name) << ": missing group");
  Handle g(H5Gopen2(id(), name.c_str(), H5P_DEFAULT), close_group);
  H5_CHECK(g.get(), "cannot open group " << where(name) << " (not a group?)");
  return Group(std::make_shared<Handle>(std::move(g)), file_, path_ + "/" + name);
}

Group Group::require_group(const std::string& name) const {
  return has(name) ? open_group(name) : create_group(name);
}

// --- Group: numeric arrays ------------------------------------------------------------------

void Group::write_array(const std::string& name, DType dtype, const std::vector<int64_t>& shape,
                        const void* data, const WriteOptions& opt) const {
  const std::string w = where(name);
  check_simple_name(name, w);
  TAILOR_CHECK(dtype != DType::kString, w << ": use write_strings for strings");
  int64_t numel = 1;
  for (int64_t d : shape) {
    TAILOR_CHECK(d >= 0, w << ": negative dimension in shape " << shape_string(shape));
    TAILOR_CHECK(d == 0 || numel <= std::numeric_limits<int64_t>::max() / d,
                 w << ": shape " << shape_string(shape) << " is too large");
    numel *= d;
  }
  TAILOR_CHECK(numel == 0 || data != nullptr, w << ": no data for shape " << shape_string(shape));

  std::vector<hsize_t> dims(shape.begin(), shape.end());
  Handle space(shape.empty() ? H5Screate(H5S_SCALAR)
                             : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
               close_space);
  H5_CHECK(space.get(), "cannot create dataspace " << shape_string(shape) << " for " << w);
  Handle dcpl = make_dcpl(shape, dtype_size(dtype), true, opt, w);
  Handle d(H5Dcreate2(id(), name.c_str(), file_type(dtype), space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
           close_dataset);
  H5_CHECK(d.get(), "cannot create dataset " << w);
  if (numel > 0) {
    H5_CHECK(H5Dwrite(d.get(), memory_type(dtype), H5S_ALL, H5S_ALL, H5P_DEFAULT, data),
             "cannot write dataset " << w);
  }
  if (opt.checksum) {
    write_checksum_attr(d.get(), crc_update(0, data, static_cast<size_t>(numel) * dtype_size(dtype)), w);
  }
}

ArrayInfo Group::info(const std::string& name) const {
  const std::string w = where(name);
  check_simple_name(name, w);
  Handle d = open_dataset(id(), name, w);
  Handle type(H5Dget_type(d.get()), close_type);
  H5_CHECK(type.get(), "cannot read the type of " << w);
  Handle space(H5Dget_space(d.get()), close_space);
  H5_CHECK(space.get(), "cannot read the shape of " << w);
  ArrayInfo ai;
  ai.dtype = dtype_from_hdf5(type.get(), w);
  ai.shape = space_shape(space.get(), w);
  return ai;
}

ArrayInfo Group::check_column(const std::string& name, DType dtype, int64_t expected_length) const {
  const ArrayInfo ai = info(name);
  const std::string w = where(name);
  TAILOR_CHECK(ai.dtype == dtype, w << ": dtype " << dtype_name(ai.dtype) << ", expected " << dtype_name(dtype));
  TAILOR_CHECK(ai.shape.size() == 1, w << ": shape " << shape_string(ai.shape) << ", expected a 1-D column");
  TAILOR_CHECK(expected_length < 0 || ai.shape[0] == expected_length,
               w << ": length " << ai.shape[0] << ", expected " << expected_length);
  return ai;
}

void Group::read_raw(const std::string& name, DType dtype, void* dst, int64_t numel) const {
  const std::string w = where(name);
  Handle d = open_dataset(id(), name, w);
  if (numel > 0) {
    H5_CHECK(H5Dread(d.get(), memory_type(dtype), H5S_ALL, H5S_ALL, H5P_DEFAULT, dst),
             "cannot read dataset " << w << " (corrupted?)");
  }
  verify_checksum_attr(d.get(), crc_update(0, dst, static_cast<size_t>(numel) * dtype_size(dtype)), w);
}

std::vector<int64_t> Group::read_array(const std::string& name, DType dtype, std::vector<uint8_t>* out) const {
  const ArrayInfo ai = info(name);
  const std::string w = where(name);
  TAILOR_CHECK(ai.dtype == dtype, w << ": dtype " << dtype_name(ai.dtype) << ", expected " << dtype_name(dtype));
  out->resize(static_cast<size_t>(ai.numel()) * dtype_size(dtype));
  read_raw(name, dtype, out->data(), ai.numel());
  return ai.shape;
}

// --- Group: strings -------------------------------------------------------------------------

void Group::write_strings(const std::string& name, const std::vector<std::string>& v,
                          const WriteOptions& opt) const {
  const std::string w = where(name);
  check_simple_name(name, w);
  uint32_t crc = 0;
  size_t max_len = 0, total_len = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    TAILOR_CHECK(std::memchr(v[i].data(), '\0', v[i].size()) == nullptr,
                 w << ": element " << i << " contains a NUL byte (store binary data as uint8)");
    max_len = std::max(max_len, v[i].size());
    total_len += v[i].size();
    if (opt.checksum) crc = crc_string(crc, v[i].data(), v[i].size());
  }
  const hsize_t n = v.size();
  // Fixed-length storage is one contiguous block (several times faster than HDF5's variable-length
  // strings, which live one by one in a heap); used when padding costs at most about twice the text.
  const bool fixed = n > 0 && max_len <= kMaxFixedStringBytes && max_len * n <= 2 * total_len + 8 * n;
  Handle space(H5Screate_simple(1, &n, nullptr), close_space);
  H5_CHECK(space.get(), "cannot create dataspace for " << w);
  Handle type = fixed ? fixed_string_type(std::max<size_t>(max_len, 1)) : vlen_string_type();
  Handle dcpl = make_dcpl({static_cast<int64_t>(n)}, fixed ? std::max<size_t>(max_len, 1) : sizeof(hvl_t),
                          fixed, opt, w);
  Handle d(H5Dcreate2(id(), name.c_str(), type.get(), space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
           close_dataset);
  H5_CHECK(d.get(), "cannot create dataset " << w);
  if (n > 0 && fixed) {
    const size_t width = std::max<size_t>(max_len, 1);
    std::vector<char> block(width * n, '\0');
    for (size_t i = 0; i < n; ++i) std::memcpy(block.data() + i * width, v[i].data(), v[i].size());
    H5_CHECK(H5Dwrite(d.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, block.data()),
             "cannot write dataset " << w);
  } else if (n > 0) {
    std::vector<const char*> ptrs(n);
    for (size_t i = 0; i < n; ++i) ptrs[i] = v[i].c_str();
    H5_CHECK(H5Dwrite(d.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()),
             "cannot write dataset " << w);
  }
  if (opt.checksum) write_checksum_attr(d.get(), crc, w);
}

std::vector<std::string> Group::read_strings(const std::string& name, int64_t expected_length) const {
  const std::string w = where(name);
  const ArrayInfo ai = check_column(name, DType::kString, expected_length);
  Handle d = open_dataset(id(), name, w);
  Handle ftype(H5Dget_type(d.get()), close_type);
  H5_CHECK(ftype.get(), "cannot read the type of " << w);
  const bool fixed = H5Tis_variable_str(ftype.get()) <= 0;
  const size_t width = fixed ? H5Tget_size(ftype.get()) : 0;
  Handle mtype = fixed ? fixed_string_type(width, H5Tget_cset(ftype.get()))
                       : vlen_string_type(H5Tget_cset(ftype.get()));
  Handle fspace(H5Dget_space(d.get()), close_space);
  H5_CHECK(fspace.get(), "cannot read the shape of " << w);

  const hsize_t n = static_cast<hsize_t>(ai.shape[0]);
  std::vector<std::string> out(n);
  const hsize_t block = std::min(n, kStringReadBlock);
  std::vector<char*> ptrs(fixed ? 0 : block);
  std::vector<char> chars(fixed ? block * width : 0);
  uint32_t crc = 0;
  for (hsize_t start = 0; start < n; start += kStringReadBlock) {
    const hsize_t count = std::min(kStringReadBlock, n - start);
    H5_CHECK(H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, &start, nullptr, &count, nullptr),
             "cannot select rows of " << w);
    Handle mspace(H5Screate_simple(1, &count, nullptr), close_space);
    void* buf = fixed ? static_cast<void*>(chars.data()) : static_cast<void*>(ptrs.data());
    std::fill(ptrs.begin(), ptrs.end(), nullptr);
    H5_CHECK(H5Dread(d.get(), mtype.get(), mspace.get(), fspace.get(), H5P_DEFAULT, buf),
             "cannot read dataset " << w << " (corrupted?)");
    for (hsize_t i = 0; i < count; ++i) {
      std::string& s = out[start + i];
      if (fixed) {
        const char* p = chars.data() + i * width;
        s.assign(p, strnlen(p, width));
      } else if (ptrs[i] != nullptr) {
        s = ptrs[i];
      }
      crc = crc_string(crc, s.data(), s.size());
    }
    if (!fixed) {
#if H5_VERSION_GE(1, 12, 0)
      H5Treclaim(mtype.get(), mspace.get(), H5P_DEFAULT, ptrs.data());
#else
      H5Dvlen_reclaim(mtype.get(), mspace.get(), H5P_DEFAULT, ptrs.data());
#endif
    }
  }
  verify_checksum_attr(d.get(), crc, w);
  return out;
}

void Group::write_string_scalar(const std::string& name, const std::string& s, const WriteOptions& opt) const {
  const std::string w = where(name);
  check_simple_name(name, w);
  TAILOR_CHECK(std::memchr(s.data(), '\0', s.size()) == nullptr, w << ": string contains a NUL byte");
  Handle space(H5Screate(H5S_SCALAR), close_space);
  Handle type = vlen_string_type();
  Handle dcpl = make_dcpl({}, 0, false, opt, w);
  Handle d(H5Dcreate2(id(), name.c_str(), type.get(), space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
           close_dataset);
  H5_CHECK(d.get(), "cannot create dataset " << w);
  const char* p = s.c_str();
  H5_CHECK(H5Dwrite(d.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &p), "cannot write dataset " << w);
  if (opt.checksum) write_checksum_attr(d.get(), crc_string(0, s.data(), s.size()), w);
}

std::string Group::read_string_scalar(const std::string& name) const {
  const std::string w = where(name);
  const ArrayInfo ai = info(name);
  TAILOR_CHECK(ai.dtype == DType::kString && ai.shape.empty(),
               w << ": " << dtype_name(ai.dtype) << " " << shape_string(ai.shape) << ", expected a scalar string");
  Handle d = open_dataset(id(), name, w);
  Handle ftype(H5Dget_type(d.get()), close_type);
  Handle mtype = vlen_string_type(H5Tget_cset(ftype.get()));
  Handle space(H5Screate(H5S_SCALAR), close_space);
  char* p = nullptr;
  H5_CHECK(H5Dread(d.get(), mtype.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &p), "cannot read dataset " << w << " (corrupted?)");
  std::string s = p ? p : "";
#if H5_VERSION_GE(1, 12, 0)
  H5Treclaim(mtype.get(), space.get(), H5P_DEFAULT, &p);
#else
  H5Dvlen_reclaim(mtype.get(), space.get(), H5P_DEFAULT, &p);
#endif
  verify_checksum_attr(d.get(), crc_string(0, s.data(), s.size()), w);
  return s;
}

// --- Group: attributes ----------------------------------------------------------------------

namespace {

std::string attr_where(const Group& g, const std::string& name) {
  return g.file() + ": " + (g.path().empty() ? "/" : g.path()) + " attribute '" + name + "'";
}

Handle create_attr(const Group& g, const std::string& name, hid_t type) {
  const std::string w = attr_where(g, name);
  const htri_t e = H5Aexists(g.id(), name.c_str());
  H5_CHECK(e, "cannot look up " << w);
  if (e > 0) H5_CHECK(H5Adelete(g.id(), name.c_str()), "cannot replace " << w);
  Handle space(H5Screate(H5S_SCALAR), close_space);
  Handle a(H5Acreate2(g.id(), name.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT), close_attr);
  H5_CHECK(a.get(), "cannot create " << w);
  return a;
}

Handle open_attr(const Group& g, const std::string& name, H5T_class_t expected_class, const char* expected) {
  const std::string w = attr_where(g, name);
  const htri_t e = H5Aexists(g.id(), name.c_str());
  H5_CHECK(e, "cannot look up " << w);
  TAILOR_CHECK(e > 0, w << " is missing");
  Handle a(H5Aopen(g.id(), name.c_str(), H5P_DEFAULT), close_attr);
  H5_CHECK(a.get(), "cannot open " << w);
  Handle space(H5Aget_space(a.get()), close_space);
  H5_CHECK(space.get(), "cannot read " << w);
  TAILOR_CHECK(H5Sget_simple_extent_npoints(space.get()) == 1, w << ": expected a single value");
  Handle type(H5Aget_type(a.get()), close_type);
  H5_CHECK(type.get(), "cannot read " << w);
  TAILOR_CHECK(H5Tget_class(type.get()) == expected_class, w << ": expected " << expected);
  return a;
}

}  // namespace

bool Group::has_attr(const std::string& name) const {
  const htri_t e = H5Aexists(id(), name.c_str());
  H5_CHECK(e, "cannot look up " << attr_where(*this, name));
  return e > 0;
}

void Group::set_attr(const std::string& name, const std::string& value) const {
  TAILOR_CHECK(value.find('\0') == std::string::npos, attr_where(*this, name) << ": string contains a NUL byte");
  Handle type = vlen_string_type();
  Handle a = create_attr(*this, name, type.get());
  const char* p = value.c_str();
  H5_CHECK(H5Awrite(a.get(), type.get(), &p), "cannot write " << attr_where(*this, name));
}

void Group::set_attr(const std::string& name, int64_t value) const {
  Handle a = create_attr(*this, name, H5T_STD_I64LE);
  H5_CHECK(H5Awrite(a.get(), H5T_NATIVE_INT64, &value), "cannot write " << attr_where(*this, name));
}

void Group::set_attr(const std::string& name, double value) const {
  Handle a = create_attr(*this, name, H5T_IEEE_F64LE);
  H5_CHECK(H5Awrite(a.get(), H5T_NATIVE_DOUBLE, &value), "cannot write " << attr_where(*this, name));
}

std::string Group::attr_string(const std::string& name) const {
  const std::string w = attr_where(*this, name);
  Handle a = open_attr(*this, name, H5T_STRING, "a string");
  Handle ftype(H5Aget_type(a.get()), close_type);
  if (H5Tis_variable_str(ftype.get()) > 0) {
    Handle mtype = vlen_string_type(H5Tget_cset(ftype.get()));
    char* p = nullptr;
    H5_CHECK(H5Aread(a.get(), mtype.get(), &p), "cannot read " << w);
    std::string s = p ? p : "";
    Handle space(H5Screate(H5S_SCALAR), close_space);
#if H5_VERSION_GE(1, 12, 0)
    H5Treclaim(mtype.get(), space.get(), H5P_DEFAULT, &p);
#else
    H5Dvlen_reclaim(mtype.get(), space.get(), H5P_DEFAULT, &p);
#endif
    return s;
  }
  // Fixed-length string (as numpy.bytes_ attributes from h5py): read the bytes, drop padding.
  const size_t size = H5Tget_size(ftype.get());
  std::string s(size, '\0');
  H5_CHECK(H5Aread(a.get(), ftype.get(), s.data()), "cannot read " << w);
  s.resize(std::strlen(s.c_str()));
  return s;
}

int64_t Group::attr_int(const std::string& name) const {
  Handle a = open_attr(*this, name, H5T_INTEGER, "an integer");
  int64_t v = 0;
  H5_CHECK(H5Aread(a.get(), H5T_NATIVE_INT64, &v), "cannot read " << attr_where(*this, name));
  return v;
}

double Group::attr_double(const std::string& name) const {
  Handle a = open_attr(*this, name, H5T_FLOAT, "a floating-point number");
  double v = 0;
  H5_CHECK(H5Aread(a.get(), H5T_NATIVE_DOUBLE, &v), "cannot read " << attr_where(*this, name));
  return v;
}

namespace {
herr_t collect_attr_name(hid_t, const char* name, const H5A_info_t*, void* client) {
  static_cast<std::vector<std::string>*>(client)->push_back(name);
  return 0;
}
}  // namespace

std::vector<std::string> Group::attr_names() const {
  std::vector<std::string> names;
  hsize_t idx = 0;
  H5_CHECK(H5Aiterate2(id(), H5_INDEX_NAME, H5_ITER_INC, &idx, collect_attr_name, &names),
           "cannot list attributes of " << where());
  return names;
}

}  // namespace h5
}  // namespace tailor
