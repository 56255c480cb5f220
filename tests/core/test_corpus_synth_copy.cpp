// The synthetic copy corpus: determinism (seed, thread count), slots only, customers the shop
// may e-mail, tone that follows the hidden traits, and phrase-bank validation.
#include <gtest/gtest.h>

#include <chrono>
#include <set>

#include "core/corpus/copy_slots.h"
#include "core/corpus/embedded_data.h"
#include "core/corpus/synth_copy.h"
#include "core/data/synth.h"
#include "core/data/synth_model.h"
#include "test_corpus_util.h"

namespace tailor {
namespace {

/// Words of `t` as written (runs of ASCII letters), to look for real names.
std::vector<std::string> words_of(const std::string& t) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : t) {
    if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')) {
      cur.push_back(ch);
    } else if (!cur.empty()) {
      out.push_back(cur);
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

SynthParams copy_params(uint64_t seed = 5) {
  SynthParams p;
  p.customers = 1500;
  p.products = 200;
  p.days = 60;
  p.copy_documents = 4000;
  p.seed = seed;
  return p;
}

TEST(SynthCopy, SameSeedSameRowsForAnyThreadCount) {
  SynthParams p = copy_params();
  p.threads = 1;
  const auto t0 = std::chrono::steady_clock::now();
  const Dataset a = generate_synthetic_shop(p);
  std::printf("[ synthcopy] shop + %lld copy documents in %.2f s\n",
              static_cast<long long>(p.copy_documents),
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  p.threads = 2;
  const Dataset b = generate_synthetic_shop(p);
  ASSERT_EQ(a.corpus.size(), 8000u);
  EXPECT_TRUE(a.corpus.text == b.corpus.text);
  EXPECT_TRUE(a.corpus.customer == b.corpus.customer);
  EXPECT_TRUE(a.corpus.product == b.corpus.product);
  EXPECT_TRUE(a.corpus.split == b.corpus.split);
  const Dataset c = generate_synthetic_shop(copy_params(6));
  EXPECT_FALSE(a.corpus.text == c.corpus.text);
  // Document i depends only on (seed, i): a longer corpus starts with the shorter one.
  SynthParams more = copy_params();
  more.copy_documents = 4100;
  const Dataset d = generate_synthetic_shop(more);
  EXPECT_TRUE(std::equal(a.corpus.text.begin(), a.corpus.text.end(), d.corpus.text.begin()));
  SynthParams none = copy_params();
  none.copy_documents = 0;
  EXPECT_EQ(generate_synthetic_shop(none).corpus.size(), 0u);
}

TEST(SynthCopy, RowsUseSlotsOnlyAndGoToEmailableCustomers) {
  const SynthParams p = copy_params();
  const Dataset ds = generate_synthetic_shop(p);
  const TextCorpusTable& k = ds.corpus;
  std::set<std::string> names(ds.customers.first_name.begin(), ds.customers.first_name.end());
  std::set<std::string> campaigns;
  int with_product_slot = 0;
  for (size_t i = 0; i < k.size(); ++i) {
    const std::string& t = k.text[i];
    ASSERT_TRUE(only_known_slots(t)) << t;
    EXPECT_EQ(t.find('$'), std::string::npos) << t;
    EXPECT_EQ(t.find("\xE2\x82\xAC"), std::string::npos) << t;
    for (const std::string& w : words_of(t))
      EXPECT_EQ(names.count(w), 0u) << "a real name in: " << t;
    const size_t c = static_cast<size_t>(k.customer[i]);
    ASSERT_LT(c, ds.customers.size());
    EXPECT_TRUE(ds.customers.consent[c] && !ds.customers.unsubscribed[c] &&
                !ds.customers.suppressed[c]);
    ASSERT_GE(k.product[i], 0);
    EXPECT_EQ(k.category[i], ds.products.category[static_cast<size_t>(k.product[i])]);
    EXPECT_EQ(ds.products.title[static_cast<size_t>(k.product[i])].empty() ||
                  t.find(ds.products.title[static_cast<size_t>(k.product[i])]) == std::string::npos,
              true);
    campaigns.insert(k.campaign[i]);
    EXPECT_EQ(k.source[i], "synth");
    EXPECT_EQ(k.field[i],
              static_cast<uint8_t>(i % 2 == 0 ? TextField::kSubject : TextField::kBody));
    if (k.field[i] == static_cast<uint8_t>(TextField::kBody))
      with_product_slot += t.find("{product}") != std::string::npos;
    if (k.campaign[i] == "birthday") {
      EXPECT_NE(ds.customers.birthday[c], -1);
    }
  }
  EXPECT_EQ(campaigns.size(), static_cast<size_t>(kSynthCampaignCount));
  EXPECT_EQ(with_product_slot, p.copy_documents);  // every body features its product
}

TEST(SynthCopy, ToneFollowsTheCustomersHiddenTraits) {
  const SynthParams p = copy_params();
  const Dataset ds = generate_synthetic_shop(p);
  const CopyPhraseBank bank = load_copy_phrase_bank("builtin");
  // Savings copy mentions {discount} / {price} far more often for price-sensitive customers.
  int64_t n[2] = {0, 0}, money[2] = {0, 0};
  int64_t loyal_words[2] = {0, 0}, m[2] = {0, 0};
  for (size_t i = 1; i < ds.corpus.size(); i += 2) {
    const SynthLatentCustomer c = synth_latent_customer(p, ds.corpus.customer[i]);
    const std::string& body = ds.corpus.text[i];
    const bool sensitive = c.price_sensitivity >= bank.min_price_sensitivity;
    ++n[sensitive];
    money[sensitive] +=
        body.find("{discount}") != std::string::npos || body.find("{price}") != std::string::npos;
    if (!sensitive) {
      const bool active = c.activity / p.purchases_per_year >= bank.min_activity_ratio;
      ++m[active];
      loyal_words[active] += body.find("favourite customers") != std::string::npos ||
                             body.find("thanks,\n") != std::string::npos ||
                             body.find("Dear {first_name}") != std::string::npos ||
                             body.find("With thanks") != std::string::npos ||
                             body.find("Yours,") != std::string::npos ||
                             body.find("style team") != std::string::npos ||
                             body.find("warmest") != std::string::npos ||
                             body.find("A note for you") != std::string::npos;
    }
  }
  ASSERT_GT(n[0], 500);
  ASSERT_GT(n[1], 500);
  const double rate_sensitive = double(money[1]) / n[1], rate_other = double(money[0]) / n[0];
  EXPECT_GT(rate_sensitive, 0.95) << rate_sensitive;
  EXPECT_LT(rate_other, 0.5) << rate_other;
  ASSERT_GT(m[1], 200);
  EXPECT_GT(double(loyal_words[1]) / m[1], 0.9);
  EXPECT_LT(double(loyal_words[0]) / m[0], 0.35);
}

TEST(SynthCopy, PhraseBankErrorsNameTheKey) {
  const std::string good = embedded_synth_copy_phrase_bank();
  std::string bad = good;
  bad.replace(bad.find("\"Welcome to {shop}, {first_name}\""), 33, "\"Welcome {name}\"");
  std::string msg = corpus_test::error_of([&] { parse_copy_phrase_bank(bad, "'x.yaml'"); });
  EXPECT_NE(msg.find("campaigns.welcome.subject.neutral"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'x.yaml' line"), std::string::npos) << msg;
  bad = good;
  bad.replace(bad.find("  cross_sell:"), 13, "  cross_sale:");
  msg = corpus_test::error_of([&] { parse_copy_phrase_bank(bad, "'x.yaml'"); });
  EXPECT_NE(msg.find("cross_sale"), std::string::npos) << msg;
  msg = corpus_test::error_of([&] { load_copy_phrase_bank("/nonexistent/bank.yaml"); });
  EXPECT_NE(msg.find("/nonexistent/bank.yaml"), std::string::npos) << msg;
  // The file in configs/ is the built-in one.
  const CopyPhraseBank file =
      load_copy_phrase_bank(std::string(TAILOR_SOURCE_DIR) + "/configs/synth_copy.yaml");
  const CopyPhraseBank builtin = load_copy_phrase_bank("builtin");
  EXPECT_EQ(file.campaigns, builtin.campaigns);
  EXPECT_EQ(file.greeting, builtin.greeting);
}

}  // namespace
}  // namespace tailor
