package org.maskseg.core.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

import org.maskseg.core.CancellationToken;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.io.CaseData;
import org.maskseg.core.io.DatasetCase;
import org.maskseg.core.io.DatasetFolder;
import org.maskseg.core.io.PartialLabelFiles;
import org.maskseg.core.labels.ClassKnowledge;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.labels.RegionSet;
import org.maskseg.core.labels.Targets;
import org.maskseg.core.model.Checkpoint;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.plan.DatasetFingerprint;
import org.maskseg.core.plan.NetworkTopology;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.plan.PlanJson;
import org.maskseg.core.plan.Planner;
import org.maskseg.core.plan.PlannerOptions;
import org.maskseg.core.postprocess.Postprocessing;
import org.maskseg.core.predict.ModelPredictor;
import org.maskseg.core.predict.PredictionSettings;
import org.maskseg.core.preprocess.CascadeChannels;
import org.maskseg.core.preprocess.Preprocessor;
import org.maskseg.core.preprocess.TrainingCase;

/**
 * The whole training job in one call, shared by the command line and the KNIME node: read the data,
 * derive the label classes, fingerprint the dataset, plan (with the user's overrides), preprocess,
 * train. A resumed job takes plan and labels from its checkpoint instead of planning again; a warm-started
 * job takes them from its initial model.
 */
public final class TrainingJob {

    private TrainingJob() {
    }

    /**
     * Runs a training: reads (for folder data), plans, preprocesses and trains. The settings' configuration,
     * batch and patch size, epochs and iterations are applied to the planned plan, then the planner's JSON
     * overrides.
     *
     * @param listener     progress, or null
     * @param cancellation cancellation from another thread, or null
     */
    public static TrainingResult run(TrainingRequest request, TrainingListener listener,
            CancellationToken cancellation) {
        TrainingListener l = listener == null ? TrainingListener.NONE : listener;
        CancellationToken token = cancellation == null ? CancellationToken.create() : cancellation;
        if (request.fromFolders()) {
            return runFolders(request, l, token);
        }
        Function<LabelSpec, List<ClassKnowledge>> knowledge = null;
        if (request.knowledge != null || request.validationKnowledge != null) {
            List<ClassKnowledge> all = new ArrayList<>(request.knowledge != null ? request.knowledge
                    : complete(request.images.size()));
            all.addAll(request.validationKnowledge != null ? request.validationKnowledge
                    : complete(request.validationImages.size()));
            knowledge = spec -> all;
        }
        return train(new Volumes(request.images, request.labels, request.validationImages, request.validationLabels,
                knowledge), request, l, token);
    }

    /**
     * The cases of a training in memory.
     *
     * @param knowledgeFor the class knowledge of every case (training, then validation) once the classes are
     *                     known, or null when every case is fully annotated
     */
    private record Volumes(List<ImageVolume> trainingImages, List<LabelVolume> trainingLabels,
            List<ImageVolume> validationImages, List<LabelVolume> validationLabels,
            Function<LabelSpec, List<ClassKnowledge>> knowledgeFor) {
    }

    private static List<ClassKnowledge> complete(int n) {
        List<ClassKnowledge> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(ClassKnowledge.complete());
        }
        return out;
    }

    private static TrainingResult runFolders(TrainingRequest request, TrainingListener l, CancellationToken token) {
        TrainingSettings settings = request.settings;
        Integer ignoreValue = request.ignoreValue;
        Path classSetFile = request.classSetFile;
        Path unknownMaskFolder = request.unknownMaskFolder;
        checkBeforeReading(settings, ignoreValue);
        l.phase("reading images");
        DatasetFolder folder = DatasetFolder.open(request.imagesFolder, request.labelsFolder);
        List<ImageVolume> images = new ArrayList<>();
        List<LabelVolume> labels = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<String> labelFileNames = new ArrayList<>();
        for (DatasetCase c : folder.cases()) {
            token.throwIfCancelled();
            CaseData d = c.read();
            images.add(d.image());
            labels.add(d.labels());
            names.add(c.name());
            labelFileNames.add(c.labelFile().map(f -> f.getFileName().toString()).orElseThrow());
        }
        Function<LabelSpec, List<ClassKnowledge>> knowledge = !PartialLabelFiles.given(classSetFile,
                unknownMaskFolder) ? null
                        : spec -> PartialLabelFiles.read(classSetFile, unknownMaskFolder, names, labelFileNames, spec);
        return train(new Volumes(images, labels, List.of(), List.of(), knowledge), request, l, token);
    }

    /** Plans, preprocesses and trains the cases as the request says (the request's own cases are not read). */
    private static TrainingResult train(Volumes data, TrainingRequest request, TrainingListener l,
            CancellationToken token) {
        TrainingSettings settings = Objects.requireNonNull(request.settings, "settings");
        Integer ignoreValue = request.ignoreValue;
        LabelSpec declared = request.declaredLabels;
        boolean finalValidation = request.finalValidation;
        List<ImageVolume> trainingImages = data.trainingImages();
        List<LabelVolume> trainingLabels = data.trainingLabels();
        List<ImageVolume> validationImages = data.validationImages();
        List<LabelVolume> validationLabels = data.validationLabels();
        Function<LabelSpec, List<ClassKnowledge>> knowledgeFor = data.knowledgeFor();
        checkDevice(settings);
        checkCascadeStart(settings);
        TrainedModel initial = settings.start().initialModel();
        if (initial != null && initial.members().size() > 1) {
            throw new InvalidInputException("the initial model holds " + initial.members().size()
                    + " networks (folds); a warm start continues one network: start from a single fold's model");
        }
        if (trainingImages.isEmpty()) {
            throw new InvalidInputException("no training images given");
        }
        if (trainingImages.size() != trainingLabels.size()) {
            throw new InvalidInputException(trainingImages.size() + " images but " + trainingLabels.size()
                    + " label images");
        }
        if (validationImages.size() != validationLabels.size()) {
            throw new InvalidInputException(validationImages.size() + " validation images but "
                    + validationLabels.size() + " validation label images");
        }
        Set<String> trainingNames = new HashSet<>();
        trainingImages.forEach(i -> trainingNames.add(i.name()));
        List<String> validationNames = new ArrayList<>();
        for (ImageVolume v : validationImages) {
            if (trainingNames.contains(v.name())) {
                throw new InvalidInputException("validation image '" + v.name() + "' has the name of a training "
                        + "image; case names must be unique over training and validation images");
            }
            validationNames.add(v.name());
        }
        List<ImageVolume> images = new ArrayList<>(trainingImages);
        images.addAll(validationImages);
        List<LabelVolume> labels = new ArrayList<>(trainingLabels);
        labels.addAll(validationLabels);
        // a newly planned job takes its classes from the labels alone: read the class sets and unknown-region
        // masks now, so that mistakes in them surface before fingerprinting and planning
        List<ClassKnowledge> knowledge = knowledgeFor != null && !settings.start().fromEarlierTraining()
                ? knowledgeFor.apply(newLabels(labels, ignoreValue, declared, settings)) : null;
        Planned planned = prepare(images, labels, ignoreValue, declared, settings, request.planner, l, token);
        LabelSpec spec = planned.spec();
        Plan plan = planned.plan();
        DatasetFingerprint fingerprint = planned.fingerprint();
        if (knowledge == null && knowledgeFor != null) {
            knowledge = knowledgeFor.apply(spec);
        }
        boolean partial = knowledge != null && knowledge.stream().anyMatch(k -> !k.isComplete());
        if (partial && !plan.targets().partialLabels()) {
            plan = plan.toBuilder().targets(plan.targets().withPartialLabels(true)).build();
        }
        l.message(describe(plan));
        if (plan.isCascade()) {
            if ("".equals(PlanSizing.notSized(settings, request.planner, fingerprint != null))) {
                l.message("device sizing off: " + PlanSizing.CASCADE + " (train --config 3d_fullres for a plan sized "
                        + "to this device)");
            }
            Map<String, Object> s = summary(images, spec, fingerprint, settings, partial);
            return request.crossValidation != null
                    ? trainCascadeFolds(request.crossValidation, plan, images, labels, spec, partial ? knowledge : null,
                            s, settings, finalValidation, l, token)
                    : trainCascade(plan, images, labels, spec, partial ? knowledge : null, validationNames, s, settings,
                            finalValidation, l, token);
        }

        List<TrainingCase> cases = preprocess(images, labels, spec, plan, partial ? knowledge : null, l, token);
        Map<String, Object> datasetSummary = summary(images, spec, fingerprint, settings, partial);
        SizingReport sizing = null;
        String notSized = PlanSizing.notSized(settings, request.planner, fingerprint != null);
        if ("".equals(notSized)) {
            PlanSizing.Outcome sized = PlanSizing.size(plan, cases, settings, l, token);
            plan = sized.plan();
            settings = sized.settings(); // with the budget the measurements left
            sizing = sized.report();
            datasetSummary.put("deviceSizing", sizing.toMap());
        } else if (notSized != null) {
            l.message("device sizing off: " + notSized);
        }
        if (request.crossValidation != null) {
            return trainFolds(request.crossValidation, plan, cases, images, labels, partial ? knowledge : null,
                    datasetSummary, settings, finalValidation, l, token).withSizing(sizing);
        }
        TrainingResult result = new Trainer(plan, cases, settings).validationCases(validationNames).listener(l)
                .cancellation(token).datasetSummary(datasetSummary)
                .reserveForFinalValidation(validatesAtEnd(settings, finalValidation)).train();
        List<FinalValidation.Outcome> outcomes = new ArrayList<>();
        result = finish(result, images, labels, partial ? knowledge : null, settings, finalValidation, outcomes, l,
                token);
        return postprocessed(result, outcomes, l).withSizing(sizing);
    }

    /** Work sub-folders of the two stages of a cascade. */
    static final String LOWRES_FOLDER = "lowres";
    static final String CASCADE_FOLDER = "cascade_fullres";

    /**
     * nnU-Net's cascade: the low-resolution stage is trained first; then it segments every case, and its labels,
     * resampled to the full-resolution grid, enter the full-resolution stage as one channel per foreground class.
     * Both stages hold out the same validation cases. The training cases are segmented by the low-resolution model
     * that was trained on them (with folds, {@link #trainCascadeFolds} uses the less optimistic segmentations of
     * the folds that held them out, as nnU-Net does); the augmentation of those channels (random morphology, removed
     * components) counters that. Each
     * stage works in its own sub-folder of the work folder; the model holds both stages.
     */
    private static TrainingResult trainCascade(Plan plan, List<ImageVolume> images, List<LabelVolume> labels,
            LabelSpec spec, List<ClassKnowledge> knowledge, List<String> validationNames,
            Map<String, Object> datasetSummary, TrainingSettings settings, boolean finalValidation, TrainingListener l,
            CancellationToken token) {
        Plan low = plan.previousStage();
        Path work = settings.output().workFolder();
        l.message("cascade stage 1 of 2, low resolution (spacing " + spacing(low.targetSpacing()) + "): "
                + describe(low));
        List<TrainingCase> lowCases = preprocess(images, labels, spec, low, knowledge, l, token);
        TrainingSettings lowSettings = work == null ? settings
                : settings.toBuilder().workFolder(work.resolve(LOWRES_FOLDER)).build();
        TrainingResult first = new Trainer(low, lowCases, lowSettings).validationCases(validationNames).listener(l)
                .cancellation(token).datasetSummary(datasetSummary).train();
        lowCases.clear();

        List<TrainingCase> fullCases = preprocess(images, labels, spec, plan, knowledge, l, token);
        l.phase("segmenting " + images.size() + " cases with the low-resolution stage");
        List<TrainingCase> cases = new ArrayList<>();
        try (ModelPredictor previous = ModelPredictor.open(first.finalModel(),
                TorchRuntime.device(settings.compute().device()), PredictionSettings.DEFAULTS)) {
            for (int i = 0; i < images.size(); i++) {
                token.throwIfCancelled();
                TrainingCase c = fullCases.get(i);
                float[] oneHot = previous.foregroundOneHot(images.get(i), c.image(), null);
                cases.add(CascadeChannels.withPreviousStage(c, oneHot, plan.previousStageChannels()));
                fullCases.set(i, null);
            }
        }
        // the first stage's plan as it was trained (a budget, say, fits its schedule)
        plan = plan.toBuilder().previousStage(first.finalModel().plan()).build();
        l.message("cascade stage 2 of 2, full resolution with the low-resolution segmentation: " + describe(plan));
        TrainingSettings fullSettings = work == null ? settings
                : settings.toBuilder().workFolder(work.resolve(CASCADE_FOLDER)).build();
        TrainingResult second = new Trainer(plan, cases, fullSettings).validationCases(validationNames).listener(l)
                .cancellation(token).datasetSummary(datasetSummary).train();
        TrainingResult result = new TrainingResult(second.finalModel().withPreviousStage(first.finalModel()),
                second.bestModel().withPreviousStage(first.finalModel()), second.history(), second.stopReason(),
                second.split(), second.msPerStep());
        List<FinalValidation.Outcome> outcomes = new ArrayList<>();
        result = finish(result, images, labels, knowledge, settings, finalValidation, outcomes, l, token);
        return postprocessed(result, outcomes, l);
    }

    /**
     * nnU-Net's cascade with cross-validation: every fold of the low-resolution stage is trained, and each segments
     * the cases it held out, so that every case gets the segmentation of a model that did not train on it (cases no
     * fold holds out, possible with a splits file, are segmented by all folds together). The full-resolution stage is
     * then trained fold by fold on those segmentations; each fold's final validation runs the cascade of the two
     * stages of that fold. The model holds the folds of both stages, which prediction ensembles stage by stage.
     */
    private static TrainingResult trainCascadeFolds(CrossValidation cv, Plan plan, List<ImageVolume> images,
            List<LabelVolume> labels, LabelSpec spec, List<ClassKnowledge> knowledge,
            Map<String, Object> datasetSummary, TrainingSettings settings, boolean finalValidation, TrainingListener l,
            CancellationToken token) {
        List<String> names = images.stream().map(ImageVolume::name).toList();
        List<ValidationSplit> splits = cv.splits(names);
        if (cv.selected(splits).size() != splits.size()) {
            throw new InvalidInputException("a cascade with cross-validation trains all folds in one job, since the "
                    + "second stage needs every fold of the first: leave out the single fold");
        }
        Path work = settings.output().workFolder();
        writeSplits(work, splits);
        Plan low = plan.previousStage();
        l.message("cascade stage 1 of 2, low resolution (spacing " + spacing(low.targetSpacing()) + "), "
                + splits.size() + " folds: " + describe(low));
        List<TrainingCase> lowCases = preprocess(images, labels, spec, low, knowledge, l, token);
        List<TrainingCase> fullCases = preprocess(images, labels, spec, plan, knowledge, l, token);
        Map<String, Integer> index = new java.util.HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            index.put(names.get(i), i);
        }
        float[][] oneHot = new float[names.size()][];
        List<TrainedModel> lowModels = new ArrayList<>();
        for (int k = 0; k < splits.size(); k++) {
            token.throwIfCancelled();
            l.foldStarted(k, splits.size());
            TrainingSettings s = work == null ? settings : settings.toBuilder()
                    .workFolder(work.resolve(LOWRES_FOLDER).resolve(CrossValidation.folderName(k))).build();
            TrainedModel m = new Trainer(low, lowCases, s).split(splits.get(k)).listener(l).cancellation(token)
                    .datasetSummary(datasetSummary).train().finalModel();
            lowModels.add(m.withFold(k));
            l.phase("segmenting the " + splits.get(k).validation().size() + " case(s) fold " + k + " held out");
            segment(m, splits.get(k).validation(), index, images, fullCases, oneHot, settings, token);
        }
        lowCases.clear();
        TrainedModel lowEnsemble = TrainedModel.ensemble(lowModels);
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (oneHot[i] == null) {
                missing.add(names.get(i));
            }
        }
        if (!missing.isEmpty()) {
            l.phase("segmenting " + missing.size() + " case(s) no fold held out with all folds");
            segment(lowEnsemble, missing, index, images, fullCases, oneHot, settings, token);
        }
        List<TrainingCase> cases = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            cases.add(CascadeChannels.withPreviousStage(fullCases.get(i), oneHot[i], plan.previousStageChannels()));
            fullCases.set(i, null);
            oneHot[i] = null;
        }
        Plan withFirst = plan.toBuilder().previousStage(lowEnsemble.plan()).build();
        l.message("cascade stage 2 of 2, full resolution with the low-resolution segmentation: "
                + describe(withFirst));
        List<TrainingResult> results = new ArrayList<>();
        List<FinalValidation.Outcome> outcomes = new ArrayList<>();
        for (int k = 0; k < splits.size(); k++) {
            token.throwIfCancelled();
            l.foldStarted(k, splits.size());
            TrainingSettings s = work == null ? settings : settings.toBuilder()
                    .workFolder(work.resolve(CASCADE_FOLDER).resolve(CrossValidation.folderName(k))).build();
            TrainingResult r = new Trainer(withFirst, cases, s).split(splits.get(k)).listener(l).cancellation(token)
                    .datasetSummary(datasetSummary).train().asFold(k);
            // the fold's validation runs the fold's own two stages, which both held its cases out
            TrainedModel first = lowModels.get(k);
            TrainingResult cascade = new TrainingResult(r.finalModel().withPreviousStage(first),
                    r.bestModel().withPreviousStage(first), r.history(), r.stopReason(), r.split(), r.msPerStep(),
                    null, k, List.of(), r.sizing());
            Path foldWork = work == null ? null : work.resolve(CASCADE_FOLDER).resolve(CrossValidation.folderName(k));
            TrainingSettings v = foldWork == null ? settings : settings.toBuilder().workFolder(foldWork).build();
            TrainingResult validated = finish(cascade, images, labels, knowledge, v, finalValidation, outcomes, l,
                    token);
            results.add(r.withFinalValidation(validated.finalValidation()));
        }
        TrainingResult all = results.size() == 1 ? results.get(0) : TrainingResult.ofFolds(results);
        TrainingResult result = new TrainingResult(all.finalModel().withPreviousStage(lowEnsemble),
                all.bestModel().withPreviousStage(lowEnsemble), all.history(), all.stopReason(), all.split(),
                all.msPerStep(), all.finalValidation(), all.fold(), all.folds(), all.sizing());
        if (result.finalValidation() != null) {
            l.message(String.format(java.util.Locale.ROOT, "cascade cross-validation of %d folds: pooled mean Dice "
                    + "%.4f over %d validation case(s)", results.size(), result.finalValidation().meanDice(),
                    result.finalValidation().cases().size()));
        }
        return postprocessed(result, outcomes, l);
    }

    /** Stores into {@code oneHot} the model's segmentation of the named cases, as the next stage's input channels. */
    private static void segment(TrainedModel model, List<String> which, Map<String, Integer> index,
            List<ImageVolume> images, List<TrainingCase> fullCases, float[][] oneHot, TrainingSettings settings,
            CancellationToken token) {
        try (ModelPredictor p = ModelPredictor.open(model, TorchRuntime.device(settings.compute().device()),
                PredictionSettings.DEFAULTS)) {
            for (String name : which) {
                token.throwIfCancelled();
                int i = index.get(name);
                oneHot[i] = p.foregroundOneHot(images.get(i), fullCases.get(i).image(), null);
            }
        }
    }

    private static List<TrainingCase> preprocess(List<ImageVolume> images, List<LabelVolume> labels, LabelSpec spec,
            Plan plan, List<ClassKnowledge> knowledge, TrainingListener l, CancellationToken token) {
        List<TrainingCase> cases = new ArrayList<>();
        l.phase("preprocessing " + images.size() + " cases");
        for (int i = 0; i < images.size(); i++) {
            token.throwIfCancelled();
            cases.add(knowledge != null
                    ? Preprocessor.preprocessCase(images.get(i), labels.get(i), spec, plan, knowledge.get(i))
                    : Preprocessor.preprocessCase(images.get(i), labels.get(i), spec, plan));
        }
        return cases;
    }

    /**
     * The folds of a cross-validation, one after the other, on the same plan and preprocessed cases; each fold
     * works in its own sub-folder {@code fold_<k>} of the work folder, which also gets the splits file.
     */
    private static TrainingResult trainFolds(CrossValidation cv, Plan plan, List<TrainingCase> cases,
            List<ImageVolume> images, List<LabelVolume> labels, List<ClassKnowledge> knowledge,
            Map<String, Object> datasetSummary, TrainingSettings settings, boolean finalValidation,
            TrainingListener l, CancellationToken token) {
        List<String> names = cases.stream().map(TrainingCase::name).toList();
        List<ValidationSplit> splits = cv.splits(names);
        List<Integer> selected = cv.selected(splits);
        if (settings.start().resumeFrom() != null && selected.size() > 1) {
            throw new InvalidInputException("a checkpoint continues one fold: resume each fold on its own (command "
                    + "line: --fold K with --resume <work folder>/fold_K/checkpoint_latest.zip)");
        }
        Path work = settings.output().workFolder();
        writeSplits(work, splits);
        List<TrainingResult> results = new ArrayList<>();
        List<FinalValidation.Outcome> outcomes = new ArrayList<>();
        for (int k : selected) {
            token.throwIfCancelled();
            ValidationSplit split = splits.get(k);
            l.foldStarted(k, splits.size());
            l.message("fold " + k + " of " + splits.size() + " (0 to " + (splits.size() - 1) + "): training on "
                    + split.training().size() + " case(s), validating on " + split.validation().size());
            TrainingSettings foldSettings = work == null ? settings
                    : settings.toBuilder().workFolder(work.resolve(CrossValidation.folderName(k))).build();
            TrainingResult r = new Trainer(plan, cases, foldSettings).split(split).listener(l)
                    .cancellation(token).datasetSummary(datasetSummary)
                    .reserveForFinalValidation(validatesAtEnd(foldSettings, finalValidation)).train().asFold(k);
            results.add(finish(r, images, labels, knowledge, foldSettings, finalValidation, outcomes, l, token));
        }
        if (results.size() == 1) {
            return postprocessed(results.get(0), outcomes, l);
        }
        TrainingResult all = TrainingResult.ofFolds(results);
        if (all.finalValidation() != null) {
            l.message(String.format(java.util.Locale.ROOT, "cross-validation of %d folds: pooled mean Dice %.4f over "
                    + "%d validation case(s)", results.size(), all.finalValidation().meanDice(),
                    all.finalValidation().cases().size()));
        }
        return postprocessed(all, outcomes, l);
    }

    /**
     * The result with the postprocessing chosen on the predictions of its final validation (of every fold, pooled);
     * unchanged without a final validation or for region-based models.
     */
    private static TrainingResult postprocessed(TrainingResult result, List<FinalValidation.Outcome> outcomes,
            TrainingListener l) {
        if (outcomes.isEmpty() || result.finalModel().plan().targets().regionBased()) {
            return result;
        }
        FinalValidation.Outcome all = outcomes.size() == 1 ? outcomes.get(0) : FinalValidation.Outcome.pooled(outcomes);
        LabelSpec labels = result.finalModel().labels();
        Postprocessing.Decision d = Postprocessing.decide(all.names(), all.references(), all.predictions(), labels,
                all.knowledge());
        l.message(d.describe(labels.classNames()));
        return result.withPostprocessing(d.choice());
    }

    /**
     * Whether a training is followed by a final validation that its time budget must leave time for ({@link #finish}
     * validates unless told not to or a time limit is set; without held-out cases the trainer reserves nothing).
     */
    private static boolean validatesAtEnd(TrainingSettings settings, boolean finalValidation) {
        return finalValidation && settings.schedule().timeLimit() == null;
    }

    /** A training's result with its final validation, when asked for and possible. */
    private static TrainingResult finish(TrainingResult result, List<ImageVolume> images, List<LabelVolume> labels,
            List<ClassKnowledge> knowledge, TrainingSettings settings, boolean finalValidation,
            List<FinalValidation.Outcome> outcomes, TrainingListener l, CancellationToken token) {
        if (!finalValidation) {
            return result;
        }
        if (!result.split().heldOut()) {
            l.message("no final validation: no case was held out from training");
            return result;
        }
        if (settings.schedule().timeLimit() != null) {
            // the run ends within its time limit, and predicting whole images could not be fitted into it
            l.message("no final validation: the run has a time limit; score the validation cases afterwards with "
                    + "maskseg evaluate");
            return result;
        }
        FinalValidation.Outcome outcome = validate(result, images, labels, knowledge, settings, l, token);
        outcomes.add(outcome);
        return result.withFinalValidation(outcome.scores());
    }

    /** The final model's scores on the whole validation cases (see {@link FinalValidation}). */
    private static FinalValidation.Outcome validate(TrainingResult result, List<ImageVolume> images,
            List<LabelVolume> labels, List<ClassKnowledge> knowledge, TrainingSettings settings, TrainingListener l,
            CancellationToken token) {
        Map<String, Integer> index = new java.util.HashMap<>();
        for (int i = 0; i < images.size(); i++) {
            index.put(images.get(i).name(), i);
        }
        List<ImageVolume> vi = new ArrayList<>();
        List<LabelVolume> vl = new ArrayList<>();
        List<ClassKnowledge> vk = knowledge == null ? null : new ArrayList<>();
        for (String name : result.split().validation()) {
            int i = index.get(name);
            vi.add(images.get(i));
            vl.add(labels.get(i));
            if (vk != null) {
                vk.add(knowledge.get(i));
            }
        }
        Path work = settings.output().workFolder();
        Path folder = work == null ? null : work.resolve(FinalValidation.FOLDER);
        return FinalValidation.run(result.finalModel(), vi, vl, vk, settings.compute().device(), folder, l, token);
    }

    /**
     * The plan a training job with these arguments would train with, without training: the classes are derived
     * from the labels, the dataset is fingerprinted and planned, and the settings' overrides (configuration, batch
     * and patch size, epochs, iterations) and the planner's JSON overrides are applied, exactly as {@link #run}
     * does. A warm start (settings with an initial model) gives the model's plan with the settings applied; a
     * resumed job gives its checkpoint's plan. Pass all cases, training and validation ones, as {@code run} plans
     * on both together.
     *
     * @param ignoreValue the ignore value of the labels, or null for the default (highest class + 1)
     * @param planner     planning choices, or null for the defaults
     */
    public static Plan plan(List<ImageVolume> images, List<LabelVolume> labels, Integer ignoreValue,
            TrainingSettings settings, PlannerOptions planner) {
        return plan(images, labels, ignoreValue, null, settings, planner);
    }

    /**
     * As {@link #plan(List, List, Integer, TrainingSettings, PlannerOptions)} with classes declared for the data
     * (see {@link TrainingRequest.Builder#declaredLabels}), or null to derive them from the labels.
     */
    public static Plan plan(List<ImageVolume> images, List<LabelVolume> labels, Integer ignoreValue,
            LabelSpec declared, TrainingSettings settings, PlannerOptions planner) {
        return planned(images, labels, ignoreValue, declared, settings, planner).plan();
    }

    /** {@link #prepare} for the planning entry points, which check their arguments first. */
    private static Planned planned(List<ImageVolume> images, List<LabelVolume> labels, Integer ignoreValue,
            LabelSpec declared, TrainingSettings settings, PlannerOptions planner) {
        Objects.requireNonNull(settings, "settings");
        if (images.isEmpty()) {
            throw new InvalidInputException("no images given to plan for");
        }
        if (images.size() != labels.size()) {
            throw new InvalidInputException(images.size() + " images but " + labels.size() + " label images");
        }
        return prepare(images, labels, ignoreValue, declared, settings, planner, TrainingListener.NONE,
                CancellationToken.create());
    }

    /**
     * A plan sized to a device and a time budget.
     *
     * @param plan     the plan to train with: the planned one when it was not sized
     * @param report   what sizing measured and decided, or null when the plan was not sized
     * @param notSized why the plan was not sized, or null when it was
     */
    public record SizedPlan(Plan plan, SizingReport report, String notSized) {
    }

    /**
     * The plan {@link #run} would train these cases with under the settings' time budget, without training: planned
     * as {@link #plan} plans, the cases preprocessed, and the plan sized to the settings' device by measuring a few
     * steps there ({@link org.maskseg.core.plan.DeviceSizing}). The decision goes to the listener as {@code run}
     * reports it. A plan that would not be sized (no time budget, sizing off, a warm start or resumed run, a fixed
     * patch, batch or network, a cascade) comes back unchanged, with the reason.
     */
    public static SizedPlan sizedPlan(List<ImageVolume> images, List<LabelVolume> labels, Integer ignoreValue,
            LabelSpec declared, TrainingSettings settings, PlannerOptions planner, TrainingListener listener,
            CancellationToken cancellation) {
        TrainingListener l = listener == null ? TrainingListener.NONE : listener;
        CancellationToken token = cancellation == null ? CancellationToken.create() : cancellation;
        Planned p = planned(images, labels, ignoreValue, declared, settings, planner);
        Plan planned = p.plan();
        String notSized = PlanSizing.notSized(settings, planner, p.fingerprint() != null);
        if (notSized == null) {
            notSized = settings.schedule().budget() == null || !settings.schedule().budget().isTime()
                    ? "sizing needs a time budget" : "sizing is turned off";
        } else if (notSized.isEmpty() && planned.isCascade()) {
            notSized = PlanSizing.CASCADE;
        }
        if (!notSized.isEmpty()) {
            return new SizedPlan(planned, null, notSized);
        }
        checkDevice(settings);
        List<TrainingCase> cases = preprocess(images, labels, p.spec(), planned, null, l, token);
        PlanSizing.Outcome sized = PlanSizing.size(planned, cases, settings, l, token);
        return new SizedPlan(sized.plan(), sized.report(), null);
    }

    /** Classes, plan and (for a newly planned job) the dataset fingerprint of a job. */
    private record Planned(LabelSpec spec, Plan plan, DatasetFingerprint fingerprint) {
    }

    private static Planned prepare(List<ImageVolume> images, List<LabelVolume> labels, Integer ignoreValue,
            LabelSpec declared, TrainingSettings settings, PlannerOptions planner, TrainingListener l,
            CancellationToken token) {
        LabelSpec spec;
        Plan plan;
        DatasetFingerprint fingerprint = null;
        boolean continued = settings.start().resumeFrom() != null || settings.start().initialModel() != null;
        if (continued && planner != null && planner.preset().residual()) {
            throw new InvalidInputException("preset " + planner.preset().label() + " plans a new network, but "
                    + (settings.start().resumeFrom() != null ? "a resumed run keeps its checkpoint's network"
                            : "a start from a model keeps the model's network")
                    + "; leave the preset out");
        }
        if (settings.start().resumeFrom() != null) {
            l.phase("reading checkpoint");
            Checkpoint ckpt = Checkpoint.load(settings.start().resumeFrom());
            spec = ckpt.model().labels();
            plan = ckpt.model().plan();
            checkResume(ckpt, settings, ignoreValue);
            labels.forEach(spec::validate);
            checkSameRegions(planner, spec, plan, "the checkpoint");
        } else if (settings.start().initialModel() != null) {
            TrainedModel init = settings.start().initialModel();
            images.forEach(init::checkCompatible);
            spec = warmStartLabels(init, labels, ignoreValue, settings.start().classMapping());
            plan = warmStartPlan(init.plan(), settings, spec);
            checkSameRegions(planner, spec, plan, "the initial model");
            // overrides may tune training (e.g. a lower learning rate for fine-tuning); a changed network no
            // longer takes the model's weights, which the trainer reports
            String overrides = planner == null ? null : planner.overrides();
            if (overrides != null && !overrides.isBlank()) {
                plan = PlanJson.applyOverrides(plan, overrides);
            }
        } else {
            spec = newLabels(labels, ignoreValue, declared, settings);
            if (planner != null) {
                RegionSet.parse(planner.regions(), spec); // refuse bad regions before the long steps
            }
            l.phase("fingerprinting " + images.size() + " cases");
            token.throwIfCancelled();
            fingerprint = DatasetFingerprint.compute(images, labels, spec);
            l.phase("planning");
            PlannerOptions options = planner == null ? PlannerOptions.defaults() : planner;
            if (settings.data().configuration() != null) {
                options = options.withConfiguration(settings.data().configuration());
            }
            // explicit JSON overrides come last, so that they win over the settings' patch-derived topology
            String overrides = options.overrides();
            plan = applySettings(Planner.plan(fingerprint, spec, options.withOverrides(null)), settings);
            if (overrides != null && !overrides.isBlank()) {
                plan = PlanJson.applyOverrides(plan, overrides);
            }
        }
        return new Planned(spec, plan, fingerprint);
    }

    /**
     * Everything about the settings that can be checked without the data, so that a job with a wrong device or a
     * resume that contradicts its checkpoint is refused before the (long) reading: the device is resolved (which
     * starts the PyTorch engine) and a checkpoint to resume from is compared with the settings.
     *
     * @throws InvalidInputException naming the setting at fault
     */
    public static void checkBeforeReading(TrainingSettings settings, Integer ignoreValue) {
        checkDevice(settings);
        checkCascadeStart(settings);
        if (settings.start().resumeFrom() != null) {
            checkResume(Checkpoint.load(settings.start().resumeFrom()), settings, ignoreValue);
        }
    }

    private static void checkCascadeStart(TrainingSettings settings) {
        if (Planner.isCascade(settings.data().configuration()) && settings.start().fromEarlierTraining()) {
            throw new InvalidInputException("a cascade (configuration " + Planner.CASCADE + ") is trained from the "
                    + "start in this version: leave out --resume and --init");
        }
    }

    /** Resolves the settings' device (starting the engine with the settings' threads and installation). */
    static void checkDevice(TrainingSettings settings) {
        TorchRuntime.setCpuThreads(settings.compute().threads());
        TorchRuntime.start(settings.compute().installation());
        TorchRuntime.device(settings.compute().device());
    }

    /** The seed a checkpoint was trained with (0 for checkpoints that do not record one). */
    public static long checkpointSeed(Path checkpoint) {
        return Checkpoint.load(checkpoint).trainerState().path("seed").asLong(0);
    }

    /**
     * A resumed run continues its checkpoint exactly, so settings that would change its network, data or schedule
     * are refused unless they equal the checkpoint's: all differing ones are named at once.
     */
    static void checkResume(Checkpoint ckpt, TrainingSettings s, Integer ignoreValue) {
        Plan p = ckpt.model().plan();
        com.fasterxml.jackson.databind.JsonNode state = ckpt.trainerState();
        List<String> conflicts = new ArrayList<>();
        if (ignoreValue != null && ignoreValue != ckpt.model().labels().ignoreValue()) {
            conflicts.add("ignore label " + ignoreValue + " (checkpoint: " + ckpt.model().labels().ignoreValue() + ")");
        }
        if (s.data().configuration() != null && !s.data().configuration().equals(p.configuration())) {
            conflicts.add("configuration " + s.data().configuration() + " (checkpoint: " + p.configuration() + ")");
        }
        if (s.data().patchSize() != null && !Arrays.equals(s.data().patchSize(), p.patchSize())) {
            conflicts.add("patch " + Arrays.toString(s.data().patchSize()) + " (checkpoint: "
                    + Arrays.toString(p.patchSize()) + ")");
        }
        differs(conflicts, "batch size", s.data().batchSize(), p.batchSize());
        differs(conflicts, "epochs", s.schedule().epochs(), p.training().epochs());
        differs(conflicts, "iterations", s.schedule().iterationsPerEpoch(), p.training().iterationsPerEpoch());
        differs(conflicts, "validation iterations", s.schedule().validationIterations(),
                p.training().validationIterations());
        if (s.schedule().learningRate() != null && s.schedule().learningRate() != p.training().initialLearningRate()) {
            conflicts.add("learning rate " + s.schedule().learningRate() + " (checkpoint: "
                    + p.training().initialLearningRate() + ")");
        }
        if (state.has("seed") && s.seed() != state.get("seed").asLong()) {
            conflicts.add("seed " + s.seed() + " (checkpoint: " + state.get("seed").asLong() + ")");
        }
        if (s.start().freezeEncoderEpochs() != 0 && state.has("freezeEncoderEpochs")
                && s.start().freezeEncoderEpochs() != state.get("freezeEncoderEpochs").asInt()) {
            conflicts.add("encoder freeze " + s.start().freezeEncoderEpochs() + " epoch(s) (checkpoint: "
                    + state.get("freezeEncoderEpochs").asInt() + ")");
        }
        if (!conflicts.isEmpty()) {
            throw new InvalidInputException("resuming from '" + s.start().resumeFrom() + "' with settings that "
                    + "contradict the checkpoint: " + String.join(", ", conflicts) + "; a resumed run continues the "
                    + "checkpoint exactly: leave these settings out or give the checkpoint's values");
        }
    }

    private static void differs(List<String> conflicts, String what, Integer given, int checkpoint) {
        if (given != null && given != checkpoint) {
            conflicts.add(what + " " + given + " (checkpoint: " + checkpoint + ")");
        }
    }

    /**
     * The settings' overrides on a planned plan: batch size, patch size (the topology follows the new patch
     * size as the planner would derive it), epochs and iterations. In a cascade batch size and schedule apply to
     * both stages, the patch size to the full-resolution stage only.
     */
    public static Plan applySettings(Plan planned, TrainingSettings s) {
        Plan.Builder p = planned.toBuilder();
        int dims = planned.spatialDims();
        if (s.data().batchSize() != null) {
            p.batchSize(s.data().batchSize());
        }
        if (planned.isCascade()) {
            // both stages of a cascade: batch size and schedule; the patch size is the full-resolution stage's
            p.previousStage(low -> {
                if (s.data().batchSize() != null) {
                    low.batchSize(s.data().batchSize());
                }
                low.training(s.schedule()::applyTo);
            });
        }
        if (s.data().patchSize() != null) {
            int[] patch = s.data().patchSize();
            if (patch.length != dims) {
                throw new InvalidInputException("patch size " + Arrays.toString(patch) + " has " + patch.length
                        + " values, the " + planned.configuration() + " configuration needs " + dims);
            }
            NetworkTopology t = Planner.topology(p, patch);
            p.patchSize(t.patchSize());
            Planner.setNetwork(p, t);
        }
        return p.training(s.schedule()::applyTo).build();
    }

    /**
     * The classes of a warm start: the model's, or those of the class mapping, with the user's ignore value
     * (default: the model's, or the highest class + 1 when the model's value is a class of the mapping). Labels
     * holding more classes than that are refused.
     */
    static LabelSpec warmStartLabels(TrainedModel init, List<LabelVolume> labels, Integer ignoreValue,
            ClassMapping mapping) {
        int classes = mapping == null ? init.numClasses() : mapping.numClasses();
        List<String> names = mapping == null ? init.labels().classNames() : mapping.classNames();
        int modelIgnore = init.labels().ignoreValue();
        int ignore = ignoreValue != null ? ignoreValue
                : modelIgnore < 0 || modelIgnore >= classes ? modelIgnore : classes;
        int max = -1;
        for (LabelVolume l : labels) {
            for (int v : l.data()) {
                if (v != ignore) {
                    max = Math.max(max, v);
                }
            }
        }
        int found = Math.max(2, max + 1);
        if (found > classes && mapping == null) {
            throw new InvalidInputException("the training labels have " + found + " classes (values 0.." + max
                    + " besides the ignore value " + ignore + "), the initial model has " + init.numClasses()
                    + " " + init.labels().classNames() + "; a warm start needs the same classes unless a class "
                    + "mapping says which model class each label class continues (command line: --classes or "
                    + "--class-map)");
        }
        if (found > classes) {
            throw new InvalidInputException("the training labels hold the value " + max + " (besides the ignore value "
                    + ignore + "), the class mapping defines classes 0.." + (classes - 1) + " " + names
                    + "; map every label value to a class");
        }
        if (ignore >= 0 && ignore < classes) {
            throw new InvalidInputException("ignore value " + ignore + " is one of the " + (mapping == null
                    ? "initial model's" : "mapped") + " classes 0.." + (classes - 1) + "; choose a value outside them");
        }
        LabelSpec spec = new LabelSpec(classes, ignore, names);
        labels.forEach(spec::validate);
        return spec;
    }

    /**
     * The plan of a warm start: the model's topology, patch size and normalisation with the classes of the
     * warm start's labels; batch size, epochs, iterations and learning rate may be set anew.
     */
    static Plan warmStartPlan(Plan model, TrainingSettings s, LabelSpec labels) {
        if (s.data().configuration() != null && !s.data().configuration().equals(model.configuration())) {
            throw new InvalidInputException("configuration " + s.data().configuration() + " differs from the "
                    + "initial model's " + model.configuration() + "; a warm start keeps the model's network");
        }
        if (s.data().patchSize() != null && !Arrays.equals(s.data().patchSize(), model.patchSize())) {
            throw new InvalidInputException("patch size " + Arrays.toString(s.data().patchSize())
                    + " differs from the initial model's " + Arrays.toString(model.patchSize())
                    + "; a warm start keeps the model's network and patch size");
        }
        Plan p = applySettings(model, s);
        RegionSet regions = p.targets().regionBased()
                ? RegionSet.of(p.targets().regions().regions(), labels.numClasses()) : RegionSet.none();
        return p.toBuilder().targets(Targets.of(labels, regions, p.targets().partialLabels())).build();
    }

    /** One line describing a plan for the user. */
    public static String describe(Plan p) {
        return "plan: " + p.configuration() + ", patch " + Arrays.toString(p.patchSize()) + ", batch " + p.batchSize()
                + ", " + p.network().numStages() + " stages, features " + Arrays.toString(p.network().features()) + ", "
                + p.training().epochs() + " epochs x " + p.training().iterationsPerEpoch() + " iterations"
                + (p.targets().regionBased() ? ", regions " + p.targets().regions().format() : "")
                + (p.targets().partialLabels() ? ", partial labels" : "")
                + (p.isCascade() ? ", after a low-resolution stage of patch " + Arrays.toString(p.previousStage().patchSize())
                        + " at spacing " + spacing(p.previousStage().targetSpacing()) : "");
    }

    private static String spacing(double[] s) {
        StringBuilder b = new StringBuilder("[");
        for (int a = 0; a < s.length; a++) {
            b.append(a == 0 ? "" : ", ").append(String.format(java.util.Locale.ROOT, "%.4g", s[a]));
        }
        return b.append(']').toString();
    }

    /**
     * A resumed or warm-started job keeps the network of its checkpoint or model, and so its outputs: regions
     * given for it must be the ones it was trained with.
     */
    static void checkSameRegions(PlannerOptions planner, LabelSpec spec, Plan plan, String source) {
        if (planner == null || planner.regions() == null) {
            return;
        }
        RegionSet given = RegionSet.parse(planner.regions(), spec);
        if (!given.equals(plan.targets().regions())) {
            Targets targets = plan.targets();
            throw new InvalidInputException("regions " + given.format() + " differ from those of " + source + " ("
                    + (targets.regionBased() ? targets.regions().format() : "none: it was trained on classes")
                    + "); its network keeps its outputs");
        }
    }

    private static Map<String, Object> summary(List<ImageVolume> images, LabelSpec spec, DatasetFingerprint fp,
            TrainingSettings settings, boolean partialLabels) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cases", images.size());
        m.put("channels", images.get(0).channels());
        m.put("spatialDims", images.get(0).spatialDims());
        m.put("classes", spec.classNames());
        m.put("ignoreValue", spec.ignoreValue());
        if (fp != null) {
            m.put("medianSize", fp.medianSize());
            m.put("medianSpacing", fp.medianSpacing());
            m.put("minSize", fp.minSize());
            m.put("maxSize", fp.maxSize());
            m.put("classVoxels", fp.classVoxels());
        }
        m.put("partialLabels", partialLabels);
        // how a warm start related to its initial model, for the record: the model file does not keep it otherwise
        if (settings.start().initialModel() != null) {
            Map<String, Object> warm = new LinkedHashMap<>();
            warm.put("initialModelClasses", settings.start().initialModel().labels().classNames());
            if (settings.start().classMapping() != null) {
                warm.put("classMapping", settings.start().classMapping().describe());
            }
            warm.put("freezeEncoderEpochs", settings.start().freezeEncoderEpochs());
            m.put("warmStart", warm);
        }
        return m;
    }

    /**
     * The classes of a newly planned job: the declared ones (checked against the labels and the ignore value
     * given), else derived from the labels and named as the settings say.
     */
    static LabelSpec newLabels(List<LabelVolume> labels, Integer ignoreValue, LabelSpec declared,
            TrainingSettings settings) {
        if (declared == null) {
            return newLabels(labels, ignoreValue, settings);
        }
        if (ignoreValue != null && ignoreValue != declared.ignoreValue()) {
            throw new InvalidInputException("ignore value " + ignoreValue + " differs from the declared one, "
                    + declared.ignoreValue());
        }
        boolean annotated = false;
        for (LabelVolume l : labels) {
            declared.validate(l);
            for (int v : l.data()) {
                if (v != declared.ignoreValue()) {
                    annotated = true;
                    break;
                }
            }
        }
        if (!annotated) {
            throw new InvalidInputException("every voxel of every label image is the ignore value "
                    + declared.ignoreValue() + ": nothing is annotated, there is nothing to learn from");
        }
        return declared;
    }

    /** The classes of a newly planned job: derived from the labels, named as the settings say. */
    static LabelSpec newLabels(List<LabelVolume> labels, Integer ignoreValue, TrainingSettings settings) {
        List<String> names = settings.data().classNames();
        LabelSpec inferred = LabelSpec.infer(labels, ignoreValue, names == null || names.isEmpty() ? null
                : names.size());
        if (names == null || names.isEmpty()) {
            return inferred;
        }
        if (names.size() != inferred.numClasses()) {
            throw new InvalidInputException(names.size() + " class names given (" + String.join(", ", names)
                    + "), but the labels have " + inferred.numClasses() + " classes (values 0.."
                    + (inferred.numClasses() - 1) + "), background first");
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String n : names) {
            if (n == null || n.isBlank()) {
                throw new InvalidInputException("class names must not be empty: " + names);
            }
            if (!seen.add(n.trim().toLowerCase(java.util.Locale.ROOT))) {
                throw new InvalidInputException("class name '" + n.trim() + "' is given twice");
            }
        }
        return new LabelSpec(inferred.numClasses(), inferred.ignoreValue(), names.stream().map(String::trim).toList());
    }

    /** The folds as nnU-Net's splits_final.json in the work folder, if there is one, so that a run can be repeated. */
    private static void writeSplits(Path work, List<ValidationSplit> splits) {
        if (work == null) {
            return;
        }
        try {
            java.nio.file.Files.createDirectories(work);
            CrossValidation.writeSplits(work.resolve(CrossValidation.SPLITS_FILE), splits);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot write the splits to the work folder '" + work + "': "
                    + e.getMessage(), e);
        }
    }
}
