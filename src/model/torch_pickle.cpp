#include "model/torch_pickle.hpp"

#include <cstring>
#include <map>
#include <memory>

#include "common/error.hpp"

namespace lmgaze {
namespace {

// The values a state-dict pickle builds. Globals are names only: nothing is
// ever looked up or called, the few allowed ones are interpreted here.
struct Value;
using Ref = std::shared_ptr<Value>;
struct Value {
  enum Kind { None, Bool, Int, Float, Str, Tuple, List, Dict, Global, Storage, Tensor } kind = None;
  int64_t i = 0;
  double f = 0;
  std::string s;                         // Str; Global: "module.name"
  std::vector<Ref> items;                // Tuple, List
  std::vector<std::pair<Ref, Ref>> map;  // Dict, in insertion order
  PickledTensor tensor;                  // Tensor (name unset)
};

Ref make(Value::Kind k) {
  auto v = std::make_shared<Value>();
  v->kind = k;
  return v;
}

// torch's storage classes and the safetensors spelling of their dtype.
const std::map<std::string, std::pair<std::string, size_t>>& storage_types() {
  static const std::map<std::string, std::pair<std::string, size_t>> t = {
      {"torch.FloatStorage", {"F32", 4}},     {"torch.HalfStorage", {"F16", 2}},
      {"torch.BFloat16Storage", {"BF16", 2}}, {"torch.DoubleStorage", {"F64", 8}},
      {"torch.LongStorage", {"I64", 8}},      {"torch.IntStorage", {"I32", 4}},
      {"torch.ShortStorage", {"I16", 2}},     {"torch.CharStorage", {"I8", 1}},
      {"torch.ByteStorage", {"U8", 1}},       {"torch.BoolStorage", {"BOOL", 1}},
  };
  return t;
}

bool allowed_global(const std::string& name) {
  return name == "collections.OrderedDict" || name == "torch._utils._rebuild_tensor_v2" ||
         name == "torch._utils._rebuild_parameter" || storage_types().count(name) > 0;
}

const char* opcode_name(unsigned char op) {
  switch (op) {
    case 'i':
      return "INST";
    case 'o':
      return "OBJ";
    case 0x81:
      return "NEWOBJ";
    case 0x92:
      return "NEWOBJ_EX";
    case 'P':
      return "PERSID";
    case 0x82:
      return "EXT1";
    case 0x83:
      return "EXT2";
    case 0x84:
      return "EXT4";
    case 'I':
      return "INT";
    case 'L':
      return "LONG";
    case 'S':
      return "STRING";
    case 'V':
      return "UNICODE";
    case 'F':
      return "FLOAT";
    case 'l':
      return "LIST";
    case 'd':
      return "DICT";
    case 'g':
      return "GET";
    case 'p':
      return "PUT";
    default:
      return nullptr;
  }
}

class Unpickler {
 public:
  Unpickler(const unsigned char* data, size_t size, const std::string& source)
      : p_(data), end_(data + size), source_(source) {}

  StateDictPickle run() {
    for (;;) {
      const unsigned char op = byte();
      switch (op) {
        case 0x80:
          byte();
          break;  // PROTO n
        case 0x95:
          take(8);
          break;  // FRAME length (framing only)
        case '.':
          return finish();  // STOP
        case '(':
          marks_.push_back(stack_.size());
          break;  // MARK
        case '0':
          pop();
          break;  // POP
        case '1':
          pop_mark();
          break;  // POP_MARK
        case ')':
          push(make(Value::Tuple));
          break;     // EMPTY_TUPLE
        case 't': {  // TUPLE
          auto t = make(Value::Tuple);
          t->items = pop_mark();
          push(t);
          break;
        }
        case 0x85:
        case 0x86:
        case 0x87: {  // TUPLE1..3
          const size_t n = op - 0x84;
          auto t = make(Value::Tuple);
          need(n);
          t->items.assign(stack_.end() - n, stack_.end());
          stack_.resize(stack_.size() - n);
          push(t);
          break;
        }
        case '}':
          push(make(Value::Dict));
          break;  // EMPTY_DICT
        case ']':
          push(make(Value::List));
          break;     // EMPTY_LIST
        case 'a': {  // APPEND
          Ref v = pop();
          list_top()->items.push_back(v);
          break;
        }
        case 'e': {  // APPENDS
          auto items = pop_mark();
          Ref l = list_top();
          l->items.insert(l->items.end(), items.begin(), items.end());
          break;
        }
        case 's': {  // SETITEM
          Ref v = pop(), k = pop();
          dict_top()->map.emplace_back(k, v);
          break;
        }
        case 'u': {  // SETITEMS
          auto kv = pop_mark();
          if (kv.size() % 2) fail("SETITEMS with an odd number of items");
          Ref d = dict_top();
          for (size_t i = 0; i < kv.size(); i += 2) d->map.emplace_back(kv[i], kv[i + 1]);
          break;
        }
        case 'X':
          push_str(u32());
          break;  // BINUNICODE
        case 0x8c:
          push_str(byte());
          break;  // SHORT_BINUNICODE
        case 0x8d:
          push_str(u64());
          break;     // BINUNICODE8
        case 'J': {  // BININT (signed 32)
          auto v = make(Value::Int);
          v->i = static_cast<int32_t>(u32());
          push(v);
          break;
        }
        case 'K':
          push_int(byte());
          break;     // BININT1
        case 'M': {  // BININT2
          const uint64_t lo = byte();
          push_int(lo | (uint64_t(byte()) << 8));
          break;
        }
        case 0x8a:
          push_long1();
          break;  // LONG1
        case 0x88:
        case 0x89: {  // NEWTRUE, NEWFALSE
          auto v = make(Value::Bool);
          v->i = op == 0x88;
          push(v);
          break;
        }
        case 'N':
          push(make(Value::None));
          break;
        case 'G': {  // BINFLOAT, big-endian double
          uint64_t bits = 0;
          for (int k = 0; k < 8; ++k) bits = (bits << 8) | byte();
          auto v = make(Value::Float);
          std::memcpy(&v->f, &bits, 8);
          push(v);
          break;
        }
        case 'c': {  // GLOBAL "module\nname\n"
          std::string module = line(), name = line();
          push_global(module + "." + name);
          break;
        }
        case 0x93: {  // STACK_GLOBAL
          Ref name = pop(), module = pop();
          if (name->kind != Value::Str || module->kind != Value::Str)
            fail("STACK_GLOBAL without a module and a name");
          push_global(module->s + "." + name->s);
          break;
        }
        case 'q':
          memo_[byte()] = top();
          break;  // BINPUT
        case 'r':
          memo_[u32()] = top();
          break;  // LONG_BINPUT
        case 0x94:
          memo_[memo_.size()] = top();
          break;  // MEMOIZE
        case 'h':
          push(memo(byte()));
          break;  // BINGET
        case 'j':
          push(memo(u32()));
          break;  // LONG_BINGET
        case 'Q':
          push(persistent(pop()));
          break;     // BINPERSID
        case 'R': {  // REDUCE
          Ref args = pop(), fn = pop();
          push(reduce(fn, args));
          break;
        }
        case 'b': {  // BUILD
          Ref state = pop();
          // OrderedDict's state is its _metadata attribute (module versions): not needed.
          if (top()->kind != Value::Dict) fail("BUILD on something other than a dict");
          break;
        }
        default: {
          const char* name = opcode_name(op);
          char buf[96];
          std::snprintf(buf, sizeof buf, "pickle opcode 0x%02x%s%s%s", op, name ? " (" : "",
                        name ? name : "", name ? ")" : "");
          fail(std::string(buf) + " is not part of a state dict; refusing (nothing was run)");
        }
      }
    }
  }

 private:
  [[noreturn]] void fail(const std::string& what) const { throw InputError(source_, what); }

  unsigned char byte() {
    if (p_ >= end_) fail("data.pkl ends inside the pickle");
    return *p_++;
  }
  const unsigned char* take(uint64_t n) {
    if (n > static_cast<uint64_t>(end_ - p_)) fail("data.pkl ends inside the pickle");
    const unsigned char* at = p_;
    p_ += n;
    return at;
  }
  uint32_t u32() {
    const unsigned char* b = take(4);
    return uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24;
  }
  uint64_t u64() {
    const uint64_t lo = u32();
    return lo | uint64_t(u32()) << 32;
  }
  std::string line() {
    const unsigned char* nl = static_cast<const unsigned char*>(std::memchr(p_, '\n', end_ - p_));
    if (!nl) fail("data.pkl ends inside a GLOBAL");
    std::string s(reinterpret_cast<const char*>(p_), nl - p_);
    p_ = nl + 1;
    return s;
  }

  void push(Ref v) { stack_.push_back(std::move(v)); }
  void need(size_t n) const {
    const size_t floor = marks_.empty() ? 0 : marks_.back();
    if (stack_.size() < floor + n) fail("pickle stack underflow");
  }
  Ref pop() {
    need(1);
    Ref v = stack_.back();
    stack_.pop_back();
    return v;
  }
  Ref top() const {
    need(1);
    return stack_.back();
  }
  std::vector<Ref> pop_mark() {
    if (marks_.empty()) fail("pickle pops a MARK that was never set");
    const size_t m = marks_.back();
    marks_.pop_back();
    std::vector<Ref> items(stack_.begin() + m, stack_.end());
    stack_.resize(m);
    return items;
  }
  Ref list_top() const {
    Ref l = top();
    if (l->kind != Value::List) fail("APPEND to something other than a list");
    return l;
  }
  Ref dict_top() const {
    Ref d = top();
    if (d->kind != Value::Dict) fail("SETITEM on something other than a dict");
    return d;
  }
  Ref memo(uint64_t k) const {
    auto it = memo_.find(k);
    if (it == memo_.end()) fail("pickle reads memo " + std::to_string(k) + ", never stored");
    return it->second;
  }
  void push_str(uint64_t n) {
    auto v = make(Value::Str);
    const unsigned char* b = take(n);
    v->s.assign(reinterpret_cast<const char*>(b), n);
    push(v);
  }
  void push_int(int64_t i) {
    auto v = make(Value::Int);
    v->i = i;
    push(v);
  }
  void push_long1() {
    const unsigned n = byte();
    if (n > 8) fail("LONG1 wider than 64 bits");
    const unsigned char* b = take(n);
    uint64_t u = 0;
    for (unsigned k = 0; k < n; ++k) u |= uint64_t(b[k]) << (8 * k);
    if (n > 0 && n < 8 && (b[n - 1] & 0x80)) u |= ~uint64_t(0) << (8 * n);  // sign-extend
    push_int(static_cast<int64_t>(u));
  }
  // The allow-list check: a global outside it is refused here, by name.
  void push_global(const std::string& name) {
    if (!allowed_global(name))
      fail("data.pkl names '" + name +
           "', which a state dict does not need; refusing the file (nothing was run)");
    auto v = make(Value::Global);
    v->s = name;
    push(v);
  }

  int64_t as_int(const Ref& v, const char* what) const {
    if (v->kind != Value::Int) fail(std::string("tensor record: ") + what + " is not an integer");
    return v->i;
  }
  std::vector<int64_t> as_ints(const Ref& v, const char* what) const {
    if (v->kind != Value::Tuple && v->kind != Value::List)
      fail(std::string("tensor record: ") + what + " is not a tuple");
    std::vector<int64_t> out;
    for (const Ref& x : v->items) out.push_back(as_int(x, what));
    return out;
  }

  // ('storage', <storage type>, key, location, numel) -> a storage.
  Ref persistent(const Ref& pid) {
    if (pid->kind != Value::Tuple || pid->items.size() != 5 || pid->items[0]->kind != Value::Str ||
        pid->items[0]->s != "storage" || pid->items[1]->kind != Value::Global ||
        pid->items[2]->kind != Value::Str)
      fail("persistent id is not a ('storage', type, key, location, numel) record");
    const auto type = storage_types().find(pid->items[1]->s);
    if (type == storage_types().end())
      fail("persistent id names '" + pid->items[1]->s + "', which is not a storage type");
    const std::string& key = pid->items[2]->s;
    const int64_t numel = as_int(pid->items[4], "storage size");
    auto it = storage_index_.find(key);
    if (it == storage_index_.end()) {
      it = storage_index_.emplace(key, static_cast<int>(out_.storages.size())).first;
      out_.storages.push_back({key, type->second.first, numel});
    } else if (out_.storages[it->second].dtype != type->second.first) {
      fail("storage '" + key + "' is named with two different types");
    }
    auto v = make(Value::Storage);
    v->i = it->second;
    return v;
  }

  // The only calls a state dict makes, interpreted rather than run.
  Ref reduce(const Ref& fn, const Ref& args) {
    if (fn->kind != Value::Global || args->kind != Value::Tuple)
      fail("REDUCE of something other than an allowed global");
    const std::vector<Ref>& a = args->items;
    if (fn->s == "collections.OrderedDict") {
      if (!a.empty()) fail("OrderedDict built from arguments");
      return make(Value::Dict);
    }
    if (fn->s == "torch._utils._rebuild_tensor_v2") {
      // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
      if (a.size() < 6 || a.size() > 7 || a[0]->kind != Value::Storage)
        fail("_rebuild_tensor_v2 with unexpected arguments");
      auto t = make(Value::Tensor);
      t->tensor.storage = static_cast<int>(a[0]->i);
      t->tensor.offset = as_int(a[1], "storage offset");
      t->tensor.shape = as_ints(a[2], "size");
      t->tensor.stride = as_ints(a[3], "stride");
      if (t->tensor.shape.size() != t->tensor.stride.size())
        fail("tensor record: size and stride differ in length");
      return t;
    }
    if (fn->s == "torch._utils._rebuild_parameter") {
      // (data, requires_grad, backward_hooks): a Parameter is its data here.
      if (a.size() != 3 || a[0]->kind != Value::Tensor)
        fail("_rebuild_parameter with unexpected arguments");
      return a[0];
    }
    fail("data.pkl calls '" + fn->s + "', which a state dict does not call");
  }

  StateDictPickle finish() {
    if (stack_.size() != 1 || !marks_.empty()) fail("pickle does not end with one value");
    const Ref& d = stack_.back();
    if (d->kind != Value::Dict) fail("the pickle is not a state dict (a dict of tensors)");
    for (const auto& [k, v] : d->map) {
      if (k->kind != Value::Str) fail("state dict key is not a string");
      if (v->kind != Value::Tensor)
        fail("state dict entry '" + k->s + "' is not a tensor (not a plain state dict)");
      PickledTensor t = v->tensor;
      t.name = k->s;
      out_.tensors.push_back(std::move(t));
    }
    return std::move(out_);
  }

  const unsigned char* p_;
  const unsigned char* end_;
  const std::string& source_;
  std::vector<Ref> stack_;
  std::vector<size_t> marks_;
  std::map<uint64_t, Ref> memo_;
  std::map<std::string, int> storage_index_;
  StateDictPickle out_;
};

}  // namespace

StateDictPickle read_state_dict_pickle(const unsigned char* data, size_t size,
                                       const std::string& source) {
  return Unpickler(data, size, source).run();
}

}  // namespace lmgaze
