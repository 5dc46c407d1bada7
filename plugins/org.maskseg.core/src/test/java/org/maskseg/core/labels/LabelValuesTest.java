package org.maskseg.core.labels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.annotate.AnnotateOptions;
import org.maskseg.core.annotate.AnnotationMode;
import org.maskseg.core.annotate.Annotator;
import org.maskseg.core.image.LabelVolume;

class LabelValuesTest {

    /** A 20 x 20 label image of value 0 with a 10 x 10 square of 1 and, unless -1, a 5 x 5 block of {@code stray}. */
    private static LabelVolume labels(String name, int top, int stray) {
        int[] d = new int[400];
        for (int y = 0; y < 20; y++) {
            for (int x = 0; x < 20; x++) {
                int v = x < 10 && y < 10 ? 1 : 0;
                if (top > 1 && x >= 10 && y < 10) {
                    v = top;
                }
                if (stray >= 0 && x >= 15 && y >= 15) {
                    v = stray;
                }
                d[y * 20 + x] = v;
            }
        }
        return LabelVolume.wrap(name, d, new long[] {20, 20}, new double[] {1, 1});
    }

    @Test
    void farValuesAreThoseAboveALargeGap() {
        assertEquals(255, LabelValues.firstFarValue(List.of(0, 1, 255)));
        assertEquals(200, LabelValues.firstFarValue(List.of(0, 1, 2, 200)));
        assertEquals(10, LabelValues.firstFarValue(List.of(0, 10)));
        assertEquals(200, LabelValues.firstFarValue(List.of(200)));
        assertNull(LabelValues.firstFarValue(List.of(0, 1, 2, 5)));
        assertNull(LabelValues.firstFarValue(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
                19, 20, 30)));
        assertNull(LabelValues.firstFarValue(List.of(0, 1)));
    }

    @Test
    void aStrayBlockOf200IsRefusedWithTheVoxelsPerValue() {
        List<LabelVolume> l = List.of(labels("a", 2, -1), labels("b", 2, 200));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> LabelSpec.infer(l, null));
        assertTrue(e.getMessage().contains("value 200 lies far above"), e.getMessage());
        assertTrue(e.getMessage().contains("200: 25"), e.getMessage());
        assertTrue(e.getMessage().contains("0: 375"), e.getMessage());
        assertTrue(e.getMessage().contains("201 classes"), e.getMessage());
        // declared classes accept it
        assertEquals(201, LabelSpec.infer(l, null, 201).numClasses());
        // an ignore value that is not the stray value does not explain it
        assertThrows(InvalidInputException.class, () -> LabelSpec.infer(l, 255));
    }

    @Test
    void masksWith255AreRefusedUnless255IsTheIgnoreLabel() {
        List<LabelVolume> l = List.of(labels("a", 0, 255));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> LabelSpec.infer(l, null));
        assertTrue(e.getMessage().contains("--ignore-label 255"), e.getMessage());
        LabelSpec spec = LabelSpec.infer(l, 255);
        assertEquals(2, spec.numClasses());
        assertEquals(255, spec.ignoreValue());
        // ordinary labels with absent classes are still fine
        assertEquals(6, LabelSpec.infer(List.of(labels("c", 5, -1)), null).numClasses());
    }

    @Test
    void annotationRefusesFarValuesToo() {
        Annotator annotator = new Annotator(AnnotateOptions.of(AnnotationMode.BORDER).withWidth(1.0, false));
        java.util.Map<Integer, Long> counts = LabelValues.count(List.of(labels("a", 0, 255)));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> annotator.labelSpec(counts));
        assertTrue(e.getMessage().contains("255: 25"), e.getMessage());
        assertThrows(InvalidInputException.class, () -> annotator.labelSpec(counts.keySet()));
    }
}
