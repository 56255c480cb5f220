// ImportSummary as JSON and as a terminal table; the rejects CSV writer.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <sstream>

#include "core/data/import_mapping_values.h"
#include "core/data/importer.h"
#include "core/io/atomic_file.h"
#include "core/io/csv_reader.h"

namespace tailor {

std::string ImportSummary::to_json() const {
  nlohmann::json j;
  j["input"] = input;
  j["mapping"] = mapping;
  j["rows_read"] = rows_read;
  j["blank_lines"] = blank_lines;
  j["rows_kept"] = rows_kept;
  j["rows_rejected"] = rows_rejected;
  j["rejected_by_reason"] = rejected_by_reason;
  j["duplicate_lines"] = duplicate_lines;
  j["cancellation_lines"] = cancellation_lines;
  j["negative_quantity_lines"] = negative_quantity_lines;
  j["rows_without_customer_id"] = rows_without_customer_id;
  j["quantity_sum"] = quantity_sum;
  j["transactions"] = transactions;
  j["purchase_lines"] = purchase_lines;
  j["return_lines"] = return_lines;
  j["transactions_without_customer"] = transactions_without_customer;
  j["email_log_records"] = email_log_records;
  j["no_email_records"] = no_email_records;
  j["distinct_invoices"] = distinct_invoices;
  j["distinct_products"] = distinct_products;
  j["distinct_customers"] = distinct_customers;
  j["distinct_campaigns"] = distinct_campaigns;
  j["first_time"] = format_utc(first_time);
  j["last_time"] = format_utc(last_time);
  j["seconds"] = seconds;
  return j.dump(2);
}

std::string ImportSummary::to_table() const {
  std::ostringstream os;
  auto row = [&](const std::string& k, const std::string& v) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "  %-34s %s\n", k.c_str(), v.c_str());
    os << buf;
  };
  auto num = [](int64_t v) {
    std::string s = std::to_string(v < 0 ? -v : v), out;
    for (size_t i = 0; i < s.size(); ++i) {
      if (i > 0 && (s.size() - i) % 3 == 0) out += ',';
      out += s[i];
    }
    return (v < 0 ? "-" : "") + out;
  };
  os << "import summary: " << input << " (mapping " << mapping << ")\n";
  row("rows read", num(rows_read));
  row("rows kept", num(rows_kept));
  row("rows rejected", num(rows_rejected));
  for (const auto& [reason, n] : rejected_by_reason) row("  rejected: " + reason, num(n));
  if (blank_lines > 0) row("blank lines skipped", num(blank_lines));
  row("duplicate lines", num(duplicate_lines));
  row("rows without customer id", num(rows_without_customer_id));
  if (transactions > 0 || cancellation_lines > 0) {
    row("cancellation lines", num(cancellation_lines));
    row("negative-quantity lines", num(negative_quantity_lines));
    row("sum of quantity (parsed rows)", num(quantity_sum));
    row("transactions kept", num(transactions));
    row("  purchases", num(purchase_lines));
    row("  returns", num(return_lines));
    row("  without customer", num(transactions_without_customer));
    row("distinct invoices", num(distinct_invoices));
  }
  row("distinct products", num(distinct_products));
  row("distinct customers", num(distinct_customers));
  if (email_log_records > 0) {
    row("email log records", num(email_log_records));
    row("  no-email decisions", num(no_email_records));
    row("distinct campaigns", num(distinct_campaigns));
  }
  if (first_time >= 0) row("time span (UTC)", format_utc(first_time) + " .. " + format_utc(last_time));
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.2f s", seconds);
  row("import time", secs);
  return os.str();
}

void write_rejects_csv(const std::vector<RejectedRow>& rejects, const std::string& path) {
  AtomicOutputFile out(path);
  std::ofstream& os = out.stream();
  os << "line,reason,field,detail,record\n";
  for (const RejectedRow& r : rejects) {
    os << r.line << ',' << csv_escape(r.reason) << ',' << csv_escape(r.field) << ','
       << csv_escape(r.detail) << ',' << csv_escape(r.record) << '\n';
  }
  out.commit();
}

}  // namespace tailor
