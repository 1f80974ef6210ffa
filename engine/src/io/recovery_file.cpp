#include "strata/recovery_file.h"

#include "io/atomic_file.h"
#include "io/json_reader.h"
#include "io/json_text.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace strata {

namespace {

using json = nlohmann::json;

constexpr const char *kFormatTag = "strata-recovery";

const char *originName(RecoveryFile::Origin origin)
{
    switch (origin) {
    case RecoveryFile::Origin::File:
        return "file";
    case RecoveryFile::Origin::Example:
        return "example";
    case RecoveryFile::Origin::Untitled:
        break;
    }
    return "untitled";
}

std::string readWhole(const std::string &path)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw RecoveryFileError(path + ": not a regular file");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw RecoveryFileError(path + ": cannot be opened for reading");
    std::stringstream buffer;
    buffer << in.rdbuf();
    if (in.bad())
        throw RecoveryFileError(path + ": cannot be read");
    return buffer.str();
}

} // namespace

void writeRecoveryFile(const std::string &path, const RecoveryFile &recovery)
{
    json j;
    j["format"] = kFormatTag;
    j["format_version"] = kRecoveryFormatVersion;
    j["origin"] = originName(recovery.origin);
    if (recovery.origin != RecoveryFile::Origin::Untitled)
        j["project_path"] = recovery.projectPath;
    j["autosaved_at"] = recovery.autosavedAt;
    j["project"] = toJson(recovery.project);
    std::string text;
    try {
        text = j.dump(1) + '\n';
    } catch (const json::exception &e) {
        throw Error("Cannot write " + path + ": some of the project's text is not valid UTF-8 (" +
                    e.what() + ")");
    }
    internal::writeFileAtomically(path, text);
}

RecoveryFile readRecoveryFile(const std::string &path)
{
    const std::string text = readWhole(path);
    if (text.empty())
        throw RecoveryFileError(path + ": the file is empty (it was cut short)");
    json j;
    try {
        j = internal::parseJsonText(text, path);
    } catch (const internal::JsonTextError &e) {
        throw RecoveryFileError(std::string(e.what()) + " (the file is damaged or cut short)");
    }
    if (!j.is_object() || !j.contains("format") || j["format"] != kFormatTag)
        throw RecoveryFileError(path + ": not a Strata recovery file (expected \"format\": \"" +
                                kFormatTag + "\")");
    try {
        internal::JsonObjectReader r(j, "", path);
        std::string format;
        r.string("format", format);
        int version = 0;
        r.integer("format_version", version, 1);
        if (version > kRecoveryFormatVersion)
            throw RecoveryFileError(
                path + ": written by a newer version of Strata (recovery format " +
                std::to_string(version) + "; this version reads up to " +
                std::to_string(kRecoveryFormatVersion) + "); recover it with that version");
        if (!r.find("format_version"))
            r.fail("format_version", "missing; expected the recovery format version");
        RecoveryFile recovery;
        std::string origin = "untitled";
        r.choice("origin", origin, {"file", "untitled", "example"});
        recovery.origin = origin == "file"      ? RecoveryFile::Origin::File
                          : origin == "example" ? RecoveryFile::Origin::Example
                                                : RecoveryFile::Origin::Untitled;
        r.string("project_path", recovery.projectPath);
        if (recovery.origin != RecoveryFile::Origin::Untitled && recovery.projectPath.empty())
            r.fail("project_path", "missing; expected the project file it belongs to");
        r.string("autosaved_at", recovery.autosavedAt);
        const json *project = r.find("project");
        if (!project)
            r.fail("project", "missing; expected the autosaved project");
        r.finish();
        recovery.project = projectFromJson(*project, path);
        return recovery;
    } catch (const RecoveryFileError &) {
        throw;
    } catch (const Error &e) {
        throw RecoveryFileError(e.what());
    }
}

int removeAbandonedSaves(const std::string &path)
{
    const std::filesystem::path file(path);
    const auto folder =
        file.parent_path().empty() ? std::filesystem::path(".") : file.parent_path();
    return internal::removeStaleTemporaries(folder.string(), file.filename().string() + ".tmp-");
}

} // namespace strata
