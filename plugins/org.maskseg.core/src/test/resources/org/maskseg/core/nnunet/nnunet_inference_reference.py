"""nnU-Net v2's inference of one image, step by step as nnU-Net's predictor does it, for comparing MaskSeg's prediction
of an imported model with it (nnU-Net itself cannot be installed where the tests run).

    python3 nnunet_inference_reference.py RESULTS_DIR FOLDS INPUT.bin SHAPE_JSON OUT_PREFIX

RESULTS_DIR is a results folder written by make_nnunet_model.py; FOLDS the folds to ensemble, e.g. "0" or "0,1";
INPUT.bin a float32 image in C order of shape SHAPE_JSON, (c, y, x) for a 2d configuration or (c, z, y, x) for a 3d
one, whose spacing is already the configuration's (so nnU-Net resamples nothing: the scope of this reference). Writes
OUT_PREFIX_labels.bin (int32) and OUT_PREFIX_probabilities.bin (float32, (classes, ...) in C order) of the whole
image, and prints the number of sliding-window tiles.

The steps and their nnU-Net sources (nnunetv2 and acvl_utils):
- crop to non-zero (preprocessing/cropping/cropping.py): the bounding box of voxels where any channel is non-zero,
  after scipy's binary_fill_holes of that mask over the (z, y, x) array (a 2d image is one z slice); reimplemented
  here with numpy, as is scipy's gaussian_filter below, so that only PyTorch and numpy are needed;
- normalisation (preprocessing/normalization/default_normalization_schemes.py): ZScoreNormalization without mask
  subtracts the mean and divides by max(std, 1e-8) of the cropped image, in float32; NoNormalization leaves it;
- padding to at least the patch size, split evenly with the extra voxel after (acvl_utils pad_nd_image);
- tiles at compute_steps_for_sliding_window with step 0.5 (inference/sliding_window_prediction.py), a 2d model
  running on every z slice;
- Gaussian weights: a unit impulse at patch // 2 filtered with sigma = patch / 8 (scipy gaussian_filter, mode
  constant), scaled to a maximum of 10, cast to float16, zeros replaced by the smallest non-zero weight;
- accumulation as inference/predict_from_raw_data.py does: logits times weights added into float16 arrays, divided
  by the float16 sum of weights; the folds' float16 results summed and divided by their number;
- padding removed, softmax, argmax (utilities/label_handling), and the labels put back into the uncropped image with
  background outside the box.
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_nnunet_model import PlainConvUNet, ResidualEncoderUNet  # noqa: E402


def network(results, config, dataset, fold):
    kw = config["architecture"]["arch_kwargs"]
    dims = len(config["patch_size"])
    labels = {k: v for k, v in dataset["labels"].items() if k != "ignore"}
    classes = len(labels)
    cin = len(dataset["channel_names"])
    if config["architecture"]["network_class_name"].endswith("ResidualEncoderUNet"):
        net = ResidualEncoderUNet(cin, kw["features_per_stage"], dims, kw["kernel_sizes"], kw["strides"],
                                  kw["n_blocks_per_stage"], kw["n_conv_per_stage_decoder"][0], classes)
    else:
        net = PlainConvUNet(cin, kw["features_per_stage"], dims, kw["kernel_sizes"], kw["strides"],
                            kw["n_conv_per_stage"][0], classes)
    ckpt = torch.load(os.path.join(results, "fold_" + fold, "checkpoint_final.pth"), map_location="cpu")
    net.load_state_dict(ckpt["network_weights"])
    net.eval()
    return net


def steps_for(image_size, tile_size, step=0.5):
    targets = [t * step for t in tile_size]
    num = [int(np.ceil((i - k) / j)) + 1 for i, j, k in zip(image_size, targets, tile_size)]
    steps = []
    for d in range(len(tile_size)):
        largest = image_size[d] - tile_size[d]
        actual = largest / (num[d] - 1) if num[d] > 1 else 99999999999
        steps.append([int(np.round(actual * i)) for i in range(num[d])])
    return steps


def gaussian(tile_size):
    # scipy's gaussian_filter of a unit impulse at patch // 2 (mode constant): per axis the kernel exp(-x^2 / 2 sigma^2)
    # up to its radius int(4 sigma + 0.5), normalised; the normalisation cancels in the scaling to a maximum of 10
    g = np.ones(tile_size)
    for axis, t in enumerate(tile_size):
        sigma = t / 8
        radius = int(4 * sigma + 0.5)
        x = np.arange(t) - t // 2
        k = np.where(np.abs(x) <= radius, np.exp(-0.5 * x ** 2 / sigma ** 2), 0.0)
        g = g * k.reshape([-1 if a == axis else 1 for a in range(len(tile_size))])
    g /= np.max(g) / 10
    g = torch.from_numpy(g).to(torch.float16)
    g[g == 0] = torch.min(g[g != 0])
    return g


def fill_holes(mask):
    # scipy's binary_fill_holes with its default face connectivity: what no background path reaches from the array's
    # border is filled (a 2d image held as one z slice lies entirely on the border, so nothing is filled there)
    outside = np.zeros_like(mask)
    for axis in range(mask.ndim):
        for end in (0, -1):
            index = [slice(None)] * mask.ndim
            index[axis] = end
            outside[tuple(index)] = True
    outside &= ~mask
    while True:
        grown = outside.copy()
        for axis in range(mask.ndim):
            grown |= np.roll(outside, 1, axis) & _not_wrapped(mask.shape, axis, 1)
            grown |= np.roll(outside, -1, axis) & _not_wrapped(mask.shape, axis, -1)
        grown &= ~mask
        if np.array_equal(grown, outside):
            return ~outside
        outside = grown


def _not_wrapped(shape, axis, shift):
    keep = np.ones(shape, dtype=bool)
    index = [slice(None)] * len(shape)
    index[axis] = 0 if shift == 1 else -1
    keep[tuple(index)] = False
    return keep


def main():
    results, folds, input_file, shape, out = sys.argv[1], sys.argv[2].split(","), sys.argv[3], json.loads(
        sys.argv[4]), sys.argv[5]
    torch.set_num_threads(1)
    with open(os.path.join(results, "dataset.json")) as f:
        dataset = json.load(f)
    with open(os.path.join(results, "plans.json")) as f:
        plans = json.load(f)
    assert plans["transpose_forward"] == [0, 1, 2]
    config_name = torch.load(os.path.join(results, "fold_" + folds[0], "checkpoint_final.pth"),
                             map_location="cpu")["init_args"]["configuration"]
    config = plans["configurations"][config_name]
    patch = config["patch_size"]
    image = np.fromfile(input_file, dtype="<f4").reshape(shape)
    if len(patch) == 2:
        image = image[:, None]  # nnU-Net holds a 2d image as one z slice: (c, 1, y, x)
    full_shape = image.shape[1:]

    # crop to the non-zero box
    mask = np.zeros(full_shape, dtype=bool)
    for c in range(image.shape[0]):
        mask |= image[c] != 0
    mask = fill_holes(mask)
    where = np.argwhere(mask)
    low, high = where.min(0), where.max(0) + 1
    box = tuple(slice(a, b) for a, b in zip(low, high))
    data = image[(slice(None),) + box].astype(np.float32)

    # normalisation per channel
    for c, scheme in enumerate(config["normalization_schemes"]):
        assert not config["use_mask_for_norm"][c]
        if scheme == "ZScoreNormalization":
            mean, std = data[c].mean(), data[c].std()
            data[c] -= mean
            data[c] /= max(std, 1e-8)
        else:
            assert scheme == "NoNormalization", scheme

    # pad to at least the patch
    spatial = list(data.shape[1:])
    target = spatial[:len(spatial) - len(patch)] + [max(s, p) for s, p in zip(spatial[-len(patch):], patch)]
    difference = np.array(target) - np.array(spatial)
    below = difference // 2
    above = difference - below
    data = np.pad(data, [(0, 0)] + list(zip(below, above)), mode="constant", constant_values=0)
    padded = data.shape[1:]

    # tiles
    steps = steps_for(padded[-len(patch):], patch)
    slicers = []
    if len(patch) < len(padded):
        for d in range(padded[0]):
            for sx in steps[0]:
                for sy in steps[1]:
                    slicers.append((slice(None), d, slice(sx, sx + patch[0]), slice(sy, sy + patch[1])))
    else:
        for sx in steps[0]:
            for sy in steps[1]:
                for sz in steps[2]:
                    slicers.append((slice(None), slice(sx, sx + patch[0]), slice(sy, sy + patch[1]),
                                    slice(sz, sz + patch[2])))

    weights = gaussian(tuple(patch))
    tensor = torch.from_numpy(data)
    classes = None
    ensemble = None
    for fold in folds:
        net = network(results, config, dataset, fold)
        logits = None
        counts = torch.zeros(padded, dtype=torch.float16)
        with torch.no_grad():
            for sl in slicers:
                tile = torch.clone(tensor[sl][None], memory_format=torch.contiguous_format)
                prediction = net(tile)[0]
                if logits is None:
                    classes = prediction.shape[0]
                    logits = torch.zeros((classes,) + tuple(padded), dtype=torch.float16)
                prediction *= weights
                logits[sl] += prediction
                counts[sl[1:]] += weights
        torch.div(logits, counts, out=logits)
        ensemble = logits if ensemble is None else ensemble + logits
    logits = ensemble / len(folds) if len(folds) > 1 else ensemble

    # remove the padding, softmax, argmax, uncrop
    unpad = (slice(None),) + tuple(slice(b, b + s) for b, s in zip(below, spatial))
    logits = logits[unpad]
    probabilities = torch.softmax(logits.float(), 0).numpy()
    labels = np.argmax(probabilities, 0).astype(np.int32)
    full_labels = np.zeros(full_shape, dtype=np.int32)
    full_labels[box] = labels
    full_probabilities = np.zeros((classes,) + tuple(full_shape), dtype=np.float32)
    full_probabilities[0] = 1
    full_probabilities[(slice(None),) + box] = probabilities
    if len(patch) == 2:
        full_labels = full_labels[0]
        full_probabilities = full_probabilities[:, 0]
    full_labels.astype("<i4").tofile(out + "_labels.bin")
    full_probabilities.astype("<f4").tofile(out + "_probabilities.bin")
    print(json.dumps({"tiles": len(slicers), "box": [[int(a), int(b)] for a, b in zip(low, high)]}))


if __name__ == "__main__":
    main()
