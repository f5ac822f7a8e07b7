#include "extract/hidden_link.hpp"

#include <torch/torch.h>

#include <algorithm>

#include "mpi/wait.hpp"

namespace lmgaze {
namespace {

constexpr int kHiddenTag = 101;
constexpr int kDoneTag = 102;
// Bytes per MPI message: counts are ints, and a [B, T, C] tensor of a big
// model in a long batch can pass 2 GiB.
constexpr size_t kChunk = size_t{1} << 30;

std::string seconds(double s) {
  std::string t = std::to_string(s);
  t.erase(t.find_last_not_of('0') + 1);
  if (!t.empty() && t.back() == '.') t.pop_back();
  return t + " s";
}

// One non-blocking send or receive per chunk of `bytes` (one empty message
// when bytes is 0).
std::vector<MPI_Request> start(bool send, void* data, size_t bytes, int peer, MPI_Comm comm) {
  std::vector<MPI_Request> requests;
  auto* p = static_cast<char*>(data);
  size_t at = 0;
  do {
    const size_t n = std::min(kChunk, bytes - at);
    MPI_Request r;
    if (send)
      MPI_Isend(p + at, static_cast<int>(n), MPI_BYTE, peer, kHiddenTag, comm, &r);
    else
      MPI_Irecv(p + at, static_cast<int>(n), MPI_BYTE, peer, kHiddenTag, comm, &r);
    requests.push_back(r);
    at += n;
  } while (at < bytes);
  return requests;
}

size_t nbytes(const torch::Tensor& t) { return static_cast<size_t>(t.numel()) * t.element_size(); }

}  // namespace

void HiddenSender::send(const torch::Tensor& hidden) {
  // [B, T, C] on the host, contiguous, in the model's dtype (the next stage
  // converts its input to that dtype anyway), held until the send completes. A
  // device tensor is copied to the host here: the host-staged path. A CPU
  // tensor is sent in place: nothing writes to a stage's output afterwards.
  torch::Tensor buffer = hidden.to(torch::kCPU, dtype_).contiguous();
  while (static_cast<int>(pending_.size()) >= o_.in_flight) wait_oldest();
  Pending p;
  p.buffer = buffer;
  p.requests = start(true, buffer.data_ptr(), nbytes(buffer), o_.peer, o_.comm);
  pending_.push_back(std::move(p));
}

void HiddenSender::poll() {
  while (!pending_.empty()) {
    int done = 0;
    auto& r = pending_.front().requests;
    MPI_Testall(static_cast<int>(r.size()), r.data(), &done, MPI_STATUSES_IGNORE);
    if (!done) return;
    pending_.pop_front();
  }
}

void HiddenSender::wait_oldest() {
  if (!mpi::wait_all(pending_.front().requests, o_.timeout_s))
    throw PeerFailure(o_.peer_name + " took no hidden states for " + seconds(o_.timeout_s) +
                      ": it has died or hangs (--peer-timeout)");
  pending_.pop_front();
}

void HiddenSender::finish(int downstream_stages) {
  while (!pending_.empty()) wait_oldest();
  // Downstream has at most in_flight micro-batches left per stage when our
  // last send completes; each takes at most timeout_s if it is healthy.
  MPI_Request done;
  MPI_Irecv(nullptr, 0, MPI_BYTE, o_.peer, kDoneTag, o_.comm, &done);
  const double limit = o_.timeout_s * o_.in_flight * std::max(1, downstream_stages);
  if (!mpi::wait_all(&done, 1, limit))
    throw PeerFailure(o_.peer_name + " did not finish within " + seconds(limit) +
                      " of its last input: it has died or hangs (--peer-timeout)");
}

HiddenReceiver::HiddenReceiver(LinkOptions options, std::vector<std::pair<int64_t, int64_t>> shapes,
                               int64_t hidden, torch::Dtype dtype)
    : o_(std::move(options)), shapes_(std::move(shapes)), hidden_(hidden), dtype_(dtype) {
  while (next_post_ < shapes_.size() && static_cast<int>(posted_.size()) < o_.in_flight)
    post_next();
}

void HiddenReceiver::post_next() {
  const auto [B, T] = shapes_[next_post_++];
  Posted p;
  p.buffer = torch::empty({B, T, hidden_}, torch::dtype(dtype_));  // [B, T, C]
  p.requests = start(false, p.buffer.data_ptr(), nbytes(p.buffer), o_.peer, o_.comm);
  posted_.push_back(std::move(p));
}

torch::Tensor HiddenReceiver::receive() {
  if (posted_.empty()) throw std::logic_error("HiddenReceiver: more receives than micro-batches");
  if (!mpi::wait_all(posted_.front().requests, o_.timeout_s))
    throw PeerFailure(o_.peer_name + " sent no hidden states for " + seconds(o_.timeout_s) +
                      ": it has died or hangs (--peer-timeout)");
  torch::Tensor out = posted_.front().buffer;
  posted_.pop_front();
  if (next_post_ < shapes_.size()) post_next();
  return out;
}

void HiddenReceiver::finish() {
  MPI_Request done;
  MPI_Isend(nullptr, 0, MPI_BYTE, o_.peer, kDoneTag, o_.comm, &done);
  if (!mpi::wait_all(&done, 1, o_.timeout_s))
    throw PeerFailure(o_.peer_name + " did not take the end-of-run message for " +
                      seconds(o_.timeout_s) + ": it has died or hangs (--peer-timeout)");
}

}  // namespace lmgaze
