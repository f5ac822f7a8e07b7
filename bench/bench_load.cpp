// bench_load: how fast a checkpoint loads, next to how fast its files can be read.
//
//   bench_load MODEL_DIR [--repeat N] [--dtype bfloat16,float32] [--device cpu]
//              [--threads 0,1,2]
//
// For each run dtype (and number of reading threads, 0 = the default) it builds
// the StageModel lmgaze extract builds on one rank (embedding, every layer,
// head) N times and prints the weight bytes, the best and median seconds and
// GB/s, with the checkpoint's files in the page cache (warm, after a first read)
// and dropped from it (cold). Only the construction is timed, not the freeing.
// Two ceilings come first: read() of the same files into one reused buffer, warm
// and cold, and the first touch of as many bytes of freshly allocated memory
// (where a CPU load must put the weights; on some virtual machines the first
// touch of memory costs more than the copy into it).
//
// Cold means posix_fadvise(POSIX_FADV_DONTNEED) on each file first; the kernel
// may keep pages it cannot drop (mapped elsewhere, dirty), so the share of the
// files still resident afterwards (mincore) is printed with every cold figure.
// Make a checkpoint with bench/gpu/random_llama.py DIR --shape 1b --layers 16 --kv-heads 8
// --intermediate 8192 --shard-mb 1000 (the README's figures).
#include <ATen/Parallel.h>
#include <c10/core/impl/VirtualGuardImpl.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "extract/stage.hpp"
#include "model/host_memory.hpp"
#include "model/model_config.hpp"
#include "model/safetensors.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

[[noreturn]] void die(const std::string& what) {
  std::cerr << "bench_load: " << what << "\n";
  std::exit(2);
}

// The files a load reads: the weight files the checkpoint lists.
std::vector<std::string> weight_files(lmgaze::Checkpoint& ckpt, int64_t* tensor_bytes) {
  std::vector<std::string> files;
  *tensor_bytes = 0;
  for (const std::string& name : ckpt.names()) {
    const lmgaze::TensorView v = ckpt.tensor(name);
    *tensor_bytes += static_cast<int64_t>(v.nbytes);
    if (std::find(files.begin(), files.end(), v.file) == files.end()) files.push_back(v.file);
  }
  return files;
}

int64_t file_size(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) die("cannot stat " + path);
  return st.st_size;
}

// Drops the files' pages from the page cache; returns the share still resident.
double drop_from_cache(const std::vector<std::string>& files) {
  ::sync();
  int64_t pages = 0, resident = 0;
  const int64_t page = ::sysconf(_SC_PAGESIZE);
  for (const std::string& path : files) {
    const int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0) die("cannot open " + path);
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    const int64_t size = file_size(path);
    void* map = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
    if (map != MAP_FAILED) {
      std::vector<unsigned char> in_core((size + page - 1) / page);
      if (::mincore(map, size, in_core.data()) == 0)
        for (unsigned char c : in_core) resident += c & 1;
      pages += static_cast<int64_t>(in_core.size());
      ::munmap(map, size);
    }
    ::close(fd);
  }
  return pages ? double(resident) / double(pages) : 0.0;
}

// read() of every file into one 16 MiB buffer: what the storage (cold) or the
// page cache (warm) gives one thread.
void read_files(const std::vector<std::string>& files) {
  static std::vector<char> buf(16 << 20);
  for (const std::string& path : files) {
    const int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0) die("cannot open " + path);
    while (::read(fd, buf.data(), buf.size()) > 0) {
    }
    ::close(fd);
  }
}

struct Timing {
  double best = 0, median = 0, resident = 0;  // resident: share of pages left after a drop
};

// Runs `work` n times, each returning the seconds it timed; with `cold`, drops
// the files from the cache before each.
Timing time_runs(int n, bool cold, const std::vector<std::string>& files,
                 const std::function<double()>& work) {
  std::vector<double> s;
  Timing t;
  for (int i = 0; i < n; ++i) {
    if (cold) t.resident = std::max(t.resident, drop_from_cache(files));
    s.push_back(work());
  }
  std::sort(s.begin(), s.end());
  t.best = s.front();
  t.median = s[s.size() / 2];
  return t;
}

// Seconds `work` takes.
double timed(const std::function<void()>& work) {
  const auto start = Clock::now();
  work();
  return seconds_since(start);
}

void print_row(const std::string& what, bool cold, int64_t bytes, const Timing& t) {
  std::printf("%-32s %-5s %8.3f GB %8.3f s %8.2f GB/s (median %.3f s, %.2f GB/s)", what.c_str(),
              cold ? "cold" : "warm", bytes / 1e9, t.best, bytes / 1e9 / t.best, t.median,
              bytes / 1e9 / t.median);
  if (cold) std::printf(" [%.1f%% of pages resident after the drop]", 100 * t.resident);
  std::printf("\n");
  std::fflush(stdout);
}

torch::Device with_index(torch::Device d) { return d.has_index() ? d : torch::Device(d.type(), 0); }

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown CPU";
}

torch::Dtype parse_dtype(const std::string& s) {
  if (s == "float32") return torch::kFloat32;
  if (s == "bfloat16") return torch::kBFloat16;
  if (s == "float16") return torch::kFloat16;
  if (s == "float64") return torch::kFloat64;
  die("unknown dtype " + s);
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t comma; (comma = s.find(',', start)) != std::string::npos; start = comma + 1)
    out.push_back(s.substr(start, comma - start));
  out.push_back(s.substr(start));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir, dtypes = "bfloat16,float32", device = "cpu", threads = "0";
  int repeat = 3;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) die(a + " needs a value");
      return argv[++i];
    };
    if (a == "--repeat")
      repeat = std::max(1, std::atoi(value().c_str()));
    else if (a == "--dtype")
      dtypes = value();
    else if (a == "--device")
      device = value();
    else if (a == "--threads")
      threads = value();
    else if (!a.empty() && a[0] == '-')
      die("unknown option " + a);
    else
      dir = a;
  }
  if (dir.empty())
    die("usage: bench_load MODEL_DIR [--repeat N] [--dtype bfloat16,float32] [--device cpu] "
        "[--threads 0,1,2]");

  int64_t tensor_bytes = 0;
  std::vector<std::string> files;
  {
    lmgaze::Checkpoint ckpt(dir);
    files = weight_files(ckpt, &tensor_bytes);
  }
  int64_t file_bytes = 0;
  for (const std::string& f : files) file_bytes += file_size(f);
  const lmgaze::ModelConfig config = lmgaze::read_model_config(dir);
  std::printf("machine: %s, %u cores; torch threads %d\n", cpu_model().c_str(),
              std::thread::hardware_concurrency(), at::get_num_threads());
  std::printf("checkpoint: %s, %zu files, %.3f GB of tensors, %d layers\n", dir.c_str(),
              files.size(), tensor_bytes / 1e9, config.n_layers);

  auto read_all = [&] { return timed([&] { read_files(files); }); };
  read_files(files);  // warm
  print_row("read() ceiling", false, file_bytes, time_runs(repeat, false, files, read_all));
  print_row("read() ceiling", true, file_bytes, time_runs(repeat, true, files, read_all));
  // torch's allocator (4 KiB pages) against the loader's huge-page-advised buffers.
  for (const bool huge : {false, true}) {
    auto first_touch = [&] {
      torch::Tensor fresh;
      return timed([&] {
        fresh = huge ? lmgaze::empty_host_tensor({tensor_bytes}, torch::kUInt8)
                     : torch::empty({tensor_bytes}, torch::kUInt8);
        std::memset(fresh.data_ptr(), 1, size_t(tensor_bytes));
      });
    };
    print_row(huge ? "fresh memory, huge-page advised" : "fresh memory, torch::empty", false,
              tensor_bytes, time_runs(repeat, false, files, first_touch));
  }

  const torch::Device dev(device);
  for (const std::string& name : split(dtypes))
    for (const std::string& n_threads : split(threads)) {
      lmgaze::LoadOptions options;
      options.dtype = parse_dtype(name);
      options.device = dev;
      options.read_threads = std::atoi(n_threads.c_str());
      const lmgaze::StageSpec all{0, config.n_layers, true, true};
      int64_t bytes_read = 0;
      auto load = [&] {
        torch::InferenceMode inference;
        std::unique_ptr<lmgaze::StageModel> model;
        const double s = timed([&] {
          model = std::make_unique<lmgaze::StageModel>(dir, options, all);
          // The last conversions may still be queued on the device.
          if (dev.is_cuda()) {
            const c10::impl::VirtualGuardImpl guard(dev.type());
            guard.synchronizeStream(guard.getStream(with_index(dev)));
          }
        });
        bytes_read = model->bytes_read();
        return s;
      };
      read_files(files);  // warm
      const std::string what = "load -> " + name + " " + device + ", threads " +
                               (options.read_threads ? n_threads : "default");
      print_row(what, false, tensor_bytes, time_runs(repeat, false, files, load));
      print_row(what, true, tensor_bytes, time_runs(repeat, true, files, load));
      if (bytes_read != tensor_bytes)
        std::printf("  (the stage read %.3f GB, not every tensor once)\n", bytes_read / 1e9);
    }
  return 0;
}
