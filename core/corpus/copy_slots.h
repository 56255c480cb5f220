// Slots of email copy: the placeholders ({first_name}, {product}, {category}, {price},
// {discount}, {shop}) that stand for specifics filled in at send time, and the cleaning rule that
// turns prices and percentages of promotional text into {price} / {discount} (docs/corpus.md).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tailor {

/// The slot names copy may contain, in a fixed order.
const std::vector<std::string>& copy_slot_names();

/// Counts of one replacement pass.
struct SlotReplacements {
  int64_t price = 0;
  int64_t discount = 0;
};

/// Replaces, in place, prices with "{price}" and percentages in (0, 100) with "{discount}":
///  - prices: a currency sign ($, US$, €, £, ¥) or code (USD EUR GBP CAD AUD CHF JPY INR) before
///    a number, optionally one space between ("$19.99", "€ 5", "USD 20"), or a number followed by
///    a sign, code or the words dollar(s) / euro(s) ("19.99 USD", "5€", "10 dollars"); a code
///    after a prefixed price is taken with it ("$19.99 USD" -> "{price}"), and so is a magnitude
///    suffix k, K, m, M, bn, mm ("$1.2M" -> "{price}").
///  - numbers: digits with optional thousands groups (1,299 or 1.299) and decimals (.99 or ,99),
///    not glued to a preceding letter, digit or decimal point.
///  - percentages: a number, optionally one space, then "%" or the word "percent" ("30%",
///    "30 % off" -> "{discount} off"); 0, 100 and above stay as written ("100% cotton").
/// Braces already in the text are left alone: call escape_braces first.
SlotReplacements replace_price_and_discount(std::string& text);

/// Turns '{' / '}' into '(' / ')' so that the only braces in cleaned text are slots. Returns the
/// number of characters changed.
int64_t escape_braces(std::string& text);

/// Replaces each literal merge tag (e.g. "*|FNAME|*") by open + slot + close ("{first_name}"),
/// tags in the given order. Returns the number of replacements.
int64_t replace_merge_tags(std::string& text,
                           const std::vector<std::pair<std::string, std::string>>& tags,
                           const std::string& open = "{", const std::string& close = "}");

/// Slot names used in `text` ("{price}" -> "price"), in order of appearance, repeats included.
/// A brace pair whose content is not a lower-case identifier is not a slot.
std::vector<std::string> slots_in(std::string_view text);

/// True when every "{...}" in `text` is one of copy_slot_names().
bool only_known_slots(std::string_view text);

}  // namespace tailor
