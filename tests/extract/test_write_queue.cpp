// The extraction's writer thread (src/extract/write_queue.hpp): jobs in push
// order, at most `capacity` waiting, the first failure rethrown to the caller
// as it was thrown, nothing run after it.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "common/error.hpp"
#include "extract/write_queue.hpp"

namespace lmgaze {
namespace {

TEST(WriteQueue, RunsJobsInOrderOnAnotherThread) {
  for (bool threaded : {true, false}) {
    std::vector<int> done;
    std::thread::id ran_on;
    {
      WriteQueue queue(2, threaded);
      for (int i = 0; i < 50; ++i)
        queue.push([&, i] {
          done.push_back(i);
          ran_on = std::this_thread::get_id();
        });
      queue.finish();
    }
    ASSERT_EQ(done.size(), 50u);
    for (int i = 0; i < 50; ++i) EXPECT_EQ(done[i], i);
    EXPECT_EQ(ran_on != std::this_thread::get_id(), threaded);
  }
}

// While the writer is held in its first job, two more jobs wait and the next
// push blocks until the writer takes one.
TEST(WriteQueue, PushBlocksWhileCapacityJobsWait) {
  std::atomic<bool> release{false};
  std::atomic<int> pushed{0};
  WriteQueue queue(2, true);
  queue.push([&] {
    while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  });
  std::thread producer([&] {
    for (int i = 0; i < 3; ++i) {
      queue.push([] {});
      ++pushed;
    }
  });
  // The first job may not have been taken yet: then it is one of the waiting.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_LE(pushed.load(), 2);
  release = true;
  producer.join();
  queue.finish();
  EXPECT_EQ(pushed.load(), 3);
}

TEST(WriteQueue, FirstFailureIsRethrownAsThrownAndLaterJobsAreDropped) {
  std::atomic<int> ran_after{0};
  WriteQueue queue(4, true);
  queue.push([] { throw InputError("out.h5: No space left on device"); });
  bool caught = false;
  try {
    for (int i = 0; i < 100; ++i) {
      queue.push([&] { ++ran_after; });
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    queue.finish();
  } catch (const InputError& e) {
    caught = true;
    EXPECT_STREQ(e.what(), "out.h5: No space left on device");
  }
  EXPECT_TRUE(caught);
  // Every later job came after the failing one in the one queue: dropped.
  EXPECT_THROW(queue.finish(), InputError);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(ran_after.load(), 0);
}

TEST(WriteQueue, UnthreadedFailureIsThrownByThePushThatRanIt) {
  WriteQueue queue(1, false);
  EXPECT_THROW(queue.push([] { throw InputError("bad"); }), InputError);
  int ran = 0;
  EXPECT_THROW(queue.push([&] { ++ran; }), InputError);
  EXPECT_EQ(ran, 0);
}

}  // namespace
}  // namespace lmgaze
