package org.maskseg.core.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.io.DatasetFolder;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.preprocess.Preprocessor;
import org.maskseg.core.preprocess.TrainingCase;
import org.maskseg.core.testing.TestData;

/** Fingerprint, plan and preprocessing of the 40 real nuclei images shipped as sample data. */
class NucleiPlanTest {

    /** Reads the first band of an 8-bit grayscale PNG, C-order (y, x). */
    private static int[] pixels(Path file, int[] size) throws IOException {
        BufferedImage img = ImageIO.read(file.toFile());
        Raster r = img.getRaster();
        size[0] = r.getWidth();
        size[1] = r.getHeight();
        return r.getSamples(0, 0, size[0], size[1], 0, (int[]) null);
    }

    @Test
    void nucleiSampleDataPlansLikeNnUNet() throws IOException {
        Path root = TestData.nuclei();
        List<Path> files;
        try (Stream<Path> s = Files.list(root.resolve("images"))) {
            files = s.filter(p -> p.toString().endsWith(".png")).sorted().toList();
        }
        assertEquals(40, files.size());
        List<ImageVolume> images = new ArrayList<>();
        List<LabelVolume> labels = new ArrayList<>();
        for (Path f : files) {
            int[] size = new int[2];
            int[] px = pixels(f, size);
            float[] d = new float[px.length];
            for (int i = 0; i < px.length; i++) {
                d[i] = px[i];
            }
            long[] sz = {size[0], size[1]};
            String name = f.getFileName().toString();
            images.add(ImageVolume.wrap(name, d, sz, 1, new double[] {1, 1}));
            labels.add(LabelVolume.wrap(name, pixels(root.resolve("labels").resolve(name), size), sz,
                    new double[] {1, 1}));
        }
        LabelSpec spec = LabelSpec.infer(labels, null);
        assertEquals(2, spec.numClasses());

        DatasetFingerprint fp = DatasetFingerprint.compute(images, labels, spec);
        var in = fp.intensities().get(0);
        // Fluorescent nuclei are brighter than the image as a whole.
        double allMean = images.stream().flatMapToDouble(v -> {
            float[] d = v.data();
            return java.util.stream.IntStream.range(0, d.length).mapToDouble(i -> d[i]);
        }).average().orElseThrow();
        assertTrue(in.mean() > allMean, in.mean() + " vs " + allMean);
        assertTrue(in.percentile00_5() <= in.median() && in.median() <= in.percentile99_5());
        assertTrue(in.min() <= in.percentile00_5() && in.percentile99_5() <= in.max());
        assertEquals(1.0, fp.classCaseFraction()[1], 1e-12, "every image shows nuclei");
        for (double a : fp.annotatedFraction()) {
            assertEquals(1.0, a, 1e-12, "dense labels");
        }

        // 256², 40 cases: same as the hand-computed PlannerTest case.
        Plan plan = Planner.plan(fp, spec);
        assertArrayEquals(new int[] {256, 256}, plan.patchSize);
        assertEquals(7, plan.network.numStages);
        assertEquals(2, plan.batchSize);

        // The same folder planned from disk, one case at a time, gives the same classes, fingerprint and plan.
        FolderPlanning.Result fromDisk = FolderPlanning.plan(DatasetFolder.open(root.resolve("images"),
                root.resolve("labels")), null, null, null, PlannerOptions.defaults());
        assertEquals(spec.numClasses(), fromDisk.labels().numClasses());
        assertEquals(spec.ignoreValue(), fromDisk.labels().ignoreValue());
        assertEquals(spec.classNames(), fromDisk.labels().classNames());
        assertEquals(PlanJson.toJson(plan), PlanJson.toJson(fromDisk.plan()));
        assertEquals(fp.intensities(), fromDisk.fingerprint().intensities());
        assertEquals(List.of(), fromDisk.absentClasses());

        TrainingCase tc = Preprocessor.preprocessCase(images.get(0), labels.get(0), spec, plan);
        assertArrayEquals(new long[] {256, 256}, tc.image().spatialSize());
        double sum = 0;
        double sq = 0;
        for (float v : tc.image().data()) {
            sum += v;
            sq += v * v;
        }
        int n = tc.image().data().length;
        assertEquals(0, sum / n, 1e-4, "z-scored mean");
        assertEquals(1, Math.sqrt(sq / n), 1e-3, "z-scored std");
    }

    @Test
    void folderPlanningNamesAbsentClassesAndRefusesWrongNames() throws IOException {
        Path root = TestData.nuclei();
        DatasetFolder folder = DatasetFolder.open(root.resolve("images"), root.resolve("labels"));
        // Declared as three classes with ignore value 3: class 2 is never annotated.
        FolderPlanning.Result r = FolderPlanning.plan(folder, new LabelSpec(3, 3, List.of("bg", "nucleus", "mitosis")),
                null, null, PlannerOptions.defaults());
        assertEquals(List.of(2), r.absentClasses());
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> FolderPlanning.plan(folder, null,
                null, List.of("background", "nucleus", "extra"), PlannerOptions.defaults()));
        assertTrue(e.getMessage().startsWith("3 class names given, but the labels have 2 classes"), e.getMessage());
        FolderPlanning.Result named = FolderPlanning.plan(folder, null, null, List.of("background", "nucleus"),
                PlannerOptions.defaults());
        assertEquals(List.of("background", "nucleus"), named.labels().classNames());
    }
}
