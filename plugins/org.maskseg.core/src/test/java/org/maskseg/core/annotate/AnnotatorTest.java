package org.maskseg.core.annotate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.labels.LabelSpec;

class AnnotatorTest {

    @Test
    void everyModeRunsOnRealNucleiAndReportsItsFraction() {
        LabelVolume labels = Fixtures.nucleiLabels(1).get(0);
        LabelSpec spec = new Annotator(AnnotateOptions.of(AnnotationMode.SCRIBBLES))
                .labelSpec(Annotator.distinctValues(labels));
        assertEquals(2, spec.numClasses());
        assertEquals(2, spec.ignoreValue());
        float[] px = new float[256 * 256];
        for (int i = 0; i < 256 * 10; i++) {
            px[i] = Float.NaN; // first ten rows invalid
        }
        ImageVolume image = ImageVolume.wrap("img", px, new long[] {256, 256}, 1, new double[] {1, 1});
        int[] roi = new int[256 * 256];
        for (int i = 0; i < roi.length / 2; i++) {
            roi[i] = 255;
        }
        LabelVolume roiMask = LabelVolume.wrap("roi", roi, new long[] {256, 256}, new double[] {1, 1});
        List<AnnotateOptions> jobs = List.of(
                AnnotateOptions.of(AnnotationMode.ROI),
                AnnotateOptions.of(AnnotationMode.REMAP).withValues(List.of(1)),
                AnnotateOptions.of(AnnotationMode.BORDER).withWidth(2.0, false),
                AnnotateOptions.of(AnnotationMode.INVALID),
                AnnotateOptions.of(AnnotationMode.SCRIBBLES),
                AnnotateOptions.of(AnnotationMode.SLICES).withEvery(4),
                AnnotateOptions.of(AnnotationMode.SLICES).withFraction(0.1),
                AnnotateOptions.of(AnnotationMode.PATCHES).withFraction(0.2));
        double[] expected = {0.5, Double.NaN, Double.NaN, 246.0 / 256, Double.NaN, 0.25, 26.0 / 256, Double.NaN};
        for (int j = 0; j < jobs.size(); j++) {
            Annotation a = new Annotator(jobs.get(j)).annotate(labels, spec, image, roiMask);
            AnnotationReport r = a.report();
            assertEquals(jobs.get(j).mode().key(), r.operation());
            assertTrue(r.fraction() > 0 && r.fraction() < 1, r.toString());
            if (!Double.isNaN(expected[j])) {
                assertEquals(expected[j], r.fraction(), 1e-12, r.toString());
            }
        }
        Annotation remap = new Annotator(jobs.get(1)).annotate(labels, spec, null, null);
        assertEquals(0, remap.report().classes().get(1).annotatedVoxels());
        assertEquals(1.0, remap.report().classes().get(0).fraction());
        assertEquals(1, remap.report().warnings().size());
    }

    @Test
    void missingRoiOrImageIsNamed() {
        LabelVolume labels = Fixtures.rows(0, 1, 1, 0);
        LabelSpec spec = LabelSpec.withDefaultIgnore(2);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> new Annotator(AnnotateOptions.of(AnnotationMode.ROI)).annotate(labels, spec, null, null));
        assertTrue(e.getMessage().contains("region-of-interest"), e.getMessage());
        assertThrows(InvalidInputException.class,
                () -> new Annotator(AnnotateOptions.of(AnnotationMode.INVALID)).annotate(labels, spec, null, null));
    }

    @Test
    void optionsMissingForAModeAreRefused() {
        assertThrows(InvalidInputException.class, () -> new Annotator(AnnotateOptions.of(AnnotationMode.REMAP)));
        assertThrows(InvalidInputException.class, () -> new Annotator(AnnotateOptions.of(AnnotationMode.BORDER)));
        assertThrows(InvalidInputException.class, () -> new Annotator(AnnotateOptions.of(AnnotationMode.SLICES)));
        assertThrows(InvalidInputException.class,
                () -> new Annotator(AnnotateOptions.of(AnnotationMode.SLICES).withEvery(2).withFraction(0.5)));
        assertThrows(InvalidInputException.class, () -> new Annotator(AnnotateOptions.of(AnnotationMode.PATCHES)));
        assertThrows(InvalidInputException.class,
                () -> new Annotator(AnnotateOptions.of(AnnotationMode.PATCHES).withFraction(0.0)));
        assertThrows(InvalidInputException.class,
                () -> new Annotator(AnnotateOptions.of(AnnotationMode.SCRIBBLES).withScribbleStroke(0, 0.2)));
        assertThrows(InvalidInputException.class,
                () -> new Annotator(AnnotateOptions.of(AnnotationMode.SLICES).withEvery(2).withAxis(5)));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> AnnotationMode.of("dots"));
        assertTrue(e.getMessage().contains("scribbles"), e.getMessage());
        assertEquals(AnnotationMode.BORDER, AnnotationMode.of(" Border "));
    }

    @Test
    void labelSpecFromObservedValues() {
        Annotator scribbles = new Annotator(AnnotateOptions.of(AnnotationMode.SCRIBBLES));
        LabelSpec s = scribbles.labelSpec(Set.of(0, 1, 3));
        assertEquals(4, s.numClasses());
        assertEquals(4, s.ignoreValue());
        LabelSpec minus = new Annotator(AnnotateOptions.of(AnnotationMode.SCRIBBLES).withIgnoreValue(-1))
                .labelSpec(Set.of(-1, 0, 2));
        assertEquals(3, minus.numClasses());
        assertEquals(-1, minus.ignoreValue());
        // remapped values are not classes: 255 marks unreliable voxels
        LabelSpec remap = new Annotator(AnnotateOptions.of(AnnotationMode.REMAP).withValues(List.of(255)))
                .labelSpec(Set.of(0, 1, 255));
        assertEquals(2, remap.numClasses());
        assertEquals(2, remap.ignoreValue());
        assertThrows(InvalidInputException.class, () -> scribbles.labelSpec(Set.of(-1, 0, 1)));
        assertThrows(InvalidInputException.class,
                () -> new Annotator(AnnotateOptions.of(AnnotationMode.SCRIBBLES).withIgnoreValue(1))
                        .labelSpec(Set.of(0, 1, 2)));
        assertThrows(InvalidInputException.class,
                () -> new Annotator(AnnotateOptions.of(AnnotationMode.SCRIBBLES).withIgnoreValue(255))
                        .labelSpec(Set.of(255)));
        assertEquals(Set.of(-1, 0, 2), Annotator.distinctValues(Fixtures.rows(0, 2, -1, 0)));
    }

    @Test
    void caseSeedsDependOnSeedAndNameOnly() {
        assertEquals(Annotator.caseSeed(5, "a.png"), Annotator.caseSeed(5, "a.png"));
        assertNotEquals(Annotator.caseSeed(5, "a.png"), Annotator.caseSeed(5, "b.png"));
        assertNotEquals(Annotator.caseSeed(5, "a.png"), Annotator.caseSeed(6, "a.png"));
        LabelVolume labels = Fixtures.nucleiLabels(1).get(0);
        LabelSpec spec = LabelSpec.withDefaultIgnore(2);
        Annotator a = new Annotator(AnnotateOptions.of(AnnotationMode.PATCHES).withFraction(0.1).withSeed(3));
        assertArrayEquals(a.annotate(labels, spec, null, null).labels().data(),
                a.annotate(labels.copy(labels.name()), spec, null, null).labels().data());
    }
}
