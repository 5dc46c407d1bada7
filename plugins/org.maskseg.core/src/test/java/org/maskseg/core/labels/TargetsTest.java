package org.maskseg.core.labels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.maskseg.core.InvalidInputException;

class TargetsTest {

    private static final LabelSpec TUMOUR = new LabelSpec(4, 255, List.of("background", "edema", "necrosis",
            "enhancing"));

    @Test
    void classTargetsHaveOneOutputPerClassAndScoreTheForegroundClasses() {
        Targets t = Targets.classes(TUMOUR);
        assertFalse(t.regionBased());
        assertEquals(4, t.outputChannels());
        assertEquals(List.of("edema", "necrosis", "enhancing"), t.scoreNames());
        assertEquals(255, t.ignoreValue());
        assertEquals("4 classes (background, edema, necrosis, enhancing)", t.describe());
    }

    @Test
    void regionTargetsHaveOneOutputPerRegionAndScoreTheRegions() {
        Targets t = Targets.of(TUMOUR, RegionSet.parse("whole=1,2,3;core=2,3;enhancing=3", TUMOUR), false);
        assertTrue(t.regionBased());
        assertEquals(3, t.outputChannels());
        assertEquals(List.of("whole", "core", "enhancing"), t.scoreNames());
        assertEquals(4, t.numClasses(), "the classes stay those of the labels");
        assertTrue(t.describe().startsWith("regions whole=1,2,3"), t.describe());
    }

    @Test
    void partialLabelsAreAFlagOfTheSameTargets() {
        Targets t = Targets.classes(TUMOUR);
        Targets partial = t.withPartialLabels(true);
        assertTrue(partial.partialLabels());
        assertFalse(t.partialLabels(), "targets are immutable");
        assertNotEquals(t, partial);
        assertEquals(t, partial.withPartialLabels(false));
        assertEquals(t.hashCode(), partial.withPartialLabels(false).hashCode());
    }

    @Test
    void storedFieldsAreCheckedAllAtOnce() {
        List<String> problems = Targets.problems(3, List.of("a", "b"), 1, List.of(new Region("r", List.of(5), 5)),
                false);
        assertEquals(4, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("classNames must have numClasses = 3 entries, got 2"), problems.get(0));
        assertTrue(problems.get(1).startsWith("ignoreValue 1 collides with a class (0..2)"), problems.get(1));
        assertTrue(problems.get(2).contains("region 'r' contains class 5"), problems.get(2));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> Targets.read(3, List.of("a", "b"), 1, List.of(), false, "plan 'p.json'"));
        assertTrue(e.getMessage().startsWith("plan 'p.json' is invalid: classNames must have"), e.getMessage());
    }

    @Test
    void partialLabelsAreLimitedToSixteenForegroundClasses() {
        List<String> names17 = Collections.nCopies(17, "c");
        assertTrue(Targets.problems(17, names17, 17, List.of(), true).isEmpty(), "16 foreground classes fit");
        List<String> names18 = Collections.nCopies(18, "c");
        assertEquals(List.of("training.partialLabels needs at most 16 foreground classes, the plan has 17"),
                Targets.problems(18, names18, 18, List.of(), true));
        assertThrows(InvalidInputException.class,
                () -> Targets.classes(new LabelSpec(18, 18, names18)).withPartialLabels(true));
    }
}
