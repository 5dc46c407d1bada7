"""Checks of the PyTorch reference against hand computation and naive formulas.

Run: PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 -m unittest discover -s bench/reference -v
"""

import math
import unittest

import torch
from torch import nn

import unet_reference as ref


class WindowsTest(unittest.TestCase):

    def test_window_starts_spread_evenly(self):
        # span 172 in ceil(172 / 64) = 3 steps of 57.33: 0, 57.33, 114.67, 172 rounded
        self.assertEqual(ref.window_starts(300, 128, 0.5), [0, 57, 115, 172])
        self.assertEqual(ref.window_starts(128, 128, 0.5), [0])
        self.assertEqual(ref.window_starts(256, 128, 0.5), [0, 64, 128])
        self.assertEqual(ref.window_starts(96, 64, 0.5), [0, 32])

    def test_gaussian_values(self):
        g = ref.gaussian_importance((16, 8))
        self.assertEqual(tuple(g.shape), (16, 8))
        self.assertAlmostEqual(g[8, 4].item(), 1.0, places=6)
        self.assertEqual(g.argmax().item(), 8 * 8 + 4)
        # sigma 2 and 1: weight exp(-dy^2 / 8 - dx^2 / 2)
        self.assertAlmostEqual(g[10, 5].item(), math.exp(-4 / 8 - 1 / 2), places=6)
        self.assertGreater(g.min().item(), 0)

    def test_edges_lie_within_the_cut_off(self):
        # sigma = patch / 8 puts the cut-off radius int(4 sigma + 0.5) at or beyond the patch edge, so the
        # edge weights are the plain Gaussian: patch 40, sigma 5, offset -20 -> exp(-400 / 50)
        g = ref.gaussian_importance((40,))
        self.assertAlmostEqual(g[0].item(), math.exp(-400 / 50), places=7)
        g = ref.gaussian_importance((100,))
        self.assertAlmostEqual(g[0].item(), math.exp(-2500 / (2 * 12.5 ** 2)), places=7)

    def test_zero_weights_become_the_smallest_weight(self):
        g = ref.gaussian_importance((40,), sigma_scale=1 / 32)  # sigma 1.25, radius 5
        self.assertAlmostEqual(g[0].item(), g[15].item(), places=9)
        self.assertAlmostEqual(g[15].item(), math.exp(-25 / (2 * 1.25 ** 2)), places=7)
        self.assertGreater(g[15].item(), 0)

    def test_blending_of_a_pointwise_network_reproduces_it(self):
        class Pointwise(nn.Module):
            def __init__(self):
                super().__init__()
                self.heads = nn.ModuleList([nn.Conv2d(1, 3, 1)])

            def forward(self, x):
                return [self.heads[0](x)]

        net = Pointwise().eval()
        image = torch.randn(1, 50, 70)
        logits, windows = ref.sliding_window_logits(net, image, (32, 32), 0.5, 4, torch.device("cpu"))
        self.assertEqual(windows, 3 * 4)
        with torch.no_grad():
            expected = net.heads[0](image.unsqueeze(0))[0]
        self.assertTrue(torch.allclose(logits, expected, atol=1e-5))

    def test_small_image_is_padded_and_cropped(self):
        class Pointwise(nn.Module):
            def __init__(self):
                super().__init__()
                self.heads = nn.ModuleList([nn.Conv2d(1, 2, 1)])

            def forward(self, x):
                return [self.heads[0](x)]

        net = Pointwise().eval()
        image = torch.randn(1, 20, 40)
        logits, windows = ref.sliding_window_logits(net, image, (32, 32), 0.5, 2, torch.device("cpu"))
        self.assertEqual(tuple(logits.shape), (2, 20, 40))
        self.assertEqual(windows, 1 * 2)
        with torch.no_grad():
            expected = net.heads[0](image.unsqueeze(0))[0]
        self.assertTrue(torch.allclose(logits, expected, atol=1e-5))


class LossTest(unittest.TestCase):

    @staticmethod
    def naive(logits, target, classes):
        """Loops over voxels: CE over annotated voxels, Dice per sample and foreground class."""
        n = logits.shape[0]
        p = torch.softmax(logits.double(), 1)
        ce_sum, count = 0.0, 0
        dice = []
        for b in range(n):
            flat_p = p[b].reshape(classes, -1)
            flat_t = target[b].reshape(-1)
            for v in range(flat_t.numel()):
                t = flat_t[v].item()
                if t != classes:
                    ce_sum -= math.log(flat_p[t, v].item())
                    count += 1
            for c in range(1, classes):
                inter = pred = gt = 0.0
                for v in range(flat_t.numel()):
                    t = flat_t[v].item()
                    if t == classes:
                        continue
                    x = flat_p[c, v].item()
                    y = 1.0 if t == c else 0.0
                    inter += x * y
                    pred += x
                    gt += y
                dice.append((2 * inter + 1e-5) / max(gt + pred + 1e-5, 1e-8))
        ce = ce_sum / max(count, 1)
        return ce - sum(dice) / len(dice)

    def test_matches_naive_computation(self):
        g = torch.Generator().manual_seed(3)
        logits = torch.randn(2, 3, 5, 6, generator=g)
        target = torch.randint(0, 4, (2, 5, 6), generator=g)  # 3 = ignore
        got = ref.masked_dice_ce(logits, target, 3).item()
        self.assertAlmostEqual(got, self.naive(logits, target, 3), places=5)

    def test_all_ignored_gives_zero_ce(self):
        logits = torch.randn(1, 2, 4, 4)
        target = torch.full((1, 4, 4), 2)
        # CE 0; Dice of the single foreground class (1e-5 / 1e-5) = 1
        self.assertAlmostEqual(ref.masked_dice_ce(logits, target, 2).item(), -1.0, places=6)

    def test_ignored_voxels_do_not_change_the_loss(self):
        g = torch.Generator().manual_seed(4)
        logits = torch.randn(1, 3, 4, 4, generator=g, requires_grad=True)
        target = torch.randint(0, 3, (1, 4, 4), generator=g)
        target[0, :2] = 3
        loss = ref.masked_dice_ce(logits, target, 3)
        loss.backward()
        self.assertTrue(torch.all(logits.grad[0, :, :2] == 0))
        changed = logits.detach().clone()
        changed[0, :, :2] = 50
        self.assertAlmostEqual(ref.masked_dice_ce(changed, target, 3).item(), loss.item(), places=6)

    def test_deep_supervision_weights(self):
        w = ref.deep_supervision_weights(4)
        for got, expected in zip(w, [1 / 1.75, 0.5 / 1.75, 0.25 / 1.75, 0.0]):
            self.assertAlmostEqual(got, expected, places=12)
        self.assertEqual(ref.deep_supervision_weights(1), [1.0])

    def test_label_downsampling_takes_centre_voxels(self):
        t = torch.arange(8).view(1, 8).repeat(2, 1).view(2, 8)  # (n=2, x=8) as a 1-D spatial label
        self.assertEqual(ref.downsample_labels(t, (4,))[0].tolist(), [1, 3, 5, 7])
        self.assertEqual(ref.downsample_labels(t, (2,))[0].tolist(), [2, 6])
        # 8 -> 3: floor((2i + 1) * 8 / 6) = 1, 4, 6
        self.assertEqual(ref.downsample_labels(t, (3,))[0].tolist(), [1, 4, 6])


class NetworkTest(unittest.TestCase):

    def test_parameter_count_by_hand(self):
        # 2D, features 4 and 8, 3 classes: per conv block c_out*(c_in*9 + 1) weights+bias, +2*c_out norm
        net = ref.PlainConvUNet(2, 1, 3, [4, 8], [1, 2])

        def block(ci, co):
            return co * (ci * 9 + 1) + 2 * co

        expected = (block(1, 4) + block(4, 4) + block(4, 8) + block(8, 8)  # encoder
                    + 8 * 4 * 4 + 4  # transposed conv 2x2
                    + block(8, 4) + block(4, 4)  # decoder
                    + 3 * 4 + 3)  # head
        self.assertEqual(sum(p.numel() for p in net.parameters()), expected)

    def test_outputs_per_decoder_stage_in_training(self):
        features, strides = ref.topology(3, 4)
        self.assertEqual(features, [32, 64, 128, 256])
        self.assertEqual(ref.topology(3, 6)[0][-1], 320)
        self.assertEqual(ref.topology(2, 7)[0][-1], 512)
        net = ref.PlainConvUNet(2, 1, 2, [4, 8, 16], [1, 2, 2])
        x = torch.randn(1, 1, 16, 16)
        shapes = [tuple(o.shape) for o in net.train()(x)]
        self.assertEqual(shapes, [(1, 2, 16, 16), (1, 2, 8, 8)])
        self.assertEqual([tuple(o.shape) for o in net.eval()(x)], [(1, 2, 16, 16)])

    def test_kaiming_init_and_zero_bias(self):
        torch.manual_seed(0)
        net = ref.PlainConvUNet(2, 1, 2, [64, 64], [1, 2])
        conv = net.encoder[1][1][0]  # 64 -> 64, 3x3: fan-in 576
        expected = math.sqrt(2 / (1 + 0.01 ** 2)) / math.sqrt(576)
        self.assertAlmostEqual(conv.weight.std().item(), expected, delta=0.03 * expected)
        self.assertEqual(conv.bias.abs().sum().item(), 0)


class ExportTest(unittest.TestCase):

    def test_maskseg_names_cover_every_parameter_once(self):
        net = ref.PlainConvUNet(2, 1, 3, [4, 8, 16], [1, 2, 2])
        pairs = ref.maskseg_parameters(net)
        self.assertEqual(len({id(t) for _, t in pairs}), len(list(net.parameters())))
        shapes = dict((n, tuple(t.shape)) for n, t in pairs)
        self.assertEqual(shapes["encoder.0.conv0.weight"], (4, 1, 3, 3))
        self.assertEqual(shapes["encoder.2.norm1.bias"], (16,))
        self.assertEqual(shapes["decoder.1.up.weight"], (16, 8, 2, 2))  # ConvTranspose layout (c_in, c_out, s, s)
        self.assertEqual(shapes["decoder.0.conv0.weight"], (4, 8, 3, 3))
        self.assertEqual(shapes["decoder.0.head.weight"], (3, 4, 1, 1))

    def test_export_writes_consistent_files(self):
        import os
        import tempfile
        with tempfile.TemporaryDirectory() as out:
            ref.main(["export", "--out", out, "--size", "16", "--stages", "2", "--batch", "1"])
            lines = open(os.path.join(out, "case.txt")).read().splitlines()
            self.assertEqual(lines[0], "case 2 16 1 2 3")
            counts = [int(l.split()[2]) for l in lines if l.startswith("param ")]
            for name in ("before.bin", "after.bin"):
                self.assertEqual(os.path.getsize(os.path.join(out, name)), 4 * sum(counts))
            self.assertEqual(os.path.getsize(os.path.join(out, "labels.bin")), 4 * 16 * 16)
            size = [int(v) for v in lines[3].split()[1:]]
            self.assertEqual(lines[3].split()[0], "predict_image")
            self.assertEqual(os.path.getsize(os.path.join(out, "predict_logits.bin")), 4 * 3 * size[0] * size[1])


if __name__ == "__main__":
    unittest.main()
