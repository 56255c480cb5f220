// The synthetic shop's product catalogue: built-in category vocabularies, product titles, prices
// and popularity, plus the tables to draw a product of a category. A pure function of SynthParams.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/data/dataset.h"
#include "core/data/synth.h"
#include "core/data/synth_rng.h"

namespace tailor {

/// One built-in category: its name, price level, share of the catalogue and title word lists.
/// Titles read "<material> <style> <noun><connector><variant>", e.g. "Linen Midi Dress in Sage".
struct SynthCategoryVocabulary {
  const char* name;
  double median_price;  ///< median product price (currency units)
  double share;         ///< relative share of products
  std::vector<const char*> materials, styles, nouns, variants;
  const char* connector;  ///< " in " (colours) or ", " (sizes)
};

/// The 12 built-in categories, in the order SynthParams::categories takes them.
const std::vector<SynthCategoryVocabulary>& synth_category_vocabulary();

/// Products plus the latent values the generator (and a simulator) needs.
struct SynthCatalog {
  ProductTable products;
  std::vector<std::string> category_names;  ///< the first SynthParams::categories names
  std::vector<int32_t> category;            ///< category index per product
  std::vector<double> popularity;           ///< unnormalised choice weight within the category
  /// Per category: its products and the cumulative popularity (for drawing one).
  std::vector<std::vector<int32_t>> category_products;
  std::vector<std::vector<double>> category_cumulative;
  /// Per category: expected unit price of a drawn product (popularity-weighted mean price).
  std::vector<double> category_mean_price;

  /// Draws a product of category `k` with probability proportional to popularity.
  int32_t draw_product(int k, SynthRng& rng) const;
};

/// Builds the catalogue; product i depends only on (seed, i) (products i < categories get
/// category i so that none is empty).
SynthCatalog build_synth_catalog(const SynthParams& p);

}  // namespace tailor
