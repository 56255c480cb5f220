// SHA-256 against the FIPS 180-4 example vectors and HMAC-SHA256 against RFC 4231.
#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <string>

#include "core/email/sha256.h"

namespace tailor {
namespace {

std::string unhex(const std::string& h) {
  std::string out;
  for (size_t i = 0; i + 1 < h.size(); i += 2)
    out += static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16));
  return out;
}

TEST(Sha256, NistVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(
      sha256_hex(
          "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklm"
          "nopqrlmnopqrsmnopqrstnopqrstu"),
      "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, IncrementalEqualsOneShotForRandomSplits) {
  const uint64_t seed = 20240601;
  std::mt19937_64 rng(seed);
  for (int trial = 0; trial < 50; ++trial) {
    std::string data(rng() % 300, '\0');
    for (char& c : data) c = static_cast<char>(rng());
    Sha256 h;
    size_t pos = 0;
    while (pos < data.size()) {
      const size_t n = std::min<size_t>(data.size() - pos, rng() % 70);
      h.update(data.data() + pos, n);
      pos += n;
    }
    EXPECT_EQ(hex_lower(h.digest()), sha256_hex(data))
        << "seed " << seed << " trial " << trial << " size " << data.size();
  }
}

TEST(HmacSha256, Rfc4231Vectors) {
  // Test cases 1, 2, 3, 4, 6 and 7 (5 is a truncated-output case).
  EXPECT_EQ(hex_lower(hmac_sha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(hex_lower(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(hex_lower(hmac_sha256(std::string(20, '\xaa'), std::string(50, '\xdd'))),
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
  EXPECT_EQ(hex_lower(hmac_sha256(unhex("0102030405060708090a0b0c0d0e0f10111213141516171819"),
                                  std::string(50, '\xcd'))),
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
  EXPECT_EQ(hex_lower(hmac_sha256(std::string(131, '\xaa'),
                                  "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  EXPECT_EQ(hex_lower(hmac_sha256(std::string(131, '\xaa'),
                                  "This is a test using a larger than block-size key and a larger "
                                  "than block-size data. The key needs to be hashed before being "
                                  "used by the HMAC algorithm.")),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

}  // namespace
}  // namespace tailor

namespace tailor {
namespace {

TEST(Sha256, HardwareAndPortableBlockFunctionsAgree) {
  const uint64_t seed = 99;
  std::mt19937_64 rng(seed);
  std::string data(5000, '\0');
  for (char& c : data) c = static_cast<char>(rng());
  std::vector<std::string> fast;
  for (size_t n : {0, 1, 55, 56, 63, 64, 65, 127, 128, 1000, 5000})
    fast.push_back(sha256_hex(data.substr(0, n)));
  const bool previous = sha256_force_portable(true);
  EXPECT_STREQ(sha256_implementation(), "portable");
  size_t k = 0;
  for (size_t n : {0, 1, 55, 56, 63, 64, 65, 127, 128, 1000, 5000})
    EXPECT_EQ(sha256_hex(data.substr(0, n)), fast[k++]) << "length " << n << " seed " << seed;
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  sha256_force_portable(previous);
  std::printf("SHA-256 block function in use: %s\n", sha256_implementation());
}

}  // namespace
}  // namespace tailor
