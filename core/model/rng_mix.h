#pragma once
// SplitMix64's finaliser: spreads a seed (or a seed plus an index) over all 64 bits,
// so that nearby seeds give unrelated random streams.
#include <cstdint>

namespace hm {

inline std::uint64_t splitMix64(std::uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

} // namespace hm
