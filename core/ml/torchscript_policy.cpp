#include "ml/torchscript_policy.h"

#include <torch/script.h>

#include <fstream>

namespace hm {

TorchScriptPolicy::TorchScriptPolicy(const std::string& path, std::string& error)
{
    error.clear();
    if (!std::ifstream(path)) {
        error = "TorchScript model '" + path + "' is missing or unreadable";
        return;
    }
    try {
        m_module = std::make_shared<torch::jit::Module>(torch::jit::load(path));
        m_module->eval();
    } catch (const std::exception& e) {
        std::string what = e.what();
        error = "'" + path + "' is not a loadable TorchScript model: " + what.substr(0, what.find('\n'));
        m_module.reset();
        return;
    }
    // Check the contract once with a zero input.
    try {
        const auto out = scores({std::vector<float>(kFeatureCount, 0.f)});
        if (out.size() != 1 || out[0].size() != static_cast<std::size_t>(ExecutionEnv::discreteActionCount()))
            error = "TorchScript model '" + path + "' returns " + std::to_string(out.empty() ? 0 : out[0].size())
                + " scores per row; the contract is " + std::to_string(ExecutionEnv::discreteActionCount());
    } catch (const std::exception& e) {
        std::string what = e.what();
        error = "TorchScript model '" + path + "' does not take [batch, " + std::to_string(kFeatureCount)
            + "] features: " + what.substr(0, what.find('\n'));
    }
    if (!error.empty())
        m_module.reset();
}

TorchScriptPolicy::~TorchScriptPolicy() = default;

std::vector<std::vector<float>> TorchScriptPolicy::scores(const std::vector<std::vector<float>>& rows)
{
    torch::NoGradGuard noGrad;
    const long n = static_cast<long>(rows.size()), f = rows.empty() ? 0 : static_cast<long>(rows[0].size());
    auto input = torch::empty({n, f}, torch::kFloat);
    for (long i = 0; i < n; ++i)
        for (long j = 0; j < f; ++j)
            input[i][j] = rows[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)];
    const torch::Tensor out = m_module->forward({input}).toTensor().to(torch::kFloat).contiguous();
    if (out.dim() != 2 || out.size(0) != n)
        throw std::runtime_error("output shape is not [batch, actions]");
    std::vector<std::vector<float>> result(static_cast<std::size_t>(n));
    for (long i = 0; i < n; ++i)
        result[static_cast<std::size_t>(i)].assign(out[i].data_ptr<float>(), out[i].data_ptr<float>() + out.size(1));
    return result;
}

ExecAction TorchScriptPolicy::decide(const ExecState& s)
{
    const auto row = scores({std::vector<float>(s.features.begin(), s.features.end())}).front();
    const int best = static_cast<int>(std::max_element(row.begin(), row.end()) - row.begin());
    return ExecutionEnv::discreteActionFor(best, s.remaining, s.lot);
}

} // namespace hm
