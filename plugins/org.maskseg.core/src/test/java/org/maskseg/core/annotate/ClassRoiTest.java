package org.maskseg.core.annotate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.io.ImageFiles;
import org.maskseg.core.io.PartialLabelFiles;
import org.maskseg.core.labels.ClassKnowledge;
import org.maskseg.core.labels.LabelCodes;
import org.maskseg.core.labels.LabelSpec;

class ClassRoiTest {

    @TempDir
    Path tmp;

    private static LabelVolume vol(int[] data, long... size) {
        double[] spacing = new double[size.length];
        java.util.Arrays.fill(spacing, 1);
        return LabelVolume.wrap("case", data, size, spacing);
    }

    @Test
    void twoDimensionalLabelsKeepTheRoiAndTurnClassIntoBackgroundOutside() {
        // 4 x 3, classes 0 = background, 1 = nucleus, 2 = mito; ignore 3. The ROI is the left two columns.
        LabelVolume labels = vol(new int[] {
            2, 0, 2, 1,
            1, 2, 0, 2,
            0, 3, 2, 3}, 4, 3);
        LabelVolume roi = vol(new int[] {
            1, 1, 0, 0,
            1, 1, 0, 0,
            1, 1, 0, 0}, 4, 3);
        LabelSpec spec = new LabelSpec(3, 3, null);
        Annotation a = ClassRoi.apply(labels, spec, roi, 2, "mito");
        assertArrayEquals(new int[] {
            2, 0, 0, 1,
            1, 2, 0, 0,
            0, 3, 0, 3}, a.labels().data());
        assertArrayEquals(new int[] {
            0, 0, 1, 1,
            0, 0, 1, 1,
            0, 0, 1, 1}, a.unknown().mask().data());
        assertEquals(2, a.unknown().classValue());
        assertEquals("mito", a.unknown().className());
        assertEquals(6, a.unknown().unknownVoxels());
        assertArrayEquals(new long[] {4, 3}, a.unknown().mask().size());

        AnnotationReport r = a.report();
        // 10 annotated input voxels; outside the ROI only the nucleus at (3, 0) stays certain: 5 inside + 1
        assertEquals(10, r.inputAnnotated());
        assertEquals(6, r.annotated());
        assertEquals(0.6, r.fraction(), 1e-12);
        assertEquals(12, r.voxels());
        // background voxels: (1,0) in, (2,1) out, (0,2) in -> 2 of 3 stay certain
        assertEquals(3, r.classes().get(0).inputVoxels());
        assertEquals(2, r.classes().get(0).annotatedVoxels());
        // nucleus: (3,0) out, (0,1) in -> both stay certain
        assertEquals(2, r.classes().get(1).inputVoxels());
        assertEquals(2, r.classes().get(1).annotatedVoxels());
        // mito: (0,0) in, (2,0) out, (1,1) in, (3,1) out, (2,2) out -> 2 of 5
        assertEquals(5, r.classes().get(2).inputVoxels());
        assertEquals(2, r.classes().get(2).annotatedVoxels());
        assertTrue(r.warnings().isEmpty());
        // the input is not modified
        assertEquals(2, labels.data()[2]);
    }

    @Test
    void threeDimensionalWithNegativeIgnoreAndTrainingCodes() {
        // 2 x 2 x 2, classes 0..3, ignore -1; the ROI is the slice z = 0; class 3 unknown outside it
        LabelVolume labels = vol(new int[] {
            3, 1, 0, -1, // z = 0
            3, 2, 0, -1}, // z = 1
            2, 2, 2);
        LabelVolume roi = vol(new int[] {5, 5, 5, 5, 0, 0, 0, 0}, 2, 2, 2);
        LabelSpec spec = new LabelSpec(4, -1, null);
        Annotation a = ClassRoi.apply(labels, spec, roi, 3, "3");
        assertArrayEquals(new int[] {3, 1, 0, -1, 0, 2, 0, -1}, a.labels().data());
        assertArrayEquals(new int[] {0, 0, 0, 0, 1, 1, 1, 1}, a.unknown().mask().data());
        // 6 annotated; certain: the 3 of slice 0 plus class 2 in slice 1
        assertEquals(6, a.report().inputAnnotated());
        assertEquals(4, a.report().annotated());

        // what training makes of it: "background or class 3" outside the ROI is code K + bit(3) = 4 + 4 = 8
        int[] canonical = spec.toCanonical(a.labels());
        ClassKnowledge knowledge = ClassKnowledge.complete().withUnknownMask(3, a.unknown().mask());
        int[] codes = knowledge.encode(canonical, a.labels().size(), spec, "case");
        assertArrayEquals(new int[] {3, 1, 0, 4, 8, 2, 8, 4}, codes);
        LabelCodes lc = new LabelCodes(4);
        assertTrue(lc.allowed(8, 0) && lc.allowed(8, 3) && !lc.allowed(8, 1) && !lc.allowed(8, 2));
    }

    @Test
    void classOnlyOutsideTheRoiIsWarnedAbout() {
        LabelVolume labels = vol(new int[] {0, 1, 0, 2}, 2, 2);
        LabelVolume roi = vol(new int[] {1, 1, 0, 0}, 2, 2);
        Annotation a = ClassRoi.apply(labels, new LabelSpec(3, 3, null), roi, 2, "mito");
        assertEquals(1, a.report().warnings().size());
        assertTrue(a.report().warnings().get(0).contains("mito"), a.report().warnings().get(0));
    }

    @Test
    void badInputIsRefused() {
        LabelVolume labels = vol(new int[] {0, 1, 0, 2}, 2, 2);
        LabelSpec spec = new LabelSpec(3, 3, null);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ClassRoi.apply(labels, spec, vol(new int[9], 3, 3), 2, "2"));
        assertTrue(e.getMessage().contains("[3, 3]") && e.getMessage().contains("[2, 2]"), e.getMessage());
        e = assertThrows(InvalidInputException.class,
                () -> ClassRoi.apply(labels, spec, vol(new int[4], 2, 2), 0, "background"));
        assertTrue(e.getMessage().contains("not a foreground class"), e.getMessage());
        e = assertThrows(InvalidInputException.class,
                () -> ClassRoi.apply(vol(new int[] {3, 3, 3, 3}, 2, 2), spec, vol(new int[4], 2, 2), 1, "1"));
        assertTrue(e.getMessage().contains("nothing is annotated"), e.getMessage());
        e = assertThrows(InvalidInputException.class,
                () -> ClassRoi.apply(vol(new int[] {0, 7, 0, 0}, 2, 2), spec, vol(new int[4], 2, 2), 1, "1"));
        assertTrue(e.getMessage().contains("value 7"), e.getMessage());
    }

    @Test
    void classChoiceParsesValuesNamesAndBoth() {
        assertEquals(new ClassChoice(null, 2), ClassChoice.parse(" 2 "));
        assertEquals(new ClassChoice("mito", 2), ClassChoice.parse("mito=2"));
        assertEquals(new ClassChoice("mito", null), ClassChoice.parse("mito"));
        LabelSpec spec = new LabelSpec(3, 3, List.of("background", "nucleus", "mito"));
        List<String> names = spec.classNames();
        assertEquals(2, ClassChoice.parse("mito").resolve(spec, names));
        assertEquals("mito", ClassChoice.parse("2").displayName(names));
        assertEquals("2", ClassChoice.parse("2").displayName(List.of()));
        assertEquals("mito", ClassChoice.parse("mito=2").displayName(List.of()));

        assertThrows(InvalidInputException.class, () -> ClassChoice.parse("mito=x"));
        assertThrows(InvalidInputException.class, () -> ClassChoice.parse("a/b=2"));
        assertThrows(InvalidInputException.class, () -> ClassChoice.parse("=2"));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ClassChoice.parse("mito").resolve(spec, List.of()));
        assertTrue(e.getMessage().contains("mito=<value>"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> ClassChoice.parse("golgi").resolve(spec, names));
        assertTrue(e.getMessage().contains("golgi"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> ClassChoice.parse("nucleus=2").resolve(spec, names));
        assertTrue(e.getMessage().contains("contradicts"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> ClassChoice.parse("3").resolve(spec, List.of()));
        assertTrue(e.getMessage().contains("0..2"), e.getMessage());
        assertThrows(InvalidInputException.class, () -> ClassChoice.parse("0").resolve(spec, List.of()));
    }

    @Test
    void annotatorCoversTheChosenClassAndTheClassNames() {
        AnnotateOptions o = AnnotateOptions.of(AnnotationMode.CLASS_ROI).withUnknownClass("2");
        // class 2 drawn in no case: it still gets its value, and the default ignore value moves above it
        LabelSpec spec = new Annotator(o).labelSpec(List.of(0, 1));
        assertEquals(3, spec.numClasses());
        assertEquals(3, spec.ignoreValue());
        LabelSpec named = new Annotator(o.withUnknownClass("mito")
                .withClassNames(List.of("background", "nucleus", "mito", "golgi"))).labelSpec(List.of(0, 1));
        assertEquals(4, named.numClasses());
        assertEquals("golgi", named.classNames().get(3));
        assertThrows(InvalidInputException.class, () -> new Annotator(o.withClassNames(List.of("background", "nucleus")))
                .labelSpec(List.of(0, 1)));
        assertThrows(InvalidInputException.class, () -> new Annotator(AnnotateOptions.of(AnnotationMode.CLASS_ROI)));

        LabelVolume labels = vol(new int[] {0, 1, 2, 2}, 2, 2);
        Annotation a = new Annotator(o.withUnknownClass("mito").withClassNames(List.of("background", "nucleus", "mito")))
                .annotate(labels, new LabelSpec(3, 3, List.of("background", "nucleus", "mito")), null,
                        vol(new int[] {1, 0, 1, 0}, 2, 2));
        assertArrayEquals(new int[] {0, 1, 2, 0}, a.labels().data());
        assertEquals("mito", a.unknown().className());
        assertNull(new Annotator(AnnotateOptions.of(AnnotationMode.ROI)).annotate(labels, new LabelSpec(3, 3, null),
                null, vol(new int[] {1, 0, 1, 0}, 2, 2)).unknown());
        assertThrows(InvalidInputException.class, () -> new Annotator(o).annotate(labels, new LabelSpec(3, 3, null),
                null, null));
    }

    private static List<String> listing(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void folderJobWritesLabelsAndMasksInTheTrainingLayout() throws IOException {
        Path labels = Files.createDirectories(tmp.resolve("labels"));
        Path roi = Files.createDirectories(tmp.resolve("roi"));
        // two 4 x 2 cases; the ROI is the upper row
        ImageFiles.writeLabels(vol(new int[] {2, 1, 0, 0, 2, 2, 0, 1}, 4, 2), labels.resolve("a.png"));
        ImageFiles.writeLabels(vol(new int[] {0, 0, 2, 0, 1, 2, 0, 0}, 4, 2), labels.resolve("b.png"));
        for (String n : List.of("a", "b")) {
            ImageFiles.writeLabels(vol(new int[] {1, 1, 1, 1, 0, 0, 0, 0}, 4, 2), roi.resolve(n + ".tif"));
        }
        Path out = tmp.resolve("out");
        Path unknown = tmp.resolve("unknown");
        AnnotateOptions o = AnnotateOptions.of(AnnotationMode.CLASS_ROI).withUnknownClass("mito=2");
        FolderAnnotation.Result r = FolderAnnotation.run(o,
                new FolderAnnotation.Folders(null, labels, roi, out, unknown), null);
        assertEquals(List.of("a.png", "b.png"), listing(out));
        assertEquals(List.of("mito"), listing(unknown));
        assertEquals(List.of("a.png", "b.png"), listing(unknown.resolve("mito")));
        assertEquals(List.of(unknown.resolve("mito").resolve("a.png"), unknown.resolve("mito").resolve("b.png")),
                r.masks());
        assertArrayEquals(new int[] {2, 1, 0, 0, 0, 0, 0, 1}, ImageFiles.readLabels(out.resolve("a.png")).data());
        assertArrayEquals(new int[] {0, 0, 2, 0, 1, 0, 0, 0}, ImageFiles.readLabels(out.resolve("b.png")).data());
        assertArrayEquals(new int[] {0, 0, 0, 0, 1, 1, 1, 1},
                ImageFiles.readLabels(unknown.resolve("mito").resolve("b.png")).data());
        // a: 8 annotated, certain 4 inside + the nucleus below = 5
        assertEquals(5.0 / 8, r.cases().get(0).fraction(), 1e-12);

        // training reads the masks back from the same layout: class 'mito' unknown in the lower row of each case
        LabelSpec named = new LabelSpec(3, 3, List.of("background", "nucleus", "mito"));
        List<ClassKnowledge> read = PartialLabelFiles.read(null, unknown, List.of("a", "b"),
                List.of("a.png", "b.png"), named);
        assertEquals(Set.of(2), read.get(0).unknownMasks().keySet());
        assertArrayEquals(new int[] {0, 0, 0, 0, 1, 1, 1, 1}, read.get(1).unknownMasks().get(2).data());
        int[] codes = read.get(0).encode(named.toCanonical(ImageFiles.readLabels(out.resolve("a.png"))),
                new long[] {4, 2}, named, "a");
        // lower row of a: background-or-mito (K + bit(2) = 3 + 2) where 0, the nucleus stays 1
        assertArrayEquals(new int[] {2, 1, 0, 0, 5, 5, 5, 1}, codes);

        // a missing ROI mask: nothing written, the new folders are removed again
        Files.delete(roi.resolve("b.tif"));
        Path out2 = tmp.resolve("out2");
        Path unknown2 = tmp.resolve("unknown2");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> FolderAnnotation.run(o,
                new FolderAnnotation.Folders(null, labels, roi, out2, unknown2), null));
        assertTrue(e.getMessage().contains("b.png"), e.getMessage());
        assertFalse(Files.exists(out2) || Files.exists(unknown2));
        e = assertThrows(InvalidInputException.class,
                () -> FolderAnnotation.run(o, new FolderAnnotation.Folders(null, labels, roi, out2), null));
        assertTrue(e.getMessage().contains("unknown-region masks"), e.getMessage());

        // a failure while annotating (class 5 beyond the names) leaves no file and no new folder behind
        ImageFiles.writeLabels(vol(new int[] {1, 1, 1, 1, 0, 0, 0, 0}, 4, 2), roi.resolve("b.tif"));
        e = assertThrows(InvalidInputException.class, () -> FolderAnnotation.run(
                o.withUnknownClass("golgi").withClassNames(List.of("background", "nucleus", "mito")),
                new FolderAnnotation.Folders(null, labels, roi, out2, unknown2), null));
        assertTrue(e.getMessage().contains("golgi"), e.getMessage());
        assertFalse(Files.exists(out2) || Files.exists(unknown2));
    }
    @Test
    void folderJobOnNiftiVolumesWritesNiftiMasks() throws IOException {
        Path labels = Files.createDirectories(tmp.resolve("labels"));
        Path roi = Files.createDirectories(tmp.resolve("roi"));
        // 3 x 2 x 2 with spacing; ROI = slice z = 1; class 1 unknown below it
        LabelVolume in = LabelVolume.wrap("v", new int[] {1, 0, 2, 1, 1, 0, 0, 1, 2, 0, 1, 1}, new long[] {3, 2, 2},
                new double[] {0.5, 0.5, 2});
        ImageFiles.writeLabels(in, labels.resolve("v.nii.gz"));
        ImageFiles.writeLabels(vol(new int[] {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1}, 3, 2, 2), roi.resolve("v.nii.gz"));
        FolderAnnotation.Result r = FolderAnnotation.run(AnnotateOptions.of(AnnotationMode.CLASS_ROI)
                .withUnknownClass("1"), new FolderAnnotation.Folders(null, labels, roi, tmp.resolve("out"),
                        tmp.resolve("unknown")), null);
        LabelVolume out = ImageFiles.readLabels(tmp.resolve("out").resolve("v.nii.gz"));
        LabelVolume mask = ImageFiles.readLabels(tmp.resolve("unknown").resolve("1").resolve("v.nii.gz"));
        assertArrayEquals(new int[] {0, 0, 2, 0, 0, 0, 0, 1, 2, 0, 1, 1}, out.data());
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0}, mask.data());
        assertArrayEquals(new double[] {0.5, 0.5, 2}, mask.spacing(), 1e-6);
        // 12 annotated; certain: slice 1 (6) and the class-2 voxel of slice 0 (1)
        assertEquals(7.0 / 12, r.cases().get(0).fraction(), 1e-12);
    }
}
