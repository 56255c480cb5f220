// The synthetic shop's copy corpus: seeded subject + body e-mails for every campaign of the shop,
// built from a phrase bank (configs/synth_copy.yaml, data) and addressed to customers whose hidden
// traits choose the tone, so that conditioning on a customer's segment carries signal.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/data/dataset.h"
#include "core/data/synth.h"

namespace tailor {

struct SynthCatalog;

/// Tones of the copy, in the order they are tested (neutral is the rest).
enum class CopyTone : int { kNeutral = 0, kSavings = 1, kExclusive = 2 };
constexpr int kCopyToneCount = 3;
/// "neutral", "savings", "exclusive".
const char* copy_tone_name(CopyTone t);

/// The phrase bank, loaded and checked.
struct CopyPhraseBank {
  double min_price_sensitivity = 1.0;  ///< savings tone at or above this price_sensitivity
  double min_activity_ratio = 1e9;     ///< exclusive tone at or above activity / purchases_per_year
  std::vector<double> offer_probability;           ///< per tone
  std::vector<std::vector<std::string>> greeting;  ///< [tone][i]
  std::vector<std::vector<std::string>> sign_off;  ///< [tone][i]
  /// [campaign (SynthCampaign order)][part][tone][i]; parts: subject, opening, product, offer,
  /// call_to_action.
  std::vector<std::vector<std::vector<std::vector<std::string>>>> campaigns;
  std::string source;  ///< where it was read from (for messages and metadata)
};

/// Part names of a campaign entry, in CopyPhraseBank order.
const std::vector<std::string>& copy_phrase_parts();

/// Parses a phrase bank; every campaign of synth_campaign_names() needs every part for every tone,
/// and phrases may contain only the copy slots. Errors name the source and the key.
CopyPhraseBank parse_copy_phrase_bank(const std::string& yaml_text, const std::string& source);
/// "builtin" = configs/synth_copy.yaml as compiled in; otherwise a file path.
CopyPhraseBank load_copy_phrase_bank(const std::string& path_or_builtin);

/// The tone of a customer with these traits.
CopyTone copy_tone_of(const CopyPhraseBank& bank, double price_sensitivity, double activity_ratio);

/// Appends p.copy_documents documents (subject + body rows each) to ds.corpus for the shop in `ds`
/// (its customers, products and campaigns as generate_synthetic_shop made them). Document i
/// depends only on (p.seed, i) and the shop; rows are in document order. Returns the counts per
/// campaign and tone (for the metadata).
std::map<std::string, int64_t> generate_synth_copy(const SynthParams& p,
                                                   const SynthCatalog& catalog,
                                                   const CopyPhraseBank& bank, Dataset& ds);

}  // namespace tailor
