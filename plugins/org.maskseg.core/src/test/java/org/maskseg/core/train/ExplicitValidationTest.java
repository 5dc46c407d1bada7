package org.maskseg.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.preprocess.TrainingCase;

class ExplicitValidationTest {

    private static TrainingSettings.Builder cpu() {
        return TrainingSettings.builder().device("cpu").seed(3).loaderThreads(1).threads(1).epochs(2)
                .iterationsPerEpoch(1).validationIterations(1);
    }

    @Test
    void explicitSplitValidatesExactlyTheNamedCases() {
        ValidationSplit s = ValidationSplit.explicit(List.of("d", "a", "c", "b"), List.of("c", "a"));
        assertEquals(List.of("a", "c"), s.validation());
        assertEquals(List.of("b", "d"), s.training());
        assertTrue(s.heldOut());

        InvalidInputException unknown = assertThrows(InvalidInputException.class,
                () -> ValidationSplit.explicit(List.of("a", "b"), List.of("x")));
        assertEquals("validation case 'x' is not among the cases", unknown.getMessage());
        InvalidInputException all = assertThrows(InvalidInputException.class,
                () -> ValidationSplit.explicit(List.of("a", "b"), List.of("a", "b")));
        assertTrue(all.getMessage().contains("got 2 validation and 0 training case(s)"), all.getMessage());
    }

    @Test
    void trainerDrawsValidationBatchesOnlyFromTheNamedCases() {
        List<TrainingCase> cases = TinyProblem.cases(5, 4);
        Set<String> validationSeen = new TreeSet<>();
        Set<String> trainingSeen = new TreeSet<>();
        BatchSourceFactory recording = (c, plan, seed, training, threads) -> {
            c.forEach(tc -> (training ? trainingSeen : validationSeen).add(tc.name()));
            return Trainer.standardBatches(c, plan, seed, training, threads);
        };
        TrainingResult r = new Trainer(TinyProblem.plan(2, 1), cases,
                cpu().validationFraction(0.6).build()).validationCases(List.of("case04", "case01"))
                .batchSources(recording).train();
        assertEquals(List.of("case01", "case04"), r.split().validation());
        assertEquals(List.of("case00", "case02", "case03"), r.split().training());
        assertEquals(Set.of("case01", "case04"), validationSeen);
        assertEquals(Set.of("case00", "case02", "case03"), trainingSeen);
        assertEquals(2, r.finalModel().metadata().validationCases());

        assertThrows(InvalidInputException.class,
                () -> new Trainer(TinyProblem.plan(2, 1), cases, cpu().build()).validationCases(List.of("case09")));
    }

    @Test
    void trainingJobValidatesOnTheGivenImages() {
        List<TrainingCase> train = TinyProblem.cases(3, 5);
        List<TrainingCase> extra = new ArrayList<>();
        for (TrainingCase c : TinyProblem.cases(2, 6)) {
            String name = "val-" + c.name();
            extra.add(new TrainingCase(name,
                    c.image().withName(name),
                    c.labels().withName(name)));
        }
        TrainingResult r = TrainingJob.run(TrainingRequest.volumes(train.stream().map(TrainingCase::image)
                .toList(), train.stream().map(TrainingCase::labels).toList())
                .validation(extra.stream().map(TrainingCase::image).toList(),
                        extra.stream().map(TrainingCase::labels).toList())
                .settings(cpu().patchSize(32, 32).batchSize(2).build()).build(), null, null);
        assertEquals(List.of("val-case00", "val-case01"), r.split().validation());
        assertEquals(List.of("case00", "case01", "case02"), r.split().training());

        InvalidInputException clash = assertThrows(InvalidInputException.class,
                () -> TrainingJob.run(TrainingRequest.volumes(List.of(train.get(0).image()),
                        List.of(train.get(0).labels())).validation(List.of(train.get(0).image()),
                                List.of(train.get(0).labels())).settings(cpu().build()).build(), null, null));
        assertTrue(clash.getMessage().startsWith("validation image 'case00' has the name of a training image"),
                clash.getMessage());
    }
}
