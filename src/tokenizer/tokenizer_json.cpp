#include "tokenizer/tokenizer_json.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/error.hpp"
#include "common/read_file.hpp"
#include "tokenizer/pipeline_tokenizer.hpp"
#include "tokenizer/unicode.hpp"

namespace lmgaze {
namespace {

using Json = nlohmann::json;

Json parse_json(const std::string& path) {
  try {
    return Json::parse(read_whole_file(path));
  } catch (const Json::parse_error& e) {
    throw InputError(path, std::string("not valid JSON: ") + e.what());
  }
}

std::string join(const std::vector<std::string>& items) {
  std::string s;
  for (size_t i = 0; i < items.size(); ++i) s += (i ? ", " : "") + items[i];
  return s;
}

// Typed access to one JSON object, naming the file and the JSON path in errors.
class Node {
 public:
  Node(const Json& j, std::string file, std::string path)
      : j_(j), file_(std::move(file)), path_(std::move(path)) {}

  const Json& json() const { return j_; }
  const std::string& file() const { return file_; }
  const std::string& path() const { return path_; }
  [[noreturn]] void fail(const std::string& what) const {
    throw InputError(file_, (path_.empty() ? "" : path_ + ": ") + what);
  }
  std::string sub(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
  Node child(const std::string& key) const { return Node(j_.at(key), file_, sub(key)); }
  Node item(size_t i) const { return Node(j_.at(i), file_, path_ + "[" + std::to_string(i) + "]"); }

  bool has(const std::string& key) const { return j_.is_object() && j_.contains(key); }
  bool is_null(const std::string& key) const { return !has(key) || j_.at(key).is_null(); }

  void require_object() const {
    if (!j_.is_object()) fail("expected a JSON object");
  }
  std::string type() const {
    require_object();
    if (!has("type") || !j_.at("type").is_string()) fail("has no \"type\"");
    return j_.at("type").get<std::string>();
  }
  [[noreturn]] void unknown_type(const std::vector<std::string>& known) const {
    fail("unknown type '" + type() + "' (lmgaze reads: " + join(known) + ")");
  }

  bool boolean(const std::string& key, bool fallback) const {
    if (is_null(key)) return fallback;
    const Json& v = j_.at(key);
    if (!v.is_boolean()) child(key).fail("expected true or false");
    return v.get<bool>();
  }
  std::string string(const std::string& key) const {
    if (!has(key) || !j_.at(key).is_string()) fail("\"" + key + "\" must be a string");
    return j_.at(key).get<std::string>();
  }
  std::optional<std::string> optional_string(const std::string& key) const {
    if (is_null(key)) return std::nullopt;
    if (!j_.at(key).is_string()) child(key).fail("expected a string or null");
    return j_.at(key).get<std::string>();
  }
  Node array(const std::string& key) const {
    if (!has(key) || !j_.at(key).is_array()) fail("\"" + key + "\" must be a list");
    return child(key);
  }
  size_t size() const { return j_.size(); }

 private:
  const Json& j_;
  std::string file_;
  std::string path_;
};

// ---- model --------------------------------------------------------------------

std::unique_ptr<BpeModel> read_model(const Node& model) {
  const std::string type = model.type();
  if (type != "BPE") model.unknown_type({"BPE"});
  if (!model.is_null("dropout")) {
    const Json& d = model.json().at("dropout");
    if (!d.is_number() || d.get<double>() != 0.0)
      model.child("dropout").fail("BPE dropout " + d.dump() +
                                  " is not supported (it makes tokenization random)");
  }

  if (!model.has("vocab") || !model.json().at("vocab").is_object())
    model.fail("\"vocab\" must be a JSON object {token: id}");
  BpeModel::Vocab vocab;
  vocab.reserve(model.json().at("vocab").size());
  for (const auto& [token, id] : model.json().at("vocab").items()) {
    if (!id.is_number_integer() || id.get<long long>() < 0 || id.get<long long>() > INT32_MAX)
      model.child("vocab").fail("id of '" + token + "' is not a non-negative integer");
    vocab.emplace(token, id.get<int>());
  }

  BpeOptions options;
  options.unk_token = model.optional_string("unk_token");
  options.continuing_subword_prefix = model.optional_string("continuing_subword_prefix");
  options.end_of_word_suffix = model.optional_string("end_of_word_suffix");
  options.fuse_unk = model.boolean("fuse_unk", false);
  options.byte_fallback = model.boolean("byte_fallback", false);
  options.ignore_merges = model.boolean("ignore_merges", false);
  const size_t prefix_len =
      options.continuing_subword_prefix ? options.continuing_subword_prefix->size() : 0;

  const Node merges = model.array("merges");
  std::vector<BpeMerge> resolved;
  resolved.reserve(merges.size());
  // Hugging Face reads either form, not a mix of both.
  const bool strings = merges.size() > 0 && merges.json()[0].is_string();
  for (size_t i = 0; i < merges.size(); ++i) {
    const Json& m = merges.json()[i];
    std::string left, right;
    if (m.is_string() != strings && (m.is_string() || m.is_array()))
      merges.item(i).fail("the list mixes \"left right\" strings and [\"left\", \"right\"] pairs");
    if (m.is_string()) {
      // "a b": exactly two parts separated by one space.
      const std::string s = m.get<std::string>();
      const size_t space = s.find(' ');
      if (space == std::string::npos || s.find(' ', space + 1) != std::string::npos)
        merges.item(i).fail("expected \"left right\", got '" + s + "'");
      left = s.substr(0, space);
      right = s.substr(space + 1);
    } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
      left = m[0].get<std::string>();
      right = m[1].get<std::string>();
    } else {
      merges.item(i).fail("expected \"left right\" or [\"left\", \"right\"]");
    }
    if (prefix_len > right.size())
      merges.item(i).fail("'" + right + "' is shorter than continuing_subword_prefix");
    const auto r = BpeModel::resolve_merge(vocab, left, right, prefix_len);
    if (!r.merge)
      merges.item(i).fail("merge names '" + r.missing + "', which is not in model.vocab");
    resolved.push_back(*r.merge);
  }
  return std::make_unique<BpeModel>(std::move(vocab), resolved, std::move(options), model.path());
}

// ---- patterns -------------------------------------------------------------------

// {"String": "..."} or {"Regex": "..."}.
Regex read_pattern(const Node& owner, const std::string& key) {
  if (!owner.has(key) || !owner.json().at(key).is_object() || owner.json().at(key).size() != 1)
    owner.fail("\"" + key + "\" must be {\"String\": ...} or {\"Regex\": ...}");
  const Node p = owner.child(key);
  const std::string where = p.path();
  if (p.has("String")) return Regex::literal(p.string("String"), where);
  if (p.has("Regex")) {
    const std::string pattern = p.string("Regex");
    try {
      return Regex(pattern, where);
    } catch (const InputError& e) {
      throw InputError(p.file(), e.what());
    }
  }
  p.fail("unknown pattern kind (lmgaze reads: String, Regex)");
}

SplitBehavior read_behavior(const Node& owner, const std::string& fallback) {
  const std::string b = owner.has("behavior") ? owner.string("behavior") : fallback;
  if (b == "Removed") return SplitBehavior::kRemoved;
  if (b == "Isolated") return SplitBehavior::kIsolated;
  if (b == "MergedWithPrevious") return SplitBehavior::kMergedWithPrevious;
  if (b == "MergedWithNext") return SplitBehavior::kMergedWithNext;
  if (b == "Contiguous") return SplitBehavior::kContiguous;
  owner.child("behavior")
      .fail("unknown behavior '" + b +
            "' (lmgaze reads: Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous)");
}

// One character, as Rust's char deserializes.
std::string one_char(const Node& owner, const std::string& key) {
  const std::string s = owner.string(key);
  if (s.empty() || find_invalid_utf8(s) != std::string::npos ||
      decode_utf8(s, 0).n_bytes != s.size())
    owner.child(key).fail("expected exactly one character");
  return s;
}

// ---- normalizers ----------------------------------------------------------------

std::unique_ptr<Normalizer> read_normalizer(const Node& n) {
  static const std::vector<std::string> kKnown = {"Sequence", "Prepend", "Replace",   "NFC",  "NFD",
                                                  "NFKC",     "NFKD",    "Lowercase", "Strip"};
  const std::string type = n.type();
  if (type == "Sequence") {
    const Node list = n.array("normalizers");
    std::vector<std::unique_ptr<Normalizer>> steps;
    for (size_t i = 0; i < list.size(); ++i) steps.push_back(read_normalizer(list.item(i)));
    return std::make_unique<SequenceNormalizer>(std::move(steps));
  }
  if (type == "Prepend") return std::make_unique<PrependNormalizer>(n.string("prepend"));
  if (type == "Replace")
    return std::make_unique<ReplaceNormalizer>(read_pattern(n, "pattern"), n.string("content"));
  if (type == "NFC") return std::make_unique<UnicodeNormalizer>(NormalForm::kNFC);
  if (type == "NFD") return std::make_unique<UnicodeNormalizer>(NormalForm::kNFD);
  if (type == "NFKC") return std::make_unique<UnicodeNormalizer>(NormalForm::kNFKC);
  if (type == "NFKD") return std::make_unique<UnicodeNormalizer>(NormalForm::kNFKD);
  if (type == "Lowercase") return std::make_unique<LowercaseNormalizer>();
  if (type == "Strip")
    return std::make_unique<StripNormalizer>(n.boolean("strip_left", true),
                                             n.boolean("strip_right", true));
  n.unknown_type(kKnown);
}

// ---- pre-tokenizers -------------------------------------------------------------

std::unique_ptr<PreTokenizer> read_pre_tokenizer(const Node& n) {
  static const std::vector<std::string> kKnown = {
      "Sequence",   "Split",           "ByteLevel",   "Metaspace",        "Digits",
      "Whitespace", "WhitespaceSplit", "Punctuation", "BertPreTokenizer", "CharDelimiterSplit"};
  const std::string type = n.type();
  if (type == "Sequence") {
    const Node list = n.array("pretokenizers");
    std::vector<std::unique_ptr<PreTokenizer>> steps;
    for (size_t i = 0; i < list.size(); ++i) steps.push_back(read_pre_tokenizer(list.item(i)));
    return std::make_unique<SequencePreTokenizer>(std::move(steps));
  }
  if (type == "Split")
    return std::make_unique<SplitPreTokenizer>(
        read_pattern(n, "pattern"), read_behavior(n, "Isolated"), n.boolean("invert", false));
  if (type == "ByteLevel")
    return std::make_unique<ByteLevelPreTokenizer>(n.boolean("add_prefix_space", true),
                                                   n.boolean("use_regex", true));
  if (type == "Metaspace") {
    const std::string replacement = one_char(n, "replacement");
    PrependScheme scheme = PrependScheme::kAlways;
    if (n.has("prepend_scheme") && !n.is_null("prepend_scheme")) {
      const std::string s = n.string("prepend_scheme");
      if (s == "always")
        scheme = PrependScheme::kAlways;
      else if (s == "first")
        scheme = PrependScheme::kFirst;
      else if (s == "never")
        scheme = PrependScheme::kNever;
      else
        n.child("prepend_scheme").fail("unknown prepend_scheme '" + s + "' (always, first, never)");
    }
    // The older spelling: add_prefix_space false means never.
    if (n.has("add_prefix_space") && !n.boolean("add_prefix_space", true)) {
      if (n.has("prepend_scheme") && !n.is_null("prepend_scheme") &&
          scheme != PrependScheme::kNever)
        n.fail("add_prefix_space false contradicts prepend_scheme");
      scheme = PrependScheme::kNever;
    }
    return std::make_unique<MetaspacePreTokenizer>(replacement, scheme, n.boolean("split", true));
  }
  if (type == "Digits")
    return std::make_unique<DigitsPreTokenizer>(n.boolean("individual_digits", false));
  if (type == "Whitespace") return std::make_unique<WhitespacePreTokenizer>();
  if (type == "WhitespaceSplit") return std::make_unique<WhitespaceSplitPreTokenizer>();
  if (type == "Punctuation")
    return std::make_unique<PunctuationPreTokenizer>(read_behavior(n, "Isolated"));
  if (type == "BertPreTokenizer") return std::make_unique<BertPreTokenizer>();
  if (type == "CharDelimiterSplit")
    return std::make_unique<CharDelimiterPreTokenizer>(
        decode_utf8(one_char(n, "delimiter"), 0).code_point);
  n.unknown_type(kKnown);
}

// ---- decoder: only checked ------------------------------------------------------

void check_decoder(const Node& n) {
  static const std::vector<std::string> kKnown = {
      "ByteLevel", "Metaspace", "WordPiece", "BPEDecoder", "CTC",
      "Sequence",  "Replace",   "Fuse",      "Strip",      "ByteFallback"};
  const std::string type = n.type();
  if (std::find(kKnown.begin(), kKnown.end(), type) == kKnown.end()) n.unknown_type(kKnown);
  if (type == "Sequence") {
    const Node list = n.array("decoders");
    for (size_t i = 0; i < list.size(); ++i) check_decoder(list.item(i));
  }
}

// ---- added tokens ---------------------------------------------------------------

// Hugging Face's AddedVocabulary::add_tokens, token by token in file order.
std::vector<AddedToken> read_added_tokens(const Node& list, const BpeModel& model) {
  std::vector<AddedToken> tokens;
  std::map<std::string, int> id_of_content;  // added_tokens_map
  const int model_size = static_cast<int>(model.vocab().size());
  int max_added = -1;
  for (size_t i = 0; i < list.size(); ++i) {
    const Node t = list.item(i);
    t.require_object();
    AddedToken a;
    a.content = t.string("content");
    a.special = t.boolean("special", false);
    a.normalized = t.boolean("normalized", !a.special);
    a.single_word = t.boolean("single_word", false);
    a.lstrip = t.boolean("lstrip", false);
    a.rstrip = t.boolean("rstrip", false);
    if (!t.has("id") || !t.json().at("id").is_number_integer()) t.fail("\"id\" must be an integer");
    if (a.content.empty()) continue;  // Hugging Face ignores it
    if (find_invalid_utf8(a.content) != std::string::npos) t.fail("content is not valid UTF-8");
    int id;
    if (const auto it = id_of_content.find(a.content); it != id_of_content.end()) {
      id = it->second;
    } else if (const auto in_model = model.id_of(a.content)) {
      id = *in_model;
    } else {
      id = max_added < 0
               ? model_size
               : (max_added >= model_size || model_size == 0 ? max_added + 1 : model_size);
    }
    a.id = id;
    max_added = std::max(max_added, id);
    id_of_content[a.content] = id;
    bool replaced = false;
    for (AddedToken& old : tokens)
      if (old.content == a.content) {
        // The same content again: its latest settings count.
        a.special = a.special || old.special;
        old = a;
        replaced = true;
      }
    if (!replaced) tokens.push_back(a);
  }
  return tokens;
}

// ---- BOS ------------------------------------------------------------------------

struct Template {
  std::vector<int> before;  // ids the post-processor puts before the text
  std::vector<int> after;
  std::string description;  // e.g. "TemplateProcessing"
};

// Ids of one special token named in a TemplateProcessing's special_tokens.
std::vector<int> template_special_ids(const Node& processor, const std::string& name) {
  if (!processor.has("special_tokens") || !processor.json().at("special_tokens").is_object() ||
      !processor.json().at("special_tokens").contains(name))
    processor.fail("special token '" + name + "' is used but not in special_tokens");
  const Node st = processor.child("special_tokens").child(name);
  const Node ids = st.array("ids");
  std::vector<int> out;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (!ids.json()[i].is_number_integer()) ids.item(i).fail("expected an integer id");
    out.push_back(ids.json()[i].get<int>());
  }
  return out;
}

Template read_post_processor(const Node& n) {
  static const std::vector<std::string> kKnown = {
      "ByteLevel", "TemplateProcessing", "RobertaProcessing", "BertProcessing", "Sequence"};
  const std::string type = n.type();
  Template t;
  t.description = type;
  if (type == "ByteLevel") return t;
  if (type == "TemplateProcessing") {
    if (!n.has("single")) n.fail("\"single\" is missing");
    const Json& single = n.json().at("single");
    bool seen_text = false;
    auto add_special = [&](const std::string& name) {
      const std::vector<int> ids = template_special_ids(n, name);
      auto& side = seen_text ? t.after : t.before;
      side.insert(side.end(), ids.begin(), ids.end());
    };
    if (single.is_array()) {
      for (size_t i = 0; i < single.size(); ++i) {
        const Node piece = n.child("single").item(i);
        piece.require_object();
        if (piece.has("Sequence")) {
          seen_text = true;
        } else if (piece.has("SpecialToken")) {
          add_special(piece.child("SpecialToken").string("id"));
        } else {
          piece.fail("expected {\"Sequence\": ...} or {\"SpecialToken\": ...}");
        }
      }
    } else if (single.is_string()) {
      // The string form: "<s>:0 $A:0 </s>:0".
      std::istringstream words(single.get<std::string>());
      for (std::string w; words >> w;) {
        const std::string name =
            w.substr(0, w.rfind(':') == std::string::npos ? w.size() : w.rfind(':'));
        if (!name.empty() && name[0] == '$')
          seen_text = true;
        else
          add_special(name);
      }
    } else {
      n.child("single").fail("expected a list or a string");
    }
    return t;
  }
  if (type == "RobertaProcessing" || type == "BertProcessing") {
    // cls $A sep, with cls = [token, id] and sep = [token, id].
    for (const char* key : {"cls", "sep"}) {
      const Node pair = n.array(key);
      if (pair.size() != 2 || !pair.json()[1].is_number_integer())
        pair.fail("expected [token, id]");
      (std::string(key) == "cls" ? t.before : t.after).push_back(pair.json()[1].get<int>());
    }
    return t;
  }
  if (type == "Sequence") {
    // Each processor wraps what the ones before it made.
    const Node list = n.array("processors");
    std::vector<std::string> names;
    for (size_t i = 0; i < list.size(); ++i) {
      Template inner = read_post_processor(list.item(i));
      inner.before.insert(inner.before.end(), t.before.begin(), t.before.end());
      t.before = inner.before;
      t.after.insert(t.after.end(), inner.after.begin(), inner.after.end());
      names.push_back(inner.description);
    }
    t.description = "Sequence [" + join(names) + "]";
    return t;
  }
  n.unknown_type(kKnown);
}

std::string token_name(const PipelineParts& parts, int id) {
  for (const AddedToken& a : parts.added.tokens())
    if (a.id == id) return a.content;
  for (const auto& [token, v] : parts.model->vocab())
    if (v == id) return token;
  return "?";
}

std::optional<int> lookup_token(const PipelineParts& parts, const std::string& content) {
  for (const AddedToken& a : parts.added.tokens())
    if (a.content == content) return a.id;
  return parts.model->id_of(content);
}

// The classes of transformers that rebuild the post-processor from
// add_bos_token, and the BOS each uses when bos_token is not given.
const std::map<std::string, std::string>& bos_classes() {
  static const std::map<std::string, std::string> k = {{"LlamaTokenizer", "<s>"},
                                                       {"CodeLlamaTokenizer", "<s>"},
                                                       {"GemmaTokenizer", "<bos>"},
                                                       {"CohereTokenizer", "<BOS_TOKEN>"}};
  return k;
}

void decide_bos(PipelineParts& parts, const Node& root, const std::string& config_path) {
  Json config = Json::object();
  if (!config_path.empty()) {
    config = parse_json(config_path);
    if (!config.is_object()) throw InputError(config_path, "expected a JSON object");
  }
  const Node cfg(config, config_path, "");

  std::string cls = cfg.has("tokenizer_class") && cfg.json().at("tokenizer_class").is_string()
                        ? cfg.json().at("tokenizer_class").get<std::string>()
                        : "";
  const std::string base = cls.size() > 4 && cls.compare(cls.size() - 4, 4, "Fast") == 0
                               ? cls.substr(0, cls.size() - 4)
                               : cls;
  const auto klass = bos_classes().find(base);
  if (klass != bos_classes().end()) {
    if (!cfg.is_null("add_prefix_space"))
      cfg.fail("sets add_prefix_space for " + cls +
               ": transformers then rebuilds the tokenizer from tokenizer.model, not "
               "tokenizer.json (use --tokenizer sentencepiece)");
    const bool add_bos = cfg.boolean("add_bos_token", true);
    const std::string rule_head =
        "tokenizer_config.json: " + cls + " with add_bos_token " + (add_bos ? "true" : "false");
    if (!add_bos) {
      parts.bos_rule = rule_head + ": no BOS";
      return;
    }
    std::string bos = klass->second;
    if (cfg.has("bos_token")) {
      const Json& b = cfg.json().at("bos_token");
      if (b.is_string())
        bos = b.get<std::string>();
      else if (b.is_object() && b.contains("content") && b.at("content").is_string())
        bos = b.at("content").get<std::string>();
      else if (b.is_null())
        cfg.fail("add_bos_token is true but bos_token is null");
      else
        cfg.child("bos_token").fail("expected a string or {\"content\": ...}");
    }
    const auto id = lookup_token(parts, bos);
    if (!id) cfg.fail("bos_token '" + bos + "' is not in tokenizer.json's vocabulary");
    parts.bos_id = *id;
    parts.bos_rule = rule_head + " adds " + bos + " (" + std::to_string(*id) + ")";
    if (cfg.boolean("add_eos_token", false))
      parts.bos_rule += "; its add_eos_token is not followed (the model reads BOS + text)";
    return;
  }

  const std::string who = cls.empty() ? "" : " (" + cls + ")";
  if (root.is_null("post_processor")) {
    parts.bos_rule = "tokenizer.json has no post_processor" + who + ": no BOS";
    return;
  }
  const Template t = read_post_processor(root.child("post_processor"));
  if (t.before.size() > 1)
    root.child("post_processor")
        .fail("puts " + std::to_string(t.before.size()) +
              " tokens before the text; lmgaze supports one (BOS)");
  const std::string head = "tokenizer.json post_processor " + t.description + who;
  if (t.before.empty()) {
    parts.bos_rule = head + ": no BOS";
  } else {
    parts.bos_id = t.before[0];
    parts.bos_rule =
        head + " adds " + token_name(parts, t.before[0]) + " (" + std::to_string(t.before[0]) + ")";
  }
  if (!t.after.empty())
    parts.bos_rule += "; the " + std::to_string(t.after.size()) +
                      " token(s) it puts after the text are not added (the model reads BOS + text)";
}

}  // namespace

std::unique_ptr<Tokenizer> read_tokenizer_json(const std::string& json_path,
                                               const std::string& config_path) {
  const Json json = parse_json(json_path);
  const Node root(json, json_path, "");
  root.require_object();
  if (root.has("version")) {
    const Json& v = json.at("version");
    if (!v.is_string() || v.get<std::string>() != "1.0")
      root.fail("unknown tokenizer.json version " + v.dump() + " (lmgaze reads 1.0)");
  }
  if (!root.has("model")) root.fail("no \"model\"");

  PipelineParts parts;
  parts.kind = "tokenizer-json";
  parts.files = {json_path};
  if (!config_path.empty()) parts.files.push_back(config_path);
  parts.model = read_model(root.child("model"));
  if (!root.is_null("normalizer")) parts.normalizer = read_normalizer(root.child("normalizer"));
  if (!root.is_null("pre_tokenizer"))
    parts.pre_tokenizer = read_pre_tokenizer(root.child("pre_tokenizer"));
  if (!root.is_null("decoder")) check_decoder(root.child("decoder"));
  std::vector<AddedToken> added;
  if (!root.is_null("added_tokens"))
    added = read_added_tokens(root.array("added_tokens"), *parts.model);
  parts.added = AddedVocabulary(std::move(added), parts.normalizer.get());
  decide_bos(parts, root, config_path);
  return std::make_unique<PipelineTokenizer>(std::move(parts));
}

}  // namespace lmgaze
