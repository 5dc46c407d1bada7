package org.maskseg.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.preprocess.TrainingCase;

class SkippedStepsTest {

    @Test
    void toleratesAFewSkipsAndStopsAboveTheShare() {
        SkippedSteps s = new SkippedSteps();
        // two skips are always tolerated
        s.record(false);
        s.record(false);
        assertEquals(2, s.skipped());
        // 3 skips need at least 60 steps to stay within 5 %: 57 good steps, then the third skip is step 60
        for (int i = 0; i < 57; i++) {
            s.record(true);
        }
        s.record(false);
        assertEquals(60, s.steps());
        assertEquals(3, s.skipped());
        // the fourth skip at step 61 makes 4 > 0.05 * 61 = 3.05
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> s.record(false));
        assertTrue(e.getMessage().contains("4 of 61 steps"), e.getMessage());
    }

    @Test
    void countsOfAResumedRunCarryOn() {
        SkippedSteps s = new SkippedSteps(40, 2);
        assertThrows(InvalidInputException.class, () -> s.record(false)); // 3 of 41 > 2.05
    }

    @Test
    void imagesThatAlwaysGiveNaNStopTrainingWithAClearErrorAndReportTheSkips(@TempDir Path dir) {
        List<TrainingCase> cases = new ArrayList<>();
        for (TrainingCase c : TinyProblem.cases(3, 1)) {
            float[] img = c.image().data().clone();
            img[7] = Float.NaN;
            ImageVolume nan = ImageVolume.wrap(c.name(), img, c.image().spatialSize(), 1, c.image().spacing());
            cases.add(new TrainingCase(c.name(), nan, c.labels()));
        }
        List<String> messages = new ArrayList<>();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void message(String text) {
                messages.add(text);
            }
        };
        Trainer trainer = new Trainer(TinyProblem.plan(2, 5), cases,
                TrainingSettings.builder().device("cpu").seed(3).loaderThreads(1).threads(1).workFolder(dir).build())
                .listener(listener);
        InvalidInputException e = assertThrows(InvalidInputException.class, trainer::train);
        assertTrue(e.getMessage().startsWith("training stopped: 3 of 3 steps had a non-finite loss or gradient"),
                e.getMessage());
        assertEquals(3, messages.stream().filter(m -> m.contains("skipped: loss NaN")).count(), messages.toString());
    }
}
