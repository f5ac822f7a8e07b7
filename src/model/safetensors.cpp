#include "model/safetensors.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/error.hpp"
#include "model/torch_bin.hpp"

namespace lmgaze {
namespace {

using json = nlohmann::json;

// The data area is little-endian; so are all machines lmgaze targets (x86-64, aarch64).
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "safetensors reader assumes little endian");

bool file_exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// nlohmann's messages quote the input they choked on, which may hold newlines;
// an InputError is one line.
std::string one_line(std::string s) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  std::replace(s.begin(), s.end(), '\r', ' ');
  return s;
}

// Reads a non-negative integer that fits in size_t, or throws naming `what`.
uint64_t read_size(const json& v, const std::string& path, const std::string& what) {
  if (!v.is_number_unsigned())
    throw InputError(path, what + " must be a non-negative integer, found " + one_line(v.dump()));
  return v.get<uint64_t>();
}

}  // namespace

size_t safetensors_dtype_size(const std::string& dtype) {
  // All dtypes of the safetensors format, so that offsets of tensors lmgaze does
  // not read (a GPT-2 "attn.bias" buffer, say) can still be validated.
  static const std::map<std::string, size_t> sizes = {
      {"BOOL", 1}, {"U8", 1},  {"I8", 1},  {"F8_E4M3", 1}, {"F8_E5M2", 1},
      {"I16", 2},  {"U16", 2}, {"F16", 2}, {"BF16", 2},    {"I32", 4},
      {"U32", 4},  {"F32", 4}, {"I64", 8}, {"U64", 8},     {"F64", 8}};
  auto it = sizes.find(dtype);
  return it == sizes.end() ? 0 : it->second;
}

std::string format_shape(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

SafetensorsFile::SafetensorsFile(const std::string& path) : path_(path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw InputError(path, std::string("cannot open: ") + std::strerror(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    throw InputError(path, std::string("cannot stat: ") + std::strerror(err));
  }
  size_t size = static_cast<size_t>(st.st_size);
  if (size < 8) {
    ::close(fd);
    throw InputError(path, "file is " + std::to_string(size) +
                               " bytes, shorter than the 8-byte safetensors header length");
  }
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  int map_errno = errno;
  if (map == MAP_FAILED) {
    ::close(fd);
    throw InputError(path, std::string("cannot mmap: ") + std::strerror(map_errno));
  }
  // The header is parsed through the mapping; the tensors are read with pread()
  // on the descriptor, which stays open with the file.
  fd_ = fd;
  map_ = map;
  map_size_ = size;

  // From here on the destructor does not run if we throw, so unmap by hand.
  try {
    const auto* bytes = static_cast<const unsigned char*>(map_);
    uint64_t header_len = 0;
    for (int i = 7; i >= 0; --i) header_len = (header_len << 8) | bytes[i];  // little endian
    if (header_len > size - 8)
      throw InputError(path, "header length " + std::to_string(header_len) + " exceeds the " +
                                 std::to_string(size - 8) + " bytes after the length field");
    data_start_ = 8 + header_len;
    const size_t data_size = size - data_start_;

    json header;
    try {
      header = json::parse(bytes + 8, bytes + 8 + header_len);
    } catch (const json::exception& e) {
      throw InputError(path, "header is not valid JSON: " + one_line(e.what()));
    }
    if (!header.is_object()) throw InputError(path, "header is not a JSON object");

    for (const auto& [name, t] : header.items()) {
      if (name == "__metadata__") continue;
      const std::string where = "tensor '" + name + "'";
      if (!t.is_object() || !t.contains("dtype") || !t.contains("shape") ||
          !t.contains("data_offsets"))
        throw InputError(path, where + " needs dtype, shape and data_offsets");
      Entry e;
      if (!t["dtype"].is_string()) throw InputError(path, where + ": dtype is not a string");
      e.dtype = t["dtype"].get<std::string>();
      const size_t elem = safetensors_dtype_size(e.dtype);
      if (elem == 0) throw InputError(path, where + " has unknown dtype '" + e.dtype + "'");
      if (!t["shape"].is_array()) throw InputError(path, where + ": shape is not an array");
      uint64_t numel = 1;
      for (const auto& d : t["shape"]) {
        uint64_t n = read_size(d, path, where + " shape entry");
        if (n != 0 && numel > std::numeric_limits<uint64_t>::max() / elem / n)
          throw InputError(path, where + " has an impossibly large shape");
        numel *= n;
        e.shape.push_back(static_cast<int64_t>(n));
      }
      const auto& off = t["data_offsets"];
      if (!off.is_array() || off.size() != 2)
        throw InputError(path, where + ": data_offsets must be [begin, end]");
      uint64_t begin = read_size(off[0], path, where + " data_offsets");
      uint64_t end = read_size(off[1], path, where + " data_offsets");
      if (begin > end || end > data_size)
        throw InputError(path, where + " data_offsets [" + std::to_string(begin) + ", " +
                                   std::to_string(end) + "] lie outside the data area of " +
                                   std::to_string(data_size) + " bytes");
      if (end - begin != numel * elem)
        throw InputError(path, where + " holds " + std::to_string(end - begin) +
                                   " bytes but shape " + format_shape(e.shape) + " of " + e.dtype +
                                   " needs " + std::to_string(numel * elem));
      e.begin = begin;
      e.end = end;
      entries_.emplace(name, std::move(e));
    }

    // Overlap check: sort the byte ranges by start; each non-empty range must start at or
    // after the furthest end seen so far.
    std::vector<std::pair<const std::string*, const Entry*>> by_begin;
    for (const auto& [name, e] : entries_)
      if (e.end > e.begin) by_begin.emplace_back(&name, &e);
    std::sort(by_begin.begin(), by_begin.end(),
              [](const auto& a, const auto& b) { return a.second->begin < b.second->begin; });
    for (size_t i = 1; i < by_begin.size(); ++i) {
      const auto& [prev_name, prev] = by_begin[i - 1];
      const auto& [cur_name, cur] = by_begin[i];
      // Sorted and pairwise disjoint so far, so the previous range has the furthest end.
      if (cur->begin < prev->end)
        throw InputError(
            path, "tensors '" + *prev_name + "' and '" + *cur_name + "' overlap in the data area");
    }
  } catch (...) {
    ::munmap(map_, map_size_);
    ::close(fd_);
    throw;
  }
}

SafetensorsFile::~SafetensorsFile() {
  if (map_) ::munmap(map_, map_size_);
  if (fd_ >= 0) ::close(fd_);
}

std::vector<std::string> SafetensorsFile::names() const {
  std::vector<std::string> out;
  for (const auto& kv : entries_) out.push_back(kv.first);
  return out;
}

TensorView SafetensorsFile::tensor(const std::string& name) const {
  auto it = entries_.find(name);
  if (it == entries_.end()) throw InputError(path_, "tensor '" + name + "' not found");
  const Entry& e = it->second;
  TensorView v;
  v.name = name;
  v.dtype = e.dtype;
  v.shape = e.shape;
  v.data = static_cast<const unsigned char*>(map_) + data_start_ + e.begin;
  v.nbytes = e.end - e.begin;
  v.file = path_;
  v.fd = fd_;
  v.file_offset = data_start_ + e.begin;
  return v;
}

void prefetch_tensor_bytes(const TensorView& view) {
  if (view.fd >= 0 && view.nbytes > 0)
    ::posix_fadvise(view.fd, static_cast<off_t>(view.file_offset), static_cast<off_t>(view.nbytes),
                    POSIX_FADV_WILLNEED);
}

void read_tensor_bytes(const TensorView& view, size_t begin, size_t n, void* dst) {
  if (view.fd < 0) {
    std::memcpy(dst, view.data + begin, n);
    return;
  }
  auto* out = static_cast<unsigned char*>(dst);
  size_t done = 0;
  while (done < n) {
    const ssize_t got =
        ::pread(view.fd, out + done, n - done, static_cast<off_t>(view.file_offset + begin + done));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0)
      throw InputError(view.file,
                       "cannot read tensor '" + view.name + "': " + std::strerror(errno));
    if (got == 0)
      throw InputError(view.file, "tensor '" + view.name +
                                      "' ends past the end of the file (was it truncated after "
                                      "it was opened?)");
    done += static_cast<size_t>(got);
  }
}

Checkpoint::Checkpoint(const std::string& model_dir) : dir_(model_dir) {
  // Safetensors first: they are mapped, not read, and carry no pickle.
  std::string index;
  for (const char* stem : {"model.safetensors", "pytorch_model.bin"}) {
    const std::string single = model_dir + "/" + stem;
    if (file_exists(single)) {
      single_path_ = single;
      file(single_path_);  // a single file is validated up front
      return;
    }
    if (file_exists(single + ".index.json")) {
      index = single + ".index.json";
      break;
    }
  }
  if (index.empty())
    throw InputError(model_dir,
                     "no model.safetensors, model.safetensors.index.json, pytorch_model.bin or "
                     "pytorch_model.bin.index.json in the model directory");
  index_path_ = index;

  std::ifstream in(index, std::ios::binary);
  if (!in) throw InputError(index, "cannot open");
  std::stringstream text;
  text << in.rdbuf();
  json j;
  try {
    j = json::parse(text.str());
  } catch (const json::exception& e) {
    throw InputError(index, "not valid JSON: " + one_line(e.what()));
  }
  if (!j.is_object() || !j.contains("weight_map") || !j["weight_map"].is_object())
    throw InputError(index, "no \"weight_map\" object");
  std::map<std::string, bool> shard_checked;
  for (const auto& [name, shard] : j["weight_map"].items()) {
    if (!shard.is_string())
      throw InputError(index, "weight_map entry '" + name + "' is not a string");
    const std::string shard_name = shard.get<std::string>();
    // Shards live beside the index; a path elsewhere is a malformed (or hostile) index.
    if (shard_name.empty() || shard_name.find('/') != std::string::npos)
      throw InputError(index, "weight_map entry '" + name + "' names shard '" + shard_name +
                                  "', which is not a plain file name");
    const std::string shard_path = model_dir + "/" + shard_name;
    // Existence only (a stat): the shard itself is mapped when one of its tensors is asked for.
    if (!shard_checked.count(shard_path)) {
      if (!file_exists(shard_path))
        throw InputError(index,
                         "weight_map names shard '" + shard_name + "', which does not exist");
      shard_checked[shard_path] = true;
    }
    weight_map_[name] = shard_path;
  }
}

bool Checkpoint::contains(const std::string& name) const {
  if (!sharded()) return files_.at(single_path_)->contains(name);
  return weight_map_.count(name) > 0;
}

std::vector<std::string> Checkpoint::names() const {
  if (!sharded()) return files_.at(single_path_)->names();
  std::vector<std::string> out;
  for (const auto& kv : weight_map_) out.push_back(kv.first);
  return out;
}

WeightFile& Checkpoint::file(const std::string& path) {
  auto it = files_.find(path);
  if (it == files_.end()) {
    const bool bin = path.size() >= 4 && path.compare(path.size() - 4, 4, ".bin") == 0;
    std::unique_ptr<WeightFile> f;
    if (bin)
      f = std::make_unique<TorchBinFile>(path);
    else
      f = std::make_unique<SafetensorsFile>(path);
    it = files_.emplace(path, std::move(f)).first;
  }
  return *it->second;
}

void Checkpoint::release_buffers() {
  for (auto& kv : files_) kv.second->release_buffers();
}

TensorView Checkpoint::tensor(const std::string& name) {
  std::string path = single_path_;
  if (sharded()) {
    auto it = weight_map_.find(name);
    if (it == weight_map_.end())
      throw InputError(index_path_, "tensor '" + name + "' not in weight_map");
    path = it->second;
  }
  TensorView v = file(path).tensor(name);
  if (v.dtype != "F32" && v.dtype != "F16" && v.dtype != "BF16")
    throw InputError(
        v.file, "tensor '" + name + "' has dtype " + v.dtype + "; lmgaze reads F32, F16 and BF16");
  return v;
}

}  // namespace lmgaze
