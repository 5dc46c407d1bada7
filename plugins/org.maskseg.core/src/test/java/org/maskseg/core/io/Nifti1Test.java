package org.maskseg.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;

class Nifti1Test {

    @TempDir
    Path dir;

    /** Sets little-endian bytes at an offset of a hand-built header. */
    private static void put(byte[] b, int offset, int... bytes) {
        for (int i = 0; i < bytes.length; i++) {
            b[offset + i] = (byte) bytes[i];
        }
    }

    @Test
    void writtenLabelFileMatchesAHandBuiltHeaderByteForByte() throws IOException {
        // 3 x 2 x 4 labels, values 0..23 (fit uint8), spacing 0.5 / 0.75 / 2
        int[] values = new int[24];
        for (int i = 0; i < values.length; i++) {
            values[i] = i;
        }
        LabelVolume labels = LabelVolume.wrap("l", values, new long[] {3, 2, 4}, new double[] {0.5, 0.75, 2});
        Path file = dir.resolve("l.nii");
        ImageFiles.writeLabels(labels, file);

        byte[] expected = new byte[352 + 24];
        put(expected, 0, 0x5C, 0x01, 0, 0); // sizeof_hdr 348 = 0x015C
        put(expected, 38, 'r'); // regular
        put(expected, 40, 3, 0, 3, 0, 2, 0, 4, 0, 1, 0, 1, 0, 1, 0, 1, 0); // dim: 3 axes 3,2,4
        put(expected, 70, 2, 0); // datatype 2 = uint8
        put(expected, 72, 8, 0); // bitpix 8
        put(expected, 76, 0, 0, 0x80, 0x3F); // pixdim[0] = qfac 1.0f
        put(expected, 80, 0, 0, 0, 0x3F); // 0.5f
        put(expected, 84, 0, 0, 0x40, 0x3F); // 0.75f
        put(expected, 88, 0, 0, 0, 0x40); // 2.0f
        put(expected, 108, 0, 0, 0xB0, 0x43); // vox_offset 352.0f = 0x43B00000
        put(expected, 112, 0, 0, 0x80, 0x3F); // scl_slope 1.0f
        put(expected, 123, 2); // xyzt_units: millimetres
        put(expected, 252, 1, 0); // qform_code 1
        put(expected, 254, 1, 0); // sform_code 1
        put(expected, 280, 0, 0, 0, 0x3F); // srow_x[0] 0.5f
        put(expected, 300, 0, 0, 0x40, 0x3F); // srow_y[1] 0.75f
        put(expected, 320, 0, 0, 0, 0x40); // srow_z[2] 2.0f
        put(expected, 344, 'n', '+', '1', 0); // magic
        for (int i = 0; i < 24; i++) {
            expected[352 + i] = (byte) i;
        }
        assertArrayEquals(expected, Files.readAllBytes(file));

        // the gzip variant holds the same bytes
        ImageFiles.writeLabels(labels, dir.resolve("l.nii.gz"));
        try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(dir.resolve("l.nii.gz")))) {
            assertArrayEquals(expected, in.readAllBytes());
        }
    }

    /** A header with the fields the reader needs, in the given byte order. */
    private static ByteBuffer header(ByteOrder order, short[] dim, short datatype, short bitpix, float[] pixdim,
            float slope, float inter) {
        ByteBuffer b = ByteBuffer.allocate(352).order(order);
        b.putInt(0, 348);
        for (int i = 0; i < dim.length; i++) {
            b.putShort(40 + 2 * i, dim[i]);
        }
        b.putShort(70, datatype);
        b.putShort(72, bitpix);
        for (int i = 0; i < pixdim.length; i++) {
            b.putFloat(76 + 4 * i, pixdim[i]);
        }
        b.putFloat(108, 352);
        b.putFloat(112, slope);
        b.putFloat(116, inter);
        b.put(344, (byte) 'n').put(345, (byte) '+').put(346, (byte) '1');
        return b;
    }

    private Path file(String name, ByteBuffer header, ByteBuffer data, boolean gzip) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(header.array());
        bytes.write(data.array(), 0, data.position());
        byte[] content = bytes.toByteArray();
        if (gzip) {
            ByteArrayOutputStream z = new ByteArrayOutputStream();
            try (GZIPOutputStream out = new GZIPOutputStream(z)) {
                out.write(content);
            }
            content = z.toByteArray();
        }
        return Files.write(dir.resolve(name), content);
    }

    @Test
    void readsBigEndianInt16WithIntensityScaling() throws IOException {
        ByteBuffer h = header(ByteOrder.BIG_ENDIAN, new short[] {3, 2, 2, 2, 1, 1, 1, 1}, (short) 4, (short) 16,
                new float[] {1, 0.8f, 0.9f, 3f}, 2f, -1f);
        ByteBuffer d = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN);
        short[] stored = {-3, 0, 1, 2, 100, -100, 32767, -32768};
        for (short s : stored) {
            d.putShort(s);
        }
        Path f = file("be.nii", h, d, false);
        ImageVolume image = ImageFiles.readImage(f);
        assertArrayEquals(new long[] {2, 2, 2}, image.spatialSize());
        assertArrayEquals(new double[] {0.8, 0.9, 3}, image.spacing(), 1e-6);
        for (int i = 0; i < stored.length; i++) {
            assertEquals(stored[i] * 2f - 1f, image.data()[i]);
        }
        // labels get the same scaling, and odd values stay whole numbers
        assertEquals(-7, ImageFiles.readLabels(f).data()[0]);
        ImageInfo info = ImageFiles.readInfo(f);
        assertEquals(PixelType.INT16, info.pixelType());
    }

    @Test
    void readsEverySupportedTypeLittleEndianAndGzipped() throws IOException {
        short[] dim = {2, 3, 1, 1, 1, 1, 1, 1};
        float[] pix = {1, 1, 1};
        Object[][] cases = {
            {(short) 2, (short) 8, new double[] {0, 128, 255}, PixelType.UINT8},
            {(short) 256, (short) 8, new double[] {-128, 0, 127}, PixelType.INT8},
            {(short) 512, (short) 16, new double[] {0, 40000, 65535}, PixelType.UINT16},
            {(short) 8, (short) 32, new double[] {-2000000, 0, 2000000}, PixelType.INT32},
            {(short) 768, (short) 32, new double[] {0, 7, 3000000000.0}, PixelType.UINT32},
            {(short) 16, (short) 32, new double[] {-1.5, 0.25, 1e6}, PixelType.FLOAT32},
            {(short) 64, (short) 64, new double[] {-2.5, 0.125, 1e-3}, PixelType.FLOAT64},
        };
        for (Object[] c : cases) {
            short type = (short) c[0];
            short bits = (short) c[1];
            double[] v = (double[]) c[2];
            ByteBuffer d = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
            for (double x : v) {
                switch (type) {
                    case 2, 256 -> d.put((byte) (long) x);
                    case 512 -> d.putShort((short) (long) x);
                    case 8, 768 -> d.putInt((int) (long) x);
                    case 16 -> d.putFloat((float) x);
                    default -> d.putDouble(x);
                }
            }
            for (boolean gzip : new boolean[] {false, true}) {
                Path f = file("t" + type + (gzip ? ".nii.gz" : ".nii"), header(ByteOrder.LITTLE_ENDIAN, dim, type,
                        bits, pix, 0, 0), d, gzip);
                ImageVolume image = ImageFiles.readImage(f);
                assertArrayEquals(new long[] {3, 1}, image.spatialSize(), "type " + type);
                for (int i = 0; i < v.length; i++) {
                    assertEquals((float) v[i], image.data()[i], "type " + type + " voxel " + i);
                }
                assertEquals(c[3], ImageFiles.readInfo(f).pixelType());
            }
        }
    }

    @Test
    void fourthDimensionIsChannelsAndSingleSliceVolumesAre2d() throws IOException {
        ImageVolume image = ImageVolume.create("c", new long[] {4, 3}, 2, new double[] {0.5, 0.25});
        for (int i = 0; i < 24; i++) {
            image.data()[i] = i;
        }
        ImageFiles.writeImage(image, dir.resolve("c.nii"));
        ByteBuffer h = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("c.nii"))).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(4, h.getShort(40));
        assertEquals(4, h.getShort(42));
        assertEquals(3, h.getShort(44));
        assertEquals(1, h.getShort(46));
        assertEquals(2, h.getShort(48));
        ImageVolume back = ImageFiles.readImage(dir.resolve("c.nii"));
        assertEquals(2, back.channels());
        assertArrayEquals(new long[] {4, 3}, back.spatialSize());
        assertArrayEquals(new double[] {0.5, 0.25}, back.spacing(), 1e-7);
        assertArrayEquals(image.data(), back.data());
    }

    @Test
    void refusesForeignVariants() throws IOException {
        ByteBuffer nifti2 = ByteBuffer.allocate(540).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 540);
        Path f2 = Files.write(dir.resolve("two.nii"), nifti2.array());
        assertMessage(f2, "NIfTI-2");

        ByteBuffer pair = header(ByteOrder.LITTLE_ENDIAN, new short[] {2, 2, 2, 1, 1, 1, 1, 1}, (short) 2, (short) 8,
                new float[] {1, 1, 1}, 1, 0);
        pair.put(344, (byte) 'n').put(345, (byte) 'i').put(346, (byte) '1');
        assertMessage(file("pair.nii", pair, ByteBuffer.allocate(4).position(4), false), ".hdr/.img");

        ByteBuffer rgb = header(ByteOrder.LITTLE_ENDIAN, new short[] {2, 2, 2, 1, 1, 1, 1, 1}, (short) 128, (short) 24,
                new float[] {1, 1, 1}, 1, 0);
        assertMessage(file("rgb.nii", rgb, ByteBuffer.allocate(12).position(12), false), "unsupported pixel type");

        ByteBuffer fiveD = header(ByteOrder.LITTLE_ENDIAN, new short[] {5, 2, 2, 1, 1, 2, 1, 1}, (short) 2, (short) 8,
                new float[] {1, 1, 1}, 1, 0);
        assertMessage(file("five.nii", fiveD, ByteBuffer.allocate(8).position(8), false), "not supported");

        ByteBuffer badBits = header(ByteOrder.LITTLE_ENDIAN, new short[] {2, 2, 2, 1, 1, 1, 1, 1}, (short) 16,
                (short) 8, new float[] {1, 1, 1}, 1, 0);
        assertMessage(file("bits.nii", badBits, ByteBuffer.allocate(16).position(16), false), "bitpix");
    }

    private static void assertMessage(Path file, String part) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ImageFiles.readImage(file));
        assertTrue(e.getMessage().contains(file.getFileName().toString()) && e.getMessage().contains(part),
                e.getMessage());
    }

    @Test
    void resultsTakeTheOrientationOfTheirBigEndianReference() throws IOException {
        ByteBuffer h = header(ByteOrder.BIG_ENDIAN, new short[] {3, 3, 2, 2, 1, 1, 1, 1}, (short) 16, (short) 32,
                new float[] {-1, 0.9f, 0.8f, 2.5f}, 0, 0);
        h.putShort(252, (short) 2).putShort(254, (short) 4);
        float[] quatern = {0.1f, -0.2f, 0.3f};
        float[] qoffset = {-90.5f, 12.25f, 40f};
        for (int i = 0; i < 3; i++) {
            h.putFloat(256 + 4 * i, quatern[i]);
            h.putFloat(268 + 4 * i, qoffset[i]);
        }
        for (int i = 0; i < 12; i++) {
            h.putFloat(280 + 4 * i, i * 0.5f - 2);
        }
        h.put(123, (byte) 10);
        Path reference = file("ref.nii", h, ByteBuffer.allocate(48).position(48), false);

        LabelVolume labels = LabelVolume.create("p", new long[] {3, 2, 2}, new double[] {0.9, 0.8, 2.5});
        Path out = dir.resolve("pred.nii.gz");
        ImageFiles.writeLabels(labels, out, reference);
        ByteBuffer w;
        try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(out))) {
            w = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
        }
        assertEquals(2, w.getShort(252));
        assertEquals(4, w.getShort(254));
        assertEquals(-1f, w.getFloat(76));
        assertEquals(10, w.get(123));
        for (int i = 0; i < 3; i++) {
            assertEquals(quatern[i], w.getFloat(256 + 4 * i));
            assertEquals(qoffset[i], w.getFloat(268 + 4 * i));
        }
        for (int i = 0; i < 12; i++) {
            assertEquals(i * 0.5f - 2, w.getFloat(280 + 4 * i));
        }
        // the same for images; a reference of another size is refused
        ImageFiles.writeImage(ImageVolume.create("p", new long[] {3, 2, 2}, 1, new double[] {1, 1, 1}),
                dir.resolve("prob.nii"), reference);
        assertEquals(4, ByteBuffer.wrap(Files.readAllBytes(dir.resolve("prob.nii"))).order(ByteOrder.LITTLE_ENDIAN)
                .getShort(254));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ImageFiles.writeLabels(
                LabelVolume.create("p", new long[] {3, 3, 2}, new double[] {1, 1, 1}), dir.resolve("x.nii"), reference));
        assertTrue(e.getMessage().contains("ref.nii") && e.getMessage().contains("3×2×2"), e.getMessage());
    }

    @Test
    void corruptGzipIsReported() throws IOException {
        ImageFiles.writeImage(ImageVolume.create("z", new long[] {32, 32}, 1, new double[] {1, 1}),
                dir.resolve("z.nii.gz"));
        byte[] b = Files.readAllBytes(dir.resolve("z.nii.gz"));
        for (int i = 20; i < b.length - 20; i++) {
            b[i] ^= 0x5A;
        }
        Files.write(dir.resolve("z.nii.gz"), b);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ImageFiles.readImage(dir.resolve("z.nii.gz")));
        assertTrue(e.getMessage().contains("z.nii.gz"), e.getMessage());
    }
}
