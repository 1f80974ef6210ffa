#pragma once
// Tensors: a shape, a device and a reference-counted float buffer. Activations are NCHW
// (batch first); a node's shape in the graph leaves the batch out.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace strata {

using Shape = std::vector<int64_t>;

// Number of elements of a shape (1 for the empty shape).
int64_t numel(const Shape &shape);
// "64×5×5": how shapes are shown to users.
std::string toString(const Shape &shape);
// Prepends the batch size.
Shape withBatch(int64_t batch, const Shape &sampleShape);

enum class DeviceKind { Cpu, Cuda };

struct Device
{
    DeviceKind kind = DeviceKind::Cpu;
    int index = 0;
    bool operator==(const Device &) const = default;
    // "cpu" or "cuda:0".
    std::string name() const;
};

// Memory that lives on one device. The CPU one is 64-byte aligned host memory; backends
// for other devices derive their own.
class Storage
{
public:
    virtual ~Storage() = default;
    float *data() const { return data_; }
    int64_t size() const { return size_; }
    Device device() const { return device_; }

protected:
    float *data_ = nullptr;
    int64_t size_ = 0;
    Device device_;
};

std::shared_ptr<Storage> allocateHost(int64_t count);

class Tensor
{
public:
    Tensor() = default;
    // Zero-filled host tensor.
    explicit Tensor(Shape shape);
    Tensor(Shape shape, std::shared_ptr<Storage> storage, int64_t offset = 0);
    // Host tensor holding a copy of values (values.size() must equal numel(shape)).
    static Tensor fromVector(Shape shape, const std::vector<float> &values);

    bool defined() const { return storage_ != nullptr; }
    const Shape &shape() const { return shape_; }
    int64_t dim(int i) const { return shape_.at(static_cast<size_t>(i)); }
    int rank() const { return static_cast<int>(shape_.size()); }
    int64_t numel() const { return strata::numel(shape_); }
    Device device() const { return storage_ ? storage_->device() : Device{}; }
    bool isHost() const { return device().kind == DeviceKind::Cpu; }

    float *data() { return storage_ ? storage_->data() + offset_ : nullptr; }
    const float *data() const { return storage_ ? storage_->data() + offset_ : nullptr; }
    const std::shared_ptr<Storage> &storage() const { return storage_; }

    // A view with another shape of the same element count, sharing the storage.
    Tensor reshaped(Shape shape) const;
    // Host only: a deep copy, and the values as a vector.
    Tensor clone() const;
    std::vector<float> toVector() const;
    void fill(float value); // host only

private:
    Shape shape_;
    std::shared_ptr<Storage> storage_;
    int64_t offset_ = 0;
};

} // namespace strata
