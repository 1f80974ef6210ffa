// The project loader: JSON, format migration, graph validation, shape inference. A project
// that loads must also save and load again unchanged.

#include "fuzz_input.h"
#include "strata/project.h"
#include "strata/shape_inference.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const std::string path = strata::fuzz::scratchPath("project.strata");
    strata::fuzz::writeFile(path, data, size);
    strata::Project project;
    try {
        project = strata::loadProject(path);
    } catch (const strata::Error &) {
        return 0; // refused with a message: correct
    }
    try {
        strata::analyze(project.graph);
    } catch (const strata::Error &) {
        // A project may hold a model with problems: the editor shows them.
    }
    nlohmann::json saved = strata::toJson(project);
    try {
        if (strata::toJson(strata::projectFromJson(saved)) != saved)
            strata::fuzz::broken("a loaded project changes when saved and loaded again");
    } catch (const strata::Error &e) {
        strata::fuzz::broken(std::string("a loaded project cannot be loaded after saving: ") +
                             e.what());
    }
    return 0;
}
