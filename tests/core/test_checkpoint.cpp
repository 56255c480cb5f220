// Checkpoint file: bit-exact round trip, atomic writes, and clear errors for bad or foreign files.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>

#include "core/checkpoint/checkpoint.h"
#include "core/common/error.h"
#include "core/io/h5.h"

namespace tailor {
namespace {

namespace fs = std::filesystem;

class CheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("tailor_checkpoint_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  fs::path dir_;
};

float bits_to_float(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}
double bits_to_double(uint64_t u) {
  double d;
  std::memcpy(&d, &u, 8);
  return d;
}

/// One tensor of every dtype, special float values (NaN with payloads, inf, -0.0, denormals),
/// scalars, empty and 3-D shapes, text and string lists.
Checkpoint sample_checkpoint() {
  Checkpoint c;
  c.model_type = "toy_model";
  c.config = "toy:\n  k: 8\n  init: kmeans++\n  name: \"caf\xC3\xA9\"\n";
  c.created = "2024-05-01T12:34:56Z";
  c.versions["cuda"] = "none";
  const float fnan = std::numeric_limits<float>::quiet_NaN();
  const float finf = std::numeric_limits<float>::infinity();
  c.tensors["params/fc.weight"] = TensorBlob::from<float>(
      {1.5f, -0.0f, 0.0f, fnan, -finf, finf, bits_to_float(0x7fc12345u), bits_to_float(0xffa00001u),
       std::numeric_limits<float>::denorm_min(), std::numeric_limits<float>::max(), 1e-30f, -3.25f},
      {3, 4});
  c.tensors["params/fc.bias"] = TensorBlob::from<float>({0.25f, -0.5f, 0.125f});
  c.tensors["params/layers.0.conv/kernel"] = TensorBlob::from<float>(std::vector<float>(2 * 3 * 4, 0.5f), {2, 3, 4});
  c.tensors["buffers/running_mean"] = TensorBlob::from<double>(
      {-0.0, std::numeric_limits<double>::quiet_NaN(), bits_to_double(0x7ff0000000000abcull),
       std::numeric_limits<double>::denorm_min(), -std::numeric_limits<double>::infinity()});
  c.tensors["buffers/num_batches_tracked"] = TensorBlob::scalar<int64_t>(std::numeric_limits<int64_t>::min());
  c.tensors["optimizer/state/fc.weight/step"] = TensorBlob::scalar<int64_t>(3);
  c.tensors["meta/i8"] = TensorBlob::from<int8_t>({-128, -1, 0, 127});
  c.tensors["meta/i16"] = TensorBlob::from<int16_t>({-32768, 32767, 7});
  c.tensors["meta/i32"] = TensorBlob::from<int32_t>({std::numeric_limits<int32_t>::min(), 0, 2147483647});
  c.tensors["meta/u8_blob"] = TensorBlob::from<uint8_t>({0, 255, 0, 10, 13, 0});  // raw bytes with NULs
  c.tensors["meta/empty"] = TensorBlob::from<float>({}, {0, 5});
  c.strings["meta/tokenizer_kind"] = "unigram";
  c.strings["meta/empty_text"] = "";
  c.string_lists["meta/vocabulary"] = {"<pad>", "<unk>", "caf\xC3\xA9", "\xE2\x82\xAC", ""};
  return c;
}

void expect_same(const Checkpoint& a, const Checkpoint& b) {
  EXPECT_EQ(a.model_type, b.model_type);
  EXPECT_EQ(a.config, b.config);
  if (!a.created.empty()) {
    EXPECT_EQ(a.created, b.created);
  }
  for (const auto& [lib, v] : a.versions) EXPECT_EQ(b.versions.count(lib) ? b.versions.at(lib) : "<missing>", v) << lib;
  ASSERT_EQ(a.tensors.size(), b.tensors.size());
  for (const auto& [name, blob] : a.tensors) {
    ASSERT_TRUE(b.tensors.count(name)) << name;
    const TensorBlob& o = b.tensors.at(name);
    EXPECT_EQ(blob.dtype, o.dtype) << name;
    EXPECT_EQ(blob.shape, o.shape) << name;
    EXPECT_EQ(blob.data, o.data) << name << ": bytes differ";
  }
  EXPECT_EQ(a.strings, b.strings);
  EXPECT_EQ(a.string_lists, b.string_lists);
}

template <typename F>
void expect_error(F f, const std::vector<std::string>& parts) {
  try {
    f();
    ADD_FAILURE() << "expected tailor::Error containing '" << parts.front() << "'";
  } catch (const Error& e) {
    for (const std::string& p : parts)
      EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << "message: " << e.what() << "\nmissing: " << p;
  }
}

std::vector<char> read_bytes(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  return std::vector<char>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_bytes(const std::string& p, const std::vector<char>& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

/// Blanks the integrity block, as when another tool has edited the file after tailor wrote it.
void unseal(const std::string& p) {
  std::fstream f(p, std::ios::in | std::ios::out | std::ios::binary);
  const std::string zeros(h5::kIntegrityBlockBytes, '\0');
  f.write(zeros.data(), static_cast<std::streamsize>(zeros.size()));
}

/// Rewrites one integer attribute of the root group in place with raw HDF5.
void patch_root_int_attr(const std::string& p, const char* name, int64_t value) {
  const hid_t f = H5Fopen(p.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  const hid_t a = H5Aopen(f, name, H5P_DEFAULT);
  ASSERT_GE(a, 0);
  ASSERT_GE(H5Awrite(a, H5T_NATIVE_INT64, &value), 0);
  H5Aclose(a);
  H5Fclose(f);
  unseal(p);
}

TEST_F(CheckpointTest, RoundTripIsBitExactForEveryDtype) {
  const Checkpoint c = sample_checkpoint();
  const std::string p = path("model.ckpt.h5");
  write_checkpoint(c, p);
  const Checkpoint back = read_checkpoint(p, "toy_model");
  expect_same(c, back);
  EXPECT_EQ(back.path, p);
  EXPECT_FALSE(back.versions.at("tailor").empty());
  EXPECT_EQ(back.versions.at("hdf5"), h5::hdf5_version());
  EXPECT_EQ(back.versions.at("cuda"), "none");
  // Typed access checks the dtype.
  EXPECT_EQ(back.tensor("meta/i16").values<int16_t>(), (std::vector<int16_t>{-32768, 32767, 7}));
  EXPECT_THROW(back.tensor("meta/i16").values<int32_t>(), Error);
  // An empty model type accepts any checkpoint.
  EXPECT_EQ(read_checkpoint(p, "").model_type, "toy_model");
}

TEST_F(CheckpointTest, LargeTensorRoundTripsThroughChunks) {
  Checkpoint c;
  c.model_type = "big";
  std::vector<float> w(3 * 1000 * 700);
  std::mt19937 rng(3);
  for (float& x : w) x = bits_to_float(rng());  // every bit pattern, NaNs included
  c.tensors["params/embedding"] = TensorBlob::from(w, {3, 1000, 700});
  write_checkpoint(c, path("big.h5"));
  expect_same(c, read_checkpoint(path("big.h5"), "big"));
}

TEST_F(CheckpointTest, SameContentGivesSameBytes) {
  const Checkpoint c = sample_checkpoint();
  write_checkpoint(c, path("a.h5"));
  ::sleep(1);
  write_checkpoint(c, path("b.h5"));
  EXPECT_EQ(read_bytes(path("a.h5")), read_bytes(path("b.h5")));
}

TEST_F(CheckpointTest, CreatedIsFilledWhenEmpty) {
  Checkpoint c = sample_checkpoint();
  c.created.clear();
  write_checkpoint(c, path("m.h5"));
  const std::string created = read_checkpoint(path("m.h5"), "toy_model").created;
  ASSERT_EQ(created.size(), 20u) << created;
  EXPECT_EQ(created[4], '-');
  EXPECT_EQ(created[10], 'T');
  EXPECT_EQ(created.back(), 'Z');
}

TEST_F(CheckpointTest, MissingAndNonHdf5FilesAreClearErrors) {
  expect_error([&] { read_checkpoint(path("none.h5"), "toy_model"); }, {path("none.h5"), "no such file"});
  std::vector<char> garbage(4096);
  std::mt19937 rng(5);
  for (char& ch : garbage) ch = static_cast<char>(rng());
  write_bytes(path("garbage.h5"), garbage);
  expect_error([&] { read_checkpoint(path("garbage.h5"), "toy_model"); }, {path("garbage.h5"), "not an HDF5 file"});
}

TEST_F(CheckpointTest, TruncatedFileIsAClearError) {
  const std::string p = path("m.h5");
  write_checkpoint(sample_checkpoint(), p);
  const std::vector<char> bytes = read_bytes(p);
  for (double frac : {0.99, 0.75, 0.5, 0.25, 0.01}) {
    const std::string q = path("cut.h5");
    write_bytes(q, std::vector<char>(bytes.begin(), bytes.begin() + static_cast<long>(bytes.size() * frac)));
    SCOPED_TRACE("kept fraction " + std::to_string(frac));
    expect_error([&] { read_checkpoint(q, "toy_model"); }, {q});
  }
}

TEST_F(CheckpointTest, CorruptedBytesInTheMiddleAreDetected) {
  Checkpoint c = sample_checkpoint();
  std::vector<float> w(50000);
  for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<float>(i) * 0.5f;
  c.tensors["params/big"] = TensorBlob::from(w, {250, 200});
  const std::string p = path("m.h5");
  write_checkpoint(c, p);
  std::vector<char> bytes = read_bytes(p);
  const std::string q = path("bad.h5");
  std::vector<char> bad = bytes;
  for (size_t i = 0; i < 16; ++i) bad[bytes.size() / 2 + i] ^= static_cast<char>(0xA5);
  write_bytes(q, bad);
  expect_error([&] { read_checkpoint(q, "toy_model"); }, {q, "corrupted", "checksum mismatch"});
}

TEST_F(CheckpointTest, PerDatasetChecksumCatchesCorruptionWithoutTheIntegrityBlock) {
  // Files from other writers have no integrity block; each dataset's own CRC still names the damage.
  const std::string p = path("plain.h5");
  std::vector<int64_t> v(1000);
  for (size_t i = 0; i < v.size(); ++i) v[i] = 0x0102030405060708LL;
  {
    h5::File f = h5::File::create(p, h5::File::Integrity::kNone);
    f.root().create_group("params").write_column("w", v);
    f.close();
  }
  std::vector<char> bytes = read_bytes(p);
  const std::string pattern("\x08\x07\x06\x05\x04\x03\x02\x01\x08\x07", 10);
  const size_t pos = std::string(bytes.begin(), bytes.end()).find(pattern);
  ASSERT_NE(pos, std::string::npos);
  bytes[pos + 4000] ^= 0x10;
  write_bytes(p, bytes);
  h5::File f = h5::File::open(p);
  expect_error([&] { f.root().open_group("params").read_column<int64_t>("w"); },
               {p, "/params/w", "checksum mismatch"});
}

TEST_F(CheckpointTest, NoSingleByteCorruptionIsReadSilently) {
  // Flip one byte at many positions across the file (metadata included): each read must either fail
  // with tailor::Error or return exactly the original content (a flip in unused padding).
  const Checkpoint c = sample_checkpoint();
  const std::string p = path("m.h5");
  write_checkpoint(c, p);
  const std::vector<char> bytes = read_bytes(p);
  const std::string q = path("flip.h5");
  int detected = 0, harmless = 0;
  for (size_t pos = 0; pos < bytes.size(); pos += 23) {
    std::vector<char> bad = bytes;
    bad[pos] ^= static_cast<char>(0xFF);
    write_bytes(q, bad);
    try {
      const Checkpoint back = read_checkpoint(q, "toy_model");
      expect_same(c, back);
      if (::testing::Test::HasFailure()) {
        ADD_FAILURE() << "flipping byte " << pos << " of " << bytes.size() << " changed the content silently";
        return;
      }
      ++harmless;
    } catch (const Error&) {
      ++detected;
    }
  }
  EXPECT_GT(detected, 0);
  std::printf("single-byte flips: %d detected, %d harmless (of %zu bytes)\n", detected, harmless, bytes.size());
}

TEST_F(CheckpointTest, WrongMagicVersionAndModelTypeAreRejected) {
  const std::string p = path("m.h5");
  write_checkpoint(sample_checkpoint(), p);
  expect_error([&] { read_checkpoint(p, "lstm_lm"); }, {p, "model 'toy_model'", "expected a 'lstm_lm'"});

  patch_root_int_attr(p, "format_version", 2);
  expect_error([&] { read_checkpoint(p, "toy_model"); }, {p, "format version 2", "not supported"});

  const std::string q = path("foreign.h5");
  {
    h5::File f = h5::File::create(q);
    f.root().set_attr("magic", "TAILOR-DATASET");
    f.close();
  }
  expect_error([&] { read_checkpoint(q, "toy_model"); }, {q, "not a tailor checkpoint", "TAILOR-DATASET"});
  const std::string r = path("plain.h5");
  h5::File::create(r).close();
  expect_error([&] { read_checkpoint(r, "toy_model"); }, {r, "not a tailor checkpoint"});
}

TEST_F(CheckpointTest, ShapeAndDtypeMismatchMessagesNameTheTensor) {
  const std::string p = path("m.h5");
  write_checkpoint(sample_checkpoint(), p);
  const Checkpoint c = read_checkpoint(p, "toy_model");
  EXPECT_NO_THROW(check_tensor(c, "params/fc.weight", TensorDType::kFloat32, {3, 4}));
  expect_error([&] { check_tensor(c, "params/fc.weight", TensorDType::kFloat32, {3, 5}); },
               {"checkpoint " + p + ": params/fc.weight has shape [3,4], model expects [3,5]"});
  expect_error([&] { check_tensor(c, "params/fc.weight", TensorDType::kFloat64, {3, 4}); },
               {"params/fc.weight has dtype float32, model expects float64"});
  expect_error([&] { check_tensor(c, "params/missing", TensorDType::kFloat32, {1}); }, {p, "has no tensor params/missing"});
}

TEST_F(CheckpointTest, BadNamesAreRejected) {
  Checkpoint c = sample_checkpoint();
  c.tensors["weights/x"] = TensorBlob::scalar<float>(1);
  expect_error([&] { write_checkpoint(c, path("m.h5")); }, {"weights/x", "section"});
  c = sample_checkpoint();
  c.tensors["params//x"] = TensorBlob::scalar<float>(1);
  expect_error([&] { write_checkpoint(c, path("m.h5")); }, {"params//x", "empty"});
  c = sample_checkpoint();
  c.strings["params/fc.bias"] = "clash";
  expect_error([&] { write_checkpoint(c, path("m.h5")); }, {"params/fc.bias", "used twice"});
  EXPECT_TRUE(fs::is_empty(dir_));
}

TEST_F(CheckpointTest, FailedWriteNeverLeavesAFileUnderTheFinalName) {
  Checkpoint c = sample_checkpoint();
  // Sorted last among the tensors, this one's byte count does not match its shape: the write fails
  // after everything else was written.
  TensorBlob bad = TensorBlob::from<float>({1, 2, 3});
  bad.shape = {2, 2};
  c.tensors["params/zz_last"] = bad;
  const std::string p = path("m.h5");
  expect_error([&] { write_checkpoint(c, p); }, {"params/zz_last", "12 bytes", "needs 16"});
  EXPECT_FALSE(fs::exists(p));
  EXPECT_TRUE(fs::is_empty(dir_)) << "the temporary file must be removed too";

  // An existing checkpoint survives a failed overwrite untouched.
  write_checkpoint(sample_checkpoint(), p);
  const std::vector<char> before = read_bytes(p);
  expect_error([&] { write_checkpoint(c, p); }, {"params/zz_last"});
  EXPECT_EQ(read_bytes(p), before);
  expect_same(sample_checkpoint(), read_checkpoint(p, "toy_model"));
}

TEST_F(CheckpointTest, ReadableByH5py) {
  if (std::system("/usr/bin/python3 -c 'import h5py' > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "h5py is not importable by /usr/bin/python3";
  const std::string p = path("m.h5");
  write_checkpoint(sample_checkpoint(), p);
  const std::string script = path("read.py");
  {
    std::ofstream py(script);
    py << R"PY(import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
assert f.attrs["magic"] == "TAILOR-CKPT", f.attrs["magic"]
assert f.attrs["format_version"] == 1
assert f.attrs["model_type"] == "toy_model"
assert f["config"].asstr()[()].startswith("toy:")
assert f["versions"].attrs["cuda"] == "none"
w = f["params/fc.weight"]
assert w.dtype == np.float32 and w.shape == (3, 4), (w.dtype, w.shape)
v = w[()].ravel()
assert v[0] == 1.5 and np.signbit(v[1]) and np.isnan(v[3]) and v[4] == -np.inf
assert v.view(np.uint32)[6] == 0x7fc12345
assert f["params/layers.0.conv/kernel"].shape == (2, 3, 4)
assert f["buffers/num_batches_tracked"].dtype == np.int64 and f["buffers/num_batches_tracked"][()] == -2**63
assert f["meta/i8"].dtype == np.int8 and list(f["meta/i8"][()]) == [-128, -1, 0, 127]
assert list(f["meta/u8_blob"][()]) == [0, 255, 0, 10, 13, 0]
assert f["meta/empty"].shape == (0, 5)
assert f["meta/tokenizer_kind"].asstr()[()] == "unigram"
assert list(f["meta/vocabulary"].asstr()[()]) == ["<pad>", "<unk>", "caf\u00e9", "\u20ac", ""]
names = []
f.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) else None)
print(len(names))
)PY";
  }
  const std::string out = path("out.txt");
  ASSERT_EQ(std::system(("/usr/bin/python3 " + script + " " + p + " > " + out + " 2>&1").c_str()), 0)
      << std::string(read_bytes(out).begin(), read_bytes(out).end());
  const std::vector<char> printed = read_bytes(out);
  // config + 11 tensors + 2 texts + 1 list
  EXPECT_EQ(std::string(printed.begin(), printed.end()), "15\n");
}

}  // namespace
}  // namespace tailor
