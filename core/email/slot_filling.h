// Fills the slots a copy model leaves in subjects and bodies ({first_name}, {product},
// {category}, {price}, {discount}, {shop}); a text with an unknown slot, or a slot without a
// value, is rejected so that no email is ever sent with a raw slot.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tailor {

/// Values of the slots for one email ("" = no value: the slot cannot be filled).
struct SlotValues {
  std::string first_name, product, category, price, discount, shop;
};

enum class SlotFillStatus { kOk, kUnknownSlot, kUnfillableSlot };

struct SlotFillResult {
  SlotFillStatus status = SlotFillStatus::kOk;
  std::string text;  ///< the filled text (kOk only)
  std::string slot;  ///< the first offending slot name (not kOk)
};

/// The slot names the job fills.
const std::vector<std::string>& known_slot_names();

/// Replaces every `{name}` (name: letters, digits, '_') in one pass; values are not re-scanned.
/// Other braces are left alone.
SlotFillResult fill_slots(std::string_view text, const SlotValues& values);

/// Slot names in `text` that are not known (for checking template fallbacks when loaded).
std::vector<std::string> unknown_slots(std::string_view text);

/// "unknown_slot" / "unfillable_slot" (for counters).
const char* slot_fill_status_name(SlotFillStatus s);

}  // namespace tailor
