package org.maskseg.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.ImageVolume;

/** Probabilities kept as 16-bit NIfTI with an intensity scaling slope of 1/65535. */
class UnitIntervalFilesTest {

    @TempDir
    Path tmp;

    @Test
    void valuesComeBackWithinHalfAStepAndTheHeaderSaysHow() throws Exception {
        Random r = new Random(7);
        float[] d = new float[2 * 5 * 6 * 7];
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextFloat();
        }
        d[0] = 0f;
        d[1] = 1f;
        d[2] = 0.5f; // 32767.5 rounds up to 32768
        ImageVolume p = ImageVolume.wrap("p", d, new long[] {5, 6, 7}, 2, new double[] {2, 1, 0.5});
        Path file = tmp.resolve("p_probabilities.nii.gz");
        ImageFiles.writeUnitInterval(p, file);
        ImageVolume back = ImageFiles.readImage(file);
        assertEquals(2, back.channels());
        assertEquals(java.util.List.of(5L, 6L, 7L), java.util.Arrays.stream(back.spatialSize()).boxed().toList());
        double worst = 0;
        for (int i = 0; i < d.length; i++) {
            worst = Math.max(worst, Math.abs(back.data()[i] - d[i]));
        }
        assertTrue(worst <= 0.5 / 65535 + 1e-7, "largest error " + worst);
        assertEquals(0f, back.data()[0]);
        assertEquals(1f, back.data()[1], 1e-7);
        assertEquals(32768 / 65535.0, back.data()[2], 1e-7);

        // the header: datatype 512 (uint16), 16 bits, scl_slope 1/65535, scl_inter 0; the first stored values
        byte[] raw;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            raw = in.readAllBytes();
        }
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(512, b.getShort(70));
        assertEquals(16, b.getShort(72));
        assertEquals((float) (1.0 / 65535), b.getFloat(112));
        assertEquals(0f, b.getFloat(116));
        int offset = (int) b.getFloat(108);
        assertEquals(0, Short.toUnsignedInt(b.getShort(offset)));
        assertEquals(65535, Short.toUnsignedInt(b.getShort(offset + 2)));
        assertEquals(32768, Short.toUnsignedInt(b.getShort(offset + 4)));
        assertEquals(Math.round(d[3] * 65535.0), Short.toUnsignedInt(b.getShort(offset + 6)));
    }

    @Test
    void valuesOutsideTheUnitIntervalAndOtherFormatsAreRefused() {
        ImageVolume bad = ImageVolume.wrap("p", new float[] {0.2f, 1.5f}, new long[] {1, 2}, 1, new double[] {1, 1});
        Path file = tmp.resolve("bad.nii.gz");
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ImageFiles.writeUnitInterval(bad, file));
        assertEquals("image '" + file + "': value 1.5 at index 1 lies outside [0, 1]", e.getMessage());
        assertFalse(Files.exists(file));
        ImageVolume nan = ImageVolume.wrap("p", new float[] {Float.NaN, 0}, new long[] {1, 2}, 1, new double[] {1, 1});
        assertThrows(InvalidInputException.class, () -> ImageFiles.writeUnitInterval(nan, file));
        ImageVolume ok = ImageVolume.wrap("p", new float[] {0.2f, 1f}, new long[] {1, 2}, 1, new double[] {1, 1});
        InvalidInputException tif = assertThrows(InvalidInputException.class,
                () -> ImageFiles.writeUnitInterval(ok, tmp.resolve("p.tif")));
        assertTrue(tif.getMessage().contains("name the file .nii or .nii.gz"), tif.getMessage());
    }
}
