// The pieces of the layered tokenizer one by one: Unicode facts from ICU, the
// Oniguruma -> ICU regex translation and its match semantics, the split
// behaviors, normalizers with their byte alignment, pre-tokenizers, added
// tokens and the BPE engine. Expected pieces follow Hugging Face `tokenizers`
// (its documentation and tests, e.g. "the-final--countdown") or Python's
// regex.findall with GPT-2's pattern.
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "tokenizer/added_tokens.hpp"
#include "tokenizer/bpe_model.hpp"
#include "tokenizer/normalizers.hpp"
#include "tokenizer/pre_tokenizers.hpp"
#include "tokenizer/regex.hpp"
#include "tokenizer/sha256.hpp"
#include "tokenizer/unicode.hpp"

namespace lmgaze {
namespace {

using Strings = std::vector<std::string>;

NormalizedText original(const std::string& s) {
  return NormalizedText::from_original(s, 0, s.size());
}

Strings texts(const std::vector<NormalizedText>& pieces) {
  Strings out;
  for (const auto& p : pieces) out.push_back(p.text());
  return out;
}

Strings pre_tokenize(const PreTokenizer& p, const std::string& s) {
  std::vector<NormalizedText> pieces{original(s)};
  p.pre_tokenize(pieces);
  return texts(pieces);
}

// ---- Unicode ----------------------------------------------------------------

TEST(Unicode, LettersNumbersSpacesPunctuation) {
  for (char32_t c : {U'a', U'Z', U'é', U'ß', U'Ж', U'日', U'한', U'ع', U'ª'})
    EXPECT_TRUE(is_letter(c));
  for (char32_t c : {U'1', U' ', U'.', U'\'', char32_t{0x301}, char32_t{0x1F600}})
    EXPECT_FALSE(is_letter(c)) << uint32_t(c);
  for (char32_t c : {U'0', U'9', U'²', U'½', U'Ⅷ', U'①', char32_t{0x663}})
    EXPECT_TRUE(is_number(c));
  // White_Space: Oniguruma's \s and Rust's char::is_whitespace, with U+000B and NEL.
  for (char32_t c : {U' ', U'\t', U'\n', U'\r', U'\v', U'\f', char32_t{0x85}, char32_t{0xA0},
                     char32_t{0x2009}, char32_t{0x3000}, char32_t{0x2028}})
    EXPECT_TRUE(is_white_space(c)) << uint32_t(c);
  for (char32_t c : {char32_t{0x1C}, char32_t{0x200B}, char32_t{0xFEFF}, U'a'})
    EXPECT_FALSE(is_white_space(c)) << uint32_t(c);
  // Hugging Face's punctuation: ASCII punctuation (symbols too) or category P.
  for (char32_t c : {U'!', U'$', U'+', U'<', U'^', U'`', U'|', U'~', U'¿', U'—', U'«', U'、'})
    EXPECT_TRUE(is_punctuation(c)) << uint32_t(c);
  for (char32_t c : {U'a', U'1', U' ', U'€', U'©'}) EXPECT_FALSE(is_punctuation(c)) << uint32_t(c);
}

TEST(Unicode, Utf8DecodesEveryLengthAndFindsInvalidBytes) {
  const std::string text = "a\xC3\xA9\xE6\x97\xA5\xF0\x9F\x98\x80";  // a é 日 😀
  EXPECT_EQ(decode_utf8(text, 1).code_point, U'é');
  EXPECT_EQ(decode_utf8(text, 3).n_bytes, 3u);
  EXPECT_EQ(decode_utf8(text, 6).code_point, char32_t{0x1F600});
  EXPECT_EQ(find_invalid_utf8(text), std::string::npos);
  for (const std::string bad :
       {std::string("\x80"), std::string("\xC3"), std::string("\xC0\xAF"),
        std::string("\xED\xA0\x80"), std::string("\xE6\x97"), std::string("\xFF")}) {
    EXPECT_FALSE(decode_utf8(bad, 0).valid);
    EXPECT_EQ(find_invalid_utf8("ok" + bad), 2u);
  }
  EXPECT_EQ(utf8_encode(char32_t{0x1F600}), "\xF0\x9F\x98\x80");
}

TEST(Unicode, CaseAndNormalForms) {
  EXPECT_EQ(lowercase_char(U'A'), "a");
  EXPECT_EQ(lowercase_char(U'Σ'), "σ");  // no final-sigma context, as Rust's char::to_lowercase
  EXPECT_EQ(lowercase_char(U'İ'), "i\xCC\x87");
  EXPECT_EQ(normalize_utf8("cafe\xCC\x81", NormalForm::kNFC), "caf\xC3\xA9");
  EXPECT_EQ(normalize_utf8("caf\xC3\xA9", NormalForm::kNFD), "cafe\xCC\x81");
  EXPECT_EQ(normalize_utf8("\xEF\xAC\x81", NormalForm::kNFKC), "fi");       // ﬁ
  EXPECT_EQ(normalize_utf8("\xE2\x84\xA6", NormalForm::kNFC), "\xCE\xA9");  // Ohm sign -> Omega
}

TEST(Sha256, KnownVectors) {
  Sha256 empty;
  EXPECT_EQ(empty.hex_digest(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  Sha256 abc;
  abc.update("abc");
  EXPECT_EQ(abc.hex_digest(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256 parts;  // 56 bytes across two updates: the padding takes a block of its own
  parts.update("abcdbcdecdefdefgefghfghighijhijkijkl");
  parts.update("jklmklmnlmnomnopnopq");
  EXPECT_EQ(parts.hex_digest(), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

// ---- regex ------------------------------------------------------------------

TEST(Regex, TranslationKeepsOnigurumaMeanings) {
  EXPECT_EQ(translate_oniguruma(R"(\s+(?!\S))"), R"(\p{White_Space}+(?!\P{White_Space}))");
  EXPECT_EQ(translate_oniguruma(R"([^\s\p{L}\p{N}])"), R"([^\p{White_Space}\p{L}\p{N}])");
  EXPECT_EQ(translate_oniguruma(R"(\w+)"), R"([\p{L}\p{M}\p{N}\p{Pc}]+)");
  EXPECT_EQ(translate_oniguruma(R"([\w-])"), R"([\p{L}\p{M}\p{N}\p{Pc}-])");
  EXPECT_EQ(translate_oniguruma(R"(\h\v)"), R"([0-9a-fA-F]\x{0B})");
  EXPECT_EQ(translate_oniguruma(R"(\p{^L})"), R"(\P{L})");
  EXPECT_EQ(translate_oniguruma("(?m:.)(?i:'s)"), "(?s:.)(?i:'s)");
  EXPECT_EQ(translate_oniguruma(R"(\(\[)"), R"(\(\[)");  // escaped brackets stay literal
}

std::vector<std::pair<size_t, size_t>> find(const std::string& pattern, const std::string& text) {
  return Regex(pattern, "test").find_all(text);
}

TEST(Regex, MatchesLikeTheOnigCrate) {
  using M = std::vector<std::pair<size_t, size_t>>;
  // An empty match right where the last match ended is skipped.
  EXPECT_EQ(find("a*", "baac"), (M{{0, 0}, {1, 3}, {4, 4}}));
  // \s is White_Space: U+000B and NEL are space, U+001C is not.
  EXPECT_EQ(find(R"(\s+)",
                 "a\x0B\xC2\x85"
                 "b\x1C"),
            (M{{1, 4}}));
  // Lookahead: a run of spaces before a word gives up its last space.
  EXPECT_EQ(find(R"(\s+(?!\S)|\s+)", "a   b"), (M{{1, 3}, {3, 4}}));
  // Case-insensitive groups, \p{N}{1,3}, byte offsets past astral characters.
  EXPECT_EQ(find(R"((?i:'s|'ll))", "IT'S YOU'LL"), (M{{2, 4}, {8, 11}}));
  EXPECT_EQ(find(R"(\p{N}{1,3})", "😀12345"), (M{{4, 7}, {7, 9}}));
  EXPECT_EQ(Regex::literal("a.b", "t").find_all("aXb a.b"), (M{{4, 7}}));
  EXPECT_EQ(Regex::literal("▁", "t").find_all("▁a▁"), (M{{0, 3}, {4, 7}}));
}

TEST(Regex, Gpt2PatternPiecesAsPythonRegexFindall) {
  const ByteLevelPreTokenizer split_only(false, true);
  // The pieces, spelled back from the byte alphabet: compare on ASCII only.
  auto pieces = [](const std::string& s) {
    std::vector<NormalizedText> out;
    split_piece(original(s), regex_matches(Regex(kGpt2Pattern, "t"), s), SplitBehavior::kIsolated,
                out);
    return texts(out);
  };
  EXPECT_EQ(pieces("Hello world"), (Strings{"Hello", " world"}));
  EXPECT_EQ(pieces("abc123def"), (Strings{"abc", "123", "def"}));
  EXPECT_EQ(pieces("I'm here, they'll go"),
            (Strings{"I", "'m", " here", ",", " they", "'ll", " go"}));
  EXPECT_EQ(pieces(" 's"), (Strings{" '", "s"}));
  EXPECT_EQ(pieces("'S"), (Strings{"'", "S"}));  // case-sensitive
  EXPECT_EQ(pieces("!!! ?x"), (Strings{"!!!", " ?", "x"}));
  EXPECT_EQ(pieces("  two"), (Strings{" ", " two"}));
  EXPECT_EQ(pieces("a\n\nb"), (Strings{"a", "\n", "\n", "b"}));
  EXPECT_EQ(pieces("end  "), (Strings{"end", "  "}));
  EXPECT_EQ(pieces("x \t y"), (Strings{"x", " \t", " y"}));
  EXPECT_EQ(pieces("a\xC2\xA0"
                   "b"),
            (Strings{"a", "\xC2\xA0", "b"}));                        // only U+0020 leads a word
  EXPECT_EQ(pieces("cafe\xCC\x81"), (Strings{"cafe", "\xCC\x81"}));  // a mark is no letter
}

TEST(Regex, PatternIcuCannotCompileIsAnInputErrorNamingIt) {
  try {
    Regex("(?(1)a|b)", "tokenizer.json pre_tokenizer");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("tokenizer.json pre_tokenizer: regex '(?(1)a|b)'"),
              std::string::npos)
        << e.what();
  }
}

// ---- split behaviors and pre-tokenizers --------------------------------------

Strings split(const std::string& s, SplitBehavior b) {
  std::vector<NormalizedText> out;
  split_piece(original(s), char_matches(s, [](char32_t c) { return c == '-'; }), b, out);
  return texts(out);
}

TEST(PreTokenizers, SplitBehaviorsAsHuggingFaceDocumentsThem) {
  const std::string s = "the-final--countdown";
  EXPECT_EQ(split(s, SplitBehavior::kRemoved), (Strings{"the", "final", "countdown"}));
  EXPECT_EQ(split(s, SplitBehavior::kIsolated),
            (Strings{"the", "-", "final", "-", "-", "countdown"}));
  EXPECT_EQ(split(s, SplitBehavior::kMergedWithPrevious),
            (Strings{"the-", "final-", "-", "countdown"}));
  EXPECT_EQ(split(s, SplitBehavior::kMergedWithNext),
            (Strings{"the", "-final", "-", "-countdown"}));
  EXPECT_EQ(split(s, SplitBehavior::kContiguous),
            (Strings{"the", "-", "final", "--", "countdown"}));
}

TEST(PreTokenizers, SplitWithInvert) {
  const SplitPreTokenizer words(Regex(R"(\w+)", "t"), SplitBehavior::kRemoved, true);
  EXPECT_EQ(pre_tokenize(words, "Hey, friend!"), (Strings{"Hey", "friend"}));
}

TEST(PreTokenizers, WhitespaceAndFriends) {
  EXPECT_EQ(pre_tokenize(WhitespacePreTokenizer(), "How are you doing?"),
            (Strings{"How", "are", "you", "doing", "?"}));
  EXPECT_EQ(pre_tokenize(WhitespacePreTokenizer(), "Hey man!!"), (Strings{"Hey", "man", "!!"}));
  EXPECT_EQ(pre_tokenize(WhitespacePreTokenizer(), "\n"), Strings{});
  EXPECT_EQ(pre_tokenize(WhitespaceSplitPreTokenizer(), "Hey man!\u3000ok"),
            (Strings{"Hey", "man!", "ok"}));
  EXPECT_EQ(pre_tokenize(PunctuationPreTokenizer(SplitBehavior::kIsolated),
                         "Hey friend!     How are you?!?"),
            (Strings{"Hey friend", "!", "     How are you", "?", "!", "?"}));
  EXPECT_EQ(pre_tokenize(BertPreTokenizer(), "Hey friend!  How?"),
            (Strings{"Hey", "friend", "!", "How", "?"}));
  EXPECT_EQ(pre_tokenize(DigitsPreTokenizer(true), "Hey 123 friend!"),
            (Strings{"Hey ", "1", "2", "3", " friend!"}));
  EXPECT_EQ(pre_tokenize(DigitsPreTokenizer(false), "Hey 123 friend!"),
            (Strings{"Hey ", "123", " friend!"}));
  EXPECT_EQ(pre_tokenize(CharDelimiterPreTokenizer(U'|'), "a|b||c"), (Strings{"a", "b", "c"}));
}

TEST(PreTokenizers, MetaspacePrependSchemes) {
  const std::string r = "\xE2\x96\x81";  // ▁
  EXPECT_EQ(pre_tokenize(MetaspacePreTokenizer(r, PrependScheme::kAlways, true), "Hey   friend!"),
            (Strings{r + "Hey", r, r, r + "friend!"}));
  EXPECT_EQ(pre_tokenize(MetaspacePreTokenizer(r, PrependScheme::kNever, true), "Hey friend"),
            (Strings{"Hey", r + "friend"}));
  EXPECT_EQ(pre_tokenize(MetaspacePreTokenizer(r, PrependScheme::kAlways, false), "Hey friend"),
            (Strings{r + "Hey" + r + "friend"}));
  // "first": only a piece that starts the original text gets the prefix.
  std::vector<NormalizedText> pieces{NormalizedText::from_original("ab cd", 0, 2),
                                     NormalizedText::from_original("ab cd", 3, 5)};
  MetaspacePreTokenizer(r, PrependScheme::kFirst, true).pre_tokenize(pieces);
  EXPECT_EQ(texts(pieces), (Strings{r + "ab", "cd"}));
}

TEST(PreTokenizers, ByteLevelSpellsBytesAndKeepsEachByteAligned) {
  std::vector<NormalizedText> pieces{original("a é")};
  ByteLevelPreTokenizer(true, true).pre_tokenize(pieces);
  // " a" gets a prefix space (inserted, so no bytes), then "Ġé" spelled as "ĠÃ©".
  ASSERT_EQ(texts(pieces), (Strings{"\xC4\xA0"
                                    "a",
                                    "\xC4\xA0\xC3\x83\xC2\xA9"}));
  const NormalizedText& e = pieces[1];
  EXPECT_EQ(e.original_span(0, 2).begin, 1u);  // Ġ: the space
  EXPECT_EQ(e.original_span(2, 4).begin, 2u);  // Ã: the first byte of é
  EXPECT_EQ(e.original_span(2, 4).end, 3u);
  EXPECT_EQ(e.original_span(4, 6).begin, 3u);  // ©: its second byte
  EXPECT_EQ(pieces[0].original_span(0, 2).begin, pieces[0].original_span(0, 2).end);  // inserted
}

// ---- normalizers --------------------------------------------------------------

TEST(Normalizers, PrependAndReplaceKeepTheAlignment) {
  std::vector<std::unique_ptr<Normalizer>> steps;
  steps.push_back(std::make_unique<PrependNormalizer>("\xE2\x96\x81"));
  steps.push_back(std::make_unique<ReplaceNormalizer>(Regex::literal(" ", "t"), "\xE2\x96\x81"));
  SequenceNormalizer n(std::move(steps));
  NormalizedText t = original("Hi you");
  n.normalize(t);
  EXPECT_EQ(t.text(), "\xE2\x96\x81Hi\xE2\x96\x81you");
  EXPECT_EQ(t.original_span(0, 3).begin, 0u);  // prepended: empty, before "H"
  EXPECT_EQ(t.original_span(0, 3).end, 0u);
  EXPECT_EQ(t.original_span(5, 8).begin, 2u);  // the replaced space
  EXPECT_EQ(t.original_span(5, 8).end, 3u);
  EXPECT_EQ(t.original_span(0, t.size()).end, 6u);
  NormalizedText empty = original("");
  n.normalize(empty);
  EXPECT_EQ(empty.text(), "");  // Prepend leaves empty text alone
}

TEST(Normalizers, UnicodeFormsMapChangedCharactersToTheirOriginalBytes) {
  NormalizedText t = original("Cafe\xCC\x81 ok");  // "Café ok" with a combining accent
  UnicodeNormalizer(NormalForm::kNFC).normalize(t);
  EXPECT_EQ(t.text(), "Caf\xC3\xA9 ok");
  EXPECT_EQ(t.original_span(3, 5).begin, 3u);  // é comes from "e" + U+0301: bytes [3, 6)
  EXPECT_EQ(t.original_span(3, 5).end, 6u);
  EXPECT_EQ(t.original_span(5, 6).begin, 6u);     // the space after it is itself
  NormalizedText k = original("\xEF\xAC\x81ne");  // ﬁne
  UnicodeNormalizer(NormalForm::kNFKC).normalize(k);
  EXPECT_EQ(k.text(), "fine");
  EXPECT_EQ(k.original_span(1, 2).end, 3u);  // "i" still points at ﬁ
}

TEST(Normalizers, LowercaseAndStrip) {
  NormalizedText t = original("  ΟΔΟΣ İs HERE ");
  LowercaseNormalizer().normalize(t);
  EXPECT_EQ(t.text(), "  οδοσ i\xCC\x87s here ");
  StripNormalizer(true, true).normalize(t);
  EXPECT_EQ(t.text(), "οδοσ i\xCC\x87s here");
  EXPECT_EQ(t.original_begin(), 2u);
}

// ---- added tokens -------------------------------------------------------------

AddedToken added(int id, const std::string& content, bool special = true) {
  AddedToken t;
  t.id = id;
  t.content = content;
  t.special = special;
  t.normalized = !special;
  return t;
}

std::vector<std::pair<std::string, int>> splits(const AddedVocabulary& v, const std::string& s,
                                                const Normalizer* n = nullptr) {
  std::vector<std::pair<std::string, int>> out;
  for (const TextPiece& p : v.split(s, n)) out.emplace_back(p.text.text(), p.added_id.value_or(-1));
  return out;
}

using Splits = std::vector<std::pair<std::string, int>>;

TEST(AddedTokens, LeftmostLongestInTheOriginalText) {
  AddedVocabulary v({added(10, "<a>"), added(11, "<ab>"), added(12, "b>")}, nullptr);
  EXPECT_EQ(splits(v, "x<ab>y<a>"), (Splits{{"x", -1}, {"<ab>", 11}, {"y", -1}, {"<a>", 10}}));
  EXPECT_EQ(splits(v, "<a"), (Splits{{"<a", -1}}));
  EXPECT_EQ(splits(v, ""), Splits{});
}

TEST(AddedTokens, NormalizedOnesMatchAfterTheNormalizer) {
  // Hugging Face's own example: with a Lowercase normalizer, "yesterday"
  // (normalized = true) is found in "Yesterday"; "[CLS]" (special) is not normalized.
  const LowercaseNormalizer lower;
  AddedVocabulary v({added(0, "[CLS]"), added(1, "yesterday", false)}, &lower);
  EXPECT_EQ(splits(v, "[CLS] I read Yesterday", &lower),
            (Splits{{"[CLS]", 0}, {" i read ", -1}, {"yesterday", 1}}));
}

TEST(AddedTokens, SingleWordLstripRstripAsHuggingFaceTests) {
  const LowercaseNormalizer lower;
  AddedToken my = added(0, "my", false);
  my.lstrip = my.rstrip = true;
  AddedToken ony = added(2, "ony", false);
  ony.single_word = true;
  AddedVocabulary v({my, added(1, "name", false), ony, added(3, "[CLS]"), added(4, "[SEP]")},
                    &lower);
  EXPECT_EQ(splits(v, "[CLS] My name is Anthony [SEP]", &lower),
            (Splits{{"[CLS]", 3}, {" my ", 0}, {"name", 1}, {" is anthony ", -1}, {"[SEP]", 4}}));
}

// ---- the BPE engine -----------------------------------------------------------

std::vector<int> ids(const BpeModel& m, const std::string& s) {
  std::vector<int> out;
  for (const auto& p : m.tokenize(s)) out.push_back(p.id);
  return out;
}

TEST(BpeEngine, MergesByRankLeftmostFirst) {
  BpeModel::Vocab v{{"a", 0}, {"b", 1}, {"ab", 2}, {"aa", 3}, {"aab", 4}};
  // "a a" ranks before "a b": "aab" -> aa b; then "aa b" merges to aab.
  BpeModel m(v, {{0, 0, 3}, {0, 1, 2}, {3, 1, 4}}, {}, "t");
  EXPECT_EQ(ids(m, "aab"), (std::vector<int>{4}));
  EXPECT_EQ(ids(m, "aaa"), (std::vector<int>{3, 0}));  // leftmost pair first
  // A pair listed twice takes its later rank: "a b" now after "a a"... and after "aa b".
  BpeModel twice(v, {{0, 1, 2}, {0, 0, 3}, {0, 1, 2}}, {}, "t");
  EXPECT_EQ(ids(twice, "aab"), (std::vector<int>{3, 1}));
}

TEST(BpeEngine, IgnoreMergesTakesWholeVocabularyWords) {
  BpeModel::Vocab v{{"a", 0}, {"b", 1}, {"c", 2}, {"bc", 3}, {"abc", 4}};
  const std::vector<BpeMerge> merges{{1, 2, 3}};
  EXPECT_EQ(ids(BpeModel(v, merges, {}, "t"), "abc"), (std::vector<int>{0, 3}));
  BpeOptions o;
  o.ignore_merges = true;
  EXPECT_EQ(ids(BpeModel(v, merges, o, "t"), "abc"), (std::vector<int>{4}));
}

TEST(BpeEngine, ByteFallbackUnknownTokenAndDroppedCharacters) {
  BpeModel::Vocab v{{"<unk>", 0}, {"a", 1}, {"<0xC3>", 2}, {"<0xA9>", 3}};
  BpeOptions fallback;
  fallback.byte_fallback = true;
  fallback.unk_token = "<unk>";
  const BpeModel m(v, {}, fallback, "t");
  const auto pieces = m.tokenize(
      "a\xC3\xA9"
      "a");  // "aéa": é spelled as its bytes
  ASSERT_EQ(pieces.size(), 4u);
  EXPECT_EQ(pieces[1].id, 2);
  EXPECT_EQ(pieces[1].begin, 1u);
  EXPECT_EQ(pieces[1].length, 1u);
  EXPECT_EQ(pieces[2].begin, 2u);
  // A character with no byte pieces becomes <unk>; fused with its neighbours.
  BpeOptions unk;
  unk.unk_token = "<unk>";
  unk.fuse_unk = true;
  EXPECT_EQ(ids(BpeModel(v, {}, unk, "t"), "xya"), (std::vector<int>{0, 1}));
  unk.fuse_unk = false;
  EXPECT_EQ(ids(BpeModel(v, {}, unk, "t"), "xya"), (std::vector<int>{0, 0, 1}));
  // No unknown token, no byte fallback: Hugging Face drops the character.
  const auto dropped = BpeModel(v, {}, {}, "t").tokenize("xa");
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_EQ(dropped[0].begin, 1u);
}

TEST(BpeEngine, ContinuingSubwordPrefix) {
  BpeModel::Vocab v{{"a", 0}, {"##b", 1}, {"ab", 2}};
  BpeOptions o;
  o.continuing_subword_prefix = "##";
  const auto r = BpeModel::resolve_merge(v, "a", "##b", 2);
  ASSERT_TRUE(r.merge);
  EXPECT_EQ(r.merge->merged, 2);
  EXPECT_EQ(ids(BpeModel(v, {*r.merge}, o, "t"), "ab"), (std::vector<int>{2}));
  EXPECT_EQ(BpeModel::resolve_merge(v, "a", "##c", 2).missing, "##c");
}

TEST(BpeEngine, UnknownTokenMustBeInTheVocabularyWhenATextNeedsIt) {
  BpeOptions o;
  o.unk_token = "<unk>";
  const BpeModel m({{"a", 0}}, {}, o, "model");  // loads, as in Hugging Face
  EXPECT_EQ(ids(m, "aa"), (std::vector<int>{0, 0}));
  EXPECT_THROW(m.tokenize("ab"), InputError);
}

}  // namespace
}  // namespace lmgaze
