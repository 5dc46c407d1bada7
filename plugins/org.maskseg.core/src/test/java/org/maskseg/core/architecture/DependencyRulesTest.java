package org.maskseg.core.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The engine's dependency rules (see ARCHITECTURE.md): its packages form no cycle; the numeric layers (tensors,
 * network, loss, optimiser, metrics) know nothing of data loading or of the jobs that use them; prediction and
 * evaluation do not depend on training; and the engine knows nothing of its front ends.
 */
class DependencyRulesTest {

    private static JavaClasses engine;

    @BeforeAll
    static void importEngine() {
        engine = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.maskseg.core");
    }

    @Test
    void packagesFormNoCycle() {
        slices().matching("org.maskseg.core.(*)..").should().beFreeOfCycles().check(engine);
    }

    @Test
    void numericLayersKnowNothingOfDataLoadingOrJobs() {
        noClasses().that().resideInAnyPackage("..core.tensor..", "..core.nn..", "..core.loss..", "..core.optim..",
                "..core.metrics..")
                .should().dependOnClassesThat().resideInAnyPackage("..core.data..", "..core.augment..",
                        "..core.sampling..", "..core.train..", "..core.predict..", "..core.evaluate..",
                        "..core.annotate..")
                .check(engine);
    }

    @Test
    void predictionAndEvaluationDoNotDependOnTraining() {
        noClasses().that().resideInAnyPackage("..core.predict..", "..core.evaluate..")
                .should().dependOnClassesThat().resideInAnyPackage("..core.train..", "..core.data..",
                        "..core.augment..", "..core.sampling..")
                .check(engine);
    }

    @Test
    void theEngineKnowsNothingOfItsFrontEnds() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("org.knime..", "picocli..",
                "org.maskseg.cli..", "org.maskseg.knime..")
                .check(engine);
    }
}
