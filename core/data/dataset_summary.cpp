#include "core/data/dataset_summary.h"

#include <algorithm>
#include <array>
#include <ctime>
#include <map>
#include <sstream>

namespace tailor {
namespace {

std::string format_date(UnixTime t) {
  if (t < 0) return "unknown";
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

double share(size_t part, size_t whole) { return whole ? 100.0 * part / whole : 0.0; }

}  // namespace

std::string describe_dataset(const Dataset& ds) {
  std::ostringstream os;
  os.setf(std::ios::fixed);
  os.precision(2);
  const auto& c = ds.customers;
  size_t consent = 0, unsub = 0, suppressed = 0, eligible = 0;
  for (size_t i = 0; i < c.size(); ++i) {
    consent += c.consent[i];
    unsub += c.unsubscribed[i];
    suppressed += c.suppressed[i];
    eligible += c.consent[i] && !c.unsubscribed[i] && !c.suppressed[i];
  }
  os << "customers        " << c.size() << " (consent " << consent << ", unsubscribed " << unsub
     << ", suppressed " << suppressed << ", eligible for email " << eligible << ")\n";
  os << "products         " << ds.products.size() << "\n";
  os << "invoices         " << ds.invoices.size() << "\n";

  const auto& t = ds.transactions;
  size_t returns = 0, anonymous = 0;
  UnixTime first = -1, last = -1;
  for (size_t i = 0; i < t.size(); ++i) {
    returns += t.kind[i] == static_cast<uint8_t>(TransactionKind::kReturn);
    anonymous += t.customer[i] < 0;
    if (t.time[i] >= 0) {
      first = first < 0 ? t.time[i] : std::min(first, t.time[i]);
      last = std::max(last, t.time[i]);
    }
  }
  os << "transactions     " << t.size() << " lines (purchases " << t.size() - returns << ", returns "
     << returns << ", without customer " << anonymous << "), " << format_date(first) << " .. "
     << format_date(last) << "\n";

  const auto& e = ds.email_log;
  size_t sent = 0, opened = 0, clicked = 0, converted = 0, unsubscribed = 0;
  double revenue = 0;
  for (size_t i = 0; i < e.size(); ++i) {
    if (e.campaign[i] < 0) continue;
    ++sent;
    opened += e.opened[i];
    clicked += e.clicked[i];
    converted += e.converted[i];
    unsubscribed += e.unsubscribed[i];
    revenue += e.revenue[i];
  }
  os << "email log        " << e.size() << " decisions, " << sent << " sends in " << ds.campaigns.size()
     << " campaigns (open " << share(opened, sent) << "%, click " << share(clicked, sent)
     << "%, conversion " << share(converted, sent) << "%, unsubscribe " << share(unsubscribed, sent)
     << "%, revenue " << revenue << ")\n";
  const auto& k = ds.corpus;
  if (k.size() > 0) {
    static const char* kFieldNames[] = {"subject", "body", "product_name", "reference_subject"};
    std::map<std::string, std::array<size_t, 4>> by_source;
    for (size_t i = 0; i < k.size(); ++i) by_source[k.source[i]][k.field[i]] += 1;
    os << "corpus           " << k.size() << " texts";
    for (const auto& [source, counts] : by_source) {
      os << "\n  " << source << ":";
      for (int f = 0; f < 4; ++f)
        if (counts[f] > 0) os << " " << counts[f] << " " << kFieldNames[f];
    }
    os << "\n";
  }
  // Metadata values can be long (an import mapping, a summary as JSON): show their first lines.
  constexpr int kMaxLines = 40;
  for (const auto& [key, value] : ds.metadata) {
    std::istringstream lines(value);
    std::string line;
    int n = 0;
    os << "metadata." << key << ":";
    while (std::getline(lines, line)) {
      if (++n > kMaxLines) {
        os << "\n  ...";
        break;
      }
      os << (n == 1 ? " " : "\n  ") << line;
    }
    os << "\n";
  }
  return os.str();
}

}  // namespace tailor
