// TarReader: ustar / GNU / pax archives built here with `tar`, long names, non-regular members,
// compressed input, and damaged archives (bad checksum, truncation) as clear errors.
#include <gtest/gtest.h>

#include <map>

#include "core/corpus/tar_reader.h"
#include "test_corpus_util.h"

namespace tailor {
namespace {

using corpus_test::error_of;
using corpus_test::sh;
using corpus_test::TempDir;
using corpus_test::write_file;

std::map<std::string, std::string> read_all(const std::string& path, int64_t* skipped = nullptr) {
  std::map<std::string, std::string> out;
  TarReader tar(path);
  TarMember m;
  while (tar.next(m)) {
    EXPECT_EQ(m.size, m.content.size()) << m.name;
    EXPECT_FALSE(out.count(m.name)) << "member twice: " << m.name;
    out[m.name] = m.content;
  }
  EXPECT_TRUE(tar.saw_end_marker()) << path;
  if (skipped) *skipped = tar.skipped_members();
  return out;
}

/// A tree with a long path (> 100 and > 155 characters), an empty file, a 512-byte file (no
/// padding), binary bytes, a symlink and directories.
std::string make_tree(const TempDir& t) {
  const std::string root = t / "tree";
  const std::string deep =
      "a_folder_with_a_rather_long_name_number_one/another_folder_with_a_long_name_two/"
      "and_a_third_folder_name_that_is_long";
  sh("mkdir -p '" + root + "/" + deep + "'");
  write_file(root + "/small.txt", "hello\n");
  write_file(root + "/empty.txt", "");
  write_file(root + "/block.bin", std::string(512, 'x'));
  std::string bin;
  for (int i = 0; i < 700; ++i) bin.push_back(static_cast<char>(i % 256));
  write_file(root + "/binary.dat", bin);
  write_file(root + "/" + deep + "/file_with_a_long_name_too_" + std::string(60, 'z') + ".txt",
             "deep content\n");
  sh("ln -s small.txt '" + root + "/link.txt'");
  return root;
}

TEST(TarReader, ReadsUstarGnuAndPaxWithLongNames) {
  TempDir t;
  make_tree(t);
  for (const char* fmt : {"gnu", "pax", "ustar"}) {
    const std::string tar = t / (std::string("x_") + fmt + ".tar");
    const int rc =
        sh("cd '" + t.path() + "' && tar --format=" + fmt + " -cf '" + tar + "' tree 2>/dev/null");
    if (std::string(fmt) == "ustar" && rc != 0) {
      // ustar cannot store names over 256 characters; GNU tar refuses the whole archive then.
      continue;
    }
    ASSERT_EQ(rc, 0) << fmt;
    int64_t skipped = 0;
    auto files = read_all(tar, &skipped);
    SCOPED_TRACE(fmt);
    EXPECT_EQ(files.size(), 5u);
    EXPECT_EQ(files["tree/small.txt"], "hello\n");
    EXPECT_EQ(files["tree/empty.txt"], "");
    EXPECT_EQ(files["tree/block.bin"], std::string(512, 'x'));
    EXPECT_EQ(files["tree/binary.dat"].size(), 700u);
    EXPECT_EQ(static_cast<unsigned char>(files["tree/binary.dat"][255]), 255u);
    bool deep_found = false;
    for (const auto& [name, content] : files) {
      if (name.size() > 200) {
        deep_found = true;
        EXPECT_EQ(content, "deep content\n");
        EXPECT_NE(name.find("/file_with_a_long_name_too_zzz"), std::string::npos) << name;
      }
    }
    EXPECT_TRUE(deep_found);
    EXPECT_GE(skipped, 5);  // 4 directories and the symlink
  }
}

TEST(TarReader, ReadsXzAndGzipCompressedArchives) {
  TempDir t;
  make_tree(t);
  ASSERT_EQ(sh("cd '" + t.path() + "' && tar -cJf a.tar.xz tree && tar -czf a.tar.gz tree"), 0);
  EXPECT_EQ(read_all(t / "a.tar.xz").size(), 5u);
  EXPECT_EQ(read_all(t / "a.tar.gz").size(), 5u);
}

TEST(TarReader, BadChecksumIsAClearError) {
  TempDir t;
  make_tree(t);
  const std::string tar = t / "bad.tar";
  ASSERT_EQ(sh("cd '" + t.path() + "' && tar --format=gnu -cf bad.tar tree/small.txt"), 0);
  std::string bytes = corpus_test::read_file(tar);
  bytes[10] = static_cast<char>(bytes[10] ^ 0x20);  // a letter of the name changes case
  write_file(tar, bytes);
  const std::string msg = error_of([&] { read_all(tar); });
  EXPECT_NE(msg.find("checksum mismatch"), std::string::npos) << msg;
  EXPECT_NE(msg.find("bad.tar"), std::string::npos) << msg;
  EXPECT_NE(msg.find("header at byte 0"), std::string::npos) << msg;
}

TEST(TarReader, TruncatedArchivesAreClearErrors) {
  TempDir t;
  make_tree(t);
  const std::string tar = t / "full.tar";
  ASSERT_EQ(sh("cd '" + t.path() + "' && tar --format=gnu -cf full.tar tree/binary.dat"), 0);
  const std::string bytes = corpus_test::read_file(tar);
  // Cut inside the member's content (header 512 + 700 bytes of data).
  write_file(t / "cut_data.tar", bytes.substr(0, 512 + 300));
  std::string msg = error_of([&] { read_all(t / "cut_data.tar"); });
  EXPECT_NE(msg.find("truncated"), std::string::npos) << msg;
  EXPECT_NE(msg.find("tree/binary.dat"), std::string::npos) << msg;
  EXPECT_NE(msg.find("needs 700 bytes"), std::string::npos) << msg;
  // Cut inside a header.
  write_file(t / "cut_header.tar", bytes.substr(0, 200));
  msg = error_of([&] { read_all(t / "cut_header.tar"); });
  EXPECT_NE(msg.find("truncated"), std::string::npos) << msg;
  // A truncated xz stream is reported by the decompressor, naming the file.
  ASSERT_EQ(sh("cd '" + t.path() + "' && xz -k full.tar"), 0);
  const std::string xz = corpus_test::read_file(t / "full.tar.xz");
  write_file(t / "cut.tar.xz", xz.substr(0, xz.size() / 2));
  msg = error_of([&] { read_all(t / "cut.tar.xz"); });
  EXPECT_NE(msg.find("cut.tar.xz"), std::string::npos) << msg;
}

TEST(TarReader, NotATarIsAClearError) {
  TempDir t;
  write_file(t / "plain.tar", std::string(1024, 'A'));
  const std::string msg = error_of([&] { read_all(t / "plain.tar"); });
  EXPECT_NE(msg.find("not a number"), std::string::npos) << msg;
}

TEST(TarReader, EndWithoutMarkerAtABlockBoundaryIsAccepted) {
  TempDir t;
  make_tree(t);
  ASSERT_EQ(sh("cd '" + t.path() + "' && tar --format=gnu -cf m.tar tree/small.txt"), 0);
  const std::string bytes = corpus_test::read_file(t / "m.tar");
  write_file(t / "nomarker.tar", bytes.substr(0, 1024));  // header + one data block
  TarReader tar(t / "nomarker.tar");
  TarMember m;
  ASSERT_TRUE(tar.next(m));
  EXPECT_EQ(m.content, "hello\n");
  EXPECT_FALSE(tar.next(m));
  EXPECT_FALSE(tar.saw_end_marker());
}

}  // namespace
}  // namespace tailor
