package org.maskseg.core.annotate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.io.ImageFiles;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.testing.TestData;

class FolderAnnotationTest {

    @TempDir
    Path tmp;

    /** The first {@code n} nuclei cases copied into tmp/images and tmp/labels. */
    private List<String> copyNuclei(int n) throws IOException {
        Files.createDirectories(tmp.resolve("images"));
        Files.createDirectories(tmp.resolve("labels"));
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(TestData.nuclei().resolve("labels"))) {
            for (Path f : s.sorted().limit(n).toList()) {
                String name = f.getFileName().toString();
                Files.copy(f, tmp.resolve("labels").resolve(name));
                Files.copy(TestData.nuclei().resolve("images").resolve(name), tmp.resolve("images").resolve(name));
                names.add(name);
            }
        }
        return names;
    }

    private static List<String> listing(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void scribblesOnNucleiWriteSameNamedFilesMatchingTheEngine() throws IOException {
        List<String> names = copyNuclei(3);
        AnnotateOptions options = AnnotateOptions.of(AnnotationMode.SCRIBBLES).withSeed(4);
        List<AnnotationReport> progress = new ArrayList<>();
        FolderAnnotation.Result r = FolderAnnotation.run(options,
                new FolderAnnotation.Folders(tmp.resolve("images"), tmp.resolve("labels"), null, tmp.resolve("out")),
                progress::add);
        assertEquals(names, listing(tmp.resolve("out")));
        assertEquals(3, r.cases().size());
        assertEquals(r.cases(), progress);
        assertEquals(2, r.spec().ignoreValue());
        for (String name : names) {
            LabelVolume in = ImageFiles.readLabels(tmp.resolve("labels").resolve(name));
            LabelVolume written = ImageFiles.readLabels(tmp.resolve("out").resolve(name));
            LabelVolume expected = new Annotator(options).annotate(in, r.spec(), null, null).labels();
            assertArrayEquals(expected.data(), written.data(), name);
        }
        AnnotationReport total = r.total();
        long kept = r.cases().stream().mapToLong(AnnotationReport::annotated).sum();
        assertEquals(kept, total.annotated());
    }

    @Test
    void roiMasksArePairedByNameAndSizeChecked() throws IOException {
        List<String> names = copyNuclei(2);
        Path roi = Files.createDirectories(tmp.resolve("roi"));
        for (String name : names) {
            int[] m = new int[256 * 256];
            for (int i = 0; i < 256 * 64; i++) {
                m[i] = 255; // the top quarter
            }
            ImageFiles.writeLabels(LabelVolume.wrap("m", m, new long[] {256, 256}, new double[] {1, 1}),
                    roi.resolve(name.replace(".png", ".tif")));
        }
        FolderAnnotation.Result r = FolderAnnotation.run(AnnotateOptions.of(AnnotationMode.ROI).withIgnoreValue(255),
                new FolderAnnotation.Folders(null, tmp.resolve("labels"), roi, tmp.resolve("out")), null);
        for (AnnotationReport c : r.cases()) {
            assertEquals(0.25, (double) c.annotated() / c.voxels(), 1e-12);
        }
        LabelVolume out = ImageFiles.readLabels(tmp.resolve("out").resolve(names.get(0)));
        assertEquals(255, out.data()[256 * 64]);

        // a mask of another size is refused before anything is written
        ImageFiles.writeLabels(LabelVolume.wrap("m", new int[100], new long[] {10, 10}, new double[] {1, 1}),
                roi.resolve(names.get(1).replace(".png", ".tif")));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> FolderAnnotation.run(
                AnnotateOptions.of(AnnotationMode.ROI),
                new FolderAnnotation.Folders(null, tmp.resolve("labels"), roi, tmp.resolve("out2")), null));
        assertTrue(e.getMessage().contains("10×10") && e.getMessage().contains("256×256"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("out2")));

        Files.delete(roi.resolve(names.get(1).replace(".png", ".tif")));
        e = assertThrows(InvalidInputException.class, () -> FolderAnnotation.run(AnnotateOptions.of(AnnotationMode.ROI),
                new FolderAnnotation.Folders(null, tmp.resolve("labels"), roi, tmp.resolve("out2")), null));
        assertTrue(e.getMessage().contains(names.get(1)), e.getMessage());
    }

    @Test
    void aFailingCaseLeavesTheOutputFolderAsItWas() throws IOException {
        List<String> names = copyNuclei(3);
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(out.resolve("keep.txt"), "earlier results");
        // the last case is all background, so remapping background leaves nothing annotated in it
        int[] empty = new int[256 * 256];
        ImageFiles.writeLabels(LabelVolume.wrap("x", empty, new long[] {256, 256}, new double[] {1, 1}),
                tmp.resolve("labels").resolve(names.get(2)));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> FolderAnnotation.run(AnnotateOptions.of(AnnotationMode.REMAP).withValues(List.of(0)),
                        new FolderAnnotation.Folders(null, tmp.resolve("labels"), null, out), null));
        assertTrue(e.getMessage().contains(names.get(2).replace(".png", "")), e.getMessage());
        assertEquals(List.of("keep.txt"), listing(out));
        // an output folder created by the failed run is removed again
        Path fresh = tmp.resolve("fresh");
        assertThrows(InvalidInputException.class,
                () -> FolderAnnotation.run(AnnotateOptions.of(AnnotationMode.REMAP).withValues(List.of(0)),
                        new FolderAnnotation.Folders(null, tmp.resolve("labels"), null, fresh), null));
        assertFalse(Files.exists(fresh));
    }

    @Test
    void invalidModeReadsTheImagesAndOutputEqualsInputFolderIsRefused() throws IOException {
        copyNuclei(2);
        FolderAnnotation.Result r = FolderAnnotation.run(
                AnnotateOptions.of(AnnotationMode.INVALID).withOutOfField(0.0, false),
                new FolderAnnotation.Folders(tmp.resolve("images"), tmp.resolve("labels"), null, tmp.resolve("out")),
                null);
        for (AnnotationReport c : r.cases()) {
            assertTrue(c.fraction() > 0 && c.fraction() <= 1, c.toString());
        }
        assertThrows(InvalidInputException.class, () -> FolderAnnotation.run(AnnotateOptions.of(AnnotationMode.INVALID),
                new FolderAnnotation.Folders(null, tmp.resolve("labels"), null, tmp.resolve("out")), null));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> FolderAnnotation.run(
                AnnotateOptions.of(AnnotationMode.BORDER).withWidth(1.0, false),
                new FolderAnnotation.Folders(null, tmp.resolve("labels"), null, tmp.resolve("labels")), null));
        assertTrue(e.getMessage().contains("labels folder"), e.getMessage());
    }

    @Test
    void physicalBorderBandOn3dNiftiUsesTheFileSpacing() throws IOException {
        Path labels = Files.createDirectories(tmp.resolve("labels"));
        int n = 12;
        int[] d = new int[n * n * n];
        for (int i = 0; i < d.length; i++) {
            int x = i % n;
            int z = i / (n * n);
            d[i] = x >= 6 ? 1 : z >= 6 ? 2 : 0;
        }
        double[] spacing = {0.5, 0.5, 3};
        LabelVolume vol = LabelVolume.wrap("vol", d, new long[] {n, n, n}, spacing);
        ImageFiles.writeLabels(vol, labels.resolve("vol.nii.gz"));
        FolderAnnotation.Result r = FolderAnnotation.run(
                AnnotateOptions.of(AnnotationMode.BORDER).withWidth(1.0, true).withIgnoreValue(-1),
                new FolderAnnotation.Folders(null, labels, null, tmp.resolve("out")), null);
        LabelVolume written = ImageFiles.readLabels(tmp.resolve("out").resolve("vol.nii.gz"));
        assertArrayEquals(spacing, written.spacing(), 1e-6);
        LabelSpec spec = new LabelSpec(3, -1, null);
        assertEquals(spec.numClasses(), r.spec().numClasses());
        // 1 mm: two voxels on each side along x (0.5 mm), none along z (3 mm)
        int[] w = written.data();
        for (int i = 0; i < d.length; i++) {
            int x = i % n;
            // the x border (between x 5 and 6) gets the band on both sides at every z; the z border
            // between classes 0 and 2 is 3 mm across, farther than 1 mm, so it gets none
            int expected = x >= 4 && x <= 7 ? -1 : d[i];
            assertEquals(expected, w[i], "voxel " + i);
        }
        // an image folder gives the pairing; the image carries no extra information here
        ImageVolume image = ImageVolume.create("vol", new long[] {n, n, n}, 1, spacing);
        Path images = Files.createDirectories(tmp.resolve("images"));
        ImageFiles.writeImage(image, images.resolve("vol.nii.gz"));
        FolderAnnotation.Result paired = FolderAnnotation.run(
                AnnotateOptions.of(AnnotationMode.BORDER).withWidth(1.0, true).withIgnoreValue(-1),
                new FolderAnnotation.Folders(images, labels, null, tmp.resolve("out3")), null);
        assertEquals(r.cases().get(0).annotated(), paired.cases().get(0).annotated());
    }
}
