// ReplayBuffer: ring storage and seeded sampling of transitions.
#include "core/policy/replay_buffer.h"

#include <algorithm>
#include <cstring>

#include "core/common/error.h"

namespace tailor {

ReplayBuffer::ReplayBuffer(int64_t capacity, int dim, int n_actions)
    : capacity_(capacity), dim_(dim), n_actions_(n_actions) {
  TAILOR_CHECK(capacity >= 1, "replay buffer: capacity must be >= 1, got " << capacity);
  TAILOR_CHECK(dim >= 1 && n_actions >= 1, "replay buffer: dim and n_actions must be >= 1");
  states_.resize(size_t(capacity) * dim);
  next_states_.resize(size_t(capacity) * dim);
  masks_.resize(size_t(capacity) * n_actions);
  next_masks_.resize(size_t(capacity) * n_actions);
  rewards_.resize(size_t(capacity));
  discounts_.resize(size_t(capacity));
  actions_.resize(size_t(capacity));
}

void ReplayBuffer::push(const float* state, const uint8_t* mask, int64_t action, float reward,
                        float discount, const float* next_state, const uint8_t* next_mask) {
  TAILOR_CHECK(action >= 0 && action < n_actions_,
               "replay buffer: action " << action << " outside [0, " << n_actions_ << ")");
  TAILOR_CHECK(mask[action], "replay buffer: action " << action << " is masked in its own state");
  const size_t slot = size_t(pushed_ % capacity_);
  std::memcpy(&states_[slot * dim_], state, sizeof(float) * dim_);
  std::memcpy(&masks_[slot * n_actions_], mask, size_t(n_actions_));
  if (next_state) {
    std::memcpy(&next_states_[slot * dim_], next_state, sizeof(float) * dim_);
  } else {
    std::fill_n(&next_states_[slot * dim_], dim_, 0.0f);
  }
  if (next_mask) {
    std::memcpy(&next_masks_[slot * n_actions_], next_mask, size_t(n_actions_));
  } else {  // terminal: only "no email" (never used: the discount is 0)
    std::fill_n(&next_masks_[slot * n_actions_], n_actions_, uint8_t{0});
    next_masks_[slot * n_actions_] = 1;
  }
  actions_[slot] = action;
  rewards_[slot] = reward;
  discounts_[slot] = discount;
  ++pushed_;
  size_ = std::min(capacity_, size_ + 1);
}

int64_t ReplayBuffer::slot_of_age(int64_t i) const {
  TAILOR_CHECK(i >= 0 && i < size_, "replay buffer: age " << i << " outside [0, " << size_ << ")");
  const int64_t oldest = size_ < capacity_ ? 0 : pushed_ % capacity_;
  return (oldest + i) % capacity_;
}

void ReplayBuffer::sample_indices(int64_t batch, SynthRng& rng, std::vector<int64_t>* idx) const {
  TAILOR_CHECK(size_ > 0, "replay buffer: sampling from an empty buffer");
  idx->resize(size_t(batch));
  for (auto& v : *idx) v = rng.below(size_);
}

void ReplayBuffer::gather(const std::vector<int64_t>& idx, ReplayBatch* out) const {
  const size_t n = idx.size();
  out->n = static_cast<int64_t>(n);
  out->states.resize(n * dim_);
  out->next_states.resize(n * dim_);
  out->masks.resize(n * n_actions_);
  out->next_masks.resize(n * n_actions_);
  out->actions.resize(n);
  out->rewards.resize(n);
  out->discounts.resize(n);
  for (size_t j = 0; j < n; ++j) {
    const size_t s = size_t(idx[j]);
    TAILOR_CHECK(idx[j] >= 0 && idx[j] < size_,
                 "replay buffer: index " << idx[j] << " out of range");
    std::memcpy(&out->states[j * dim_], &states_[s * dim_], sizeof(float) * dim_);
    std::memcpy(&out->next_states[j * dim_], &next_states_[s * dim_], sizeof(float) * dim_);
    std::memcpy(&out->masks[j * n_actions_], &masks_[s * n_actions_], size_t(n_actions_));
    std::memcpy(&out->next_masks[j * n_actions_], &next_masks_[s * n_actions_], size_t(n_actions_));
    out->actions[j] = actions_[s];
    out->rewards[j] = rewards_[s];
    out->discounts[j] = discounts_[s];
  }
}

}  // namespace tailor
