package org.maskseg.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.io.OutputPaths;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.nnunet.NnUNetExport;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code maskseg export-nnunet}: writes a MaskSeg model as an nnU-Net v2 results folder. */
@Command(name = "export-nnunet", mixinStandardHelpOptions = true, sortOptions = false,
        description = { "Writes a MaskSeg model as an nnU-Net v2 results folder of one configuration: dataset.json, "
                + "plans.json and fold_N/checkpoint_final.pth per network (an ensemble gives one fold per network), "
                + "which nnUNetv2_predict_from_modelfolder and import-nnunet read. Plain U-Nets and residual-encoder "
                + "U-Nets (ResEnc presets) are written as nnU-Net's PlainConvUNet and ResidualEncoderUNet; a model "
                + "with postprocessing also gets crossval_results_folds_<folds>/postprocessing.pkl for "
                + "nnUNetv2_apply_postprocessing.",
                "Region models need at least two classes per region (nnU-Net reads single-class entries as "
                        + "classes). The checkpoints hold no optimiser state: nnU-Net predicts and fine-tunes with "
                        + "them but cannot continue their training." })
public final class ExportNnUNetCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "MODEL.zip", description = "MaskSeg model file")
    Path model;

    @Option(names = "--out", required = true, paramLabel = "RESULTS_DIR",
            description = "folder to write, e.g. nnUNet_results/Dataset123_Nuclei/nnUNetTrainer__nnUNetPlans__2d "
                    + "(created if missing; must not hold other folds)")
    Path out;

    @Option(names = "--dataset-name", paramLabel = "DatasetNNN_Name", defaultValue = "Dataset999_MaskSeg",
            description = "nnU-Net's dataset name for plans.json (default: ${DEFAULT-VALUE})")
    String datasetName;

    @Option(names = "--file-ending", paramLabel = "EXT", defaultValue = ".nii.gz",
            description = "image file ending nnU-Net's predictor looks for and writes: .nii.gz, .nii, .png, .tif or "
                    + ".tiff (default: ${DEFAULT-VALUE})")
    String fileEnding;

    @Override
    public Integer call() {
        try {
            OutputPaths.check().input("--model", model).outputFolder("--out", out).verify();
            TrainedModel m = TrainedModel.load(model);
            NnUNetExport.Written w = NnUNetExport.export(m, out, new NnUNetExport.Options(datasetName, fileEnding));
            System.out.println("exported " + model + " as nnU-Net configuration '" + w.configuration() + "' ("
                    + String.join(", ", w.folds()) + ") to " + out);
            return 0;
        } catch (InvalidInputException e) {
            return Cli.fail(e.getMessage());
        } catch (IOException e) {
            return Cli.fail("cannot write '" + out + "': " + e.getMessage());
        }
    }
}
