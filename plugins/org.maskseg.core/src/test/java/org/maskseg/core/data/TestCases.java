package org.maskseg.core.data;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.preprocess.TrainingCase;
import org.maskseg.core.testing.TestData;

/** Training cases for tests: real 2D nuclei images and synthetic volumes. */
public final class TestCases {

    private TestCases() {
    }

    /** A case from raw arrays (C-order), one channel. */
    public static TrainingCase of(String name, long[] size, float[] image, int[] labels) {
        double[] spacing = new double[size.length];
        java.util.Arrays.fill(spacing, 1);
        return new TrainingCase(name, ImageVolume.wrap(name, image, size, 1, spacing),
                LabelVolume.wrap(name, labels, size, spacing));
    }

    /** A case whose image value at voxel i is i (handy to see where patch voxels come from). */
    public static TrainingCase indexed(String name, long[] size, int[] labels) {
        float[] image = new float[labels.length];
        for (int i = 0; i < image.length; i++) {
            image[i] = i;
        }
        return of(name, size, image, labels);
    }

    /**
     * The first {@code count} nuclei images (z-scored) with canonical labels, 2 classes. With
     * {@code ignoreOutsideCentre} only the central 128 x 128 square is annotated, the rest is ignore (2).
     */
    public static List<TrainingCase> nuclei(int count, boolean ignoreOutsideCentre) {
        Path root = TestData.nuclei();
        List<TrainingCase> cases = new ArrayList<>();
        try (Stream<Path> files = Files.list(root.resolve("images"))) {
            List<Path> images = files.sorted().limit(count).toList();
            for (Path img : images) {
                BufferedImage bi = ImageIO.read(img.toFile());
                BufferedImage bl = ImageIO.read(root.resolve("labels").resolve(img.getFileName()).toFile());
                int w = bi.getWidth(), h = bi.getHeight();
                Raster ri = bi.getRaster(), rl = bl.getRaster();
                float[] image = new float[w * h];
                int[] labels = new int[w * h];
                double sum = 0, sum2 = 0;
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        float v = ri.getSample(x, y, 0);
                        image[y * w + x] = v;
                        sum += v;
                        sum2 += v * v;
                        boolean annotated = !ignoreOutsideCentre || x >= 64 && x < 192 && y >= 64 && y < 192;
                        labels[y * w + x] = annotated ? (rl.getSample(x, y, 0) > 0 ? 1 : 0) : 2;
                    }
                }
                double mean = sum / image.length;
                double std = Math.sqrt(Math.max(1e-12, sum2 / image.length - mean * mean));
                for (int i = 0; i < image.length; i++) {
                    image[i] = (float) ((image[i] - mean) / std);
                }
                String name = img.getFileName().toString().replace(".png", "");
                cases.add(of(name, new long[] {w, h}, image, labels));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cases;
    }

    /**
     * A synthetic 3D case n x n x n, two channels, three classes: a ball of class 1, a cube of class 2,
     * and an ignore slab (3) over the first quarter in z; smooth intensities plus a class offset.
     */
    public static TrainingCase volume(String name, int n, long seed) {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
        int vox = n * n * n;
        float[] image = new float[2 * vox];
        int[] labels = new int[vox];
        double cx = n * (0.3 + 0.4 * rng.nextDouble()), cy = n * (0.3 + 0.4 * rng.nextDouble()), cz = n * 0.6;
        double r = n / 6.0;
        for (int z = 0; z < n; z++) {
            for (int y = 0; y < n; y++) {
                for (int x = 0; x < n; x++) {
                    int i = (z * n + y) * n + x;
                    int label = 0;
                    if ((x - cx) * (x - cx) + (y - cy) * (y - cy) + (z - cz) * (z - cz) < r * r) {
                        label = 1;
                    } else if (x < n / 4 && y < n / 4 && z >= n / 2) {
                        label = 2;
                    }
                    if (z < n / 4) {
                        label = 3;
                    }
                    labels[i] = label;
                    image[i] = (float) (Math.sin(x * 0.3) + Math.cos(y * 0.2) + 0.1 * z / n + (label == 1 ? 1 : 0));
                    image[vox + i] = (float) (rng.nextGaussian() * 0.5 + (label == 2 ? 2 : 0));
                }
            }
        }
        long[] size = {n, n, n};
        double[] spacing = {1, 1, 1};
        return new TrainingCase(name, ImageVolume.wrap(name, image, size, 2, spacing),
                LabelVolume.wrap(name, labels, size, spacing));
    }
}
