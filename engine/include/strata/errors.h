#pragma once
// Typed errors. Every message is written for the user: it says what is wrong, where, and
// what to do about it.

#include <stdexcept>
#include <string>

namespace strata {

class Error : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

// A project or spec file that cannot be read: names the file and the JSON path.
class ProjectError : public Error
{
public:
    ProjectError(const std::string &file, const std::string &jsonPath, const std::string &what)
        : Error((file.empty() ? std::string() : file + ": ") +
                (jsonPath.empty() ? std::string() : jsonPath + ": ") + what),
          file_(file), jsonPath_(jsonPath)
    {
    }
    const std::string &file() const { return file_; }
    const std::string &jsonPath() const { return jsonPath_; }

private:
    std::string file_;
    std::string jsonPath_;
};

// A data file that is malformed: the message names the file, the offset or line, and what
// was expected.
class DatasetError : public Error
{
public:
    using Error::Error;
};

// A node whose settings or inputs make no sense; names the node and says how to fix it.
// A one-step repair the studio can offer for a problem.
enum class QuickFix {
    None,
    InsertFlatten,         // a Dense layer receives an image: put Flatten before it
    UseBinaryCrossEntropy, // one Sigmoid output under cross-entropy
};

class ShapeError : public Error
{
public:
    ShapeError(const std::string &nodeId, const std::string &what, QuickFix fix = QuickFix::None)
        : Error(what), nodeId_(nodeId), fix_(fix)
    {
    }
    const std::string &nodeId() const { return nodeId_; }
    QuickFix fix() const { return fix_; }

private:
    std::string nodeId_;
    QuickFix fix_;
};

// A device that is not there, or a backend that cannot run an op.
class BackendError : public Error
{
public:
    using Error::Error;
};

// A model file from another tool that cannot be imported: names the file, the node (its op
// type and name) and what Strata cannot read or map, and what to do instead.
class ImportError : public Error
{
public:
    using Error::Error;
};

} // namespace strata
