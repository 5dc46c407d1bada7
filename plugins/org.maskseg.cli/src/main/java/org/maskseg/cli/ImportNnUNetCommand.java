package org.maskseg.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.io.OutputPaths;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.nnunet.NnUNetImport;
import org.maskseg.core.plan.Plan;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code maskseg import-nnunet}: turns a model trained by nnU-Net v2 into a MaskSeg model file. */
@Command(name = "import-nnunet", mixinStandardHelpOptions = true, sortOptions = false,
        description = { "Imports a model trained by nnU-Net v2 (no Python needed) into a MaskSeg model file, which "
                + "predict, evaluate and train --init then use like any MaskSeg model.",
                "RESULTS_DIR is nnU-Net's training output folder (nnUNet_results/DatasetXXX/"
                        + "<trainer>__<plans>__<configuration>) with dataset.json, plans.json and fold_N/"
                        + "checkpoint_final.pth. The checkpoint is read without running any of its code: only the "
                        + "Python objects PyTorch checkpoints use are accepted.",
                "Supported: PlainConvUNet and ResidualEncoderUNet networks (2D and 3D; the latter is what nnU-Net's "
                        + "ResEnc M/L/XL presets train) with z-score, CT or no normalisation, class or "
                        + "region labels, plans without axis transposition." })
public final class ImportNnUNetCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "RESULTS_DIR", description = "nnU-Net v2 results folder of one configuration")
    Path results;

    @Option(names = "--folds", paramLabel = "N", split = ",",
            description = "folds to import, by number or 'all' (default: every fold that has the checkpoint); several "
                    + "folds become an ensemble that averages their logits, as nnU-Net does")
    List<String> folds;

    @Option(names = "--checkpoint", paramLabel = "final|best", defaultValue = "final",
            description = "checkpoint_final.pth or checkpoint_best.pth (default: ${DEFAULT-VALUE})")
    String checkpoint;

    @Option(names = "--postprocessing", paramLabel = "FILE|none",
            description = "nnU-Net's postprocessing.pkl to apply to the model's predictions, or 'none' (default: the "
                    + "one nnU-Net chose on the cross-validation of the imported folds, "
                    + "crossval_results_folds_<folds>/postprocessing.pkl, or RESULTS_DIR/postprocessing.pkl, when "
                    + "present)")
    String postprocessing;

    @Option(names = "--out", required = true, paramLabel = "MODEL.zip", description = "MaskSeg model file to write")
    Path out;

    @Override
    public Integer call() {
        try {
            NnUNetImport.Checkpoint which = NnUNetImport.Checkpoint.parse(checkpoint);
            NnUNetImport.PostprocessingSource pp = postprocessing == null ? NnUNetImport.PostprocessingSource.FIND
                    : "none".equalsIgnoreCase(postprocessing) ? NnUNetImport.PostprocessingSource.NONE
                    : NnUNetImport.PostprocessingSource.file(Path.of(postprocessing));
            OutputPaths check = OutputPaths.check().input("RESULTS_DIR", results);
            if (pp.file() != null) {
                check.input("--postprocessing", pp.file());
            }
            check.outputFile("--out", out).verify();
            TrainedModel model = NnUNetImport.importModel(results, folds == null ? List.of() : folds, which, pp);
            model.save(out);
            Plan plan = model.plan();
            System.out.println(String.format(Locale.ROOT, "imported %s (%s, fold %s, %s): %s network, %d stages, "
                    + "%d channel(s), %s %s, patch %s -> %s", model.metadata().dataset().get("trainer"),
                    model.metadata().dataset().get("configuration"), model.metadata().dataset().get("fold"),
                    which.fileName(), plan.configuration(), plan.network().numStages(), plan.inputChannels(),
                    plan.targets().regionBased() ? "regions" : "classes",
                    plan.targets().regionBased() ? model.regions().names() : model.labels().classNames(),
                    java.util.Arrays.toString(plan.patchSize()), out));
            if (!model.postprocessing().isNone()) {
                System.out.println("postprocessing: " + model.postprocessing().describe(model.labels().classNames()));
            }
            return 0;
        } catch (InvalidInputException e) {
            return Cli.fail(e.getMessage());
        } catch (IOException e) {
            return Cli.fail("cannot write '" + out + "': " + e.getMessage());
        }
    }
}
