// Shard files: hashed buffered writers, completion markers and their verification.
#include "core/email/shard_output.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/common/error.h"
#include "core/email/shard_partition.h"
#include "core/io/atomic_file.h"

namespace tailor {
namespace {
namespace fs = std::filesystem;
constexpr const char* kMarkerFormat = "tailor-email-shard/1";
}  // namespace

ShardPaths shard_paths(const std::string& dir, int index, int count) {
  ShardPaths p;
  p.stem = shard_stem(index, count);
  const fs::path d(dir);
  p.mbox = (d / (p.stem + ".mbox")).string();
  p.manifest = (d / (p.stem + ".manifest.jsonl")).string();
  p.audit = (d / (p.stem + ".audit.jsonl")).string();
  p.rejects = (d / (p.stem + ".rejects.jsonl")).string();
  p.done = (d / (p.stem + ".done.json")).string();
  return p;
}

void remove_shard_temporaries(const std::string& dir, const std::string& stem) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(stem + ".", 0) == 0 && name.find(".tmp-") != std::string::npos)
      fs::remove(e.path(), ec);
  }
}

HashedOutputFile::HashedOutputFile(std::string final_path)
    : final_path_(std::move(final_path)), tmp_path_(temporary_path_for(final_path_)) {
  f_ = std::fopen(tmp_path_.c_str(), "wb");
  TAILOR_CHECK(f_ != nullptr, "cannot write '" << tmp_path_ << "': " << std::strerror(errno));
  std::setvbuf(f_, nullptr, _IOFBF, 1 << 20);
}

HashedOutputFile::~HashedOutputFile() {
  if (f_) std::fclose(f_);
  if (!committed_) std::remove(tmp_path_.c_str());
}

void HashedOutputFile::write(std::string_view bytes) {
  TAILOR_CHECK(f_ != nullptr, "write after finish on '" << tmp_path_ << "'");
  if (bytes.empty()) return;
  TAILOR_CHECK(std::fwrite(bytes.data(), 1, bytes.size(), f_) == bytes.size(),
               "write error on '" << tmp_path_ << "': " << std::strerror(errno));
  hash_.update(bytes);
  bytes_ += bytes.size();
}

std::string HashedOutputFile::finish() {
  TAILOR_CHECK(f_ != nullptr, "finish twice on '" << tmp_path_ << "'");
  const bool ok = std::fflush(f_) == 0 && std::ferror(f_) == 0;
  const bool closed = std::fclose(f_) == 0;
  f_ = nullptr;
  TAILOR_CHECK(ok && closed, "write error on '" << tmp_path_ << "': " << std::strerror(errno));
  return hex_lower(hash_.digest());
}

void HashedOutputFile::commit() {
  TAILOR_CHECK(f_ == nullptr, "commit before finish on '" << tmp_path_ << "'");
  commit_temporary(tmp_path_, final_path_);
  committed_ = true;
}

std::string ShardMarker::to_json() const {
  nlohmann::ordered_json j;
  j["format"] = kMarkerFormat;
  j["shard"] = index;
  j["shards"] = count;
  j["fingerprint"] = fingerprint;
  j["customers"] = customers;
  j["emails"] = emails;
  j["skipped"] = skipped;
  j["events"] = events;
  nlohmann::ordered_json fs = nlohmann::ordered_json::array();
  for (const auto& f : files)
    fs.push_back({{"name", f.name}, {"bytes", f.bytes}, {"sha256", f.sha256}});
  j["files"] = fs;
  return j.dump(2) + "\n";
}

ShardMarker ShardMarker::from_json(const std::string& text, const std::string& source) {
  ShardMarker m;
  try {
    const nlohmann::json j = nlohmann::json::parse(text);
    TAILOR_CHECK(j.at("format").get<std::string>() == kMarkerFormat,
                 source << ": not a " << kMarkerFormat << " completion marker");
    m.index = j.at("shard").get<int>();
    m.count = j.at("shards").get<int>();
    m.fingerprint = j.at("fingerprint").get<std::string>();
    m.customers = j.at("customers").get<int64_t>();
    m.emails = j.at("emails").get<int64_t>();
    m.skipped = j.at("skipped").get<std::map<std::string, int64_t>>();
    m.events = j.at("events").get<std::map<std::string, int64_t>>();
    for (const auto& f : j.at("files"))
      m.files.push_back({f.at("name").get<std::string>(), f.at("bytes").get<uint64_t>(),
                         f.at("sha256").get<std::string>()});
  } catch (const nlohmann::json::exception& e) {
    TAILOR_FAIL(source << ": malformed completion marker: " << e.what());
  }
  return m;
}

bool read_shard_marker(const std::string& path, ShardMarker* marker) {
  if (!fs::exists(path)) return false;
  std::ifstream in(path, std::ios::binary);
  TAILOR_CHECK(in.good(), "cannot read '" << path << "'");
  std::stringstream ss;
  ss << in.rdbuf();
  *marker = ShardMarker::from_json(ss.str(), path);
  return true;
}

bool verify_shard_files(const std::string& dir, const ShardMarker& m, bool checksums,
                        std::string* why) {
  for (const auto& f : m.files) {
    const fs::path p = fs::path(dir) / f.name;
    std::error_code ec;
    const auto size = fs::file_size(p, ec);
    if (ec) {
      *why = f.name + " is missing";
      return false;
    }
    if (size != f.bytes) {
      *why = f.name + " has " + std::to_string(size) + " bytes, the marker says " +
             std::to_string(f.bytes);
      return false;
    }
    if (checksums && sha256_file_hex(p.string()) != f.sha256) {
      *why = f.name + " does not match its SHA-256 in the marker";
      return false;
    }
  }
  return true;
}

}  // namespace tailor
