#include "strata/tensor.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>

namespace strata {

int64_t numel(const Shape &shape)
{
    int64_t n = 1;
    for (int64_t d : shape)
        n *= d;
    return n;
}

std::string toString(const Shape &shape)
{
    if (shape.empty())
        return "scalar";
    std::string s;
    for (size_t i = 0; i < shape.size(); ++i) {
        if (i)
            s += "×";
        s += std::to_string(shape[i]);
    }
    return s;
}

Shape withBatch(int64_t batch, const Shape &sampleShape)
{
    Shape s;
    s.reserve(sampleShape.size() + 1);
    s.push_back(batch);
    s.insert(s.end(), sampleShape.begin(), sampleShape.end());
    return s;
}

std::string Device::name() const
{
    return kind == DeviceKind::Cpu ? std::string("cpu") : "cuda:" + std::to_string(index);
}

namespace {

class HostStorage final : public Storage
{
public:
    explicit HostStorage(int64_t count)
    {
        size_ = count;
        size_t bytes = static_cast<size_t>(std::max<int64_t>(count, 1)) * sizeof(float);
        bytes = (bytes + 63) / 64 * 64;
        data_ = static_cast<float *>(std::aligned_alloc(64, bytes));
        if (!data_)
            throw std::bad_alloc();
        std::memset(data_, 0, bytes);
    }
    ~HostStorage() override { std::free(data_); }
};

} // namespace

std::shared_ptr<Storage> allocateHost(int64_t count)
{
    return std::make_shared<HostStorage>(count);
}

Tensor::Tensor(Shape shape) : shape_(std::move(shape)), storage_(allocateHost(strata::numel(shape_)))
{}

Tensor::Tensor(Shape shape, std::shared_ptr<Storage> storage, int64_t offset)
    : shape_(std::move(shape)), storage_(std::move(storage)), offset_(offset)
{
    if (storage_ && offset_ + strata::numel(shape_) > storage_->size())
        throw std::logic_error("Tensor view " + toString(shape_) + " exceeds its storage");
}

Tensor Tensor::fromVector(Shape shape, const std::vector<float> &values)
{
    if (static_cast<int64_t>(values.size()) != strata::numel(shape))
        throw std::logic_error("Tensor::fromVector: " + std::to_string(values.size()) +
                               " values for shape " + toString(shape));
    Tensor t(std::move(shape));
    std::copy(values.begin(), values.end(), t.data());
    return t;
}

Tensor Tensor::reshaped(Shape shape) const
{
    if (strata::numel(shape) != numel())
        throw std::logic_error("Cannot reshape " + toString(shape_) + " to " + toString(shape));
    return Tensor(std::move(shape), storage_, offset_);
}

Tensor Tensor::clone() const
{
    if (!isHost())
        throw std::logic_error("Tensor::clone is for host tensors");
    Tensor t(shape_);
    if (defined())
        std::copy(data(), data() + numel(), t.data());
    return t;
}

std::vector<float> Tensor::toVector() const
{
    if (!isHost())
        throw std::logic_error("Tensor::toVector is for host tensors");
    return defined() ? std::vector<float>(data(), data() + numel()) : std::vector<float>{};
}

void Tensor::fill(float value)
{
    if (!isHost())
        throw std::logic_error("Tensor::fill is for host tensors");
    std::fill(data(), data() + numel(), value);
}

} // namespace strata
