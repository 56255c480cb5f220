// Replay buffer: ring overwrite, exact copies in and out, seeded uniform sampling, bad input.
#include <gtest/gtest.h>

#include <vector>

#include "core/common/error.h"
#include "core/policy/policy_rng.h"
#include "core/policy/replay_buffer.h"

namespace tailor {
namespace {

// Transition i: state (i, -i), action i % 3, reward i / 10, discount 0.9 (0 when i % 5 == 4).
void push_numbered(ReplayBuffer& b, int i) {
  const float s[2] = {float(i), float(-i)}, ns[2] = {float(i + 1), float(-i - 1)};
  const uint8_t mask[3] = {1, 1, 1}, next_mask[3] = {1, uint8_t(i % 2), 1};
  const bool terminal = i % 5 == 4;
  b.push(s, mask, i % 3, float(i) / 10, terminal ? 0.0f : 0.9f, terminal ? nullptr : ns,
         terminal ? nullptr : next_mask);
}

TEST(PolicyReplayBuffer, RingOverwritesTheOldest) {
  ReplayBuffer b(4, 2, 3);
  for (int i = 0; i < 3; ++i) push_numbered(b, i);
  EXPECT_EQ(b.size(), 3);
  EXPECT_EQ(b.state(b.slot_of_age(0))[0], 0.0f);
  for (int i = 3; i < 10; ++i) push_numbered(b, i);
  EXPECT_EQ(b.size(), 4);
  EXPECT_EQ(b.pushed(), 10);
  for (int age = 0; age < 4; ++age) {
    const int i = 6 + age;  // transitions 6..9 remain
    const int64_t slot = b.slot_of_age(age);
    EXPECT_EQ(b.state(slot)[0], float(i)) << "age " << age;
    EXPECT_EQ(b.action(slot), i % 3);
    EXPECT_FLOAT_EQ(b.reward(slot), float(i) / 10);
  }
  EXPECT_THROW(b.slot_of_age(4), Error);
}

TEST(PolicyReplayBuffer, GatherCopiesExactly) {
  ReplayBuffer b(16, 2, 3);
  for (int i = 0; i < 10; ++i) push_numbered(b, i);
  ReplayBatch batch;
  b.gather({4, 0, 7, 9}, &batch);
  ASSERT_EQ(batch.n, 4);
  EXPECT_EQ(batch.states[0], 4.0f);
  EXPECT_EQ(batch.states[1], -4.0f);
  EXPECT_EQ(batch.discounts[0], 0.0f) << "4 is terminal";
  EXPECT_EQ(batch.next_states[0], 0.0f);
  EXPECT_EQ(batch.next_masks[0], 1);
  EXPECT_EQ(batch.next_masks[1], 0) << "terminal next mask: only no email";
  EXPECT_EQ(batch.actions[1], 0);
  EXPECT_EQ(batch.next_states[2 * 2], 8.0f);
  EXPECT_FLOAT_EQ(batch.discounts[2], 0.9f);
  EXPECT_EQ(batch.next_masks[2 * 3 + 1], 1);
  EXPECT_EQ(batch.states[3 * 2], 9.0f);
  EXPECT_EQ(batch.discounts[3], 0.0f) << "9 is terminal";
}

TEST(PolicyReplayBuffer, SamplingIsSeededAndUniform) {
  ReplayBuffer b(1000, 2, 3);
  for (int i = 0; i < 50; ++i) push_numbered(b, i);
  std::vector<int64_t> x, y, z;
  SynthRng r1 = policy_rng(1, 0, PolicyStream::kBatches),
           r2 = policy_rng(1, 0, PolicyStream::kBatches),
           r3 = policy_rng(2, 0, PolicyStream::kBatches);
  b.sample_indices(20000, r1, &x);
  b.sample_indices(20000, r2, &y);
  b.sample_indices(20000, r3, &z);
  EXPECT_EQ(x, y);
  EXPECT_NE(x, z);
  std::vector<int> count(50, 0);
  for (int64_t v : x) {
    ASSERT_GE(v, 0);
    ASSERT_LT(v, 50);
    ++count[size_t(v)];
  }
  for (int c : count) EXPECT_NEAR(c, 400, 90);  // 20000 / 50, ~4.5 sigma
}

TEST(PolicyReplayBuffer, BadTransitionsAreErrors) {
  ReplayBuffer b(4, 2, 3);
  const float s[2] = {0, 0};
  const uint8_t mask[3] = {1, 0, 1};
  EXPECT_THROW(b.push(s, mask, 3, 0, 0, nullptr, nullptr), Error);
  EXPECT_THROW(b.push(s, mask, 1, 0, 0, nullptr, nullptr), Error) << "masked action";
  std::vector<int64_t> idx;
  SynthRng r = policy_rng(1, 0, PolicyStream::kBatches);
  EXPECT_THROW(b.sample_indices(3, r, &idx), Error) << "empty";
  EXPECT_THROW(ReplayBuffer(0, 2, 3), Error);
}

}  // namespace
}  // namespace tailor
