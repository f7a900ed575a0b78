#pragma once
// The simulators' random numbers: the same sequence on every platform for a seed.
#include <cmath>
#include <cstdint>

namespace hm {

// Small, fast and the same everywhere: splitmix-seeded xoshiro256**.
class Rng {
public:
    explicit Rng(std::uint64_t seed)
    {
        for (auto& s : m_s) {
            seed += 0x9e3779b97f4a7c15ull;
            std::uint64_t z = seed;
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
            s = z ^ (z >> 31);
        }
    }
    std::uint64_t next()
    {
        const std::uint64_t result = rotl(m_s[1] * 5, 7) * 9;
        const std::uint64_t t = m_s[1] << 17;
        m_s[2] ^= m_s[0];
        m_s[3] ^= m_s[1];
        m_s[1] ^= m_s[2];
        m_s[0] ^= m_s[3];
        m_s[2] ^= t;
        m_s[3] = rotl(m_s[3], 45);
        return result;
    }
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; } // [0,1)
    double open() { return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53; } // (0,1)
    double exponential(double rate) { return -std::log(open()) / rate; }
    bool coin() { return next() >> 63; }
    double normal()
    {
        if (m_haveSpare) {
            m_haveSpare = false;
            return m_spare;
        }
        const double u = open(), v = uniform();
        const double r = std::sqrt(-2.0 * std::log(u));
        m_spare = r * std::sin(2 * M_PI * v);
        m_haveSpare = true;
        return r * std::cos(2 * M_PI * v);
    }
    // Pareto with minimum 1 and tail exponent alpha: P(X > x) = x^-alpha.
    double pareto(double alpha) { return std::pow(open(), -1.0 / alpha); }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    std::uint64_t m_s[4];
    double m_spare = 0;
    bool m_haveSpare = false;
};

} // namespace hm
