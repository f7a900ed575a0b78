#pragma once
// An execution policy exported from PyTorch as TorchScript (torch.jit.script or
// trace). Contract (docs/ml.md): forward(float32 [batch, 13] raw features in
// featureNames() order) -> float32 [batch, 18] action scores; the highest wins.
#include "exec/execution_policies.h"

#include <memory>
#include <string>
#include <vector>

namespace torch {
namespace jit {
struct Module;
}
} // namespace torch

namespace hm {

class TorchScriptPolicy : public ExecutionPolicy {
public:
    // On failure `error` says what is wrong (missing file, not TorchScript, wrong shapes).
    TorchScriptPolicy(const std::string& path, std::string& error);
    ~TorchScriptPolicy() override;
    std::string name() const override { return "TorchScript"; }
    ExecAction decide(const ExecState& s) override;
    // The raw scores for a batch of feature rows (for tests and tools).
    std::vector<std::vector<float>> scores(const std::vector<std::vector<float>>& rows);

private:
    std::shared_ptr<torch::jit::Module> m_module;
};

} // namespace hm
