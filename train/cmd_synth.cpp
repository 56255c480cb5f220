// `tailor-train synth`: generates the seeded synthetic shop and writes it as a dataset file.
#include <cstdio>
#include <string>

#include "core/cli/command.h"
#include "core/common/error.h"
#include "core/data/dataset_io.h"
#include "core/data/synth.h"
#include "core/data/synth_param_set.h"

namespace tailor {
namespace {

/// Counts and rates only: never personal data.
void print_summary(const Dataset& ds, const std::string& output) {
  const auto& e = ds.email_log;
  int64_t sends = 0, opens = 0, clicks = 0, conversions = 0, unsubs = 0, returns = 0;
  double revenue = 0.0, purchase_value = 0.0;
  for (size_t r = 0; r < e.size(); ++r) {
    sends += e.campaign[r] >= 0;
    opens += e.opened[r];
    clicks += e.clicked[r];
    conversions += e.converted[r];
    unsubs += e.unsubscribed[r];
    revenue += e.revenue[r];
  }
  const auto& t = ds.transactions;
  for (size_t r = 0; r < t.size(); ++r) {
    if (t.kind[r] == static_cast<uint8_t>(TransactionKind::kReturn)) {
      ++returns;
    } else {
      purchase_value += t.quantity[r] * static_cast<double>(t.unit_price[r]);
    }
  }
  const double n = static_cast<double>(ds.customers.size());
  const double s = sends > 0 ? static_cast<double>(sends) : 1.0;
  std::printf("synthetic shop -> %s\n", output.c_str());
  std::printf("  customers        %zu\n", ds.customers.size());
  std::printf("  products         %zu\n", ds.products.size());
  std::printf("  invoices         %zu\n", ds.invoices.size());
  std::printf("  lines            %zu (%.1f per customer, %lld returns)\n", t.size(), t.size() / n,
              static_cast<long long>(returns));
  std::printf("  sales            %.0f\n", purchase_value);
  std::printf("  email decisions  %zu (%lld sends, %.1f sends per customer)\n", e.size(),
              static_cast<long long>(sends), sends / n);
  std::printf("  per send         open %.3f  click %.4f  conversion %.4f  unsubscribe %.4f\n",
              opens / s, clicks / s, conversions / s, unsubs / s);
  std::printf("  email revenue    %.0f (%.3f per send)\n", revenue, revenue / s);
}

const CommandRegistrar kRegistrar(
    {"synth",
     "Generate the seeded synthetic shop (customers, products, purchases, logged email program) "
     "and write it as a dataset file",
     [](CLI::App* sub, std::vector<std::unique_ptr<ParamSet>>& params) -> std::function<void()> {
       auto p = std::make_shared<SynthParams>();
       auto output = std::make_shared<std::string>();
       sub->add_option("--output,-o", *output, "dataset file to write (HDF5)")->required();
       params.push_back(std::make_unique<ParamSet>(sub, "synth"));
       add_synth_params(*params.back(), *p);
       return [p, output]() {
         TAILOR_CHECK(!output->empty(), "synth: --output must not be empty");
         const Dataset ds = generate_synthetic_shop(*p);
         print_summary(ds, *output);
         std::fflush(stdout);
         write_dataset(ds, *output);
         std::printf("  written          %s\n", output->c_str());
       };
     }});

}  // namespace
}  // namespace tailor
