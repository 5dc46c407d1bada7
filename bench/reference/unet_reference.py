#!/usr/bin/env python3
"""PyTorch reference for MaskSeg's training-step and sliding-window prediction benchmarks.

The network, loss, optimiser and prediction rules are those MaskSeg implements (nnU-Net v2's defaults),
written directly in PyTorch, so that the same cases can be timed with MaskSeg's engine (Java, DJL) and with
plain PyTorch from Python on the same machine.

  train    milliseconds per training step: host batch to device, forward, deep-supervised masked
           Dice + CE loss, backward, gradient-norm clipping, Nesterov SGD update
  predict  sliding-window prediction of one image (z-score, windows, Gaussian blending, argmax) and
           the same number of raw forward passes alone

Every run ends with one machine-readable line, e.g.
  REFERENCE train_2d ms_per_step=512.3 voxels_per_s=63954 ...
  REFERENCE predict_2d voxels_per_s=81234 seconds=3.227 raw_seconds=2.950 overhead=1.094 cpu_seconds=6.1

Works with PyTorch 1.13 (Debian's python3-torch) and newer; device cpu, cuda or cuda:N.
"""

import argparse
import math
import statistics
import sys
import time
import warnings

import torch
import torch.nn.functional as F
from torch import nn

LEAKY_SLOPE = 0.01
NORM_EPS = 1e-5
DICE_SMOOTH = 1e-5


# ----------------------------------------------------------------------------------------------------
# Network
# ----------------------------------------------------------------------------------------------------

def conv_nd(dims):
    return nn.Conv3d if dims == 3 else nn.Conv2d


def conv_transpose_nd(dims):
    return nn.ConvTranspose3d if dims == 3 else nn.ConvTranspose2d


def instance_norm_nd(dims):
    return nn.InstanceNorm3d if dims == 3 else nn.InstanceNorm2d


class ConvNormAct(nn.Sequential):
    """Convolution (padding kernel//2) -> instance norm (eps 1e-5, affine) -> LeakyReLU 0.01."""

    def __init__(self, dims, c_in, c_out, kernel, stride):
        super().__init__(
            conv_nd(dims)(c_in, c_out, kernel, stride=stride, padding=kernel // 2, bias=True),
            instance_norm_nd(dims)(c_out, eps=NORM_EPS, affine=True),
            nn.LeakyReLU(LEAKY_SLOPE, inplace=True),
        )


class PlainConvUNet(nn.Module):
    """U-Net with two conv blocks per stage, strided first conv for downsampling, transposed conv
    (kernel = stride) for upsampling, skip concatenation (upsampled features first) and a 1x1 head per
    decoder stage. In training mode with deep supervision it returns every head's logits, full
    resolution first; otherwise only the full-resolution logits."""

    def __init__(self, dims, in_channels, classes, features, strides, kernel=3, deep_supervision=True):
        super().__init__()
        self.deep_supervision = deep_supervision
        stages = len(features)
        self.encoder = nn.ModuleList()
        c = in_channels
        for s in range(stages):
            self.encoder.append(nn.Sequential(
                ConvNormAct(dims, c, features[s], kernel, strides[s]),
                ConvNormAct(dims, features[s], features[s], kernel, 1)))
            c = features[s]
        self.up = nn.ModuleList()
        self.decoder = nn.ModuleList()
        self.heads = nn.ModuleList()
        for level in range(stages - 2, -1, -1):
            s = strides[level + 1]
            self.up.append(conv_transpose_nd(dims)(features[level + 1], features[level], s, stride=s, bias=True))
            self.decoder.append(nn.Sequential(
                ConvNormAct(dims, 2 * features[level], features[level], kernel, 1),
                ConvNormAct(dims, features[level], features[level], kernel, 1)))
            self.heads.append(conv_nd(dims)(features[level], classes, 1, bias=True))
        self._initialise()

    def _initialise(self):
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Conv3d, nn.ConvTranspose2d, nn.ConvTranspose3d)):
                nn.init.kaiming_normal_(m.weight, a=LEAKY_SLOPE)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        skips = []
        for stage in self.encoder:
            x = stage(x)
            skips.append(x)
        outputs = []
        all_heads = self.training and self.deep_supervision
        last = len(self.decoder) - 1
        for i, (up, block, head) in enumerate(zip(self.up, self.decoder, self.heads)):
            x = block(torch.cat((up(x), skips[-(i + 2)]), dim=1))
            if all_heads or i == last:
                outputs.append(head(x))
        outputs.reverse()
        return outputs


def topology(dims, stages):
    """Features min(32 * 2^s, 512 in 2D / 320 in 3D); stride 1 in stage 0, 2 on every axis after."""
    cap = 320 if dims == 3 else 512
    features = [min(32 * 2 ** s, cap) for s in range(stages)]
    strides = [1] + [2] * (stages - 1)
    return features, strides


# ----------------------------------------------------------------------------------------------------
# Loss
# ----------------------------------------------------------------------------------------------------

def masked_dice_ce(logits, target, classes, batch_dice=False):
    """CE averaged over annotated voxels (0 when none) minus the mean soft Dice of the foreground classes,
    with every sum restricted to annotated voxels (target != classes, the ignore value)."""
    mask = target != classes
    safe = torch.where(mask, target, torch.zeros_like(target))
    maskf = mask.to(logits.dtype)
    ce_map = F.cross_entropy(logits, safe, reduction="none")
    ce = (ce_map * maskf).sum() / maskf.sum().clamp_min(1.0)

    probs = torch.softmax(logits, dim=1)[:, 1:]
    m = maskf.unsqueeze(1)
    onehot = torch.zeros_like(logits).scatter_(1, safe.unsqueeze(1), 1.0)[:, 1:] * m
    xm = probs * m
    axes = tuple(range(2, logits.dim()))
    if batch_dice:
        axes = (0,) + axes
    intersect = (xm * onehot).sum(axes)
    sum_pred = xm.sum(axes)
    sum_gt = onehot.sum(axes)
    dc = (2 * intersect + DICE_SMOOTH) / (sum_gt + sum_pred + DICE_SMOOTH).clamp_min(1e-8)
    return ce - dc.mean()


def deep_supervision_weights(n):
    w = [0.0 if (n > 1 and i == n - 1) else 0.5 ** i for i in range(n)]
    total = sum(w)
    return [v / total for v in w]


def downsample_labels(target, spatial):
    """Nearest neighbour with centred sampling (source index floor((i + 0.5) * in / out)), so ignore voxels
    stay ignore; integer factors become strided slices."""
    out = target
    for a, size in enumerate(spatial):
        axis = 1 + a
        n = out.shape[axis]
        if n == size:
            continue
        if n % size == 0:
            f = n // size
            index = torch.arange(f // 2, n, f, device=target.device)
        else:
            index = torch.div((2 * torch.arange(size, device=target.device) + 1) * n, 2 * size,
                              rounding_mode="floor").clamp_max(n - 1)
        out = out.index_select(axis, index)
    return out


def deep_supervision_loss(outputs, target, classes, batch_dice=False):
    weights = deep_supervision_weights(len(outputs))
    total = None
    for w, logits in zip(weights, outputs):
        if w == 0:
            continue
        t = downsample_labels(target, logits.shape[2:])
        term = w * masked_dice_ce(logits, t, classes, batch_dice)
        total = term if total is None else total + term
    return total


# ----------------------------------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------------------------------

def synchronise(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def describe(device, threads):
    where = torch.cuda.get_device_name(device) if device.type == "cuda" else "CPU"
    return "PyTorch %s on %s (%s), %d thread(s)" % (torch.__version__, device, where, threads)


def setup(args):
    if args.threads > 0:
        torch.set_num_threads(args.threads)
        try:
            torch.set_num_interop_threads(1)
        except RuntimeError:
            pass  # already set once in this process
    device = torch.device(args.device)
    if device.type == "cuda":
        if not torch.cuda.is_available():
            sys.exit("device %s requested but this PyTorch (%s) sees no CUDA GPU" % (args.device, torch.__version__))
        torch.backends.cudnn.benchmark = args.cudnn_benchmark
    torch.manual_seed(args.seed)
    return device


def autocast_context(device, amp):
    """Autocast of the forward pass to float16 or bfloat16 (amp "fp16" / "bf16"), or nothing (amp None)."""
    if amp is None:
        return _NoContext()
    dtype = torch.float16 if amp == "fp16" else torch.bfloat16
    return torch.autocast(device_type=device.type, dtype=dtype)


def amp_supported(device, amp):
    """Whether this PyTorch autocasts to the type on the device (older CPU autocast knows bfloat16 only: it
    refuses float16 with an error or switches itself off with a warning)."""
    if amp is None:
        return True
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            with autocast_context(device, amp):
                if device.type == "cpu":
                    return torch.is_autocast_cpu_enabled()
                return torch.is_autocast_enabled()
        except RuntimeError:
            return False


def grad_scaler(device, amp):
    """Dynamic loss scaling (start 2^16, halve and skip on inf/NaN, double after 2000 clean steps) for fp16;
    a disabled scaler (scale 1, never skips) otherwise."""
    enabled = amp == "fp16"
    if hasattr(torch, "amp") and hasattr(torch.amp, "GradScaler"):
        return torch.amp.GradScaler(device.type, enabled=enabled)
    return torch.cuda.amp.GradScaler(enabled=enabled and device.type == "cuda")


class _NoContext:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


# ----------------------------------------------------------------------------------------------------
# Training step
# ----------------------------------------------------------------------------------------------------

def random_batch(batch, channels, classes, spatial, generator):
    """Standard-normal images; labels uniform over the classes with a tenth of the voxels ignored."""
    x = torch.randn((batch, channels) + spatial, generator=generator)
    y = torch.randint(0, classes, (batch,) + spatial, generator=generator)
    ignored = torch.randint(0, 10, (batch,) + spatial, generator=generator) == 0
    y[ignored] = classes
    return x, y


def run_train(args):
    device = setup(args)
    dims = args.dims
    features, strides = topology(dims, args.stages)
    net = PlainConvUNet(dims, 1, args.classes, features, strides).to(device)
    net.train()
    params = [p for p in net.parameters()]
    optimiser = torch.optim.SGD(params, lr=args.lr, momentum=0.99, nesterov=True, weight_decay=3e-5)
    spatial = (args.size,) * dims
    generator = torch.Generator().manual_seed(args.seed)
    x_host, y_host = random_batch(args.batch, 1, args.classes, spatial, generator)
    if device.type == "cuda":
        x_host, y_host = x_host.pin_memory(), y_host.pin_memory()
    n_params = sum(p.numel() for p in params)
    if not amp_supported(device, args.amp):
        print("%s autocast is not supported on %s by PyTorch %s; not timed" % (args.amp, device, torch.__version__))
        print("REFERENCE %s ms_per_step=nan voxels_per_s=nan mean_ms=nan min_ms=nan cpu_ms=nan parameters=%d "
              "unsupported=%s" % (args.case, n_params, args.amp))
        return
    scaler = grad_scaler(device, args.amp)
    print("%s" % describe(device, args.threads))
    print("%dD U-Net, %d stages, features %s, %s parameters; batch %d, patch %s, %d classes%s" % (
        dims, args.stages, features, format(n_params, ","), args.batch, list(spatial), args.classes,
        ", %s autocast" % args.amp if args.amp else ""))

    def step():
        x = x_host.to(device, non_blocking=True)
        y = y_host.to(device, non_blocking=True)
        optimiser.zero_grad(set_to_none=True)
        with autocast_context(device, args.amp):
            outputs = net(x)
        loss = deep_supervision_loss([o.float() for o in outputs], y, args.classes)
        scaler.scale(loss).backward()
        scaler.unscale_(optimiser)
        value = loss.item()
        norm = torch.nn.utils.clip_grad_norm_(params, 12.0).item()
        if math.isfinite(value) and (math.isfinite(norm) or scaler.is_enabled()):
            scaler.step(optimiser)  # skips the update itself when an fp16 gradient overflowed
        scaler.update()
        return value

    for _ in range(args.warmup):
        step()
    synchronise(device)
    times = []
    cpu0 = time.process_time()
    for _ in range(args.steps):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1e3)
    synchronise(device)
    cpu_ms = (time.process_time() - cpu0) * 1e3 / args.steps
    median = statistics.median(times)
    voxels = args.batch * args.size ** dims
    print("training step: median %.1f ms, mean %.1f ms, min %.1f ms over %d steps (%d warm-up); CPU %.1f ms/step"
          % (median, statistics.mean(times), min(times), args.steps, args.warmup, cpu_ms))
    print("REFERENCE %s ms_per_step=%.2f voxels_per_s=%.0f mean_ms=%.2f min_ms=%.2f cpu_ms=%.2f parameters=%d" % (
        args.case, median, voxels / (median / 1e3), statistics.mean(times), min(times), cpu_ms, n_params))


# ----------------------------------------------------------------------------------------------------
# Sliding-window prediction
# ----------------------------------------------------------------------------------------------------

def window_starts(size, patch, step):
    """Fewest windows keeping neighbours at most step * patch apart, spread evenly over [0, size - patch],
    rounded half to even."""
    span = size - patch
    count = int(math.ceil(span / (patch * step))) + 1
    if count == 1:
        return [0]
    actual = span / (count - 1)
    return [int(round(actual * i)) for i in range(count)]


def gaussian_importance(patch, sigma_scale=1.0 / 8):
    """Separable Gaussian centred at patch // 2 with sigma = patch * sigma_scale, cut off beyond
    int(4 sigma + 0.5) voxels, maximum 1; zero weights raised to the smallest positive weight."""
    weights = None
    for p in patch:
        sigma = sigma_scale * p
        radius = int(4 * sigma + 0.5)
        offset = torch.arange(p, dtype=torch.float64) - p // 2
        g = torch.exp(-offset ** 2 / (2 * sigma * sigma))
        g[offset.abs() > radius] = 0
        weights = g if weights is None else weights.unsqueeze(-1) * g
    weights = weights / weights.max()
    weights = weights.float()
    weights[weights == 0] = weights[weights > 0].min()
    return weights


def sliding_window_logits(net, image, patch, step, batch_windows, device):
    """Blended logits (classes, *spatial) of a normalised (channels, *spatial) image on the device."""
    spatial = image.shape[1:]
    padded = [max(s, p) for s, p in zip(spatial, patch)]
    before = [(p - s) // 2 if s < p else 0 for s, p in zip(spatial, patch)]
    if list(padded) != list(spatial):
        pad = []
        for s, p, b in reversed(list(zip(spatial, padded, before))):
            pad += [b, p - s - b]
        image = F.pad(image, pad)
    image = image.to(device)
    gauss = gaussian_importance(patch).to(device)
    classes = net.heads[-1].out_channels
    sums = torch.zeros((classes,) + tuple(padded), device=device)
    weight = torch.zeros(tuple(padded), device=device)
    starts = [window_starts(s, p, step) for s, p in zip(padded, patch)]
    origins = [()]
    for axis_starts in starts:
        origins = [o + (s,) for o in origins for s in axis_starts]
    with torch.no_grad():
        for first in range(0, len(origins), batch_windows):
            group = origins[first:first + batch_windows]
            slices = [tuple(slice(o, o + p) for o, p in zip(origin, patch)) for origin in group]
            x = torch.stack([image[(slice(None),) + s] for s in slices])
            logits = net(x)[0]
            for s, window_logits in zip(slices, logits):
                sums[(slice(None),) + s] += window_logits * gauss
                weight[s] += gauss
    blended = sums / weight
    crop = tuple(slice(b, b + s) for b, s in zip(before, spatial))
    return blended[(slice(None),) + crop], len(origins)


def zscore(image):
    flat = image.reshape(image.shape[0], -1)
    mean = flat.mean(dim=1)
    std = flat.std(dim=1, unbiased=False).clamp_min(1e-8)
    shape = (-1,) + (1,) * (image.dim() - 1)
    return (image - mean.view(shape)) / std.view(shape)


def run_predict(args):
    device = setup(args)
    dims = len(args.patch)
    if len(args.image) != dims:
        sys.exit("--image and --patch need the same number of axes")
    features, strides = topology(dims, args.stages)
    net = PlainConvUNet(dims, 1, args.classes, features, strides).to(device)
    net.eval()
    patch = tuple(args.patch)
    spatial = tuple(args.image)
    generator = torch.Generator().manual_seed(args.seed)
    image = 100 + 20 * torch.randn((1,) + spatial, generator=generator)
    print("%s" % describe(device, args.threads))
    print("%dD U-Net, %d stages, features %s; image %s, patch %s, step %.2f, %d window(s) per pass" % (
        dims, args.stages, features, list(spatial), list(patch), args.step, args.batch_windows))

    def whole():
        normalised = zscore(image)
        logits, windows = sliding_window_logits(net, normalised, patch, args.step, args.batch_windows, device)
        labels = logits.argmax(0).to(torch.uint8).cpu()
        return windows, labels

    windows, _ = whole()  # warm-up: kernels, allocator
    passes = [min(args.batch_windows, windows - i) for i in range(0, windows, args.batch_windows)]
    raw_input = torch.randn((args.batch_windows, 1) + patch, generator=generator).to(device)

    def raw():
        with torch.no_grad():
            for n in passes:
                net(raw_input[:n])
        synchronise(device)

    whole_s, raw_s, cpu_s = [], [], []
    for _ in range(args.repeats):
        c0 = time.process_time()
        t0 = time.perf_counter()
        whole()
        synchronise(device)
        whole_s.append(time.perf_counter() - t0)
        cpu_s.append(time.process_time() - c0)
        t0 = time.perf_counter()
        raw()
        raw_s.append(time.perf_counter() - t0)
    w = statistics.median(whole_s)
    r = statistics.median(raw_s)
    wc = statistics.median(cpu_s)
    voxels = math.prod(spatial)
    print("%d windows in %d passes; whole prediction %.3f s (CPU %.3f s), network passes alone %.3f s (median of %d)"
          % (windows, len(passes), w, wc, r, args.repeats))
    print("REFERENCE %s voxels_per_s=%.0f seconds=%.4f raw_seconds=%.4f overhead=%.3f cpu_seconds=%.4f" % (
        args.case, voxels / w, w, r, w / r, wc))


# ----------------------------------------------------------------------------------------------------
# Cross-check with MaskSeg
# ----------------------------------------------------------------------------------------------------

def maskseg_parameters(net):
    """(name, tensor) pairs under MaskSeg's parameter names (PlainConvUNet's documented naming)."""
    pairs = []

    def block(prefix, j, conv_norm_act):
        conv, norm = conv_norm_act[0], conv_norm_act[1]
        pairs.extend([("%s.conv%d.weight" % (prefix, j), conv.weight), ("%s.conv%d.bias" % (prefix, j), conv.bias),
                      ("%s.norm%d.weight" % (prefix, j), norm.weight), ("%s.norm%d.bias" % (prefix, j), norm.bias)])

    for s, stage in enumerate(net.encoder):
        for j, b in enumerate(stage):
            block("encoder.%d" % s, j, b)
    levels = len(net.up)
    for i, (up, dec, head) in enumerate(zip(net.up, net.decoder, net.heads)):
        prefix = "decoder.%d" % (levels - 1 - i)
        pairs.extend([(prefix + ".up.weight", up.weight), (prefix + ".up.bias", up.bias)])
        for j, b in enumerate(dec):
            block(prefix, j, b)
        pairs.extend([(prefix + ".head.weight", head.weight), (prefix + ".head.bias", head.bias)])
    return pairs


def run_export(args):
    """Writes a small case (weights, batch, loss, weights after one training step) for MaskSeg's
    ReferenceCheck: case.txt plus little-endian float32/int32 files."""
    import os
    torch.manual_seed(args.seed)
    torch.set_num_threads(max(args.threads, 1))
    dims = args.dims
    features, strides = topology(dims, args.stages)
    net = PlainConvUNet(dims, 1, args.classes, features, strides).train()
    with torch.no_grad():  # non-trivial norm parameters, so that their layout is checked too
        for m in net.modules():
            if isinstance(m, (nn.InstanceNorm2d, nn.InstanceNorm3d)):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.5, 0.5)
    pairs = maskseg_parameters(net)
    if len(pairs) != len(list(net.parameters())):
        sys.exit("parameter naming does not cover the network")
    spatial = (args.size,) * dims
    x, y = random_batch(args.batch, 1, args.classes, spatial, torch.Generator().manual_seed(args.seed))
    os.makedirs(args.out, exist_ok=True)

    def write(name, tensors, dtype):
        with open(os.path.join(args.out, name), "wb") as f:
            for t in tensors:
                a = t.detach().contiguous().to(dtype).numpy()
                f.write(a.astype(a.dtype.newbyteorder("<")).tobytes())

    write("before.bin", [t for _, t in pairs], torch.float32)
    write("images.bin", [x], torch.float32)
    write("labels.bin", [y], torch.int32)
    # sliding-window logits of an image larger than the patch along some axes and smaller along one
    extent = [args.size * 5 // 2 - 3, args.size - 5] + [args.size * 7 // 4] * (dims - 2)
    image = torch.randn([1] + extent[:dims], generator=torch.Generator().manual_seed(args.seed + 1))
    net.eval()
    logits, _ = sliding_window_logits(net, image, spatial, 0.5, 4, torch.device("cpu"))
    net.train()
    write("predict_image.bin", [image], torch.float32)
    write("predict_logits.bin", [logits], torch.float32)

    params = list(net.parameters())
    optimiser = torch.optim.SGD(params, lr=1e-2, momentum=0.99, nesterov=True, weight_decay=3e-5)
    loss = deep_supervision_loss(net(x), y, args.classes)
    loss.backward()
    norm = torch.nn.utils.clip_grad_norm_(params, 12.0).item()
    optimiser.step()
    write("after.bin", [t for _, t in pairs], torch.float32)
    with open(os.path.join(args.out, "case.txt"), "w") as f:
        f.write("case %d %d %d %d %d\n" % (dims, args.size, args.batch, args.stages, args.classes))
        f.write("loss %.9g\n" % loss.item())
        f.write("gradient_norm %.9g\n" % norm)
        f.write("predict_image %s\n" % " ".join(str(n) for n in image.shape[1:]))
        for name, t in pairs:
            f.write("param %s %d\n" % (name, t.numel()))
    print("REFERENCE export loss=%.7f gradient_norm=%.5f parameters=%d" % (
        loss.item(), norm, sum(t.numel() for _, t in pairs)))


# ----------------------------------------------------------------------------------------------------

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p):
        p.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N (default cpu)")
        p.add_argument("--threads", type=int, default=2, help="CPU threads for PyTorch (0: its default)")
        p.add_argument("--classes", type=int, default=3)
        p.add_argument("--stages", type=int, default=5)
        p.add_argument("--seed", type=int, default=1)
        p.add_argument("--cudnn-benchmark", action="store_true", help="let cuDNN pick algorithms by timing")
        p.add_argument("--case", help="name printed on the REFERENCE line")

    t = sub.add_parser("train", help="milliseconds per training step")
    common(t)
    t.add_argument("--dims", type=int, choices=(2, 3), default=2)
    t.add_argument("--size", type=int, default=128, help="patch edge length")
    t.add_argument("--batch", type=int, default=2)
    t.add_argument("--steps", type=int, default=20)
    t.add_argument("--warmup", type=int, default=5)
    t.add_argument("--lr", type=float, default=1e-2)
    t.add_argument("--amp", choices=("fp16", "bf16"), help="autocast of the forward pass to float16 (with dynamic "
                   "loss scaling) or bfloat16")
    t.add_argument("--bf16", action="store_true", help="the same as --amp bf16")

    p = sub.add_parser("predict", help="sliding-window prediction throughput")
    common(p)
    p.add_argument("--image", type=int, nargs="+", default=[512, 512], help="image size, tensor order")
    p.add_argument("--patch", type=int, nargs="+", default=[128, 128], help="patch size, tensor order")
    p.add_argument("--step", type=float, default=0.5)
    p.add_argument("--batch-windows", type=int, default=4)
    p.add_argument("--repeats", type=int, default=3)

    e = sub.add_parser("export", help="write a small case for MaskSeg's ReferenceCheck")
    e.add_argument("--out", required=True, help="folder to write into")
    e.add_argument("--dims", type=int, choices=(2, 3), default=2)
    e.add_argument("--size", type=int, default=32)
    e.add_argument("--batch", type=int, default=2)
    e.add_argument("--stages", type=int, default=3)
    e.add_argument("--classes", type=int, default=3)
    e.add_argument("--threads", type=int, default=1)
    e.add_argument("--seed", type=int, default=1)

    args = parser.parse_args(argv)
    if args.command == "export":
        run_export(args)
    elif args.command == "train":
        args.case = args.case or "train_%dd" % args.dims
        if args.bf16:
            args.amp = "bf16"
        run_train(args)
    else:
        args.amp = None
        args.case = args.case or "predict_%dd" % len(args.patch)
        run_predict(args)


if __name__ == "__main__":
    main()
