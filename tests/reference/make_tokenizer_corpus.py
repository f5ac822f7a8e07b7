#!/usr/bin/env python3
"""Writes tests/data/tokenizer_corpus.json: the sentences every tokenizer.json
reader test compares with the reference implementation.

The sentences are hand-written below, plus variations made from them with a
fixed seed, so that every run writes the same file. They cover what breaks
tokenizers: contractions (straight and curly apostrophes, upper case), numbers
of every length and shape, punctuation runs, dashes, accents composed (NFC)
and decomposed (NFD), Greek, Cyrillic, Arabic, Hebrew, CJK, Hangul, Thai and
Devanagari, emoji with skin tones, zero-width joiners, flags and keycaps,
URLs and e-mail addresses, ALL CAPS, code, symbols, compatibility characters
(ligatures, full width, the Ohm and Angstrom signs), unusual white space
(runs of spaces, tabs, newlines, no-break and ideographic spaces, NEL, BOM),
and the texts of special and added tokens of the four shared tokenizers.

Output: a JSON list of strings, one per line (json.dumps escapes what needs it).
Usage: make_tokenizer_corpus.py OUT.json
"""
import json
import random
import sys
import unicodedata

WORDS = """the of and to in is was for that with as on by at from his her they be this
which or are an not had have but were one their all been has would when who will more
no if out so said what up its about into than them can only other new some could time
these two may then do first any my now such like our over man me even most made after
also did many before must through back years where much your way well down should
because each just those people how too little state good very make world still own see
men work long get here between both life being under never day same another know while
last might us great old year off come since against go came right used take three
reading reader eyes saccade fixation word sentence paragraph language attention model
layer head token memory brain cortex language study corpus experiment participant""".split()

NAMES = ["Anna", "Bo", "Chiara", "Dmitri", "Émile", "Fatima", "Günter", "Hiroshi", "Ingrid",
         "José", "Kwame", "Lena", "Mateus", "Nguyễn", "Olu", "Priya", "Quentin", "Renée",
         "Søren", "Tomás", "Ursula", "Wojciech", "Xiù", "Yara", "Zoë", "O'Brien", "D'Angelo",
         "McDonald", "van der Berg", "al-Rashid"]

SENTENCES = [
    # Plain prose, as a reading corpus has it.
    "Reading is a complex cognitive skill that develops over many years.",
    "The eyes do not move smoothly across a line of text.",
    "Instead they jump from one word to another in quick steps.",
    "Between the jumps the eyes rest on a word for a short time.",
    "Short function words are often skipped entirely by skilled readers.",
    "Long and rare words receive longer and more frequent fixations.",
    "Please translate this sentence into German: The cat sat on the mat.",
    "The quick brown fox jumps over the lazy dog.",
    "A language model reads every token, while a person skips about a third of the words.",
    "She sells sea shells by the sea shore, or so the old rhyme goes.",
    "Colorless green ideas sleep furiously.",
    "Time flies like an arrow; fruit flies like a banana.",
    "The horse raced past the barn fell.",
    "Buffalo buffalo Buffalo buffalo buffalo buffalo Buffalo buffalo.",
    "Hello world",
    "Hello",
    "a",
    "I",
    "Ok.",
    # Contractions, straight and curly, lower and upper case.
    "I'm sure you'll see that they've done it, and she'd agree we're right.",
    "Don't, won't, can't, shouldn't: contractions everywhere!",
    "IT'S LOUD AND IT'LL STAY LOUD, ISN'T IT? WE'VE HEARD YOU'D SAY SO.",
    "It’s what they’ll say: don’t re-read it, we’re done, I’d think.",
    "The rock 'n' roll band's fans' chants echoed down the hall.",
    "'s 't 're 've 'm 'll 'd at the start, and ''s doubled.",
    "‘Single’ and “double” curly quotes, „German“ quotes and «guillemets».",
    "Y'all'd've known that ol' Jack's boots weren't his.",
    "He said, \"It's fine,\" but it wasn't; the 'fine' was sarcastic.",
    "The '90s were the 1990s; the ’80s were before them.",
    "O’Neill’s and O'Neill's are spelled with different apostrophes.",
    "Students' papers and the students's papers are not the same.",
    "THEY'RE HERE. They'Re here. they'RE here.",
    "Ma'am, I'd've thought y'know what 'tis.",
    # Numbers of every length and shape.
    "In 1961, about 1,000,000 words were collected; 3.14159 is pi.",
    "Call 555-0123 or visit room 42B at 9:30am on 2023-11-26.",
    "Numbers glued to words: abc123def 4th 21st 100% 3x 2nd-rate.",
    "0 1 12 123 1234 12345 123456 1234567 12345678 123456789 1234567890",
    "The total was $1,234,567.89, or €1.234.567,89 in German notation.",
    "Avogadro's number is 6.02214076e23 and e is 2.718281828459045.",
    "Temperatures ranged from -40°C to +45.5°C (−40 °F to 113.9 °F).",
    "The ratio was 3:2, the odds 1/1000, and the score 21–17.",
    "Version 2.10.3-rc1 replaced v1.9.12 on 12/31/1999 at 23:59:59.",
    "IPv4 192.168.0.1 and IPv6 2001:0db8:85a3::8a2e:0370:7334 are addresses.",
    "Fractions ½ ⅓ ¾ and superscripts x² y³ and subscripts H₂O.",
    "Roman numerals Ⅻ and ⅷ, circled ① ② ③, and Arabic-Indic digits ١٢٣٤٥.",
    "Full-width digits １２３４ and Devanagari digits १२३४ count as numbers.",
    "The year 2024 had 366 days, 8784 hours and 527040 minutes.",
    "Pi to 50 digits: 3.14159265358979323846264338327950288419716939937510",
    "Bank account 0001234500067890 and card 4111 1111 1111 1111.",
    "1st 2nd 3rd 4th 11th 12th 13th 21st 22nd 101st 1000000th",
    "007 and 0.007 and .5 and 5. and 5.0 and 05",
    # Punctuation runs and dashes.
    "What?!?! No way!!! Really... I mean... really?",
    "Wait---what--no—not–that ‒ or ― this.",
    "Ellipsis… versus three dots... and four....",
    "((nested (parentheses))) and [[brackets]] and {{braces}}.",
    "¿Dónde está? ¡Aquí está!",
    "Quotes inside quotes: \"'Hello,' she said.\"",
    "Commas,,, semicolons;;; colons::: and slashes///.",
    "A--B, A -- B, A - B, A — B, A—B.",
    "#hashtag @mention $cashtag %percent ^caret &ampersand *asterisk",
    "~tilde `backtick` |pipe| \\backslash\\ _under_score_",
    "...leading dots and trailing dots...",
    "!!!",
    "?",
    "—",
    # Accents, composed (NFC).
    "The naïve café owner's résumé mentioned crème brûlée and jalapeños.",
    "Zürich, São Paulo, Ångström, Dvořák, façade, Māori, Việt Nam, Kraków.",
    "Ça va? Où est l'hôtel? Il est à côté de l'église.",
    "Straße, Fußball and Maß; ẞ is the capital sharp s.",
    "Ærøskøbing, Þórsmörk, Łódź, Şanlıurfa, Iğdır, Čačak.",
    "İstanbul and ISTANBUL and ıstanbul are written differently.",
    # Greek, Cyrillic, Arabic, Hebrew.
    "Η γρήγορη καφέ αλεπού πηδάει πάνω από τον τεμπέλη σκύλο.",
    "ΟΔΟΣ and οδός: the final sigma ς differs from σ.",
    "Привет мир! Съешь же ещё этих мягких французских булок.",
    "Москва — столица России, а Київ — столиця України.",
    "مرحبا بالعالم، هذه جملة عربية قصيرة.",
    "اللغة العربية تكتب من اليمين إلى اليسار ١٢٣.",
    "שלום עולם, זה משפט בעברית.",
    "Mixed: hello мир κόσμος عالم 世界.",
    # CJK, Hangul, Thai, Devanagari.
    "日本語の文章を読むのは難しいですか？",
    "東京タワーは高さ333メートルです。",
    "我们今天学习自然语言处理。",
    "中文、日本語、한국어 are written without spaces between words.",
    "한국어 문장을 읽는 것은 재미있습니다.",
    "ภาษาไทยไม่มีช่องว่างระหว่างคำ",
    "हिन्दी भाषा देवनागरी लिपि में लिखी जाती है।",
    "カタカナとひらがなと漢字、ｶﾀｶﾅ half-width katakana.",
    # Emoji.
    "I love it 😀😃😄! 👍🏽 👋🏿 🙏",
    "Family: 👨‍👩‍👧‍👦 and 👩‍💻 at work, 🏳️‍🌈 and 🏴‍☠️ flags.",
    "Flags 🇩🇪 🇯🇵 🇺🇸 🇧🇷 and keycaps 1️⃣ #️⃣ *️⃣.",
    "Hearts ❤️ ♥ 💔 and stars ⭐ ★ ✨.",
    "Weather: ☀️ ⛅ 🌧️ ❄️ — mood: 🤔🤯🥳",
    "🦀🐍🐪 are programming mascots.",
    "Emoji at the end 😀",
    "😀 emoji at the start",
    # URLs, e-mail, paths.
    "See https://www.example.com/path/to/page?query=1&lang=en#section for details.",
    "Mail me at first.last+tag@example.co.uk or visit http://localhost:8080/.",
    "The file is at /usr/local/share/doc/README.md or C:\\Users\\me\\file.txt.",
    "Download ftp://ftp.example.org/pub/file-1.2.3.tar.gz now.",
    "www.wikipedia.org/wiki/Eye_movement_in_reading is a good start.",
    "git clone git@github.com:user/repo.git && cd repo",
    # ALL CAPS and mixed case.
    "THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG.",
    "NASA, UNESCO, and the WHO announced it in the USA.",
    "CamelCaseWords and camelCaseWords and HTTPServerError and XMLHttpRequest.",
    "iPhone, eBay, McDonald's, LaTeX, JavaScript, GitHub.",
    "aLtErNaTiNg CaPs ArE hArD tO rEaD.",
    # Code-like text.
    "for (int i = 0; i < n; ++i) { sum += x[i]; }",
    "std::vector<int> v{1, 2, 3}; auto it = v.begin();",
    "def f(x): return x**2 if x > 0 else -x  # square",
    "if a == b && c != d || !e: x->y = z->w;",
    "snake_case_name, kebab-case-name, SCREAMING_SNAKE_CASE, __dunder__",
    "{\"key\": \"value\", \"list\": [1, 2.5, null, true]}",
    "<div class=\"main\"><b>bold</b> and <i>italic</i></div>",
    "SELECT name, COUNT(*) FROM users WHERE age >= 18 GROUP BY name;",
    "$ echo $HOME | grep -v '^#' > out.txt 2>&1",
    "λx. x + 1 and ∀x ∈ ℝ: x² ≥ 0",
    "0x1F600 0b1010 0o777 1e-9 1_000_000",
    "regex: ^[a-z]+\\d{2,3}$ matches ab12",
    # Symbols.
    "© 2024 Example™ ® § ¶ † ‡ • ‰ ′ ″",
    "Prices: € 5, £ 4, ¥ 600, ₹ 400, ₩ 5000, ₿ 0.0001, ¢ 50.",
    "Math: ± × ÷ ≠ ≈ ≤ ≥ ∞ √ ∑ ∏ ∫ ∂ ∇ π µ Ω.",
    "Arrows → ← ↑ ↓ ⇒ ⇔ and boxes ┌─┐ │ └─┘.",
    "Chess ♔♕♖♗♘♙ cards ♠♣♥♦ music ♪♫ ✓ ✗ ⌘ ⌥.",
    "Degrees 90° and minutes 5′ and seconds 30″.",
    # Compatibility characters (NFC and NFKC change some).
    "ﬁne ﬂow ﬀ ligatures and Ｆｕｌｌ ｗｉｄｔｈ letters.",
    "The Ohm sign Ω and the Angstrom sign Å become Ω and Å under NFC.",
    "Units: ㎏ ㎞ ℃ ℉ № ℡ ™.",
    "Kelvin K and Kelvin sign K look alike.",
    "Half-width ｱｲｳ and full-width ＡＢＣ１２３！",
    "Vulgar fraction ¼ and superscript ⁴ and circled ⓐ.",
    # White space.
    "Multiple   spaces    between     words.",
    "  Leading spaces and trailing spaces  ",
    "Tabs\there\tand\tthere.",
    "Line one\nline two\n\nline four",
    "Windows line end\r\nnext line",
    "Old Mac line end\rnext",
    "No-break\u00a0space and thin\u2009space and ideographic\u3000space.",
    "Zero\u200bwidth space, zero\u200cwidth non-joiner, zero\u200dwidth joiner.",
    "Byte order mark \ufeffinside and next\u0085line NEL.",
    "Vertical\u000btab and form\u000cfeed.",
    " single leading space",
    "single trailing space ",
    "   ",
    " ",
    "\t",
    "a\n",
    "word\t\tword\n\n\nword",
    "en\u2002space em\u2003space figure\u2007space",
    "Line\u2028separator and paragraph\u2029separator.",
    # Special and added tokens of the shared tokenizers, as text.
    "<s> starts and </s> ends a Mistral sequence; <unk> is unknown.",
    "<|begin_of_text|>Hello<|end_of_text|> in Llama 3.",
    "<|im_start|>user\nHi there<|im_end|> in Qwen.",
    "<bos>Gemma<eos> and <start_of_turn>model<end_of_turn>.",
    "<|endoftext|> separates GPT documents.",
    "HTML in Gemma: <table><tr><td>cell</td></tr></table> and <b>bold</b>.",
    "<think>reasoning</think> then the answer.",
    "Almost special: < s >, <s, s>, <|im_start, and <||>.",
    "<mask> and [multimodal] and <unused0> in Gemma's list.",
    "▁ is the SentencePiece space and Ġ is GPT-2's.",
    "<0x41> looks like a byte piece but is text.",
    # Odd characters.
    "Control \u0007bell and \u001bescape characters.",
    "Private use \ue000 and noncharacter-adjacent \ufffd replacement.",
    "Variation selectors: ︎☺︎ vs ☺️, and combining\u0332underline.",
    "Astral letters 𝔾𝕠𝕠𝕕 𝕞𝕠𝕣𝕟𝕚𝕟𝕘 and 𝐛𝐨𝐥𝐝 math letters.",
    "Hangul jamo ᄀ ᅡ ᆨ and the syllable 각.",
    "Ideographic full stop。Comma、and brackets「」『』【】",
    "Soft\u00adhyphen and zero width no-break\u2060joiner.",
    "A very long word: Donaudampfschifffahrtsgesellschaftskapitänswitwe.",
    "Pneumonoultramicroscopicsilicovolcanoconiosis is long too.",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab",
    "The the THE tHe thE ThE.",
]

EMOJI = ["😀", "👍🏽", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇩🇪", "🇯🇵", "1️⃣", "❤️", "🤔", "👩🏾‍🔬", "🐍", "🎉"]
SYMBOLS = ["©", "™", "€", "£", "°", "±", "×", "≠", "∞", "→", "★", "♥", "✓", "§", "•", "…"]
PUNCT_RUNS = ["!", "!!", "!!!", "?!", "?!?", "...", "…", "—", "--", "–", ";", ":", ",", ".", "\"", "'",
              "’", "”", ")", "(", "]", "[", "*", "**", "_", "/", "\\", "&", "#", "%"]
ACCENTED = ["café", "naïve", "résumé", "Zürich", "São", "Ångström", "crème", "brûlée", "jalapeño",
            "Dvořák", "façade", "Māori", "Việt", "Nguyễn", "Kraków", "Ærø", "Łódź", "Şişli",
            "piñata", "coöperate", "Citroën", "Bogotá", "Malmö", "Reykjavík", "Hà Nội", "Ελλάδα",
            "ἀρχή", "Ώρα", "й", "ё", "각", "한글", "ガ", "パ", "é", "ñ"]
SCRIPTS = ["Привет", "мир", "Καλημέρα", "κόσμε", "مرحبا", "سلام", "שלום", "こんにちは", "世界",
           "你好", "안녕하세요", "สวัสดี", "नमस्ते", "Ողջույն", "გამარჯობა", "ሰላም", "வணக்கம்"]
CODE = ["x_1", "__init__", "getValue()", "a->b", "i++", "--flag", "std::string", "arr[0]",
        "obj.method()", "0xFF", "<T>", "{}", "a==b", "a!=b", "x<=y", "f(x,y)", "self.x", "$var",
        "@decorator", "#include", "key=value", "path/to/file.py", "C:\\temp", "~/.bashrc"]
URLS = ["https://example.com", "http://a.b/c?d=e&f=g", "www.test.org", "user@mail.com",
        "https://en.wikipedia.org/wiki/Saccade", "ftp://x.y/z.tar.gz", "localhost:3000",
        "https://t.co/AbC123", "mailto:a.b@c.de"]
CONTRACTIONS = ["don't", "won't", "it's", "I'm", "we're", "they've", "you'll", "she'd", "can't",
                "isn't", "DON'T", "IT'S", "WE'RE", "I'LL", "It's", "We'Ve", "don’t", "it’s",
                "we’re", "they’ve", "you’ll", "she’d", "o'clock", "'em", "'twas", "rock'n'roll"]
SPACES = [" ", "  ", "   ", "\t", "\n", " \n", "\n\n", "\u00a0", "\u3000", "\u2009", " \t ", "\r\n"]


def number(rng):
    kind = rng.randrange(9)
    n = rng.randrange(1, 19)
    digits = str(rng.randrange(1, 10)) + "".join(str(rng.randrange(10)) for _ in range(n - 1))
    if kind == 0:
        return digits
    if kind == 1:
        return f"{int(digits):,}"
    if kind == 2:
        return digits[: max(1, n // 2)] + "." + digits[max(1, n // 2):] if n > 1 else digits + ".0"
    if kind == 3:
        return "-" + digits
    if kind == 4:
        return digits[:3] + "%"
    if kind == 5:
        return f"{rng.randrange(1, 29)}/{rng.randrange(1, 13)}/{rng.randrange(1900, 2100)}"
    if kind == 6:
        return f"{rng.randrange(24):02d}:{rng.randrange(60):02d}"
    if kind == 7:
        return "$" + digits[:6]
    return digits[:2] + rng.choice(["st", "nd", "rd", "th", "km", "kg", "x", "%", "°"])


def variant(rng):
    """One sentence made of pieces of every kind."""
    parts = []
    for _ in range(rng.randrange(4, 16)):
        r = rng.random()
        if r < 0.40:
            w = rng.choice(WORDS)
            parts.append(w.upper() if rng.random() < 0.1 else w.capitalize() if rng.random() < 0.15 else w)
        elif r < 0.47:
            parts.append(number(rng))
        elif r < 0.52:
            parts.append(rng.choice(CONTRACTIONS))
        elif r < 0.58:
            w = rng.choice(ACCENTED)
            parts.append(unicodedata.normalize("NFD", w) if rng.random() < 0.5 else w)
        elif r < 0.64:
            parts.append(rng.choice(SCRIPTS))
        elif r < 0.68:
            parts.append(rng.choice(EMOJI))
        elif r < 0.72:
            parts.append(rng.choice(SYMBOLS))
        elif r < 0.76:
            parts.append(rng.choice(CODE))
        elif r < 0.79:
            parts.append(rng.choice(URLS))
        elif r < 0.84:
            parts.append(rng.choice(NAMES))
        else:
            # Punctuation glued to the previous part.
            if parts:
                parts[-1] += rng.choice(PUNCT_RUNS)
            else:
                parts.append(rng.choice(PUNCT_RUNS))
    sep = " "
    out = parts[0]
    for p in parts[1:]:
        out += (rng.choice(SPACES) if rng.random() < 0.08 else sep) + p
    if rng.random() < 0.5:
        out += rng.choice([".", "!", "?", "...", "!?", ":", ";", ""])
    if rng.random() < 0.05:
        out = out.upper()
    return out


def main():
    rng = random.Random(20261130)
    corpus = []
    seen = set()

    def add(s):
        if s not in seen:
            seen.add(s)
            corpus.append(s)

    for s in SENTENCES:
        add(s)
        # Every hand-written sentence again in decomposed form, when that differs.
        add(unicodedata.normalize("NFD", s))
    for s in SENTENCES[:60]:
        add(s.upper())
        add(s.lower())
    for w in ACCENTED + SCRIPTS:
        add(w)
        add(unicodedata.normalize("NFD", w))
        add(f"The word {w} appears here.")
    for n in range(1, 41):
        add(" ".join(str(rng.randrange(10)) for _ in range(1)) + "".join(str(rng.randrange(10)) for _ in range(n - 1)))
    for e in EMOJI:
        add(e)
        add(f"Emoji {e}{e} twice and {e} once.")
    for p in PUNCT_RUNS:
        add(f"Word{p} word {p}word {p * 3} end{p}")
    while len(corpus) < 1400:
        add(variant(rng))
    with open(sys.argv[1], "w", encoding="utf-8") as f:
        f.write("[\n")
        f.write(",\n".join(json.dumps(s, ensure_ascii=False) for s in corpus))
        f.write("\n]\n")
    print(f"{len(corpus)} sentences", file=sys.stderr)


if __name__ == "__main__":
    main()
