"""Loads a results folder written by MaskSeg's export the way nnU-Net's predictor does, with PyTorch.

    python3 check_exported_model.py RESULTS_DIR FOLD INPUT_SHAPE_JSON

Reads dataset.json and plans.json, loads fold_FOLD/checkpoint_final.pth with torch.load (weights_only=True and
False must give the same tensors), takes the configuration named by init_args.configuration, builds the network
from its architecture entry with the module names of dynamic-network-architectures' PlainConvUNet or
ResidualEncoderUNet (defined in make_nnunet_model.py), loads the weights with load_state_dict(strict=True), runs RESULTS_DIR/input.bin (float32,
C order, the shape given) and writes RESULTS_DIR/torch_logits_FOLD.bin. Prints one line of facts for the test.
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_nnunet_model import PlainConvUNet, ResidualEncoderUNet  # noqa: E402


def main():
    results, fold, shape = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    torch.set_num_threads(1)
    with open(os.path.join(results, "dataset.json")) as f:
        dataset = json.load(f)
    with open(os.path.join(results, "plans.json")) as f:
        plans = json.load(f)
    pth = os.path.join(results, "fold_" + fold, "checkpoint_final.pth")
    safe = torch.load(pth, map_location="cpu", weights_only=True)
    full = torch.load(pth, map_location="cpu")
    assert safe.keys() == full.keys(), (safe.keys(), full.keys())
    for k, v in full["network_weights"].items():
        assert torch.equal(v, safe["network_weights"][k]), k
    assert full["trainer_name"] == "nnUNetTrainer", full["trainer_name"]
    assert isinstance(full["inference_allowed_mirroring_axes"], tuple)
    config_name = full["init_args"]["configuration"]
    config = plans["configurations"][config_name]
    # what nnU-Net's ConfigurationManager and PlansManager read with [] (a missing key would fail there)
    for key in ["data_identifier", "preprocessor_name", "batch_size", "patch_size", "median_image_size_in_voxels",
                "spacing", "normalization_schemes", "use_mask_for_norm", "resampling_fn_data",
                "resampling_fn_data_kwargs", "resampling_fn_seg", "resampling_fn_seg_kwargs",
                "resampling_fn_probabilities", "resampling_fn_probabilities_kwargs", "architecture", "batch_dice"]:
        assert key in config, key
    for key in ["dataset_name", "plans_name", "original_median_spacing_after_transp",
                "original_median_shape_after_transp", "image_reader_writer", "transpose_forward",
                "transpose_backward", "configurations", "experiment_planner_used", "label_manager",
                "foreground_intensity_properties_per_channel"]:
        assert key in plans, key
    for c in range(len(dataset["channel_names"])):
        assert str(c) in plans["foreground_intensity_properties_per_channel"]
    arch = config["architecture"]
    residual = arch["network_class_name"] == "dynamic_network_architectures.architectures.unet.ResidualEncoderUNet"
    assert residual or arch["network_class_name"] == "dynamic_network_architectures.architectures.unet.PlainConvUNet"
    kw = arch["arch_kwargs"]
    dims = len(config["patch_size"])
    assert kw["conv_op"] == "torch.nn.modules.conv.Conv%dd" % dims
    assert kw["norm_op"] == "torch.nn.modules.instancenorm.InstanceNorm%dd" % dims
    assert kw["norm_op_kwargs"] == {"eps": 1e-05, "affine": True} and kw["dropout_op"] is None
    n_conv = kw["n_conv_per_stage_decoder"][0]
    assert set(kw["n_conv_per_stage_decoder"]) == {n_conv}
    if residual:
        assert "n_conv_per_stage" not in kw and len(kw["n_blocks_per_stage"]) == kw["n_stages"]
    else:
        assert set(kw["n_conv_per_stage"]) == {n_conv}
    # nnU-Net's label manager refuses label dicts without background = 0
    assert dataset["labels"]["background"] == 0
    # the number of outputs as nnU-Net's label manager counts them
    labels = {k: v for k, v in dataset["labels"].items() if k != "ignore"}
    regions = any(isinstance(v, list) and len(v) > 1 for v in labels.values())
    heads = len(labels) - 1 if regions else len(labels)
    if "ignore" in dataset["labels"]:
        values = [x for v in labels.values() for x in (v if isinstance(v, list) else [v])]
        assert dataset["labels"]["ignore"] == max(values) + 1
    if residual:
        net = ResidualEncoderUNet(len(dataset["channel_names"]), kw["features_per_stage"], dims, kw["kernel_sizes"],
                                  kw["strides"], kw["n_blocks_per_stage"], n_conv, heads)
    else:
        net = PlainConvUNet(len(dataset["channel_names"]), kw["features_per_stage"], dims, kw["kernel_sizes"],
                            kw["strides"], n_conv, heads)
    net.load_state_dict(full["network_weights"], strict=True)
    net.eval()
    x = torch.from_numpy(np.fromfile(os.path.join(results, "input.bin"), dtype="<f4").reshape(shape))
    with torch.no_grad():
        y = net(x)
    y.numpy().astype("<f4").tofile(os.path.join(results, "torch_logits_%s.bin" % fold))
    print(json.dumps({"configuration": config_name, "heads": heads, "regions": regions,
                      "axes": list(full["inference_allowed_mirroring_axes"]), "epoch": full["current_epoch"],
                      "keys": len(full["network_weights"])}))


if __name__ == "__main__":
    main()
