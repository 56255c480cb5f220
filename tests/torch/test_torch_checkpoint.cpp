// LibTorch <-> checkpoint adapter: bit-exact parameters through an HDF5 file, resumed AdamW
// training equal to uninterrupted training, and clear errors for mismatched models.
#include <gtest/gtest.h>
#include <torch/torch.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "core/common/error.h"
#include "models/torch_checkpoint.h"

namespace tailor {
namespace {

struct TinyNetImpl : torch::nn::Module {
  explicit TinyNetImpl(int hidden) {
    fc1 = register_module("fc1", torch::nn::Linear(5, hidden));
    norm = register_module("norm", torch::nn::BatchNorm1d(hidden));
    fc2 = register_module("fc2", torch::nn::Linear(hidden, 2));
  }
  torch::Tensor forward(torch::Tensor x) { return fc2(torch::relu(norm(fc1(x)))); }
  torch::nn::Linear fc1{nullptr}, fc2{nullptr};
  torch::nn::BatchNorm1d norm{nullptr};
};
TORCH_MODULE(TinyNet);

std::string temp_file(const std::string& name) {
  return ::testing::TempDir() + "tailor_torch_ckpt_" + std::to_string(::getpid()) + "_" + name;
}

void train_steps(TinyNet& net, torch::optim::AdamW& opt, int from, int to) {
  for (int step = from; step < to; ++step) {
    torch::manual_seed(1000 + step);  // the batch depends only on the step number
    torch::Tensor x = torch::randn({16, 5});
    torch::Tensor y = torch::randn({16, 2});
    opt.zero_grad();
    torch::Tensor loss = torch::mse_loss(net->forward(x), y);
    loss.backward();
    opt.step();
  }
}

TEST(TorchCheckpoint, ParametersAndBuffersRoundTripBitExactly) {
  torch::manual_seed(3);
  TinyNet a(7);
  a->train();
  a->forward(torch::randn({8, 5}));  // updates the BatchNorm running statistics (buffers)
  Checkpoint ck;
  ck.model_type = "tiny";
  module_to_checkpoint(*a, &ck);
  EXPECT_TRUE(ck.has_tensor("params/fc1/weight"));
  EXPECT_TRUE(ck.has_tensor("buffers/norm/running_mean"));
  EXPECT_FALSE(ck.versions["torch"].empty());
  const std::string path = temp_file("roundtrip.h5");
  write_checkpoint(ck, path);

  torch::manual_seed(99);
  TinyNet b(7);
  module_from_checkpoint(*b, read_checkpoint(path, "tiny"));
  a->eval();
  b->eval();
  torch::Tensor x = torch::randn({4, 5});
  EXPECT_TRUE(torch::equal(a->forward(x), b->forward(x)));
  EXPECT_TRUE(torch::equal(a->norm->running_var, b->norm->running_var));
  std::remove(path.c_str());
}

TEST(TorchCheckpoint, ResumedAdamWEqualsUninterruptedTraining) {
  torch::manual_seed(5);
  TinyNet straight(6);
  torch::manual_seed(5);
  TinyNet resumed(6);
  torch::optim::AdamW opt_straight(straight->parameters(), torch::optim::AdamWOptions(0.01));
  torch::optim::AdamW opt_first(resumed->parameters(), torch::optim::AdamWOptions(0.01));
  train_steps(straight, opt_straight, 0, 10);
  train_steps(resumed, opt_first, 0, 4);

  Checkpoint ck;
  ck.model_type = "tiny";
  module_to_checkpoint(*resumed, &ck);
  adamw_to_checkpoint(opt_first, *resumed, &ck);
  EXPECT_EQ(ck.tensor("optimizer/fc1/weight/step").values<int64_t>()[0], 4);
  const std::string path = temp_file("resume.h5");
  write_checkpoint(ck, path);

  TinyNet fresh(6);
  torch::optim::AdamW opt_fresh(fresh->parameters(), torch::optim::AdamWOptions(0.5));
  const Checkpoint back = read_checkpoint(path, "tiny");
  module_from_checkpoint(*fresh, back);
  adamw_from_checkpoint(opt_fresh, *fresh, back);
  EXPECT_DOUBLE_EQ(static_cast<torch::optim::AdamWOptions&>(opt_fresh.param_groups()[0].options()).lr(), 0.01);
  train_steps(fresh, opt_fresh, 4, 10);
  for (const auto& p : straight->named_parameters())
    EXPECT_TRUE(torch::equal(p.value(), fresh->named_parameters()[p.key()])) << p.key();
  std::remove(path.c_str());
}

TEST(TorchCheckpoint, ShapeMismatchAndUnknownEntriesAreClearErrors) {
  TinyNet small(4);
  Checkpoint ck;
  ck.model_type = "tiny";
  ck.path = "model.h5";
  module_to_checkpoint(*small, &ck);
  TinyNet big(8);
  try {
    module_from_checkpoint(*big, ck);
    FAIL() << "expected tailor::Error";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("params/fc1/weight"), std::string::npos) << msg;
    EXPECT_NE(msg.find("[4,5]"), std::string::npos) << msg;
  }
  ck.tensors["params/extra/weight"] = TensorBlob::from(std::vector<float>{1, 2});
  TinyNet same(4);
  try {
    module_from_checkpoint(*same, ck);
    FAIL() << "expected tailor::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("params/extra/weight"), std::string::npos) << e.what();
  }
}

TEST(TorchCheckpoint, EveryStorableDtypeRoundTrips) {
  for (torch::Dtype dt : {torch::kFloat32, torch::kFloat64, torch::kInt8, torch::kInt16,
                          torch::kInt32, torch::kInt64, torch::kUInt8}) {
    torch::Tensor t = torch::arange(0, 12).to(dt).reshape({3, 4});
    torch::Tensor back = blob_to_tensor(tensor_to_blob(t));
    EXPECT_EQ(back.scalar_type(), dt);
    EXPECT_TRUE(torch::equal(t, back)) << c10::toString(dt);
  }
  EXPECT_THROW(tensor_to_blob(torch::zeros({2}, torch::kBool)), Error);
}

}  // namespace
}  // namespace tailor
