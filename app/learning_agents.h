#pragma once
// Registers the LibTorch learning agents as agent types, so configuration files, the
// window and the control channel can use them like any other agent:
//   rl_execution           a model trained by helmsman-train (file + .json card)
//   torchscript_execution  a TorchScript model exported from PyTorch (docs/ml.md)
// Relative model paths are looked up as given, then in `modelDirectory`.
#include <string>

namespace hm {
void registerLearningAgents(const std::string& modelDirectory);
std::string defaultModelDirectory();
}
