#include "core/io/atomic_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/common/error.h"

namespace tailor {

std::string temporary_path_for(const std::string& final_path) {
  return final_path + ".tmp-" + std::to_string(::getpid());
}

void commit_temporary(const std::string& tmp_path, const std::string& final_path) {
  TAILOR_CHECK(std::rename(tmp_path.c_str(), final_path.c_str()) == 0,
               "cannot rename '" << tmp_path << "' to '" << final_path << "': " << std::strerror(errno));
}

AtomicOutputFile::AtomicOutputFile(std::string final_path, bool binary)
    : final_path_(std::move(final_path)), tmp_path_(temporary_path_for(final_path_)) {
  out_.open(tmp_path_, binary ? std::ios::out | std::ios::binary | std::ios::trunc
                              : std::ios::out | std::ios::trunc);
  TAILOR_CHECK(out_.good(), "cannot write '" << tmp_path_ << "': " << std::strerror(errno));
}

AtomicOutputFile::~AtomicOutputFile() {
  if (!committed_) {
    out_.close();
    std::remove(tmp_path_.c_str());
  }
}

void AtomicOutputFile::commit() {
  out_.flush();
  TAILOR_CHECK(out_.good(), "write error on '" << tmp_path_ << "'");
  out_.close();
  commit_temporary(tmp_path_, final_path_);
  committed_ = true;
}

}  // namespace tailor
