// Outputs are written under a temporary name in the same folder and renamed into place only when
// complete, so a killed run never leaves a file that looks finished.
#pragma once

#include <fstream>
#include <string>

namespace tailor {

/// The temporary name used for `final_path` while it is being written ("<path>.tmp-<pid>").
std::string temporary_path_for(const std::string& final_path);

/// Renames `tmp_path` to `final_path` (atomic on POSIX within one file system).
void commit_temporary(const std::string& tmp_path, const std::string& final_path);

/// A text/binary file written atomically: stream into `stream()`, then `commit()`. If the object
/// is destroyed without commit (an exception, a crash), the temporary file is removed.
class AtomicOutputFile {
 public:
  explicit AtomicOutputFile(std::string final_path, bool binary = false);
  AtomicOutputFile(const AtomicOutputFile&) = delete;
  AtomicOutputFile& operator=(const AtomicOutputFile&) = delete;
  ~AtomicOutputFile();

  std::ofstream& stream() { return out_; }
  /// Flushes, closes and renames into place. Throws tailor::Error on I/O failure.
  void commit();
  const std::string& path() const { return final_path_; }

 private:
  std::string final_path_, tmp_path_;
  std::ofstream out_;
  bool committed_ = false;
};

}  // namespace tailor
