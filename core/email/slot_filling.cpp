// Single-pass slot substitution with rejection of unknown and empty slots.
#include "core/email/slot_filling.h"

namespace tailor {
namespace {

bool is_slot_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/// Calls f(name, begin, end) for each {name} in `text` ([begin, end) covers the braces).
template <class F>
void for_each_slot(std::string_view text, F&& f) {
  size_t pos = 0;
  while ((pos = text.find('{', pos)) != std::string_view::npos) {
    size_t e = pos + 1;
    while (e < text.size() && is_slot_char(text[e])) ++e;
    if (e > pos + 1 && e < text.size() && text[e] == '}') {
      f(text.substr(pos + 1, e - pos - 1), pos, e + 1);
      pos = e + 1;
    } else {
      ++pos;
    }
  }
}

const std::string* slot_value(std::string_view name, const SlotValues& v) {
  if (name == "first_name") return &v.first_name;
  if (name == "product") return &v.product;
  if (name == "category") return &v.category;
  if (name == "price") return &v.price;
  if (name == "discount") return &v.discount;
  if (name == "shop") return &v.shop;
  return nullptr;
}

}  // namespace

const std::vector<std::string>& known_slot_names() {
  static const std::vector<std::string> names = {"first_name", "product",  "category",
                                                 "price",      "discount", "shop"};
  return names;
}

SlotFillResult fill_slots(std::string_view text, const SlotValues& values) {
  SlotFillResult r;
  r.text.reserve(text.size() + 32);
  size_t copied = 0;
  for_each_slot(text, [&](std::string_view name, size_t b, size_t e) {
    if (r.status != SlotFillStatus::kOk) return;
    const std::string* v = slot_value(name, values);
    if (!v || v->empty()) {
      r.status = v ? SlotFillStatus::kUnfillableSlot : SlotFillStatus::kUnknownSlot;
      r.slot = std::string(name);
      return;
    }
    r.text.append(text.data() + copied, b - copied);
    r.text += *v;
    copied = e;
  });
  if (r.status != SlotFillStatus::kOk) {
    r.text.clear();
    return r;
  }
  r.text.append(text.data() + copied, text.size() - copied);
  return r;
}

std::vector<std::string> unknown_slots(std::string_view text) {
  std::vector<std::string> out;
  SlotValues none;
  for_each_slot(text, [&](std::string_view name, size_t, size_t) {
    if (!slot_value(name, none)) out.emplace_back(name);
  });
  return out;
}

const char* slot_fill_status_name(SlotFillStatus s) {
  switch (s) {
    case SlotFillStatus::kOk:
      return "ok";
    case SlotFillStatus::kUnknownSlot:
      return "unknown_slot";
    case SlotFillStatus::kUnfillableSlot:
      return "unfillable_slot";
  }
  return "?";
}

}  // namespace tailor
