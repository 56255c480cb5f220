// SpamAssassin import on the real corpus (skipped without TAILOR_SHARED_DATA): every message is
// accounted for, kept or rejected by reason.
#include <gtest/gtest.h>

#include <chrono>

#include "core/corpus/corpus_import.h"
#include "test_corpus_util.h"

namespace tailor {
namespace {

TEST(CorpusSpamAssassinRealData, EveryMessageAccountedFor) {
  const std::string path =
      corpus_test::shared_data("spamassassin/spamassassin_public_corpus.tar.xz");
  if (path.empty())
    GTEST_SKIP() << "$TAILOR_SHARED_DATA/spamassassin/spamassassin_public_corpus.tar.xz is absent "
                    "(set TAILOR_SHARED_DATA)";
  const auto t0 = std::chrono::steady_clock::now();
  const CorpusImportResult r = import_spamassassin(path, CorpusCleanParams());
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::fputs(r.report.to_table().c_str(), stdout);
  std::printf("[ spamassn ] %lld messages in %.2f s\n",
              static_cast<long long>(r.report.documents_read), secs);
  const CorpusReport& rep = r.report;
  EXPECT_EQ(rep.documents_read, 6046);
  EXPECT_EQ(rep.documents_kept + rep.documents_rejected_total(), 6046);
  int64_t listed = 0;
  for (const CorpusReject& x : r.rejects) listed += x.scope == "document";
  EXPECT_EQ(listed, rep.documents_rejected_total());
}

}  // namespace
}  // namespace tailor
