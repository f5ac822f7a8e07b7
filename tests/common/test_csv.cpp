// The one CSV reader (common/csv.hpp): delimiter detection, quoting only
// where the delimiter is a comma, missing-value tokens, comments only where
// allowed, header clean-up, and errors by file and line.
#include <gtest/gtest.h>

#include <cmath>

#include "common/csv.hpp"
#include "common/error.hpp"

namespace lmgaze {
namespace {

std::string error_of(const std::string& text, const CsvOptions& o) {
  try {
    parse_table(text, "t.csv", o);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

CsvOptions detect() {
  CsvOptions o;
  o.delimiter = 0;
  return o;
}

TEST(CommonCsv, DetectsTabOrCommaFromTheHeader) {
  const CsvTable tab = parse_table("a\tb\n1\t\"x\n", "t.tsv", detect());
  EXPECT_EQ(tab.delimiter, '\t');
  EXPECT_EQ(tab.header, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(tab.rows[0].fields, (std::vector<std::string>{"1", "\"x"}));  // no quoting in TSV
  const CsvTable comma = parse_table("a,b\n\"1,5\",\"say \"\"hi\"\"\"\n", "t.csv", detect());
  EXPECT_EQ(comma.delimiter, ',');
  EXPECT_EQ(comma.rows[0].fields, (std::vector<std::string>{"1,5", "say \"hi\""}));
  EXPECT_EQ(error_of("a,b\tc\n1,2\n", detect()),
            "t.csv:1: the header holds both commas and tabs: say which one separates the columns");
  CsvOptions tab_given;
  tab_given.delimiter = '\t';
  EXPECT_EQ(parse_table("a,b\tc\n1,2\t3\n", "t", tab_given).header,
            (std::vector<std::string>{"a,b", "c"}));
}

TEST(CommonCsv, MissingTokensAreTheCallersChoice) {
  CsvOptions o = detect();
  o.missing = {"", ".", "NA"};
  const CsvTable t = parse_table("v\tw\n.\t1\nNA\t2\n \t3\n4\t4\n", "t", o);
  for (size_t r = 0; r < 3; ++r) {
    EXPECT_TRUE(t.is_missing(t.rows[r], 0)) << r;
    EXPECT_TRUE(std::isnan(t.number(t.rows[r], 0))) << r;
  }
  EXPECT_FALSE(t.is_missing(t.rows[3], 0));
  EXPECT_EQ(t.integer(t.rows[3], 0), 4);
  const CsvTable plain = parse_table("v\n.\n", "t", detect());  // "." is not missing by default
  EXPECT_FALSE(plain.is_missing(plain.rows[0], 0));
  EXPECT_THROW(plain.number(plain.rows[0], 0), InputError);
}

TEST(CommonCsv, CommentsOnlyWhereAllowed) {
  CsvOptions with = detect();
  with.comments = true;
  const CsvTable t = parse_table("# made by x\na,b\n1,2\n", "t", with);
  EXPECT_EQ(t.comments, (std::vector<std::string>{"made by x"}));
  EXPECT_EQ(t.header_line, 2);
  const CsvTable no = parse_table("# made by x\n", "t", detect());
  EXPECT_EQ(no.header, (std::vector<std::string>{"# made by x"}));  // a header like any other
  EXPECT_EQ(error_of("#x\na,b\n", detect()), "t.csv:2: 2 fields, the header has 1");
}

TEST(CommonCsv, HeaderCleanUpAndRowErrors) {
  const CsvTable t = parse_table(" a , b\n\n  \n1,2\n", "t", detect());
  EXPECT_EQ(t.header, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(t.rows[0].line, 4);  // blank lines skipped but counted
  EXPECT_EQ(error_of("a,,b\n", detect()), "t.csv:1: empty column name in the header");
  EXPECT_EQ(error_of("a\tb\n1\t2\t3\n", detect()), "t.csv:2: 3 fields, the header has 2");
  EXPECT_EQ(error_of("a\n1\nx\n", detect()), "");
  const CsvTable n = parse_table("a\nx\n", "t.csv", detect());
  try {
    n.integer(n.rows[0], 0);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "t.csv:2: a 'x' is not an integer");
  }
}

}  // namespace
}  // namespace lmgaze
