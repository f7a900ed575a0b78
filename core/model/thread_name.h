#pragma once
// Names the calling thread (up to 15 characters) so `top -H`, perf and gdb show which is which.
#include <pthread.h>

namespace hm {
inline void nameThisThread(const char* name) { pthread_setname_np(pthread_self(), name); }
} // namespace hm
