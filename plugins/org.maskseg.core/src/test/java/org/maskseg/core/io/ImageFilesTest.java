package org.maskseg.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.testing.TestData;

class ImageFilesTest {

    @TempDir
    Path dir;

    /** Distinct values per voxel and channel, including negatives and fractions. */
    private static ImageVolume ramp(long[] size, int channels, double[] spacing) {
        ImageVolume image = ImageVolume.create("ramp", size, channels, spacing);
        float[] d = image.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = i * 0.25f - 7.5f;
        }
        return image;
    }

    private static LabelVolume labels(long[] size, int... values) {
        LabelVolume l = LabelVolume.create("labels", size, ones(size.length));
        int[] d = l.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = values[i % values.length];
        }
        return l;
    }

    private static double[] ones(int n) {
        double[] s = new double[n];
        java.util.Arrays.fill(s, 1);
        return s;
    }

    private List<Path> filesIn(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.toList();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"a.tif", "a.tiff", "a.nii", "a.nii.gz"})
    void floatImagesRoundTripIn2dAnd3dWithChannels(String fileName) {
        for (long[] size : new long[][] {{5, 4}, {5, 4, 3}}) {
            for (int channels : new int[] {1, 2, 3, 4, 5}) {
                double[] spacing = size.length == 2 ? new double[] {0.5, 2} : new double[] {0.5, 2, 3.5};
                ImageVolume image = ramp(size, channels, spacing);
                Path file = dir.resolve(fileName);
                ImageFiles.writeImage(image, file);
                ImageVolume back = ImageFiles.readImage(file);
                String context = fileName + " " + java.util.Arrays.toString(size) + " c=" + channels;
                assertEquals("a", back.name(), context);
                assertArrayEquals(size, back.spatialSize(), context);
                assertEquals(channels, back.channels(), context);
                assertArrayEquals(image.data(), back.data(), context);
                ImageInfo info = ImageFiles.readInfo(file);
                assertArrayEquals(size, info.size(), context);
                assertEquals(channels, info.channels(), context);
                assertArrayEquals(spacing, back.spacing(), 1e-6, context);
                assertArrayEquals(spacing, info.spacing(), 1e-6, context);
                assertEquals(PixelType.FLOAT32, info.pixelType());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"a.png", "a.tif"})
    void integerImagesRoundTripThroughPngAndTiff(String fileName) {
        ImageVolume image = ImageVolume.create("a", new long[] {7, 3}, 3, new double[] {1, 1});
        float[] d = image.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (i * 37) % 256;
        }
        ImageFiles.writeImage(image, dir.resolve(fileName));
        ImageVolume back = ImageFiles.readImage(dir.resolve(fileName));
        assertEquals(3, back.channels());
        assertArrayEquals(d, back.data());
        d[0] = 40000; // needs 16 bits in PNG
        ImageFiles.writeImage(image, dir.resolve(fileName));
        assertArrayEquals(d, ImageFiles.readImage(dir.resolve(fileName)).data());
    }

    @ParameterizedTest
    @ValueSource(strings = {"l.png", "l.tif", "l.nii", "l.nii.gz"})
    void labelsRoundTripWithTheSmallestType(String fileName) {
        Path file = dir.resolve(fileName);
        int[][] valueSets = {{0, 1, 2, 255}, {0, 3, 65535}, {0, 1, -1}, {-70000, 5, 100000}};
        PixelType[] expectedTiff = {PixelType.UINT8, PixelType.UINT16, PixelType.INT32, PixelType.INT32};
        PixelType[] expectedNifti = {PixelType.UINT8, PixelType.UINT16, PixelType.INT32, PixelType.INT32};
        for (int k = 0; k < valueSets.length; k++) {
            for (long[] size : new long[][] {{6, 5}, {6, 5, 4}}) {
                LabelVolume l = labels(size, valueSets[k]);
                boolean pngCannot = fileName.endsWith(".png") && (k >= 2 || size.length == 3);
                if (pngCannot) {
                    InvalidInputException e = assertThrows(InvalidInputException.class,
                            () -> ImageFiles.writeLabels(l, file));
                    assertTrue(e.getMessage().contains("TIFF") && e.getMessage().contains("NIfTI"), e.getMessage());
                    continue;
                }
                ImageFiles.writeLabels(l, file);
                LabelVolume back = ImageFiles.readLabels(file);
                assertArrayEquals(size, back.size());
                assertArrayEquals(l.data(), back.data(), fileName + " set " + k);
                PixelType t = ImageFiles.readInfo(file).pixelType();
                assertEquals(fileName.contains(".nii") ? expectedNifti[k] : expectedTiff[k], t, fileName + " set " + k);
            }
        }
    }

    @Test
    void labelSpacingIsKeptInNifti() {
        LabelVolume l = labels(new long[] {4, 3, 2}, 0, 1).withSpacing(new double[] {0.7, 0.7, 2.5});
        ImageFiles.writeLabels(l, dir.resolve("l.nii.gz"));
        assertArrayEquals(new double[] {0.7, 0.7, 2.5}, ImageFiles.readLabels(dir.resolve("l.nii.gz")).spacing(), 1e-6);
    }

    @Test
    void readsTheSampleNucleiPngs() throws IOException {
        Path images = TestData.nuclei().resolve("images");
        Path first;
        try (Stream<Path> s = Files.list(images)) {
            first = s.sorted().findFirst().orElseThrow();
        }
        ImageVolume image = ImageFiles.readImage(first);
        assertArrayEquals(new long[] {256, 256}, image.spatialSize());
        assertEquals(1, image.channels());
        BufferedImage reference = ImageIO.read(first.toFile());
        // independent check through the raster of a plain ImageIO read, at a few positions
        for (int[] p : new int[][] {{0, 0}, {255, 0}, {17, 200}, {128, 128}, {255, 255}}) {
            float expected = reference.getRaster().getSample(p[0], p[1], 0);
            assertEquals(expected, image.data()[p[1] * 256 + p[0]]);
        }
        LabelVolume labels = ImageFiles.readLabels(TestData.nuclei().resolve("labels").resolve(first.getFileName()));
        int ones = 0;
        for (int v : labels.data()) {
            assertTrue(v == 0 || v == 1);
            ones += v;
        }
        assertTrue(ones > 0);
    }

    @Test
    void rgbaPngLosesAlphaAndPaletteImagesAreExpanded() throws IOException {
        BufferedImage rgba = new BufferedImage(3, 2, BufferedImage.TYPE_INT_ARGB);
        rgba.setRGB(1, 0, 0x80_10_20_30);
        ImageIO.write(rgba, "png", dir.resolve("rgba.png").toFile());
        ImageVolume image = ImageFiles.readImage(dir.resolve("rgba.png"));
        assertEquals(3, image.channels());
        assertEquals(0x10, image.data()[1]);
        assertEquals(0x20, image.data()[6 + 1]);
        assertEquals(0x30, image.data()[12 + 1]);

        byte[] r = {0, (byte) 200, 10};
        byte[] g = {0, 100, 20};
        byte[] b = {0, 50, 30};
        java.awt.image.IndexColorModel palette = new java.awt.image.IndexColorModel(8, 3, r, g, b);
        BufferedImage indexed = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_INDEXED, palette);
        indexed.getRaster().setSample(1, 1, 0, 1);
        indexed.getRaster().setSample(0, 1, 0, 2);
        ImageIO.write(indexed, "png", dir.resolve("indexed.png").toFile());
        ImageVolume expanded = ImageFiles.readImage(dir.resolve("indexed.png"));
        assertEquals(3, expanded.channels());
        assertArrayEquals(new float[] {0, 0, 10, 200, 0, 0, 20, 100, 0, 0, 30, 50}, expanded.data());
        // as labels, the palette indices are the values
        assertArrayEquals(new int[] {0, 0, 2, 1}, ImageFiles.readLabels(dir.resolve("indexed.png")).data());
    }

    @Test
    void rgbaTiffLosesAlphaButFourChannelTiffKeepsAll() throws IOException {
        BufferedImage rgba = new BufferedImage(3, 2, BufferedImage.TYPE_INT_ARGB);
        rgba.setRGB(2, 1, 0x40_0A_0B_0C);
        ImageIO.write(rgba, "tiff", dir.resolve("rgba.tif").toFile());
        ImageVolume image = ImageFiles.readImage(dir.resolve("rgba.tif"));
        assertEquals(3, image.channels());
        assertEquals(0x0B, image.data()[6 + 5]);
        ImageVolume four = ramp(new long[] {3, 2}, 4, new double[] {1, 1});
        ImageFiles.writeImage(four, dir.resolve("four.tif"));
        assertEquals(4, ImageFiles.readImage(dir.resolve("four.tif")).channels());
    }

    @Test
    void greyImageStoredAsRgbIsAcceptedAsLabelsButColouredIsNot() throws IOException {
        BufferedImage grey = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        grey.setRGB(1, 0, 0x030303);
        ImageIO.write(grey, "png", dir.resolve("g.png").toFile());
        assertArrayEquals(new int[] {0, 3}, ImageFiles.readLabels(dir.resolve("g.png")).data());
        grey.setRGB(0, 0, 0x010200);
        ImageIO.write(grey, "png", dir.resolve("c.png").toFile());
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ImageFiles.readLabels(dir.resolve("c.png")));
        assertTrue(e.getMessage().contains("c.png") && e.getMessage().contains("one channel"), e.getMessage());
    }

    @Test
    void fractionalValuesAreRefusedAsLabels() {
        ImageVolume image = ramp(new long[] {4, 4}, 1, new double[] {1, 1});
        ImageFiles.writeImage(image, dir.resolve("f.tif"));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ImageFiles.readLabels(dir.resolve("f.tif")));
        assertTrue(e.getMessage().contains("f.tif") && e.getMessage().contains("whole number"), e.getMessage());
        // whole-number floats are fine
        float[] d = image.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = i % 3 - 1;
        }
        ImageFiles.writeImage(image, dir.resolve("w.nii"));
        int[] back = ImageFiles.readLabels(dir.resolve("w.nii")).data();
        for (int i = 0; i < d.length; i++) {
            assertEquals((int) d[i], back[i]);
        }
    }

    @Test
    void pngRefusesWhatItCannotHoldAndLeavesNothingBehind() throws IOException {
        ImageVolume fractional = ramp(new long[] {4, 4}, 1, new double[] {1, 1});
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ImageFiles.writeImage(fractional, dir.resolve("x.png")));
        assertTrue(e.getMessage().contains("x.png") && e.getMessage().contains("TIFF"), e.getMessage());
        ImageVolume twoChannels = ImageVolume.create("t", new long[] {4, 4}, 2, new double[] {1, 1});
        e = assertThrows(InvalidInputException.class, () -> ImageFiles.writeImage(twoChannels, dir.resolve("x.png")));
        assertTrue(e.getMessage().contains("2"), e.getMessage());
        assertEquals(List.of(), filesIn(dir));
    }

    @Test
    void unknownExtensionsAreRefused() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ImageFiles.writeImage(ramp(new long[] {2, 2}, 1, new double[] {1, 1}), dir.resolve("x.jpg")));
        assertTrue(e.getMessage().contains("x.jpg") && e.getMessage().contains(".nii.gz"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> ImageFiles.readImage(dir.resolve("x.bmp")));
        assertTrue(e.getMessage().contains("x.bmp"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> ImageFiles.readImage(dir.resolve("missing.png")));
        assertTrue(e.getMessage().contains("missing.png") && e.getMessage().contains("not found"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a.png", "a.tif", "a.nii", "a.nii.gz"})
    void truncatedFilesFailCleanly(String fileName) throws IOException {
        Path file = dir.resolve(fileName);
        ImageFiles.writeLabels(labels(new long[] {64, 64}, 0, 1, 7, 3, 200), file);
        byte[] all = Files.readAllBytes(file);
        for (int keep : new int[] {0, 10, all.length / 2, all.length - 9}) {
            Files.write(file, java.util.Arrays.copyOf(all, keep));
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> ImageFiles.readLabels(file),
                    fileName + " cut at " + keep);
            assertTrue(e.getMessage().contains(fileName), e.getMessage());
            assertThrows(InvalidInputException.class, () -> ImageFiles.readImage(file));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"a.png", "a.tif", "a.nii", "a.nii.gz"})
    void foreignFilesFailCleanly(String fileName) throws IOException {
        Path file = dir.resolve(fileName);
        Files.writeString(file, "this is a text file that only has the name of an image file, nothing else.".repeat(10));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ImageFiles.readImage(file));
        assertTrue(e.getMessage().contains(fileName), e.getMessage());
        assertThrows(InvalidInputException.class, () -> ImageFiles.readInfo(file));
        // a real PNG under a TIFF name is still refused, not misread
        if (fileName.endsWith(".tif")) {
            ImageFiles.writeLabels(labels(new long[] {3, 3}, 1), dir.resolve("real.png"));
            Files.copy(dir.resolve("real.png"), file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            assertThrows(InvalidInputException.class, () -> ImageFiles.readImage(file));
        }
    }

    @Test
    void failedWriteKeepsTheOldFileAndLeavesNoTemporaryFile() throws IOException {
        Path file = dir.resolve("keep.png");
        ImageFiles.writeLabels(labels(new long[] {3, 3}, 1, 2), file);
        byte[] before = Files.readAllBytes(file);
        assertThrows(InvalidInputException.class,
                () -> ImageFiles.writeLabels(labels(new long[] {3, 3}, -1), file));
        assertArrayEquals(before, Files.readAllBytes(file));
        assertEquals(List.of(file), filesIn(dir));
    }

    @Test
    void writesCreateMissingFoldersAndReplaceExistingFiles() throws java.io.IOException {
        Path file = dir.resolve("sub/deeper/l.tif");
        ImageFiles.writeLabels(labels(new long[] {3, 2}, 1), file);
        ImageFiles.writeLabels(labels(new long[] {3, 2}, 2), file);
        assertArrayEquals(new int[] {2, 2, 2, 2, 2, 2}, ImageFiles.readLabels(file).data());
        try (java.util.stream.Stream<Path> left = Files.list(dir.resolve("sub/deeper"))) {
            assertEquals(java.util.List.of("l.tif"), left.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void nnUNetTypesTakeSixteenBitsFrom255On() throws IOException {
        long[] size = {3, 2, 1};
        double[] spacing = {1, 1, 1};
        LabelVolume upTo254 = LabelVolume.wrap("a", new int[] {0, 1, 2, 254, 0, 0}, size, spacing);
        LabelVolume with255 = LabelVolume.wrap("b", new int[] {0, 1, 2, 255, 0, 0}, size, spacing);
        Path f = dir.resolve("labels.nii");
        ImageFiles.writeLabels(with255, f, null, true);
        assertEquals(Nifti1.DT_UINT16, niftiDatatype(f), "nnU-Net writes uint8 only below 255");
        assertArrayEquals(with255.data(), ImageFiles.readLabels(f, "x").data());
        ImageFiles.writeLabels(upTo254, f, null, true);
        assertEquals(Nifti1.DT_UINT8, niftiDatatype(f));
        // MaskSeg's own choice keeps 255 in 8 bits (ignore masks)
        ImageFiles.writeLabels(with255, f, null, false);
        assertEquals(Nifti1.DT_UINT8, niftiDatatype(f));

        Path png = dir.resolve("labels.png");
        ImageFiles.writeLabels(LabelVolume.wrap("c", new int[] {0, 255, 1, 0, 0, 0}, new long[] {3, 2},
                new double[] {1, 1}), png, null, true);
        assertEquals(16, ImageIO.read(png.toFile()).getColorModel().getPixelSize());
    }

    private static short niftiDatatype(Path nii) throws IOException {
        byte[] b = Files.readAllBytes(nii);
        return java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getShort(70);
    }
}
