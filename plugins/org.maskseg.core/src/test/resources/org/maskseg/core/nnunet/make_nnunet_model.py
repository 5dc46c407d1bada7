"""Writes a small nnU-Net v2 results folder for the import tests, with PyTorch.

    python3 make_nnunet_model.py OUT_DIR 2d|3d new|old|resenc [CHANNELS [FOLDS]]

OUT_DIR receives dataset.json, plans.json (new: configurations -> architecture -> arch_kwargs; old: the
UNet_class_name / conv_kernel_sizes keys of earlier nnU-Net v2 plans; resenc: a ResidualEncoderUNet in the
layout of nnU-Net's ResEnc planners), fold_0/checkpoint_final.pth (laid out as
nnU-Net's trainer saves it: network_weights, optimizer_state, init_args, trainer_name,
inference_allowed_mirroring_axes, numpy scalars in the logging) and, for a fixed random input,
input.bin / logits.bin (float32 little-endian, C order) with their shapes in io.json. With FOLDS > 1 there is
one network per fold_N, and logits.bin holds the mean of their logits (nnU-Net's fold ensemble).

The network is a plain convolutional U-Net (or, for resenc, a U-Net with a residual encoder of ResNet-D basic
blocks) written here with the attribute names of dynamic-network-architectures' PlainConvUNet and
ResidualEncoderUNet, so its state dict has the same keys (including the duplicate all_modules and
decoder.encoder entries).
"""
import json
import os
import sys

import numpy as np
import torch
from torch import nn


class ConvNormAct(nn.Module):
    def __init__(self, conv, norm, cin, cout, kernel, stride, act=True, bias=True):
        super().__init__()
        self.conv = conv(cin, cout, kernel, stride, padding=[(k - 1) // 2 for k in kernel], bias=bias)
        self.norm = norm(cout, eps=1e-5, affine=True)
        layers = [self.conv, self.norm]
        if act:
            self.nonlin = nn.LeakyReLU(negative_slope=1e-2, inplace=True)
            layers.append(self.nonlin)
        self.all_modules = nn.Sequential(*layers)

    def forward(self, x):
        return self.all_modules(x)


class ConvStack(nn.Module):
    def __init__(self, n, conv, norm, cin, cout, kernel, first_stride):
        super().__init__()
        blocks = [ConvNormAct(conv, norm, cin, cout, kernel, first_stride)]
        blocks += [ConvNormAct(conv, norm, cout, cout, kernel, 1) for _ in range(1, n)]
        self.convs = nn.Sequential(*blocks)

    def forward(self, x):
        return self.convs(x)


class Encoder(nn.Module):
    def __init__(self, cin, features, conv, norm, kernels, strides, n_conv):
        super().__init__()
        stages = []
        for s, f in enumerate(features):
            stages.append(nn.Sequential(ConvStack(n_conv, conv, norm, cin, f, kernels[s], strides[s])))
            cin = f
        self.stages = nn.Sequential(*stages)

    def forward(self, x):
        skips = []
        for stage in self.stages:
            x = stage(x)
            skips.append(x)
        return skips


class BasicBlock(nn.Module):
    """conv-norm-act, conv-norm, plus a skip (average pooling and/or 1x1 conv-norm where needed), then act."""

    def __init__(self, conv, norm, pool, cin, cout, kernel, stride):
        super().__init__()
        self.conv1 = ConvNormAct(conv, norm, cin, cout, kernel, stride)
        self.conv2 = ConvNormAct(conv, norm, cout, cout, kernel, 1, act=False)
        self.nonlin2 = nn.LeakyReLU(negative_slope=1e-2, inplace=True)
        strided = any(s != 1 for s in stride)
        ops = []
        if strided:
            ops.append(pool(stride, stride))
        if cin != cout:
            ops.append(ConvNormAct(conv, norm, cin, cout, [1] * len(kernel), 1, act=False, bias=False))
        self.skip = nn.Sequential(*ops) if ops else (lambda x: x)

    def forward(self, x):
        out = self.conv2(self.conv1(x))
        out += self.skip(x)
        return self.nonlin2(out)


class ResidualStage(nn.Module):
    def __init__(self, n, conv, norm, pool, cin, cout, kernel, stride):
        super().__init__()
        ones = [1] * len(kernel)
        self.blocks = nn.Sequential(BasicBlock(conv, norm, pool, cin, cout, kernel, stride),
                                    *[BasicBlock(conv, norm, pool, cout, cout, kernel, ones) for _ in range(1, n)])

    def forward(self, x):
        return self.blocks(x)


class ResidualEncoder(nn.Module):
    def __init__(self, cin, features, conv, norm, pool, kernels, strides, blocks):
        super().__init__()
        self.stem = ConvStack(1, conv, norm, cin, features[0], kernels[0], 1)
        cin = features[0]
        stages = []
        for s, f in enumerate(features):
            stages.append(ResidualStage(blocks[s], conv, norm, pool, cin, f, kernels[s], strides[s]))
            cin = f
        self.stages = nn.Sequential(*stages)

    def forward(self, x):
        x = self.stem(x)
        skips = []
        for stage in self.stages:
            x = stage(x)
            skips.append(x)
        return skips


class Decoder(nn.Module):
    def __init__(self, encoder, features, conv, transp, norm, kernels, strides, n_conv, classes):
        super().__init__()
        self.encoder = encoder
        stages, ups, heads = [], [], []
        for s in range(1, len(features)):
            below, skip = features[-s], features[-(s + 1)]
            ups.append(transp(below, skip, strides[-s], strides[-s], bias=True))
            stages.append(ConvStack(n_conv, conv, norm, 2 * skip, skip, kernels[-(s + 1)], 1))
            heads.append(conv(skip, classes, 1, 1, 0, bias=True))
        self.stages = nn.ModuleList(stages)
        self.transpconvs = nn.ModuleList(ups)
        self.seg_layers = nn.ModuleList(heads)

    def forward(self, skips):
        x = skips[-1]
        for s in range(len(self.stages)):
            x = self.transpconvs[s](x)
            x = torch.cat((x, skips[-(s + 2)]), 1)
            x = self.stages[s](x)
        return self.seg_layers[-1](x)


class PlainConvUNet(nn.Module):
    def __init__(self, cin, features, dims, kernels, strides, n_conv, classes):
        super().__init__()
        conv = nn.Conv3d if dims == 3 else nn.Conv2d
        transp = nn.ConvTranspose3d if dims == 3 else nn.ConvTranspose2d
        norm = nn.InstanceNorm3d if dims == 3 else nn.InstanceNorm2d
        self.encoder = Encoder(cin, features, conv, norm, kernels, strides, n_conv)
        self.decoder = Decoder(self.encoder, features, conv, transp, norm, kernels, strides, n_conv, classes)

    def forward(self, x):
        return self.decoder(self.encoder(x))


class ResidualEncoderUNet(nn.Module):
    def __init__(self, cin, features, dims, kernels, strides, blocks, n_conv_decoder, classes):
        super().__init__()
        conv = nn.Conv3d if dims == 3 else nn.Conv2d
        transp = nn.ConvTranspose3d if dims == 3 else nn.ConvTranspose2d
        norm = nn.InstanceNorm3d if dims == 3 else nn.InstanceNorm2d
        pool = nn.AvgPool3d if dims == 3 else nn.AvgPool2d
        self.encoder = ResidualEncoder(cin, features, conv, norm, pool, kernels, strides, blocks)
        self.decoder = Decoder(self.encoder, features, conv, transp, norm, kernels, strides, n_conv_decoder,
                               classes)

    def forward(self, x):
        return self.decoder(self.encoder(x))


def main():
    out, dims, layout = sys.argv[1], int(sys.argv[2][0]), sys.argv[3]
    torch.manual_seed(1234 + dims)
    torch.set_num_threads(1)
    # two channels (z-score and CT normalisation) by default; one channel gives a z-score model of unit spacing
    channels = int(sys.argv[4]) if len(sys.argv) > 4 else 2
    classes = 3
    if dims == 2:
        # axes (y, x); anisotropic kernels and strides catch any axis mix-up
        features = [4, 8, 12]
        kernels = [[3, 3], [1, 3], [3, 3]]
        strides = [[1, 1], [2, 1], [2, 2]]
        patch = [16, 24]
        spacing = [0.5, 0.25] if channels == 2 else [1.0, 1.0]
        shape = (2, channels, 20, 12)
        config = "2d"
    else:
        # axes (z, y, x)
        features = [4, 6, 8]
        kernels = [[1, 3, 3], [3, 3, 1], [3, 3, 3]]
        strides = [[1, 1, 1], [1, 2, 2], [2, 1, 2]]
        patch = [8, 16, 16]
        spacing = [3.0, 0.8, 0.7]
        shape = (1, channels, 6, 10, 12)
        config = "3d_fullres"
    blocks = None
    if layout == "resenc":
        # every kind of residual block: identity skip, pooling and projection, projection only, pooling only
        if dims == 2:
            features = [4, 8, 12, 12]
            kernels = [[3, 3], [1, 3], [3, 3], [3, 3]]
            strides = [[1, 1], [2, 1], [1, 1], [2, 2]]
            blocks = [1, 2, 2, 1]
        else:
            features = [4, 6, 6]
            blocks = [1, 2, 2]
    folds = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    nets, optimizers = [], []
    for _ in range(folds):
        if blocks is not None:
            net = ResidualEncoderUNet(channels, features, dims, kernels, strides, blocks, 1, classes)
        else:
            net = PlainConvUNet(channels, features, dims, kernels, strides, 2, classes)
        with torch.no_grad():
            for name, p in net.named_parameters():
                if name.endswith("norm.weight"):
                    p.copy_(1 + 0.3 * torch.randn_like(p))
                elif name.endswith("bias"):
                    p.copy_(0.2 * torch.randn_like(p))
        # one training step, so that the optimizer state holds momentum buffers as after training
        optimizer = torch.optim.SGD(net.parameters(), 0.01, momentum=0.99, nesterov=True, weight_decay=3e-5)
        net(torch.randn(*shape)).square().mean().backward()
        optimizer.step()
        net.eval()
        nets.append(net)
        optimizers.append(optimizer)

    os.makedirs(out, exist_ok=True)
    x = torch.randn(*shape) * 3 + 1
    with torch.no_grad():
        y = sum(net(x) for net in nets) / folds
    x.numpy().astype("<f4").tofile(os.path.join(out, "input.bin"))
    y.numpy().astype("<f4").tofile(os.path.join(out, "logits.bin"))
    with open(os.path.join(out, "io.json"), "w") as f:
        json.dump({"input": list(x.shape), "logits": list(y.shape)}, f)

    dataset = {"channel_names": {str(c): ["first", "second"][c] for c in range(channels)},
               "labels": {"background": 0, "cell": 1, "edge": 2},
               "numTraining": 3, "file_ending": ".nii.gz"}
    conf = {"data_identifier": "nnUNetPlans_" + config, "preprocessor_name": "DefaultPreprocessor",
            "batch_size": 2, "patch_size": patch, "median_image_size_in_voxels": patch, "spacing": spacing,
            "normalization_schemes": ["ZScoreNormalization", "CTNormalization"][:channels],
            "use_mask_for_norm": [False, False][:channels], "resampling_fn_data": "resample_data_or_seg_to_shape",
            "batch_dice": dims == 3}
    if layout == "resenc":
        conf["architecture"] = {
            "network_class_name": "dynamic_network_architectures.architectures.unet.ResidualEncoderUNet",
            "arch_kwargs": {"n_stages": len(features), "features_per_stage": features,
                            "conv_op": "torch.nn.modules.conv.Conv%dd" % dims, "kernel_sizes": kernels,
                            "strides": strides, "n_blocks_per_stage": blocks,
                            "n_conv_per_stage_decoder": [1] * (len(features) - 1), "conv_bias": True,
                            "norm_op": "torch.nn.modules.instancenorm.InstanceNorm%dd" % dims,
                            "norm_op_kwargs": {"eps": 1e-05, "affine": True}, "dropout_op": None,
                            "dropout_op_kwargs": None, "nonlin": "torch.nn.LeakyReLU",
                            "nonlin_kwargs": {"inplace": True}},
            "_kw_requires_import": ["conv_op", "norm_op", "dropout_op", "nonlin"]}
    elif layout == "new":
        conv = "torch.nn.modules.conv.Conv%dd" % dims
        conf["architecture"] = {
            "network_class_name": "dynamic_network_architectures.architectures.unet.PlainConvUNet",
            "arch_kwargs": {"n_stages": len(features), "features_per_stage": features, "conv_op": conv,
                            "kernel_sizes": kernels, "strides": strides, "n_conv_per_stage": [2] * len(features),
                            "n_conv_per_stage_decoder": [2] * (len(features) - 1), "conv_bias": True,
                            "norm_op": "torch.nn.modules.instancenorm.InstanceNorm%dd" % dims,
                            "norm_op_kwargs": {"eps": 1e-05, "affine": True}, "dropout_op": None,
                            "dropout_op_kwargs": None, "nonlin": "torch.nn.LeakyReLU",
                            "nonlin_kwargs": {"inplace": True}},
            "_kw_requires_import": ["conv_op", "norm_op", "dropout_op", "nonlin"]}
    else:
        # features min(base * 2^s, max) = 4, 8, 12 in 2D; the 3D test uses the new layout
        conf.update({"UNet_class_name": "PlainConvUNet", "UNet_base_num_features": features[0],
                     "unet_max_num_features": features[-1], "conv_kernel_sizes": kernels,
                     "pool_op_kernel_sizes": strides, "n_conv_per_stage_encoder": [2] * len(features),
                     "n_conv_per_stage_decoder": [2] * (len(features) - 1)})
    plans = {"dataset_name": "Dataset999_Test", "plans_name": "nnUNetPlans",
             "original_median_spacing_after_transp": [1.0] * 3, "image_reader_writer": "SimpleITKIO",
             "transpose_forward": [0, 1, 2], "transpose_backward": [0, 1, 2],
             "configurations": {config: conf},
             "foreground_intensity_properties_per_channel": {
                 "0": {"max": 10.0, "mean": 1.5, "median": 1.0, "min": -3.0, "percentile_00_5": -2.0,
                       "percentile_99_5": 8.0, "std": 2.0},
                 "1": {"max": 900.0, "mean": 120.0, "median": 100.0, "min": -1000.0, "percentile_00_5": -500.0,
                       "percentile_99_5": 700.0, "std": 250.0}}}
    with open(os.path.join(out, "dataset.json"), "w") as f:
        json.dump(dataset, f, indent=2)
    with open(os.path.join(out, "plans.json"), "w") as f:
        json.dump(plans, f, indent=2)

    for fold, (net, optimizer) in enumerate(zip(nets, optimizers)):
        save_checkpoint(os.path.join(out, "fold_%d" % fold), net, optimizer, plans, config, fold, dataset, dims)


def save_checkpoint(folder, net, optimizer, plans, config, fold, dataset, dims):
    os.makedirs(folder, exist_ok=True)
    checkpoint = {
        "network_weights": net.state_dict(),
        "optimizer_state": optimizer.state_dict(),
        "grad_scaler_state": None,
        "logging": {"mean_fg_dice": [np.float64(0.5), np.float64(0.625)],
                    "ema_fg_dice": [np.float64(0.5), np.float64(0.5125)],
                    "dice_per_class_or_region": [[np.float64(0.25), np.float64(0.75)]],
                    "train_losses": [-0.25, -0.5], "val_losses": [np.float32(-0.125)],
                    "lrs": [0.01, 0.0099], "epoch_start_timestamps": [1.0], "epoch_end_timestamps": [2.0]},
        "_best_ema": np.float64(0.5125),
        "current_epoch": 2,
        "init_args": {"plans": plans, "configuration": config, "fold": fold, "dataset_json": dataset,
                      "device": torch.device("cuda", 0)},
        "trainer_name": "nnUNetTrainer",
        "inference_allowed_mirroring_axes": tuple(range(dims)),
    }
    torch.save(checkpoint, os.path.join(folder, "checkpoint_final.pth"))


if __name__ == "__main__":
    main()
