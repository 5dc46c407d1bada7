package org.maskseg.core.loss;

import java.util.Arrays;

import org.maskseg.core.labels.RegionSet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

/**
 * Binary cross-entropy plus soft Dice over overlapping regions, one sigmoid output per region (nnU-Net's
 * region-based training), on the voxels where each region's membership is known.
 * <p>
 * Labels are canonical label codes (see {@link org.maskseg.core.labels.LabelCodes}). Per voxel v and region r,
 * the target t = [v ∈ S_r] and the knowledge k come from the tables of {@link RegionSet}: classes are known,
 * the ignore value is not, and a "background or unknown classes U" code is known (as outside) exactly when U
 * shares no class with S_r. With σ the sigmoid of the logits:
 * <ul>
 * <li>BCE with logits, max(x, 0) − x·t + log(1 + e^−|x|), averaged over the (voxel, region) pairs with k = 1,
 * 0 when there are none;</li>
 * <li>soft Dice per region over the known voxels: I = Σ σ·t·k, P = Σ σ·k, G = Σ t·k over space (and the batch
 * with batch Dice), dc = (2I + 1e-5) / max(G + P + 1e-5, 1e-8), averaged over regions (and samples);</li>
 * <li>loss = BCE − mean(dc).</li>
 * </ul>
 * No output receives a gradient where its region is unknown.
 */
public final class RegionLoss implements SegmentationLoss {

    private final RegionSet regions;
    private final boolean batchDice;
    private final int rows;
    /** Tables transposed to (regions × codes) and flattened, so that code v of region r sits at r·rows + v. */
    private final float[] targets;
    private final float[] known;

    /**
     * @param regions   the regions (not empty)
     * @param batchDice sum Dice statistics over the batch as well as over space
     */
    public RegionLoss(RegionSet regions, boolean batchDice) {
        if (regions.isEmpty()) {
            throw new IllegalArgumentException("region loss without regions");
        }
        this.regions = regions;
        this.batchDice = batchDice;
        this.rows = regions.tableRows();
        this.targets = transpose(regions.targetTable(), rows, regions.size());
        this.known = transpose(regions.knownTable(), rows, regions.size());
    }

    public RegionSet regions() {
        return regions;
    }

    public boolean batchDice() {
        return batchDice;
    }

    /** The loss terms; BCE is {@link Terms#crossEntropy()}. */
    public record Terms(NDArray crossEntropy, NDArray dice, NDArray loss) implements SegmentationLoss.Terms {
    }

    /**
     * @param logits (n, R, [z,] y, x)
     * @param labels (n, [z,] y, x) integer canonical label codes
     */
    @Override
    public Terms terms(NDArray logits, NDArray labels) {
        Shape ls = logits.getShape();
        Shape ys = labels.getShape();
        int numRegions = regions.size();
        if (ls.dimension() < 3 || ls.get(1) != numRegions || ys.dimension() != ls.dimension() - 1
                || ys.get(0) != ls.get(0) || !ys.slice(1).equals(ls.slice(2))) {
            throw new IllegalArgumentException("region loss: logits " + ls + " with " + numRegions
                    + " regions do not fit labels " + ys);
        }
        NDArray[] tk = lookUp(labels, logits.getDataType());
        NDArray t = tk[0];
        NDArray k = tk[1];
        int spatialDims = ls.dimension() - 2;

        // numerically stable BCE with logits
        NDArray bce = logits.maximum(0f).sub(logits.mul(t)).add(logits.abs().neg().exp().add(1f).log());
        NDArray bceMean = bce.mul(k).sum().div(k.sum().maximum(1f));

        NDArray probs = Activation.sigmoid(logits).mul(k);
        int[] axes = SoftDice.spatialAxes(spatialDims);
        NDArray tkk = t.mul(k);
        NDArray dice = SoftDice.mean(probs.mul(tkk).sum(axes), probs.sum(axes), tkk.sum(axes), batchDice);
        return new Terms(bceMean, dice, bceMean.sub(dice));
    }

    /**
     * Per voxel and region the target and the knowledge, each (n, R, [z,] y, x) of the given type, looked up on
     * the device from the label codes.
     */
    NDArray[] lookUp(NDArray labels, DataType type) {
        NDManager m = labels.getManager();
        Shape ys = labels.getShape();
        int numRegions = regions.size();
        long[] offsetShape = new long[ys.dimension() + 1];
        Arrays.fill(offsetShape, 1);
        offsetShape[1] = numRegions;
        NDArray y = labels.getDataType() == DataType.INT64 ? labels : labels.toType(DataType.INT64, false);
        NDArray offsets = m.arange(0, numRegions * (long) rows, rows, DataType.INT64).reshape(offsetShape);
        NDArray index = y.expandDims(1).add(offsets);
        NDArray t = m.create(targets).take(index).toType(type, false);
        NDArray k = m.create(known).take(index).toType(type, false);
        return new NDArray[] {t, k};
    }

    /**
     * Per voxel, a bit mask of the regions predicted there (bit r ⇔ logit of region r &gt; 0 ⇔ σ &gt; 0.5), INT32
     * (n, [z,] y, x).
     */
    @Override
    public NDArray decide(NDArray logits) {
        int numRegions = regions.size();
        long[] weightShape = new long[logits.getShape().dimension()];
        Arrays.fill(weightShape, 1);
        weightShape[1] = numRegions;
        int[] bits = new int[numRegions];
        for (int r = 0; r < numRegions; r++) {
            bits[r] = 1 << r;
        }
        NDArray weights = logits.getManager().create(bits).reshape(weightShape);
        return logits.gt(0f).toType(DataType.INT32, false).mul(weights).sum(new int[] {1})
                .toType(DataType.INT32, false);
    }

    private static float[] transpose(float[] table, int rows, int cols) {
        float[] out = new float[table.length];
        for (int v = 0; v < rows; v++) {
            for (int r = 0; r < cols; r++) {
                out[r * rows + v] = table[v * cols + r];
            }
        }
        return out;
    }
}
