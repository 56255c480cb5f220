// One source item of a text corpus (an e-mail, an AESLC file, a catalogue row, a CSV row) as the
// format readers hand it to the shared cleaner (core/corpus/corpus_cleaner.h).
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/dataset.h"

namespace tailor {

/// One piece of text of a document, before cleaning.
struct CorpusText {
  TextField field = TextField::kBody;
  std::string text;  ///< UTF-8
};

/// A row the reader could not produce (e.g. an undecodable subject) while the rest of the
/// document may still be usable.
struct CorpusRowProblem {
  TextField field = TextField::kBody;
  std::string reason;
  std::string detail;
};

struct CorpusDocument {
  std::string source;  ///< TextCorpusTable::source, e.g. "spamassassin/spam-1"
  std::string member;  ///< where it came from: archive member, file name or CSV id
  int64_t line = -1;   ///< CSV line of the record, -1 when not meaningful
  std::vector<CorpusText> texts;
  std::vector<CorpusRowProblem> problems;
  int split = -1;  ///< CorpusSplit from the source itself, -1 = seeded assignment
  std::string campaign;
  std::string category;
  int64_t customer = -1;
  int32_t product = -1;
  int8_t spam = -1;
  float open_rate = NAN;
  float click_rate = NAN;
};

/// "subject", "body", "product_name", "reference_subject".
const char* text_field_name(TextField f);
/// "train", "dev", "test".
const char* corpus_split_name(int split);

}  // namespace tailor
