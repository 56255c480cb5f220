// SentencePiece and LibTorch in one process: train, encode, decode and run torch ops on the ids.
// Linked directly, Debian's libsentencepiece (own protobuf-lite 3.14) and LibTorch (libprotobuf
// 3.21) clash; through the tailor_spm module (core/text/spm_loader.h) they must coexist.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <random>
#include <string>
#include <vector>

#include "core/text/tokenizer.h"

namespace tailor {
namespace {

std::vector<std::string> shop_corpus(uint32_t seed, int n) {
  const std::vector<std::string> words = {"linen", "shirt", "shoes", "café", "crème", "naïve",
                                          "scarf", "watch", "garden", "chair", "espresso",
                                          "茶碗", "sale", "free", "shipping", "today", "🔥",
                                          "⏰", "new", "arrivals", "Köln", "größe", "€"};
  std::mt19937 rng(seed);
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    std::string s;
    int len = 4 + static_cast<int>(rng() % 8);
    for (int w = 0; w < len; ++w) s += (w ? " " : "") + words[rng() % words.size()];
    s += " " + std::to_string(rng() % 1000) + "!";
    out.push_back(s);
  }
  return out;
}

TEST(TokenizerWithTorch, TrainEncodeDecodeAndEmbedInOneProcess) {
  // LibTorch is initialised (and its protobuf loaded) before SentencePiece runs.
  torch::manual_seed(0);
  torch::Tensor warmup = torch::ones({2, 2});
  ASSERT_EQ(warmup.sum().item<float>(), 4.0f);

  TokenizerTrainParams p;
  p.vocab_size = 320;
  Tokenizer tok = Tokenizer::from_model_bytes(Tokenizer::train(p, shop_corpus(3, 2000)));
  ASSERT_EQ(tok.vocab_size(), 320);

  const std::vector<std::string> texts = {
      "linen shirt sale 🔥 today only: €49!",
      "Grüße aus Köln — größe XL, naïve café crème",
      "emoji never seen in training: 🦄🧵 👩‍👩‍👧 and 中文",
      "  spaces   kept\tand\nnewlines  ",
  };
  for (const std::string& text : texts) {
    std::vector<int32_t> ids = tok.encode(text);
    ASSERT_FALSE(ids.empty()) << text;
    EXPECT_EQ(tok.decode(ids), text);

    // Embedding lookup of the ids: row i of the output must be row ids[i] of the weight, which
    // holds the value id * 10 + column.
    const int64_t dim = 3;
    torch::Tensor weight = torch::arange(tok.vocab_size(), torch::kFloat).unsqueeze(1) * 10 +
                           torch::arange(dim, torch::kFloat).unsqueeze(0);
    torch::Tensor idx =
        torch::from_blob(ids.data(), {static_cast<int64_t>(ids.size())}, torch::kInt32)
            .to(torch::kInt64);
    torch::Tensor emb = torch::embedding(weight, idx);
    ASSERT_EQ(emb.sizes(), (std::vector<int64_t>{static_cast<int64_t>(ids.size()), dim}));
    auto acc = emb.accessor<float, 2>();
    for (size_t i = 0; i < ids.size(); ++i)
      for (int64_t c = 0; c < dim; ++c)
        ASSERT_EQ(acc[static_cast<int64_t>(i)][c], static_cast<float>(ids[i] * 10 + c))
            << "text " << text << " position " << i;

    // The ids survive a round trip through a tensor.
    std::vector<int32_t> back(idx.data_ptr<int64_t>(), idx.data_ptr<int64_t>() + idx.numel());
    EXPECT_EQ(tok.decode(back), text);
  }

  // A torch::nn module on the ids, after SentencePiece has run.
  torch::nn::Embedding embed(torch::nn::EmbeddingOptions(tok.vocab_size(), 8).padding_idx(tok.pad_id()));
  std::vector<int32_t> ids = tok.encode(texts[0]);
  ids.push_back(tok.pad_id());
  torch::Tensor idx = torch::tensor(std::vector<int64_t>(ids.begin(), ids.end()));
  torch::Tensor out = embed->forward(idx);
  EXPECT_EQ(out.size(0), static_cast<int64_t>(ids.size()));
  EXPECT_EQ(out[-1].abs().sum().item<float>(), 0.0f) << "padding row must be zero";
}

}  // namespace
}  // namespace tailor
