#pragma once
class QApplication;
namespace hm {
void applyDarkTheme(QApplication& app);
}
