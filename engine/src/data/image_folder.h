#pragma once
// Image folders (one subfolder of pictures per class): what loadDataset and outlineDataset
// need besides loadImageFolder. Internal to the datasets module.

#include <string>
#include <vector>

namespace strata::internal {

// The class folders of an image folder: its subfolders, hidden ones aside, sorted by name.
// Reads no picture. Throws DatasetError naming the folder: missing, not a folder, cannot be
// listed, fewer than two class folders.
std::vector<std::string> imageFolderClasses(const std::string &folder);

// Throws DatasetError naming a class that one folder has and the other lacks.
void requireSameClasses(const std::string &testFolder, const std::vector<std::string> &testClasses,
                        const std::string &trainFolder,
                        const std::vector<std::string> &trainClasses);

} // namespace strata::internal
