package org.maskseg.core.sampling;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.random.RandomGenerator;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.preprocess.TrainingCase;

/**
 * Chooses where training patches come from, following nnU-Net's rules:
 * <ul>
 * <li>each sample picks a case uniformly at random (with replacement);</li>
 * <li>in a batch of n, sample i is forced to contain foreground when i &ge; round(n &middot; (1 - p)),
 * p being the foreground oversampling share: a foreground class present in the case is chosen uniformly
 * and the patch is centred on one of its voxels;</li>
 * <li>the other samples are centred on a random annotated voxel when the case has ignore voxels (so
 * patches do not land in unannotated areas), otherwise they are uniform random crops;</li>
 * <li>a forced sample of a case without foreground falls back to a random annotated voxel.</li>
 * </ul>
 * Patches stay inside the image where the image is large enough (a centred patch is shifted inwards; the
 * chosen voxel always stays inside it); on axes where the image is smaller than the patch it is centred
 * and the rest is padding. A 2D patch size with 3D cases trains on xy slices: the slice is chosen
 * uniformly among the slices that contain the chosen class (or annotated voxels), or uniformly among all
 * slices for a random crop.
 * <p>
 * Sampling only returns locations; the pixels are read by the augmentation, which can reach any region
 * around the patch centre (see {@link PatchLocation#regionStart}). Thread-safe: the per-case voxel index
 * is built lazily, once, by whichever thread needs it first. Deterministic for a given random generator.
 */
public final class PatchSampler {

    private final List<TrainingCase> cases;
    private final int[] patchSize;
    private final int numClasses;
    private final double foregroundOversampling;
    private final int channels;
    private final AtomicReferenceArray<ClassLocations> locations;

    /**
     * @param cases                  training cases with canonical labels (ignore = numClasses)
     * @param patchSize              patch size, x first; 2 axes for 2D training (also on 3D cases), 3 for 3D
     * @param numClasses             number of classes K including background
     * @param foregroundOversampling share of each batch forced to contain foreground, in [0, 1]
     */
    public PatchSampler(List<TrainingCase> cases, int[] patchSize, int numClasses, double foregroundOversampling) {
        Objects.requireNonNull(cases, "cases");
        if (cases.isEmpty()) {
            throw new InvalidInputException("no training cases given: at least one image with labels is needed");
        }
        if (patchSize.length != 2 && patchSize.length != 3) {
            throw new InvalidInputException("patch size " + Arrays.toString(patchSize) + " must have 2 or 3 axes");
        }
        for (int p : patchSize) {
            if (p < 1) {
                throw new InvalidInputException("patch size " + Arrays.toString(patchSize) + " has an empty axis");
            }
        }
        if (numClasses < 2) {
            throw new InvalidInputException("at least two classes are needed, got " + numClasses);
        }
        if (!(foregroundOversampling >= 0 && foregroundOversampling <= 1)) {
            throw new InvalidInputException("foreground oversampling must be between 0 and 1, got "
                    + foregroundOversampling);
        }
        this.channels = cases.get(0).image().channels();
        for (TrainingCase c : cases) {
            if (patchSize.length == 3 && c.image().spatialDims() != 3) {
                throw new InvalidInputException("case '" + c.name() + "' is 2D but the plan trains on 3D patches "
                        + Arrays.toString(patchSize) + "; use a 2D configuration");
            }
            if (c.image().channels() != channels) {
                throw new InvalidInputException("case '" + c.name() + "' has " + c.image().channels()
                        + " channels but case '" + cases.get(0).name() + "' has " + channels
                        + "; all cases need the same channels");
            }
        }
        this.cases = List.copyOf(cases);
        this.patchSize = patchSize.clone();
        this.numClasses = numClasses;
        this.foregroundOversampling = foregroundOversampling;
        this.locations = new AtomicReferenceArray<>(cases.size());
    }

    /** Whether sample i of a batch of n is forced to contain foreground (the last round(n·p) samples). */
    public static boolean isForcedForeground(int sampleIndex, int batchSize, double oversampling) {
        return sampleIndex >= Math.rint(batchSize * (1 - oversampling));
    }

    public List<TrainingCase> cases() {
        return cases;
    }

    public int[] patchSize() {
        return patchSize.clone();
    }

    public int numClasses() {
        return numClasses;
    }

    public int channels() {
        return channels;
    }

    public double foregroundOversampling() {
        return foregroundOversampling;
    }

    /** The voxel index of case i, built on first use. */
    public ClassLocations locations(int caseIndex) {
        ClassLocations l = locations.get(caseIndex);
        if (l == null) {
            l = ClassLocations.cached(cases.get(caseIndex), numClasses);
            if (!locations.compareAndSet(caseIndex, null, l)) {
                l = locations.get(caseIndex);
            }
        }
        return l;
    }

    /**
     * The location of sample {@code sampleIndex} of a batch of {@code batchSize}: a random case, and a patch forced
     * to contain foreground for the last samples of the batch ({@link #isForcedForeground}). The batch loader draws
     * every sample this way, so one random stream gives the same batches wherever it is used.
     */
    public PatchLocation next(int sampleIndex, int batchSize, RandomGenerator rng) {
        int caseIndex = rng.nextInt(cases.size());
        return sample(caseIndex, isForcedForeground(sampleIndex, batchSize, foregroundOversampling), rng);
    }

    /** One location in the given case. */
    public PatchLocation sample(int caseIndex, boolean forceForeground, RandomGenerator rng) {
        ClassLocations loc = locations(caseIndex);
        long[] size = cases.get(caseIndex).labels().size();
        int[] positions = null;
        int listKey = -1;
        int forcedClass = -1;
        if (forceForeground) {
            int[] present = loc.presentClasses();
            if (present.length > 0) {
                forcedClass = present[rng.nextInt(present.length)];
                positions = loc.classVoxelsShared(forcedClass);
                listKey = forcedClass;
            }
        }
        if (positions == null && loc.annotatedShared().length > 0) {
            // Cases with ignore voxels: centre on annotated voxels; forced samples without any
            // foreground fall back to the same.
            positions = loc.annotatedShared();
        }
        boolean slices = patchSize.length == 2 && size.length == 3;
        int[] start = new int[patchSize.length];
        int slice = -1;
        if (positions == null) {
            for (int d = 0; d < patchSize.length; d++) {
                int lo = lowestStart((int) size[d], patchSize[d]);
                int hi = highestStart((int) size[d], patchSize[d]);
                start[d] = lo + rng.nextInt(hi - lo + 1);
            }
            if (slices) {
                slice = rng.nextInt((int) size[2]);
            }
        } else {
            int voxel;
            if (slices) {
                int[] groups = loc.sliceGroups(listKey);
                int g = rng.nextInt(groups.length - 1);
                voxel = positions[groups[g] + rng.nextInt(groups[g + 1] - groups[g])];
                slice = voxel / loc.sliceSize();
            } else {
                voxel = positions[rng.nextInt(positions.length)];
            }
            int rest = voxel;
            for (int d = 0; d < patchSize.length; d++) {
                int s = (int) size[d];
                int v = rest % s;
                rest /= s;
                int lo = lowestStart(s, patchSize[d]);
                int hi = highestStart(s, patchSize[d]);
                start[d] = Math.max(lo, Math.min(hi, v - patchSize[d] / 2));
            }
        }
        return new PatchLocation(caseIndex, start, slice, forcedClass);
    }

    /** Smallest patch origin on an axis: 0, or for an image smaller than the patch the centred origin. */
    static int lowestStart(int imageSize, int patch) {
        return imageSize >= patch ? 0 : Math.floorDiv(imageSize - patch, 2);
    }

    static int highestStart(int imageSize, int patch) {
        return imageSize >= patch ? imageSize - patch : Math.floorDiv(imageSize - patch, 2);
    }
}
