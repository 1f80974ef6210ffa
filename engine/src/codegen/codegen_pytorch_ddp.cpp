// The generated train_ddp.py: train.py's training on several processes, GPUs or machines
// (torchrun, DistributedDataParallel, a DistributedSampler). It imports the model, the data
// and train.py's optimizer, loss, schedule and saving rather than repeating them.

#include "codegen/codegen.h"
#include "codegen/python_text.h"

namespace strata::internal {

namespace {

// The epoch loop's bookkeeping after the metrics: schedule, keep-best, early stopping.
std::string afterEpochSource(const TrainingSpec &t)
{
    std::string s;
    if (t.schedule.type == "plateau")
        s += "        lr = schedule.step(monitored)\n";
    if (t.earlyStoppingPatience > 0 || t.keepBest) {
        // Every process sees the same reduced metrics, so all decide alike and stop together.
        s += "        if monitored < best - 1e-12:\n"
             "            best, since_best = monitored, 0\n";
        if (t.keepBest)
            s += "            best_state = {k: v.detach().clone() for k, v in "
                 "model.state_dict().items()}\n";
        s += "        else:\n            since_best += 1\n";
        if (t.earlyStoppingPatience > 0)
            s += "        if since_best >= train.EARLY_STOPPING_PATIENCE:\n"
                 "            log(f\"Stopped early: no improvement for {since_best} epochs\")\n"
                 "            break\n";
    }
    s += R"PY(        if args.save_every and (epoch + 1) % args.save_every == 0 and rank == 0:
            train.save_trained(model, args.out, normalization)
)PY";
    if (t.keepBest)
        s += "    if best_state is not None:\n"
             "        model.load_state_dict(best_state)  # keep the best epoch's weights\n";
    return s;
}

} // namespace

std::string trainDdpSource(const Project &project, const CodeModel &m)
{
    const TrainingSpec &t = project.training;
    const bool plateau = t.schedule.type == "plateau";
    const bool augmented = project.dataset.augmentation.active();
    const bool best = t.earlyStoppingPatience > 0 || t.keepBest;
    std::string s = "\"\"\"Trains " + pyDocText(m.title) +
                    " in PyTorch on several processes (DistributedDataParallel).\n\n" +
                    pyDocText(trainingSummary(project)) + R"PY(

Launch it with torchrun, one process per GPU (or per share of the CPUs):

    torchrun --nproc_per_node 4 train_ddp.py --data-dir DIR
    # several machines: on each, its --node_rank (0 on the one at --master_addr)
    torchrun --nnodes 2 --node_rank 0 --master_addr HOST --master_port 29500 \
        --nproc_per_node 8 train_ddp.py --data-dir DIR

Run alone (python train_ddp.py) it is one process. The backend is nccl when CUDA is
available (each process on the GPU of its LOCAL_RANK), gloo on CPUs; --backend chooses.
Every process prepares the dataset as train.py does (data.py); a DistributedSampler gives
each its share of every epoch, reshuffled per epoch. A step takes --batch-size samples in
each process, by default the project's batch size shared out, so that the optimizer,
loss, schedule and settings are train.py's. The loss and accuracy printed are over all the
processes; only rank 0 prints and saves (--out, default trained.safetensors, which Strata
reads; a .pt path saves torch.save's state_dict).
"""

import argparse
import datetime
)PY";
    if (best)
        s += "import math\n";
    s += R"PY(import os
import time

import numpy as np
import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data.distributed import DistributedSampler

import data
import train
from model import )PY" +
         m.className + R"PY(, load_weights


def log(text):
    """Prints on rank 0 only."""
    if dist.get_rank() == 0:
        print(text, flush=True)


def reduced(values, device):
    """The values summed over every process."""
    t = torch.tensor(values, dtype=torch.float64, device=device)
    dist.all_reduce(t, op=dist.ReduceOp.SUM)
    return t.tolist()


def evaluate(model, x, y, device):
    """Mean loss and accuracy over a whole set, every process taking every world-th sample,
    with rank 0's batch-norm statistics (those saved)."""
    rank, world = dist.get_rank(), dist.get_world_size()
    for buffer in model.buffers():
        dist.broadcast(buffer, 0)
    model.eval()
    total, correct = 0.0, 0
    xs, ys = x[rank::world], y[rank::world]
    with torch.no_grad():
        for start in range(0, len(ys), train.BATCH_SIZE):
            xb = torch.from_numpy(xs[start:start + train.BATCH_SIZE]).to(device)
            yb = torch.from_numpy(ys[start:start + train.BATCH_SIZE]).to(device)
            loss, right = train.loss_and_correct(model, xb, yb)
            total += loss.item() * len(yb)
            correct += right
    total, correct, count = reduced([total, correct, len(ys)], device)
    return total / count, correct / count


def fit(args, device):
    rank, world = dist.get_rank(), dist.get_world_size()
    torch.manual_seed(train.SEED)
    (x, y), test, normalization = data.load(args.data_dir, args.limit)
    (x, y), validation = train.hold_out_validation(x, y, test)

    model = )PY" +
         m.className + R"PY(()
    if not args.fresh:
        load_weights(model, args.weights)
    model.to(device)
    ddp = DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda"
                                  else None)
    optimizer = train.make_optimizer(model)
    batch_size = args.batch_size or max(1, train.BATCH_SIZE // world)
    # Equal shares (padded with repeats), so every process takes the same number of steps.
    sampler = DistributedSampler(range(len(y)), num_replicas=world, rank=rank,
                                 shuffle=train.SHUFFLE, seed=train.SEED)
)PY";
    if (plateau)
        s += "    schedule = train.ReduceOnPlateau(" + pyFloat(t.optimizer.lr) +
             ")\n    lr = schedule.lr\n";
    if (augmented)
        s += "    augment_rng = data.StrataRng(train.SEED + 2)  # Strata's augmentation stream\n";
    if (best)
        s += "    best, since_best, best_state = math.inf, 0, None\n";
    s += R"PY(    log(f"Training on {len(y)} samples in {world} processes ({dist.get_backend()}, "
        f"{device.type}), {batch_size} per process and step, validating on "
        f"{len(validation[1]) if validation else 0}")
    for epoch in range(args.epochs):
)PY";
    if (!plateau)
        s += "        lr = train.learning_rate(epoch, args.epochs)\n";
    s += R"PY(        for group in optimizer.param_groups:
            group["lr"] = lr
        sampler.set_epoch(epoch)
        indices = np.array(list(sampler), dtype=np.int64)
)PY";
    if (augmented)
        s += "        epoch_key = augment_rng.next()\n";
    s += R"PY(        start_time = time.time()
        ddp.train()
        total, correct = 0.0, 0
        for start in range(0, len(indices), batch_size):
            batch = indices[start:start + batch_size]
)PY";
    if (augmented)
        s +=
            R"PY(            # Each sample augmented as Strata augments the sample at its place in the
            # epoch: this process holds the places rank, rank + world, rank + 2 × world, ...
            xb = np.concatenate([
                data.augment_batch(x[i:i + 1], epoch_key, rank + (start + k) * world,
                                   normalization) for k, i in enumerate(batch)])
            xb = torch.from_numpy(xb).to(device)
)PY";
    else
        s += "            xb = torch.from_numpy(x[batch]).to(device)\n";
    s += R"PY(            yb = torch.from_numpy(y[batch]).to(device)
            loss, right = train.loss_and_correct(ddp, xb, yb)
            optimizer.zero_grad()
            loss.backward()  # DistributedDataParallel averages the gradients of all processes
            optimizer.step()
            total += loss.item() * len(batch)
            correct += right
        total, correct, count = reduced([total, correct, len(indices)], device)
        line = (f"Epoch {epoch + 1}/{args.epochs} - {time.time() - start_time:.1f}s - "
                f"loss: {total / count:.4f} - accuracy: {correct / count:.4f}")
        monitored = total / count
        if validation:
            monitored, val_accuracy = evaluate(model, *validation, device)
            line += f" - val_loss: {monitored:.4f} - val_accuracy: {val_accuracy:.4f}"
        log(f"{line} - lr: {lr:.6g}")
)PY";
    s += afterEpochSource(t);
    s += R"PY(    if rank == 0:
        train.save_trained(model, args.out, normalization)
    dist.barrier()  # the others wait until the weights are written


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=train.EPOCHS)
    parser.add_argument("--limit", type=int, default=0, help="use at most N samples per set")
    parser.add_argument("--data-dir", default=".", help="the folder of the .strata project")
    parser.add_argument("--weights", default="weights.safetensors")
    parser.add_argument("--fresh", action="store_true", help="ignore the exported weights")
    parser.add_argument("--out", default="trained.safetensors",
                        help="the trained weights, for Strata (a .pt path: torch.save)")
    parser.add_argument("--save-every", type=int, default=0, metavar="N",
                        help="also save the weights every N epochs (rank 0)")
    parser.add_argument("--batch-size", type=int, default=0,
                        help="samples per process and step (default: BATCH_SIZE // processes)")
    parser.add_argument("--backend", choices=["nccl", "gloo", "mpi"],
                        help="default: nccl when CUDA is available, gloo otherwise")
    parser.add_argument("--timeout", type=float, default=1800,
                        help="seconds to wait for the other processes before failing")
    args = parser.parse_args(argv)

    # Started without torchrun: a group of one.
    for name, value in (("RANK", "0"), ("LOCAL_RANK", "0"), ("WORLD_SIZE", "1"),
                        ("MASTER_ADDR", "127.0.0.1"), ("MASTER_PORT", "29500")):
        os.environ.setdefault(name, value)
    backend = args.backend or ("nccl" if torch.cuda.is_available() else "gloo")
    device = torch.device("cpu")
    if torch.cuda.is_available() and backend != "gloo":
        device = torch.device("cuda", int(os.environ["LOCAL_RANK"]))
        torch.cuda.set_device(device)
    dist.init_process_group(backend, timeout=datetime.timedelta(seconds=args.timeout))
    try:
        fit(args, device)
    finally:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
)PY";
    return s;
}

std::string ddpReadme()
{
    return "Train on several processes, GPUs or machines with torchrun (train_ddp.py: the same\n"
           "settings, DistributedDataParallel, nccl on GPUs and gloo on CPUs, --backend to\n"
           "choose; python train_ddp.py --help for the options):\n\n"
           "    torchrun --nproc_per_node 4 train_ddp.py --data-dir /folder/of/the/project\n"
           "    # two machines, 8 processes each; on the second, --node_rank 1\n"
           "    torchrun --nnodes 2 --node_rank 0 --master_addr HOST --master_port 29500 \\\n"
           "        --nproc_per_node 8 train_ddp.py --data-dir /folder/of/the/project\n\n"
           "Both scripts save the trained weights as trained.safetensors (--out), which\n"
           "strata-cli eval, predict and export and the studio read:\n\n"
           "    strata-cli eval PROJECT.strata --weights trained.safetensors\n\n";
}

} // namespace strata::internal
