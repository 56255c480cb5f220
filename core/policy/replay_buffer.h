// Experience replay for the DQN learner: a fixed-capacity ring of transitions (state, action,
// reward, discount to the next state, next state and the masks of both) with seeded uniform
// sampling. Offline training fills it once with the logged decisions; online training streams
// simulated decisions through it, overwriting the oldest.
#pragma once

#include <cstdint>
#include <vector>

#include "core/data/synth_rng.h"

namespace tailor {

/// A batch of transitions in contiguous arrays (row-major).
struct ReplayBatch {
  int64_t n = 0;
  std::vector<float> states, next_states;  ///< (n, dim)
  std::vector<int64_t> actions;            ///< (n)
  std::vector<float> rewards, discounts;   ///< (n); discount 0 = terminal
  std::vector<uint8_t> masks, next_masks;  ///< (n, n_actions)
};

class ReplayBuffer {
 public:
  ReplayBuffer(int64_t capacity, int dim, int n_actions);

  /// Appends one transition (copying the rows); when full, overwrites the oldest. `discount` is
  /// gamma^(days to the next decision), 0 at a terminal transition (next_state then unused:
  /// nullptr stores zeros).
  void push(const float* state, const uint8_t* mask, int64_t action, float reward, float discount,
            const float* next_state, const uint8_t* next_mask);

  int64_t size() const { return size_; }
  int64_t capacity() const { return capacity_; }
  /// Transitions pushed in total (including overwritten ones).
  int64_t pushed() const { return pushed_; }
  int dim() const { return dim_; }
  int n_actions() const { return n_actions_; }

  /// Uniform indices with replacement into the stored transitions.
  void sample_indices(int64_t batch, SynthRng& rng, std::vector<int64_t>* idx) const;
  /// Copies transitions `idx` into `out`.
  void gather(const std::vector<int64_t>& idx, ReplayBatch* out) const;
  /// Slot of the i-th oldest stored transition (0 = oldest).
  int64_t slot_of_age(int64_t i) const;

  const float* state(int64_t slot) const { return &states_[size_t(slot) * dim_]; }
  int64_t action(int64_t slot) const { return actions_[size_t(slot)]; }
  float reward(int64_t slot) const { return rewards_[size_t(slot)]; }
  float discount(int64_t slot) const { return discounts_[size_t(slot)]; }

 private:
  int64_t capacity_;
  int dim_, n_actions_;
  int64_t size_ = 0, pushed_ = 0;
  std::vector<float> states_, next_states_, rewards_, discounts_;
  std::vector<int64_t> actions_;
  std::vector<uint8_t> masks_, next_masks_;
};

}  // namespace tailor
