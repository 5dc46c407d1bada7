package org.maskseg.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.evaluate.Scores;
import org.maskseg.core.metrics.CaseMetrics;
import org.maskseg.core.preprocess.TrainingCase;

class CrossValidationTrainingTest {

    @TempDir
    Path tmp;

    private static TrainingSettings.Builder cpu() {
        return TrainingSettings.builder().device("cpu").seed(3).loaderThreads(1).threads(1).epochs(1)
                .iterationsPerEpoch(1).validationIterations(1).patchSize(32, 32).batchSize(2);
    }

    private static TrainingRequest.Builder request(List<TrainingCase> cases) {
        return TrainingRequest.volumes(cases.stream().map(TrainingCase::image).toList(),
                cases.stream().map(TrainingCase::labels).toList());
    }

    @Test
    void allFoldsTrainOneAfterTheOtherOnNnUNetsSplit() throws Exception {
        List<TrainingCase> cases = TinyProblem.cases(6, 8);
        List<String> names = cases.stream().map(TrainingCase::name).toList();
        Path work = tmp.resolve("work");
        List<Integer> started = new ArrayList<>();
        TrainingResult r = TrainingJob.run(request(cases).crossValidation(CrossValidation.all(3))
                .settings(cpu().workFolder(work).build()).build(), new TrainingListener() {
                    @Override
                    public void foldStarted(int fold, int folds) {
                        assertEquals(3, folds);
                        started.add(fold);
                    }
                }, null);
        assertEquals(List.of(0, 1, 2), started);
        List<ValidationSplit> expected = CrossValidation.kFold(names, 3);
        assertEquals(3, r.folds().size());
        assertEquals(List.of(0, 1, 2), r.finalModel().folds());
        assertEquals(3, r.finalModel().members().size());
        assertEquals(3, r.history().size());
        List<CaseMetrics> perFold = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            TrainingResult f = r.folds().get(k);
            assertEquals(k, f.fold());
            assertEquals(expected.get(k), f.split());
            assertTrue(r.finalModel().members().get(k).sameWeightsAs(f.finalModel()));
            // the fold's validation predictions and their probabilities are kept in its own folder
            try (Stream<Path> s = Files.list(work.resolve("fold_" + k).resolve("validation"))) {
                List<String> files = s.map(p -> p.getFileName().toString()).sorted().toList();
                List<String> want = new ArrayList<>();
                expected.get(k).validation().forEach(n -> {
                    want.add(n + ".png");
                    want.add(n + "_probabilities.nii.gz");
                });
                want.add("summary.json");
                assertEquals(want.stream().sorted().toList(), files);
            }
            perFold.addAll(f.finalValidation().cases());
        }
        assertEquals(expected, CrossValidation.readSplits(work.resolve("splits_final.json"), names));
        // pooled: every case once, the class Dice the mean over all cases that define it
        Scores pooled = r.finalValidation();
        assertEquals(6, pooled.cases().size());
        double sum = 0;
        int defined = 0;
        for (CaseMetrics m : perFold) {
            if (!Double.isNaN(m.dice(1))) {
                sum += m.dice(1);
                defined++;
            }
        }
        assertEquals(sum / defined, pooled.dice(0), 1e-12);
    }

    @Test
    void oneFoldAsItsOwnJob() {
        List<TrainingCase> cases = TinyProblem.cases(6, 8);
        TrainingResult r = TrainingJob.run(request(cases).crossValidation(new CrossValidation(3, 2, null))
                .finalValidation(false).settings(cpu().build()).build(), null, null);
        assertEquals(2, r.fold());
        assertEquals(List.of(2), r.finalModel().folds());
        assertEquals(CrossValidation.kFold(cases.stream().map(TrainingCase::name).toList(), 3).get(2), r.split());
        assertNull(r.finalValidation());
        assertTrue(r.folds().isEmpty());

        InvalidInputException few = assertThrows(InvalidInputException.class, () -> TrainingJob.run(
                request(cases.subList(0, 2)).crossValidation(CrossValidation.all(3)).settings(cpu().build()).build(),
                null, null));
        assertTrue(few.getMessage().contains("needs at least 3 cases"), few.getMessage());
        InvalidInputException both = assertThrows(InvalidInputException.class, () -> request(cases)
                .validation(List.of(cases.get(0).image()), List.of(cases.get(0).labels()))
                .crossValidation(CrossValidation.all(3)).build());
        assertTrue(both.getMessage().contains("cannot be combined with separate validation cases"),
                both.getMessage());
    }
}
