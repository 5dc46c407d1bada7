package org.maskseg.core.tensor;

import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.List;

import org.maskseg.core.image.Batch;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.image.VolumeShapes;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Copies images, labels and batches between Java arrays and DJL {@link NDArray}s with one copy each way.
 * <p>
 * The backing arrays of {@link ImageVolume} and {@link LabelVolume} are already C-order (c, [z,] y, x), the
 * layout of a tensor, so no reordering is needed: the element at tensor index (c, z, y, x) is the volume's
 * value at position (x, y, z, c). To host: an uninitialised tensor is allocated by the engine and the Java array is
 * copied straight into its memory through a direct buffer view (no zero-filling, no intermediate direct
 * buffer, memory owned and freed by the engine when the array or its manager closes). Back: the tensor's
 * memory is viewed the same way and copied into a new Java array. Tensors on a GPU go through a temporary
 * host tensor.
 * <p>
 * Returned arrays belong to the given manager (and to an open {@link NDScope}, like any array).
 */
public final class Tensors {

    private Tensors() {
    }

    // ---------------------------------------------------------------------------------------------- to NDArray

    /** An image as a float32 tensor (c, [z,] y, x). */
    public static NDArray fromImage(NDManager manager, ImageVolume image) {
        return fromFloats(manager, image.data(), imageShape(image));
    }

    /** Several images of equal size and channels as one float32 tensor (n, c, [z,] y, x). */
    public static NDArray fromImages(NDManager manager, List<ImageVolume> images) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no images");
        }
        ImageVolume first = images.get(0);
        long[] one = imageShape(first);
        long[] shape = new long[one.length + 1];
        shape[0] = images.size();
        System.arraycopy(one, 0, shape, 1, one.length);
        for (ImageVolume i : images) {
            if (!Arrays.equals(imageShape(i), one)) {
                throw new IllegalArgumentException("image '" + i.name() + "' has shape " + Arrays.toString(imageShape(i))
                        + ", expected " + Arrays.toString(one));
            }
        }
        return create(manager, new Shape(shape), DataType.FLOAT32, buffer -> {
            java.nio.FloatBuffer f = buffer.asFloatBuffer();
            for (ImageVolume i : images) {
                f.put(i.data());
            }
        });
    }

    /** Labels as an integer tensor ([z,] y, x) of type {@link DataType#INT64} or {@link DataType#INT32}. */
    public static NDArray fromLabels(NDManager manager, LabelVolume labels, DataType type) {
        return fromInts(manager, labels.data(), type, VolumeShapes.tensorShape(labels.size()));
    }

    /** The images of a batch as float32 (n, c, [z,] y, x). */
    public static NDArray batchImages(NDManager manager, Batch batch) {
        return fromFloats(manager, batch.images(), batch.imageShape());
    }

    /** The canonical labels of a batch as (n, [z,] y, x), INT64 (for cross-entropy) or INT32. */
    public static NDArray batchLabels(NDManager manager, Batch batch, DataType type) {
        return fromInts(manager, batch.labels(), type, batch.labelShape());
    }

    /** A float32 tensor of the given C-order shape holding a copy of {@code data}. */
    public static NDArray fromFloats(NDManager manager, float[] data, long... shape) {
        Shape s = checkedShape(data.length, shape);
        return create(manager, s, DataType.FLOAT32, buffer -> buffer.asFloatBuffer().put(data));
    }

    /** An INT64 or INT32 tensor of the given C-order shape holding a copy of {@code data}. */
    public static NDArray fromInts(NDManager manager, int[] data, DataType type, long... shape) {
        Shape s = checkedShape(data.length, shape);
        if (type == DataType.INT32) {
            return create(manager, s, type, buffer -> buffer.asIntBuffer().put(data));
        }
        if (type == DataType.INT64) {
            return create(manager, s, type, buffer -> {
                LongBuffer l = buffer.asLongBuffer();
                for (int i = 0; i < data.length; i++) {
                    l.put(i, data[i]);
                }
            });
        }
        throw new IllegalArgumentException("labels go to INT64 or INT32 tensors, not " + type);
    }

    /** The tensor shape of an image: (c, [z,] y, x). */
    public static long[] imageShape(ImageVolume image) {
        long[] spatial = VolumeShapes.tensorShape(image.spatialSize());
        long[] shape = new long[spatial.length + 1];
        shape[0] = image.channels();
        System.arraycopy(spatial, 0, shape, 1, spatial.length);
        return shape;
    }

    private static Shape checkedShape(int length, long[] shape) {
        Shape s = new Shape(shape);
        if (s.size() != length) {
            throw new IllegalArgumentException("shape " + s + " holds " + s.size() + " elements, data has " + length);
        }
        return s;
    }

    private interface Filler {
        void fill(ByteBuffer tensorMemory);
    }

    /**
     * Allocates an uninitialised host tensor and fills its memory in place; for another device the filled
     * host tensor is then moved there.
     */
    private static NDArray create(NDManager manager, Shape shape, DataType type, Filler filler) {
        if (manager.getDevice().equals(Device.cpu())) {
            NDArray array = manager.create(shape, type);
            filler.fill(array.toByteBuffer(true));
            return array;
        }
        try (NDManager host = manager.newSubManager(Device.cpu())) {
            NDArray staging = host.create(shape, type);
            filler.fill(staging.toByteBuffer(true));
            NDArray array = staging.toDevice(manager.getDevice(), false);
            array.attach(manager);
            return array;
        }
    }

    // ---------------------------------------------------------------------------------------------- from NDArray

    /** A copy of a tensor's elements as floats, C-order (any numeric type, any device). */
    public static float[] toFloats(NDArray array) {
        float[] out = new float[Math.toIntExact(array.getShape().size())];
        copyTo(array, out);
        return out;
    }

    /**
     * Copies a tensor's elements as floats, C-order, into an existing array of the same length (saves the
     * allocation when the same shape is read back repeatedly, as in sliding-window prediction).
     */
    public static void copyTo(NDArray array, float[] out) {
        if (array.getShape().size() != out.length) {
            throw new IllegalArgumentException("tensor " + array.getShape() + " has " + array.getShape().size()
                    + " elements, the target array " + out.length);
        }
        // temporaries (host copy, type conversion, contiguous copy) are closed by the scope
        try (NDScope scope = new NDScope()) {
            NDArray host = onHost(array, DataType.FLOAT32);
            host.toByteBuffer(true).asFloatBuffer().get(out);
        }
    }

    /** A copy of a tensor's elements as ints, C-order (integer types; floats are truncated). */
    public static int[] toInts(NDArray array) {
        int[] out = new int[Math.toIntExact(array.getShape().size())];
        try (NDScope scope = new NDScope()) {
            NDArray host = onHost(array, DataType.INT32);
            IntBuffer b = host.toByteBuffer(true).asIntBuffer();
            b.get(out);
        }
        return out;
    }

    /** An image from a tensor (c, [z,] y, x) or, for one channel, ([z,] y, x). */
    public static ImageVolume toImage(NDArray array, String name, double[] spacing) {
        long[] shape = array.getShape().getShape();
        int spatialDims = spacing.length;
        long channels;
        long[] spatial;
        if (shape.length == spatialDims) {
            channels = 1;
            spatial = shape;
        } else if (shape.length == spatialDims + 1) {
            channels = shape[0];
            spatial = Arrays.copyOfRange(shape, 1, shape.length);
        } else {
            throw new IllegalArgumentException("tensor shape " + array.getShape() + " is not (c, [z,] y, x) for "
                    + spatialDims + " spatial dimensions");
        }
        return ImageVolume.wrap(name, toFloats(array), VolumeShapes.tensorShape(spatial), Math.toIntExact(channels),
                spacing);
    }

    /** Labels from an integer tensor ([z,] y, x). */
    public static LabelVolume toLabels(NDArray array, String name, double[] spacing) {
        long[] shape = array.getShape().getShape();
        if (shape.length != spacing.length) {
            throw new IllegalArgumentException("tensor shape " + array.getShape() + " is not ([z,] y, x) for "
                    + spacing.length + " spatial dimensions");
        }
        return LabelVolume.wrap(name, toInts(array), VolumeShapes.tensorShape(shape), spacing);
    }

    /** The array itself when it is a host array of that type, else a converted host copy (in the open scope). */
    private static NDArray onHost(NDArray array, DataType type) {
        NDArray a = array;
        if (!a.getDevice().equals(Device.cpu())) {
            a = a.toDevice(Device.cpu(), false);
        }
        if (a.getDataType() != type) {
            a = a.toType(type, false);
        }
        return a;
    }
}
