package org.maskseg.core.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.plan.Plan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * nnU-Net's U-Net for 2D and 3D, written functionally on DJL's PyTorch engine: an encoder of resolution stages,
 * which each subclass defines ({@link PlainConvUNet}, {@link ResidualEncoderUNet}), and the decoder they share.
 * <p>
 * Decoder level l (working at the resolution of encoder stage l, from the deepest level up to 0): transposed
 * convolution (kernel = stride of stage l+1) from the level below, concatenation with the encoder output of
 * stage l (upsampled features first), {@code convsPerStage} × (convolution with kernel k_l and padding k_l/2 →
 * instance normalisation (eps 1e-5, affine) → LeakyReLU 0.01), and a 1×1(×1) segmentation head.
 * <p>
 * Decoder parameter names: {@code decoder.<l>.up.weight|bias} (PyTorch ConvTranspose layout (c_in, c_out,
 * s...)), {@code decoder.<l>.conv<j>.*}, {@code decoder.<l>.norm<j>.*}, {@code decoder.<l>.head.weight|bias};
 * encoder parameters start with {@code encoder.}. All spatial axes of weights are in tensor order (z, y, x).
 */
public abstract class UNet implements SegmentationNetwork {

    /** Negative slope used by the Kaiming initialisation (matches the LeakyReLU). */
    private static final double INIT_SLOPE = 0.01;

    private final NDManager manager;
    /** 2 or 3. */
    protected final int dims;
    /** Image channels. */
    protected final int inputChannels;
    private final int numClasses;
    /** Number of resolution stages. */
    protected final int numStages;
    /** Convolution blocks per decoder level. */
    private final int convsPerStage;
    private final boolean deepSupervision;
    /** Output features per stage. */
    protected final int[] features;
    /** Per stage, tensor order (z, y, x). */
    protected final long[][] strides;
    /** Per stage, tensor order (z, y, x). */
    protected final long[][] kernels;
    private final LinkedHashMap<String, NDArray> params = new LinkedHashMap<>();
    private final Map<String, Shape> shapes = new LinkedHashMap<>();
    private volatile Precision precision = Precision.FP32;

    /**
     * Builds and initialises the network.
     *
     * @param parent        manager whose device the parameters live on; the network owns a sub-manager of it
     * @param topology      stages, features, strides and kernels (spatial arrays x first, as in the plan)
     * @param inputChannels image channels
     * @param numClasses    output channels (classes including background, or regions of a region-based plan)
     * @param spatialDims   2 or 3
     * @param seed          seed of the weight initialisation; the same seed gives the same weights everywhere
     */
    protected UNet(NDManager parent, Plan.Network topology, int inputChannels, int numClasses, int spatialDims,
            long seed) {
        validate(topology, inputChannels, numClasses, spatialDims);
        this.dims = spatialDims;
        this.inputChannels = inputChannels;
        this.numClasses = numClasses;
        this.numStages = topology.numStages();
        this.convsPerStage = topology.convsPerStage();
        this.deepSupervision = topology.deepSupervision();
        this.features = topology.features().clone();
        this.strides = new long[numStages][];
        this.kernels = new long[numStages][];
        for (int s = 0; s < numStages; s++) {
            strides[s] = tensorOrder(topology.strides()[s]);
            kernels[s] = tensorOrder(topology.kernelSizes()[s]);
        }
        declareEncoder(topology);
        declareDecoder();
        this.manager = parent.newSubManager();
        boolean ok = false;
        try {
            initialise(seed);
            ok = true;
        } finally {
            if (!ok) {
                manager.close();
            }
        }
    }

    /**
     * The network a plan describes (2D or 3D, channels, classes, topology): a {@link ResidualEncoderUNet} when
     * the plan's network is {@value Plan.Network#RESIDUAL_ENCODER_UNET}, else a {@link PlainConvUNet}.
     */
    public static UNet build(NDManager parent, Plan plan, long seed) {
        if (Plan.Network.RESIDUAL_ENCODER_UNET.equals(plan.network().architecture())) {
            return ResidualEncoderUNet.fromPlan(parent, plan, seed);
        }
        return PlainConvUNet.fromPlan(parent, plan, seed);
    }

    private static void validate(Plan.Network t, int inputChannels, int numClasses, int dims) {
        if (dims != 2 && dims != 3) {
            throw new InvalidInputException("network: spatial dimensions must be 2 or 3, got " + dims);
        }
        if (inputChannels < 1) {
            throw new InvalidInputException("network: at least one input channel is needed, got " + inputChannels);
        }
        if (numClasses < 1) {
            throw new InvalidInputException("network: at least one output channel is needed, got " + numClasses);
        }
        if (t.numStages() < 2) {
            throw new InvalidInputException("plan network.numStages: at least 2 stages are needed, got "
                    + t.numStages());
        }
        if (t.convsPerStage() < 1) {
            throw new InvalidInputException("plan network.convsPerStage: must be at least 1, got " + t.convsPerStage());
        }
        if (t.features() == null || t.features().length != t.numStages() || t.strides() == null
                || t.strides().length != t.numStages() || t.kernelSizes() == null
                || t.kernelSizes().length != t.numStages()) {
            throw new InvalidInputException("plan network: features, strides and kernelSizes need one entry per stage ("
                    + t.numStages() + "), got " + (t.features() == null ? 0 : t.features().length) + ", "
                    + (t.strides() == null ? 0 : t.strides().length) + " and "
                    + (t.kernelSizes() == null ? 0 : t.kernelSizes().length));
        }
        for (int s = 0; s < t.numStages(); s++) {
            if (t.features()[s] < 1) {
                throw new InvalidInputException("plan network.features[" + s + "]: must be positive, got "
                        + t.features()[s]);
            }
            checkAxes("strides", s, t.strides()[s], dims, false);
            checkAxes("kernelSizes", s, t.kernelSizes()[s], dims, true);
        }
    }

    private static void checkAxes(String what, int stage, int[] v, int dims, boolean odd) {
        if (v == null || v.length != dims) {
            throw new InvalidInputException("plan network." + what + "[" + stage + "]: expected " + dims
                    + " values (x, y" + (dims == 3 ? ", z" : "") + "), got " + Arrays.toString(v));
        }
        for (int a : v) {
            if (a < 1 || (odd && a % 2 == 0)) {
                throw new InvalidInputException("plan network." + what + "[" + stage + "]: expected "
                        + (odd ? "odd positive kernel sizes" : "positive strides") + ", got " + Arrays.toString(v));
            }
        }
    }

    private static long[] tensorOrder(int[] xFirst) {
        long[] r = new long[xFirst.length];
        for (int i = 0; i < xFirst.length; i++) {
            r[i] = xFirst[xFirst.length - 1 - i];
        }
        return r;
    }

    /**
     * Declares the encoder's parameters (names starting with {@code encoder.}) with {@link #declare}; called by
     * the constructor before the decoder's. Subclass fields are not yet set here: read what is needed from the
     * topology.
     */
    protected abstract void declareEncoder(Plan.Network topology);

    /**
     * Runs encoder stage s (the stem, if any, belongs to stage 0) on the previous stage's output (the input image
     * for s = 0); its result is the skip connection of decoder level s.
     */
    protected abstract NDArray encodeStage(NDArray x, int s);

    /** Declares one parameter; initialisation follows its name (see {@link #initialise}). */
    protected final void declare(String name, long... shape) {
        shapes.put(name, new Shape(shape));
    }

    private void declareDecoder() {
        for (int l = numStages - 2; l >= 0; l--) {
            String p = "decoder." + l;
            long[] up = new long[2 + dims];
            up[0] = features[l + 1];
            up[1] = features[l];
            System.arraycopy(strides[l + 1], 0, up, 2, dims);
            declare(p + ".up.weight", up);
            declare(p + ".up.bias", features[l]);
            for (int j = 0; j < convsPerStage; j++) {
                declareBlock(p, j, j == 0 ? 2 * features[l] : features[l], features[l], kernels[l]);
            }
            long[] head = new long[2 + dims];
            head[0] = numClasses;
            head[1] = features[l];
            Arrays.fill(head, 2, 2 + dims, 1);
            declare(p + ".head.weight", head);
            declare(p + ".head.bias", numClasses);
        }
    }

    /**
     * Declares {@code <prefix>.conv<j>.weight|bias} (out × in × kernel) and {@code <prefix>.norm<j>.weight|bias}
     * for a convolution block of {@link #block}.
     */
    protected final void declareBlock(String prefix, int j, int in, int out, long[] kernel) {
        declareConv(prefix + ".conv" + j, in, out, kernel, true);
        declareNorm(prefix + ".norm" + j, out);
    }

    /** Declares {@code <name>.weight} (out × in × kernel) and, with a bias, {@code <name>.bias}. */
    protected final void declareConv(String name, int in, int out, long[] kernel, boolean bias) {
        long[] w = new long[2 + dims];
        w[0] = out;
        w[1] = in;
        System.arraycopy(kernel, 0, w, 2, dims);
        declare(name + ".weight", w);
        if (bias) {
            declare(name + ".bias", out);
        }
    }

    /** Declares the per-channel scale {@code <name>.weight} and shift {@code <name>.bias} of a normalisation. */
    protected final void declareNorm(String name, int channels) {
        declare(name + ".weight", channels);
        declare(name + ".bias", channels);
    }

    /**
     * Whether a normalisation scale starts at 0 instead of 1 (by default none): a residual block whose last
     * normalisation starts at zero starts as its skip path.
     */
    protected boolean startsAtZero(String normWeightName) {
        return false;
    }

    /**
     * Kaiming-normal weights (a = 0.01, fan-in mode, as PyTorch computes fan-in: size(1)·kernel volume, which
     * for the transposed convolution's (c_in, c_out, s...) layout is c_out·∏s), zero biases, norm scale 1 (or 0
     * where {@link #startsAtZero} says so). Values come from a Java RNG seeded per parameter name, so they do not
     * depend on device or engine.
     */
    private void initialise(long seed) {
        double gain = Math.sqrt(2.0 / (1 + INIT_SLOPE * INIT_SLOPE));
        for (Map.Entry<String, Shape> e : shapes.entrySet()) {
            String name = e.getKey();
            Shape shape = e.getValue();
            float[] v = new float[Math.toIntExact(shape.size())];
            if (name.endsWith(".weight") && !isNorm(name)) {
                long fanIn = shape.size() / shape.get(0);
                double std = gain / Math.sqrt(fanIn);
                Random rng = new Random(seed * 0x9E3779B97F4A7C15L + name.hashCode());
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (rng.nextGaussian() * std);
                }
            } else if (name.endsWith(".weight") && !startsAtZero(name)) {
                Arrays.fill(v, 1f);
            }
            NDArray p = manager.create(v, shape);
            p.setRequiresGradient(true);
            params.put(name, p);
        }
    }

    private static boolean isNorm(String name) {
        int dot = name.lastIndexOf('.', name.length() - ".weight".length() - 1);
        return name.startsWith("norm", dot + 1);
    }

    @Override
    public int spatialDims() {
        return dims;
    }

    @Override
    public int inputChannels() {
        return inputChannels;
    }

    @Override
    public int outputChannels() {
        return numClasses;
    }

    /**
     * Sets the arithmetic of the convolutions (see {@link Precision}). With {@link Precision#FP16} every
     * convolution (the transposed ones and the heads included) runs on half-precision copies of its input,
     * weight and bias, made per pass through casts the backward pass follows, and returns single precision; the
     * parameters themselves, the normalisation, the activations and the returned logits stay single precision.
     */
    @Override
    public void setPrecision(Precision p) {
        this.precision = java.util.Objects.requireNonNull(p, "precision");
    }

    /** The arithmetic of the convolutions. */
    @Override
    public Precision precision() {
        return precision;
    }

    /** Number of resolution stages. */
    public int numStages() {
        return numStages;
    }

    /** Convolution blocks per decoder level (and per encoder stage of the plain U-Net). */
    protected final int convsPerStage() {
        return convsPerStage;
    }

    /** Whether training forward passes return one output per decoder level. */
    public boolean deepSupervision() {
        return deepSupervision;
    }

    /**
     * Total downsampling factor per spatial axis, x first: input patch sizes must be multiples of it.
     */
    public int[] sizeDivisor() {
        int[] f = new int[dims];
        Arrays.fill(f, 1);
        for (long[] st : strides) {
            for (int a = 0; a < dims; a++) {
                f[dims - 1 - a] *= (int) st[a];
            }
        }
        return f;
    }

    /**
     * Spatial downsampling of each training output relative to the input, tensor order, in the order
     * {@link #forward} returns them (full resolution first).
     */
    public long[][] outputScales() {
        int n = deepSupervision ? numStages - 1 : 1;
        long[][] r = new long[n][dims];
        long[] f = new long[dims];
        Arrays.fill(f, 1);
        for (int l = 0; l < n; l++) {
            for (int a = 0; a < dims; a++) {
                f[a] *= strides[l][a];
            }
            r[l] = f.clone();
        }
        return r;
    }

    /**
     * {@inheritDoc}
     * <p>
     * With training = false the pass never records a graph (whatever the thread's gradient mode), so
     * inference on worker threads keeps no activations alive for a backward pass.
     */
    @Override
    public NDList forward(NDArray input, boolean training) {
        checkInput(input);
        if (!training && Autograd.isRecording()) {
            return Autograd.withoutGrad(() -> run(input, false));
        }
        return run(input, training);
    }

    private NDList run(NDArray input, boolean training) {
        boolean half = precision == Precision.FP16;
        List<NDArray> skips = new ArrayList<>(numStages);
        NDArray h = input;
        for (int s = 0; s < numStages; s++) {
            h = encodeStage(h, s);
            skips.add(h);
        }
        boolean allHeads = training && deepSupervision;
        List<NDArray> outputs = new ArrayList<>();
        for (int l = numStages - 2; l >= 0; l--) {
            String p = "decoder." + l;
            NDArray up = half
                    ? HalfCasts.toFloat(TorchOps.transposedConv(HalfCasts.toHalf(h), half(p + ".up.weight", h),
                            half(p + ".up.bias", h), strides[l + 1]))
                    : TorchOps.transposedConv(h, params.get(p + ".up.weight"), params.get(p + ".up.bias"),
                            strides[l + 1]);
            h = up.concat(skips.get(l), 1);
            for (int j = 0; j < convsPerStage; j++) {
                h = block(h, p, j, null, kernels[l]);
            }
            if (allHeads || l == 0) {
                outputs.add(convolve(h, p + ".head", ones(dims), new long[dims]));
            }
        }
        Collections.reverse(outputs);
        return new NDList(outputs);
    }

    /**
     * Convolution {@code <prefix>.conv<j>} (stride 1 when null, padding k/2) → normalisation {@code
     * <prefix>.norm<j>} → LeakyReLU.
     */
    protected final NDArray block(NDArray x, String prefix, int j, long[] stride, long[] kernel) {
        NDArray y = convolve(x, prefix + ".conv" + j, stride == null ? ones(dims) : stride, halfKernel(kernel));
        return TorchOps.leakyRelu(norm(y, prefix + ".norm" + j));
    }

    /** Instance normalisation with the scale and shift {@code <name>.weight|bias}. */
    protected final NDArray norm(NDArray x, String name) {
        return TorchOps.instanceNorm(x, params.get(name + ".weight"), params.get(name + ".bias"), TorchOps.NORM_EPS);
    }

    /** Per axis the padding k/2 that keeps the size of a stride-1 convolution. */
    protected static long[] halfKernel(long[] kernel) {
        long[] pad = new long[kernel.length];
        for (int a = 0; a < kernel.length; a++) {
            pad[a] = kernel[a] / 2;
        }
        return pad;
    }

    /**
     * The convolution of layer {@code name} (bias {@code <name>.bias} if declared) in this network's precision;
     * single-precision result.
     */
    protected final NDArray convolve(NDArray x, String name, long[] stride, long[] pad) {
        boolean hasBias = params.containsKey(name + ".bias");
        if (precision == Precision.FP32) {
            return TorchOps.conv(x, params.get(name + ".weight"), hasBias ? params.get(name + ".bias") : null, stride,
                    pad);
        }
        return HalfCasts.toFloat(TorchOps.conv(HalfCasts.toHalf(x), half(name + ".weight", x),
                hasBias ? half(name + ".bias", x) : null, stride, pad));
    }

    /** A half-precision working copy of a parameter, owned by the activation's manager (freed with the pass). */
    private NDArray half(String name, NDArray activation) {
        return HalfCasts.toHalf(params.get(name), activation.getManager());
    }

    private void checkInput(NDArray input) {
        Shape s = input.getShape();
        if (s.dimension() != 2 + dims || s.get(1) != inputChannels) {
            throw new InvalidInputException("network input: expected shape (n, " + inputChannels
                    + (dims == 3 ? ", z, y, x" : ", y, x") + "), got " + s);
        }
        int[] div = sizeDivisor();
        long bottleneck = 1;
        for (int a = 0; a < dims; a++) {
            long size = s.get(2 + a);
            int d = div[dims - 1 - a];
            if (size % d != 0) {
                throw new InvalidInputException("network input: spatial size " + s.slice(2)
                        + " (tensor order) must be a multiple of " + Arrays.toString(reverse(div))
                        + " (the network's total downsampling)");
            }
            bottleneck *= size / d;
        }
        if (bottleneck < 2) {
            // instance normalisation needs more than one voxel per channel at the deepest stage
            throw new InvalidInputException("network input: spatial size " + s.slice(2) + " (tensor order) leaves a "
                    + "single voxel at the deepest stage; use a larger patch or fewer stages");
        }
    }

    private static int[] reverse(int[] a) {
        int[] r = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[a.length - 1 - i];
        }
        return r;
    }

    /** n ones: the stride of a convolution that keeps the size. */
    protected static long[] ones(int n) {
        long[] r = new long[n];
        Arrays.fill(r, 1);
        return r;
    }

    @Override
    public LinkedHashMap<String, NDArray> parameters() {
        return params;
    }

    /**
     * Names of the contracting path's parameters (every encoder stage, the bottleneck included), in parameter
     * order: what fine-tuning keeps fixed while the decoder adapts.
     */
    public List<String> encoderParameterNames() {
        return shapes.keySet().stream().filter(n -> n.startsWith("encoder.")).toList();
    }

    /**
     * Whether a parameter belongs to an output head (a 1×1 convolution per decoder level whose first axis is
     * the class): {@code decoder.<l>.head.weight} or {@code decoder.<l>.head.bias}.
     */
    public static boolean isHeadParameter(String name) {
        return name.startsWith("decoder.") && (name.endsWith(".head.weight") || name.endsWith(".head.bias"));
    }

    /** Shapes of all parameters, in parameter order. */
    public Map<String, Shape> parameterShapes() {
        return Collections.unmodifiableMap(shapes);
    }

    /** Number of trainable values. */
    public long parameterCount() {
        long n = 0;
        for (Shape s : shapes.values()) {
            n += s.size();
        }
        return n;
    }

    /** Copies of all parameter values (C order), in parameter order. */
    public LinkedHashMap<String, float[]> exportParameters() {
        LinkedHashMap<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            out.put(e.getKey(), toFloats(e.getValue()));
        }
        return out;
    }

    /**
     * Overwrites all parameters with the given values (C order, shapes as in {@link #parameterShapes()}).
     *
     * @throws InvalidInputException naming missing, unexpected or wrongly sized parameters
     */
    public void loadParameters(Map<String, float[]> values) {
        checkNames(values.keySet());
        for (Map.Entry<String, Shape> e : shapes.entrySet()) {
            float[] v = values.get(e.getKey());
            if (v == null || v.length != e.getValue().size()) {
                throw new InvalidInputException("parameter '" + e.getKey() + "': expected " + e.getValue().size()
                        + " values for shape " + e.getValue() + ", got " + (v == null ? "none" : v.length));
            }
        }
        // in-place writes into leaves that require gradients must not be recorded
        Autograd.withoutGrad(() -> {
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                e.getValue().set(values.get(e.getKey()));
            }
        });
    }

    /**
     * Overwrites all parameters with copies of the given arrays (any manager or device).
     *
     * @throws InvalidInputException naming missing, unexpected or wrongly shaped parameters
     */
    public void loadParameterArrays(Map<String, NDArray> values) {
        checkNames(values.keySet());
        LinkedHashMap<String, float[]> flat = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : shapes.entrySet()) {
            NDArray a = values.get(e.getKey());
            if (!a.getShape().equals(e.getValue())) {
                throw new InvalidInputException("parameter '" + e.getKey() + "': expected shape " + e.getValue()
                        + ", got " + a.getShape());
            }
            flat.put(e.getKey(), toFloats(a));
        }
        loadParameters(flat);
    }

    private static float[] toFloats(NDArray a) {
        if (a.getDataType() == DataType.FLOAT32) {
            return a.toFloatArray();
        }
        try (NDArray f = a.toType(DataType.FLOAT32, true)) {
            return f.toFloatArray();
        }
    }

    private void checkNames(java.util.Set<String> given) {
        TreeSet<String> missing = new TreeSet<>(shapes.keySet());
        missing.removeAll(given);
        TreeSet<String> unexpected = new TreeSet<>(given);
        unexpected.removeAll(shapes.keySet());
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            throw new InvalidInputException("parameters do not fit this network"
                    + (missing.isEmpty() ? "" : "; missing: " + abbreviate(missing))
                    + (unexpected.isEmpty() ? "" : "; unexpected: " + abbreviate(unexpected)));
        }
    }

    private static String abbreviate(TreeSet<String> names) {
        List<String> l = new ArrayList<>(names);
        return l.size() <= 8 ? l.toString()
                : l.subList(0, 8) + " and " + (l.size() - 8) + " more";
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    @Override
    public void close() {
        manager.close();
    }
}
