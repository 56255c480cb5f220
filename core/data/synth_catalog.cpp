// Built-in category vocabularies and the seeded product catalogue of the synthetic shop.
#include "core/data/synth_catalog.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/common/error.h"

namespace tailor {

namespace {

const std::vector<const char*> kColours = {"Sage",  "Black", "Ivory", "Navy",   "Rust",
                                           "Olive", "Stone", "Blush", "Cobalt", "Charcoal"};

}  // namespace

const std::vector<SynthCategoryVocabulary>& synth_category_vocabulary() {
  static const std::vector<SynthCategoryVocabulary> v = {
      {"dresses",
       55.0,
       1.2,
       {"Linen", "Cotton", "Silk", "Jersey", "Satin", "Crepe", "Viscose"},
       {"Midi", "Maxi", "Mini", "Wrap", "Slip", "Shirt", "Tea", "Smock"},
       {"Dress"},
       kColours,
       " in "},
      {"tops",
       28.0,
       1.3,
       {"Cotton", "Linen", "Merino", "Cashmere", "Jersey", "Organic Cotton"},
       {"Relaxed", "Cropped", "Oversized", "Fitted", "Ribbed", "Striped"},
       {"T-Shirt", "Blouse", "Shirt", "Tank Top", "Camisole", "Jumper", "Cardigan"},
       kColours,
       " in "},
      {"bottoms",
       45.0,
       1.0,
       {"Denim", "Cotton", "Linen", "Corduroy", "Twill", "Wool"},
       {"Wide-Leg", "Straight", "Slim", "High-Rise", "Tapered", "Pleated"},
       {"Trousers", "Jeans", "Shorts", "Skirt", "Chinos", "Culottes"},
       kColours,
       " in "},
      {"shoes",
       70.0,
       0.9,
       {"Leather", "Suede", "Canvas", "Knit", "Patent"},
       {"Chunky", "Classic", "Platform", "Slip-On", "Ankle", "Chelsea", "Low-Top"},
       {"Trainers", "Boots", "Sandals", "Loafers", "Ballet Flats", "Espadrilles"},
       kColours,
       " in "},
      {"outerwear",
       110.0,
       0.6,
       {"Wool", "Down", "Waxed Cotton", "Nylon", "Tweed", "Recycled Polyester"},
       {"Longline", "Cropped", "Quilted", "Double-Breasted", "Hooded", "Tailored"},
       {"Coat", "Jacket", "Parka", "Trench Coat", "Gilet", "Blazer"},
       kColours,
       " in "},
      {"accessories",
       25.0,
       0.9,
       {"Leather", "Cotton", "Wool", "Straw", "Canvas", "Silk"},
       {"Classic", "Oversized", "Mini", "Woven", "Embroidered", "Quilted"},
       {"Scarf", "Tote Bag", "Belt", "Beanie", "Crossbody Bag", "Sunglasses", "Wallet"},
       kColours,
       " in "},
      {"beauty",
       18.0,
       0.8,
       {"Vegan", "Cream", "Powder", "Liquid", "Refillable"},
       {"Matte", "Satin", "Shimmer", "Long-Wear", "Sheer"},
       {"Lipstick", "Mascara", "Eyeshadow Palette", "Blush", "Nail Polish", "Bronzer"},
       {"Rose", "Coral", "Nude", "Berry", "Plum", "Peach", "Red", "Mocha"},
       " in "},
      {"skincare",
       24.0,
       0.7,
       {"Hyaluronic", "Vitamin C", "Niacinamide", "Aloe", "Retinol", "Ceramide"},
       {"Hydrating", "Brightening", "Soothing", "Firming", "Gentle", "Overnight"},
       {"Moisturiser", "Serum", "Cleanser", "Face Mask", "Eye Cream", "Toner"},
       {"30 ml", "50 ml", "100 ml", "200 ml"},
       ", "},
      {"kitchen",
       35.0,
       0.8,
       {"Stainless Steel", "Cast Iron", "Ceramic", "Oak", "Enamel", "Glass", "Bamboo"},
       {"Classic", "Professional", "Nesting", "Non-Stick", "Everyday", "Stackable"},
       {"Saucepan", "Chef's Knife", "Mixing Bowl", "Cafetiere", "Chopping Board", "Frying Pan",
        "Mug Set"},
       {"Slate", "Cream", "Copper", "Sage", "Black", "Terracotta"},
       " in "},
      {"home",
       30.0,
       0.9,
       {"Linen", "Wool", "Ceramic", "Rattan", "Velvet", "Brass", "Jute"},
       {"Textured", "Minimalist", "Scandi", "Boho", "Fluted", "Striped"},
       {"Cushion Cover", "Throw", "Vase", "Table Lamp", "Scented Candle", "Picture Frame", "Rug"},
       {"Ochre", "Sage", "Ivory", "Charcoal", "Dusty Pink", "Teal"},
       " in "},
      {"outdoor",
       80.0,
       0.5,
       {"Ripstop", "Nylon", "Aluminium", "Recycled", "Merino"},
       {"Lightweight", "2-Person", "Packable", "Waterproof", "Insulated", "Trail"},
       {"Tent", "Sleeping Bag", "Backpack", "Camping Chair", "Rain Jacket", "Water Bottle",
        "Head Torch"},
       {"Olive", "Navy", "Orange", "Charcoal", "Forest Green"},
       " in "},
      {"sports",
       32.0,
       0.7,
       {"Recycled", "Breathable Mesh", "Cork", "Stretch", "Seamless"},
       {"Performance", "High-Support", "Training", "Non-Slip", "Running", "Studio"},
       {"Yoga Mat", "Running Shorts", "Sports Bra", "Leggings", "Dumbbell Set", "Gym Bag"},
       kColours,
       " in "},
  };
  return v;
}

int32_t SynthCatalog::draw_product(int k, SynthRng& rng) const {
  const auto& cum = category_cumulative[k];
  const double u = rng.uniform() * cum.back();
  size_t i = static_cast<size_t>(std::upper_bound(cum.begin(), cum.end(), u) - cum.begin());
  if (i >= cum.size()) i = cum.size() - 1;
  return category_products[k][i];
}

SynthCatalog build_synth_catalog(const SynthParams& p) {
  validate_synth_params(p);
  const auto& vocab = synth_category_vocabulary();
  const int K = p.categories;
  const int64_t n = p.products;
  SynthCatalog c;
  for (int k = 0; k < K; ++k) c.category_names.push_back(vocab[k].name);
  std::vector<double> share_cum(K);
  double acc = 0.0;
  for (int k = 0; k < K; ++k) share_cum[k] = (acc += vocab[k].share);

  auto& t = c.products;
  t.external_id.resize(n);
  t.title.resize(n);
  t.category.resize(n);
  t.price.resize(n);
  t.available.resize(n);
  c.category.resize(n);
  c.popularity.resize(n);

  auto pick = [](const std::vector<const char*>& words, SynthRng& rng) {
    return words[static_cast<size_t>(rng.below(static_cast<int64_t>(words.size())))];
  };
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < n; ++i) {
    SynthRng rng(p.seed, static_cast<uint64_t>(i), SynthStream::kProduct);
    int k;
    if (i < K) {
      k = static_cast<int>(i);
      rng.uniform();  // keep the draw count the same for every product
    } else {
      const double u = rng.uniform() * acc;
      k = static_cast<int>(std::upper_bound(share_cum.begin(), share_cum.end(), u) -
                           share_cum.begin());
      if (k >= K) k = K - 1;
    }
    const auto& v = vocab[k];
    // Price: log-normal around the category median, shop-style ".99" endings.
    const double raw = v.median_price * std::exp(p.price_sigma * rng.normal());
    const double price = std::max(1.0, std::round(raw)) - 0.01;
    const double popularity = std::exp(p.popularity_sigma * rng.normal());
    const bool available = rng.bernoulli(p.available_rate);
    std::string title = pick(v.materials, rng);
    title += ' ';
    title += pick(v.styles, rng);
    title += ' ';
    title += pick(v.nouns, rng);
    title += v.connector;
    title += pick(v.variants, rng);
    char id[32];
    std::snprintf(id, sizeof(id), "P%07lld", static_cast<long long>(i));
    t.external_id[i] = id;
    t.title[i] = std::move(title);
    t.category[i] = v.name;
    t.price[i] = static_cast<float>(price);
    t.available[i] = available ? 1 : 0;
    c.category[i] = k;
    c.popularity[i] = popularity;
  }

  c.category_products.assign(K, {});
  c.category_cumulative.assign(K, {});
  c.category_mean_price.assign(K, 0.0);
  for (int64_t i = 0; i < n; ++i) {
    const int k = c.category[i];
    const double prev = c.category_cumulative[k].empty() ? 0.0 : c.category_cumulative[k].back();
    c.category_products[k].push_back(static_cast<int32_t>(i));
    c.category_cumulative[k].push_back(prev + c.popularity[i]);
    c.category_mean_price[k] += c.popularity[i] * t.price[i];
  }
  for (int k = 0; k < K; ++k) {
    TAILOR_CHECK(!c.category_products[k].empty(), "synth: category " << k << " has no products");
    c.category_mean_price[k] /= c.category_cumulative[k].back();
  }
  return c;
}

}  // namespace tailor
