package org.maskseg.core.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.image.Batch;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

class TensorsTest {

    private static NDManager manager;

    @BeforeAll
    static void start() {
        manager = TorchRuntime.newManager(Device.cpu());
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    /** Values that differ everywhere, so any mix-up of axes shows. */
    private static ImageVolume image(long[] size, int channels) {
        ImageVolume image = ImageVolume.create("img", size, channels, ones(size.length));
        float[] d = image.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = i * 1.5f - 100;
        }
        return image;
    }

    private static LabelVolume labels(long[] size) {
        LabelVolume l = LabelVolume.create("lab", size, ones(size.length));
        int[] d = l.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (i * 7) % 11 - 1; // includes the ignore value -1
        }
        return l;
    }

    private static double[] ones(int n) {
        double[] s = new double[n];
        java.util.Arrays.fill(s, 1);
        return s;
    }

    @Test
    void tensorIndexCzyxEqualsVolumePositionXyzc() {
        ImageVolume image = image(new long[] {5, 4, 3}, 2);
        try (NDManager m = manager.newSubManager()) {
            NDArray t = Tensors.fromImage(m, image);
            assertEquals(new Shape(2, 3, 4, 5), t.getShape());
            assertEquals(DataType.FLOAT32, t.getDataType());
            float[] d = image.data();
            for (int c = 0; c < 2; c++) {
                for (int z = 0; z < 3; z++) {
                    for (int y = 0; y < 4; y++) {
                        for (int x = 0; x < 5; x++) {
                            // x-fastest position (x, y, z, c) of the volume
                            int i = ((c * 3 + z) * 4 + y) * 5 + x;
                            assertEquals(d[i], t.getFloat(c, z, y, x), "at x,y,z,c=" + x + "," + y + "," + z + ","
                                    + c);
                        }
                    }
                }
            }
        }
    }

    @Test
    void labelTensorIndexZyxEqualsVolumePositionXyz() {
        LabelVolume l = labels(new long[] {6, 5, 2});
        try (NDManager m = manager.newSubManager()) {
            NDArray t64 = Tensors.fromLabels(m, l, DataType.INT64);
            NDArray t32 = Tensors.fromLabels(m, l, DataType.INT32);
            assertEquals(new Shape(2, 5, 6), t64.getShape());
            assertEquals(DataType.INT64, t64.getDataType());
            assertEquals(DataType.INT32, t32.getDataType());
            int[] d = l.data();
            for (int z = 0; z < 2; z++) {
                for (int y = 0; y < 5; y++) {
                    for (int x = 0; x < 6; x++) {
                        int i = (z * 5 + y) * 6 + x;
                        assertEquals(d[i], t64.getLong(z, y, x));
                        assertEquals(d[i], t32.getInt(z, y, x));
                    }
                }
            }
        }
    }

    @Test
    void imagesRoundTripIn2dAnd3dWithChannels() {
        for (long[] size : new long[][] {{7, 3}, {4, 3, 5}}) {
            for (int channels : new int[] {1, 3}) {
                ImageVolume image = image(size, channels);
                try (NDManager m = manager.newSubManager()) {
                    NDArray t = Tensors.fromImage(m, image);
                    ImageVolume back = Tensors.toImage(t, "back", image.spacing());
                    assertArrayEquals(size, back.spatialSize());
                    assertEquals(channels, back.channels());
                    assertArrayEquals(image.data(), back.data());
                    // the tensor holds a copy: changing the image afterwards does not change it
                    image.data()[0] = 12345;
                    assertEquals(-100f, t.toFloatArray()[0]);
                }
            }
        }
    }

    @Test
    void labelsRoundTripThroughBothIntegerTypes() {
        for (long[] size : new long[][] {{7, 3}, {4, 3, 5}}) {
            LabelVolume l = labels(size);
            for (DataType type : new DataType[] {DataType.INT64, DataType.INT32}) {
                try (NDManager m = manager.newSubManager()) {
                    LabelVolume back = Tensors.toLabels(Tensors.fromLabels(m, l, type), "b", l.spacing());
                    assertArrayEquals(size, back.size());
                    assertArrayEquals(l.data(), back.data());
                }
            }
        }
        try (NDManager m = manager.newSubManager()) {
            assertThrows(IllegalArgumentException.class, () -> Tensors.fromLabels(m, l2(), DataType.FLOAT32));
        }
    }

    private static LabelVolume l2() {
        return labels(new long[] {2, 2});
    }

    @Test
    void batchesKeepTheirLayout() {
        int[] patch = {4, 3}; // x, y
        float[] images = new float[2 * 3 * 3 * 4];
        int[] labels = new int[2 * 3 * 4];
        for (int i = 0; i < images.length; i++) {
            images[i] = i;
        }
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 3;
        }
        Batch batch = new Batch(images, labels, 2, 3, patch);
        try (NDManager m = manager.newSubManager()) {
            NDArray x = Tensors.batchImages(m, batch);
            NDArray y = Tensors.batchLabels(m, batch, DataType.INT64);
            assertEquals(new Shape(2, 3, 3, 4), x.getShape());
            assertEquals(new Shape(2, 3, 4), y.getShape());
            // (n, c, y, x) = (1, 2, 1, 3): offset ((1·3 + 2)·3 + 1)·4 + 3
            assertEquals(((1 * 3 + 2) * 3 + 1) * 4 + 3, x.getFloat(1, 2, 1, 3));
            assertEquals(((1 * 3 + 2) * 4 + 1) % 3, y.getLong(1, 2, 1));
            assertArrayEquals(images, Tensors.toFloats(x));
            assertArrayEquals(labels, Tensors.toInts(y));
        }
    }

    @Test
    void severalImagesStackIntoOneBatch() {
        ImageVolume a = image(new long[] {3, 2}, 2);
        ImageVolume b = image(new long[] {3, 2}, 2);
        b.data()[5] = 99;
        try (NDManager m = manager.newSubManager()) {
            NDArray t = Tensors.fromImages(m, List.of(a, b));
            assertEquals(new Shape(2, 2, 2, 3), t.getShape());
            assertEquals(a.data()[5], t.getFloat(0, 0, 1, 2));
            assertEquals(99f, t.getFloat(1, 0, 1, 2));
            assertThrows(IllegalArgumentException.class,
                    () -> Tensors.fromImages(m, List.of(a, image(new long[] {2, 3}, 2))));
        }
    }

    @Test
    void readsBackNonContiguousAndOtherTypesWithoutLeaking() {
        try (NDManager m = manager.newSubManager()) {
            NDArray t = Tensors.fromFloats(m, new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
            NDArray transposed = t.transpose(); // a strided view (3, 2)
            assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, Tensors.toFloats(transposed));
            NDArray argmax = t.argMax(1); // int64
            assertArrayEquals(new int[] {2, 2}, Tensors.toInts(argmax));
            assertArrayEquals(new float[] {2, 2}, Tensors.toFloats(argmax));
            int before = m.getManagedArrays().size();
            for (int i = 0; i < 5; i++) {
                Tensors.toFloats(transposed);
                Tensors.toInts(t);
            }
            assertEquals(before, m.getManagedArrays().size(), "temporaries are closed");
        }
    }

    @Test
    void shapeMismatchIsRefused() {
        try (NDManager m = manager.newSubManager()) {
            assertThrows(IllegalArgumentException.class, () -> Tensors.fromFloats(m, new float[5], 2, 3));
            NDArray t = Tensors.fromFloats(m, new float[6], 1, 2, 3);
            assertThrows(IllegalArgumentException.class, () -> Tensors.toLabels(t, "x", new double[] {1, 1}));
        }
    }
}
