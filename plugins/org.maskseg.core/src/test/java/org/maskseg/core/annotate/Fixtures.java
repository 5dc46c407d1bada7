package org.maskseg.core.annotate;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.testing.TestData;

/** Small label volumes for the annotation tests. */
final class Fixtures {

    private Fixtures() {
    }

    /** A 2D label image from rows (y from top), spacing 1. */
    static LabelVolume rows(int... valuesRowMajor) {
        int n = (int) Math.round(Math.sqrt(valuesRowMajor.length));
        if (n * n != valuesRowMajor.length) {
            throw new IllegalArgumentException("not square");
        }
        return LabelVolume.wrap("test", valuesRowMajor.clone(), new long[] {n, n}, new double[] {1, 1});
    }

    /** A w x h image of background with a filled rectangle [x0, x1) x [y0, y1) of {@code value}. */
    static LabelVolume rectangle(int w, int h, int x0, int x1, int y0, int y1, int value) {
        int[] d = new int[w * h];
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                d[y * w + x] = value;
            }
        }
        return LabelVolume.wrap("rect", d, new long[] {w, h}, new double[] {1, 1});
    }

    static int count(LabelVolume l, int value) {
        int c = 0;
        for (int v : l.data()) {
            c += v == value ? 1 : 0;
        }
        return c;
    }

    /** The dense nuclei label images (0 = background, 1 = nucleus), read directly from the PNG files. */
    static List<LabelVolume> nucleiLabels(int limit) {
        Path dir = TestData.nuclei().resolve("labels");
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().limit(limit).map(Fixtures::readLabelPng).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static LabelVolume readLabelPng(Path file) {
        try {
            BufferedImage img = ImageIO.read(file.toFile());
            Raster r = img.getRaster();
            int w = img.getWidth();
            int h = img.getHeight();
            int[] d = new int[w * h];
            r.getSamples(0, 0, w, h, 0, d);
            return LabelVolume.wrap(file.getFileName().toString(), d, new long[] {w, h}, new double[] {1, 1});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
