// The CSV reader and writer: comments kept, quoting, and every malformed
// input reported as one InputError naming the file and the line.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "common/error.hpp"
#include "stats/csv.hpp"

namespace lmgaze::stats {
namespace {

// The message of the InputError that parsing `text` (as "t.csv") throws.
std::string parse_error(const std::string& text) {
  try {
    parse_csv(text, "t.csv");
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Csv, CommentsHeaderAndRows) {
  const CsvTable t = parse_csv(
      "# lmgaze resemblance --cv 5\n#heads=average\nmodel,layer,subject,r2\n"
      "m,0,s1,0.5\n\nm,1,s1,\n",
      "t.csv");
  EXPECT_EQ(t.comments, (std::vector<std::string>{"lmgaze resemblance --cv 5", "heads=average"}));
  EXPECT_EQ(t.header_line, 3);
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0].line, 4);
  EXPECT_EQ(t.rows[1].line, 6);  // the blank line 5 is skipped but counted
  EXPECT_EQ(t.column("r2"), 3u);
  EXPECT_DOUBLE_EQ(t.number(t.rows[0], 3), 0.5);
  EXPECT_TRUE(std::isnan(t.number(t.rows[1], 3)));  // empty = missing
  EXPECT_TRUE(t.has_column("layer"));
  EXPECT_FALSE(t.has_column("r2_cv"));
}

TEST(Csv, QuotedFieldsAndLineEndings) {
  const CsvTable t = parse_csv(
      "name,note\r\n\"a,b\",\"say \"\"hi\"\"\"\r\n\"two\nlines\",\"\"\r\nlast,x", "t.csv");
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.rows[0].fields, (std::vector<std::string>{"a,b", "say \"hi\""}));
  EXPECT_EQ(t.rows[1].fields, (std::vector<std::string>{"two\nlines", ""}));
  EXPECT_EQ(t.rows[1].line, 3);
  EXPECT_EQ(t.rows[2].line, 5);  // the quoted newline counts as a line
  EXPECT_EQ(t.rows[2].fields, (std::vector<std::string>{"last", "x"}));  // no final newline
}

TEST(Csv, NumbersAndMissing) {
  const CsvTable t = parse_csv("v\n1e-3\n NaN\nNA\nnan\n-2.5 \nabc\n3x\n", "t.csv");
  EXPECT_DOUBLE_EQ(t.number(t.rows[0], 0), 1e-3);
  for (int k : {1, 2, 3}) EXPECT_TRUE(std::isnan(t.number(t.rows[k], 0)));
  EXPECT_DOUBLE_EQ(t.number(t.rows[4], 0), -2.5);
  try {
    t.number(t.rows[5], 0);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "t.csv:7: column 'v': 'abc' is not a number");
  }
  EXPECT_THROW(t.number(t.rows[6], 0), InputError);
}

TEST(Csv, ErrorsNameFileAndLine) {
  EXPECT_EQ(parse_error("a,b\n1,2\n3\n"), "t.csv:3: 1 fields, the header has 2");
  EXPECT_EQ(parse_error("# only a comment\n"), "t.csv: no header line (the table is empty)");
  EXPECT_EQ(parse_error(""), "t.csv: no header line (the table is empty)");
  EXPECT_EQ(parse_error("a,b\n1,\"open\n2,3\n"), "t.csv:2: unterminated quoted field");
  EXPECT_EQ(parse_error("a,b\n1,x\"y\n"), "t.csv:2: quote inside an unquoted field");
  EXPECT_EQ(parse_error("a,b\n1,\"x\"y\n"), "t.csv:2: text after the closing quote of a field");
  EXPECT_EQ(parse_error("#c\na,a\n"), "t.csv:2: column 'a' appears twice in the header");
  EXPECT_EQ(parse_error("a,,b\n"), "t.csv:1: empty column name in the header");
  const CsvTable t = parse_csv("#c\nlayer,r2\n0,1\n", "t.csv");
  try {
    t.column("subject");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "t.csv:2: no column 'subject' (columns: layer, r2)");
  }
  try {
    read_csv("/nonexistent/dir/x.csv");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("/nonexistent/dir/x.csv: cannot open", 0), 0u);
  }
}

TEST(Csv, Filters) {
  const CsvTable t = parse_csv("source,r2\nL1,1\nL2,2\nL1,3\n", "t.csv");
  const auto rows = filter_rows(t, {parse_filter("source=L1")});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1]->line, 4);
  EXPECT_EQ(filter_rows(t, {}).size(), 3u);
  EXPECT_THROW(filter_rows(t, {parse_filter("group=L1")}), InputError);
  EXPECT_THROW(parse_filter("source"), InputError);
  EXPECT_THROW(parse_filter("=L1"), InputError);
  EXPECT_EQ(parse_filter("a=b=c").value, "b=c");
}

TEST(Csv, WriteReadsBackExactly) {
  const auto dir = std::filesystem::temp_directory_path() / "lmgaze_test_csv";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "out.csv").string();
  const double third = 1.0 / 3, tiny = 1.2345678901234567e-300;
  write_csv(
      path, {"lmgaze stats paired --a x.csv", "second"}, {"name", "v"},
      {{"plain", csv_number(third)}, {"a,\"q\"", csv_number(tiny)}, {"#x", csv_number(-0.0)}});
  EXPECT_FALSE(std::filesystem::exists(path + ".partial"));
  const CsvTable t = read_csv(path);
  EXPECT_EQ(t.comments, (std::vector<std::string>{"lmgaze stats paired --a x.csv", "second"}));
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.number(t.rows[0], 1), third);  // shortest round-trip form is exact
  EXPECT_EQ(t.number(t.rows[1], 1), tiny);
  EXPECT_EQ(t.rows[1].fields[0], "a,\"q\"");
  EXPECT_EQ(t.rows[2].fields[0], "#x");  // quoted, so not read as a comment
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace lmgaze::stats
