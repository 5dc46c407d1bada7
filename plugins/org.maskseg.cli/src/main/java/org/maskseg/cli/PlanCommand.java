package org.maskseg.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.io.CaseData;
import org.maskseg.core.io.DatasetCase;
import org.maskseg.core.io.DatasetFolder;
import org.maskseg.core.io.NnUnetDataset;
import org.maskseg.core.io.OutputPaths;
import org.maskseg.core.plan.FolderPlanning;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.plan.PlanJson;
import org.maskseg.core.plan.PlannerOptions;
import org.maskseg.core.plan.Preset;
import org.maskseg.core.train.Budget;
import org.maskseg.core.train.TrainingJob;
import org.maskseg.core.train.TrainingListener;
import org.maskseg.core.train.TrainingSettings;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code maskseg plan}: the dataset fingerprint and the nnU-Net-style plan, printed as JSON. */
@Command(name = "plan", mixinStandardHelpOptions = true, sortOptions = false,
        description = { "Plans a network for a dataset (target spacing, patch and batch size, U-Net topology, "
                + "normalisation) like nnU-Net's planner, and prints the plan as JSON on standard output.",
                "Intensity statistics use only annotated foreground voxels (ignore-label voxels never count).",
                "Edit the JSON or pass --plan-overrides to change single values; train with the result (train --plan FILE).",
                "With a time --budget the plan is sized to this device as train --budget sizes it (a few steps are "
                        + "timed on --device); the decision is printed on standard error." })
public final class PlanCommand implements Callable<Integer> {

    @Option(names = "--images", paramLabel = "DIR", description = "folder of training images")
    Path images;

    @Option(names = "--labels", paramLabel = "DIR",
            description = "folder of label images, same file names as the images")
    Path labels;

    @Option(names = "--dataset", paramLabel = "DIR",
            description = "an nnU-Net v2 raw dataset (dataset.json, imagesTr, labelsTr) instead of --images and "
                    + "--labels: classes, ignore value, regions and channel normalisation come from its dataset.json")
    Path dataset;

    @Option(names = "--ignore-label", paramLabel = "K",
            description = "label value meaning 'not annotated' (default: highest class + 1)")
    Integer ignoreLabel;

    @Option(names = "--classes", paramLabel = "NAMES",
            description = "the classes of the labels by name, background first (as for train); also declares label "
                    + "values far above the others as classes")
    String classes;

    @Option(names = "--config", paramLabel = "2d|3d|3d_cascade",
            description = "network configuration (default: 2d for 2D images, 3d for 3D images); 3d_cascade adds "
                    + "nnU-Net's low-resolution stage (as 'previousStage') when the images are large for the patch")
    String config;

    @Option(names = "--preset", paramLabel = "default|resenc-m|resenc-l",
            description = "the network to plan: nnU-Net's plain U-Net (default) or its residual encoder U-Net planned "
                    + "as nnU-Net's ResEnc M (8 GB GPUs) or L (24 GB GPUs) planners plan it")
    String preset;

    @Option(names = "--memory-gib", paramLabel = "GIB",
            description = "device memory for activations in GiB (default: 8, nnU-Net's reference; 24 with "
                    + "--preset resenc-l)")
    Double memoryGiB;

    @Option(names = "--max-batch-size", paramLabel = "B", defaultValue = "0",
            description = "upper bound of the planned batch size (default: none)")
    int maxBatchSize;

    @Option(names = "--modalities", paramLabel = "NAME,...", split = ",",
            description = "one name per channel; CT selects CT normalisation (clipping to dataset percentiles),"
                    + " anything else per-image z-score (default: z-score for all)")
    List<String> modalities;

    @Mixin
    PlanOverrideOption override;

    @Option(names = "--regions", paramLabel = "NAME=C,C...[:L];...",
            description = "plan region-based training, e.g. \"whole=1,2,3;core=2,3;enhancing=3\" (see 'maskseg "
                    + "train --help')")
    String regions;

    @Option(names = "--budget", paramLabel = "TIME",
            description = "size the plan to this device for a training of this long (20m, 2h) as train --budget "
                    + "does: patch, batch size and network are made smaller when the device cannot train about 500 "
                    + "steps with the planned ones; reads all cases into memory")
    String budget;

    @Option(names = "--precision", paramLabel = "auto|fp32|fp16", defaultValue = "auto",
            description = "arithmetic the sizing times steps in, as for train (default: ${DEFAULT-VALUE})")
    String precision;

    @Mixin
    ComputeOptions compute;

    @Option(names = "--out", paramLabel = "FILE", description = "also write the plan to this file")
    Path out;

    @Option(names = "--fingerprint", paramLabel = "FILE",
            description = "also write the dataset fingerprint (spacings, sizes, intensity and class statistics) "
                    + "as JSON to this file")
    Path fingerprintFile;

    @Override
    public Integer call() {
        try {
            Preset.parse(preset);
            NnUnetInput.checkFolders(dataset, images, labels);
            NnUnetInput.refuseWithDataset(dataset, "--ignore-label", ignoreLabel, "--classes", classes, "--regions",
                    regions, "--modalities", modalities);
            OutputPaths.check().input("--images", images).input("--labels", labels).input("--dataset", dataset)
                    .input("--plan-overrides", override.file()).input("--pytorch-library", compute.pytorchLibrary)
                    .outputFile("--out", out).outputFile("--fingerprint", fingerprintFile).verify();
            Budget parsed = budget == null ? null : Budget.parse(budget);
            if (parsed != null && !parsed.isTime()) {
                throw new InvalidInputException("--budget for plan is a time (20m, 2h): a step budget does not "
                        + "change the plan");
            }
            NnUnetDataset nnunet = dataset == null ? null : NnUnetInput.open(dataset);
            Plan plan = plan(nnunet);
            if (parsed != null) {
                plan = sized(nnunet, parsed);
            }
            if (out != null) {
                PlanJson.write(plan, out);
            }
            System.out.println(PlanJson.toJson(plan));
            return 0;
        } catch (InvalidInputException | IOException e) {
            return fail(e.getMessage());
        } catch (UncheckedIOException e) {
            return fail(e.getCause().getMessage());
        } catch (OutOfMemoryError e) {
            return fail("out of memory while reading the dataset (one case at a time); give Java more memory "
                    + "with -Xmx");
        }
    }

    private Plan plan(NnUnetDataset nnunet) throws IOException {
        PlannerOptions options = options(nnunet);
        FolderPlanning.Result planned = nnunet != null
                ? FolderPlanning.plan(nnunet.training(), nnunet.labels(), null, null, options)
                : FolderPlanning.plan(DatasetFolder.open(images, labels), null, ignoreLabel, classNames(), options);
        warnAboutAbsentClasses(planned);
        if (fingerprintFile != null) {
            PlanJson.write(planned.fingerprint(), fingerprintFile);
        }
        Plan plan = planned.plan();
        System.err.println(String.format(Locale.ROOT,
                "planned %d case(s), %d class(es), ignore value %d: %s %s, patch %s, batch %d, %d stages, spacing %s",
                planned.fingerprint().numCases(), planned.labels().numClasses(), planned.labels().ignoreValue(),
                plan.configuration(), plan.network().architecture(), Arrays.toString(plan.patchSize()), plan.batchSize(),
                plan.network().numStages(),
                Arrays.toString(plan.targetSpacing())));
        if (plan.previousStage() != null) {
            Plan low = plan.previousStage();
            System.err.println(String.format(Locale.ROOT,
                    "cascade: low-resolution stage first, patch %s, batch %d, %d stages, spacing %s; then the plan "
                    + "above with %d more input channel(s) for its segmentation", Arrays.toString(low.patchSize()),
                    low.batchSize(), low.network().numStages(), Arrays.toString(low.targetSpacing()),
                    plan.previousStageChannels()));
        }
        return plan;
    }

    /**
     * The plan sized to the device for the budget: all cases read into memory, planned and sized as train does;
     * a plan that train would not size (a cascade, fixed patch, batch or network) is returned with the reason.
     */
    private Plan sized(NnUnetDataset nnunet, Budget parsed) throws IOException {
        DatasetFolder folder = nnunet != null ? nnunet.training() : DatasetFolder.open(images, labels);
        List<ImageVolume> imgs = new ArrayList<>();
        List<LabelVolume> lbls = new ArrayList<>();
        for (DatasetCase c : folder.cases()) {
            CaseData d = c.read();
            imgs.add(d.image());
            lbls.add(d.labels());
        }
        TrainingSettings settings = TrainingSettings.builder().configuration(config == null ? null
                : config.toLowerCase(Locale.ROOT)).budget(parsed).device(compute.device).precision(precision)
                .threads(compute.threads).installation(compute.installation()).classNames(classNames()).build();
        TrainingJob.SizedPlan sized = TrainingJob.sizedPlan(imgs, lbls, nnunet != null ? null : ignoreLabel,
                nnunet != null ? nnunet.labels() : null, settings, options(nnunet), new TrainingListener() {
                    @Override
                    public void message(String text) {
                        System.err.println(text);
                    }
                }, null);
        if (sized.notSized() != null) {
            System.err.println("device sizing off: " + sized.notSized());
        }
        return sized.plan();
    }

    /** The classes named by --classes, or null. */
    private List<String> classNames() {
        return classes == null ? null : Arrays.stream(classes.split(",")).map(String::trim).toList();
    }

    private PlannerOptions options(NnUnetDataset nnunet) throws IOException {
        PlannerOptions options = new PlannerOptions(config == null ? null : config.toLowerCase(Locale.ROOT),
                PlannerOptions.DEFAULT_MEMORY_BUDGET_GIB, maxBatchSize,
                nnunet != null ? nnunet.channelNames() : modalities, override.json(),
                nnunet != null ? nnunet.regionsText() : regions).withPreset(Preset.parse(preset));
        return memoryGiB != null ? options.withMemoryBudgetGiB(memoryGiB) : options;
    }

    /** Classes without a single annotated voxel usually mean an ignore value that was not declared. */
    private void warnAboutAbsentClasses(FolderPlanning.Result planned) {
        List<Integer> absent = planned.absentClasses();
        if (absent.isEmpty()) {
            return;
        }
        String which = absent.size() > 3
                ? absent.size() + " classes (" + absent.get(0) + ", " + absent.get(1) + ", ..., "
                        + absent.get(absent.size() - 1) + ")"
                : "class(es) " + absent;
        int last = planned.labels().numClasses() - 1;
        String hint = ignoreLabel == null && dataset == null
                ? "; if " + last + " marks unannotated voxels, pass --ignore-label " + last
                : "";
        System.err.println("maskseg: warning: " + which + " occur in no label image" + hint);
    }

    static int fail(String reason) {
        return Cli.fail(reason);
    }
}
