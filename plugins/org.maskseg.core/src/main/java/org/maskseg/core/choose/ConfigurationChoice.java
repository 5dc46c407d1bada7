package org.maskseg.core.choose;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Consumer;

import org.maskseg.core.CancellationToken;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.evaluate.Scores;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.io.ImageFiles;
import org.maskseg.core.io.PartialLabelFiles;
import org.maskseg.core.labels.ClassKnowledge;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.labels.Targets;
import org.maskseg.core.predict.Prediction;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * nnU-Net's choice of the best configuration: every cross-validated configuration is scored on its validation
 * predictions of all folds pooled, every pair of configurations is ensembled by averaging their validation
 * probabilities case by case (the labels then follow from the mean, as {@link Prediction#fromProbabilities} does)
 * and scored the same way, and the candidate of the highest mean foreground Dice wins; on a tie the first, where
 * single configurations come before ensembles and pairs go in the order the configurations were given. Scores are
 * those of {@code maskseg evaluate}: counted only where the reference is annotated (the ignore value and partial
 * labels respected), mean over the foreground classes (or regions) of each class's mean over the cases.
 */
public final class ConfigurationChoice {

    /**
     * One candidate: a configuration or an ensemble of configurations, with its scores.
     *
     * @param configurations indices of its configurations in the order given
     * @param scores         its pooled validation scores
     */
    public record Candidate(String name, List<Integer> configurations, List<Path> modelFiles, Scores scores) {

        public boolean isEnsemble() {
            return configurations.size() > 1;
        }
    }

    /**
     * The outcome.
     *
     * @param candidates    every candidate scored, single configurations first
     * @param best          index of the chosen candidate
     * @param notInEnsembles configurations that kept no validation probabilities and were compared alone
     * @param cases         the validation cases pooled
     */
    public record Result(List<Candidate> candidates, int best, List<String> notInEnsembles, List<String> cases) {

        public Candidate chosen() {
            return candidates.get(best);
        }

        /** The command that predicts with the chosen candidate, its model files joined by commas. */
        public String predictCommand(String images, String out) {
            List<String> files = chosen().modelFiles().stream().map(Path::toString).toList();
            return "maskseg predict --model " + quoted(String.join(",", files)) + " --images " + quoted(images)
                    + " --out " + quoted(out);
        }

        /**
         * The choice as JSON: {@code metric}, {@code cases}, {@code candidates} ([{name, models, ensemble,
         * mean_dice, dice: {class: value}}]), {@code best} (the same fields and {@code predict}, the command) and
         * {@code not_in_ensembles}; undefined scores are null.
         */
        public String toJson() {
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ObjectNode root = mapper.createObjectNode();
            root.put("metric", "mean foreground Dice of the validation cases of all folds pooled");
            root.put("cases", cases.size());
            ArrayNode all = root.putArray("candidates");
            for (Candidate c : candidates) {
                describe(all.addObject(), c);
            }
            ObjectNode best = describe(root.putObject("best"), chosen());
            best.put("predict", predictCommand("INPUT_FOLDER", "OUTPUT_FOLDER"));
            ArrayNode missing = root.putArray("not_in_ensembles");
            notInEnsembles.forEach(missing::add);
            try {
                return mapper.writeValueAsString(root) + System.lineSeparator();
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        private static ObjectNode describe(ObjectNode o, Candidate c) {
            o.put("name", c.name());
            ArrayNode models = o.putArray("models");
            c.modelFiles().forEach(p -> models.add(p.toString()));
            o.put("ensemble", c.isEnsemble());
            number(o, "mean_dice", c.scores().meanDice());
            ObjectNode dice = o.putObject("dice");
            for (int i = 0; i < c.scores().names().size(); i++) {
                number(dice, c.scores().names().get(i), c.scores().dice(i));
            }
            return o;
        }

        private static void number(ObjectNode o, String key, double v) {
            if (Double.isNaN(v)) {
                o.putNull(key);
            } else {
                o.put(key, v);
            }
        }

        private static String quoted(String s) {
            return s.matches("[A-Za-z0-9_./,:=+@%-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
        }
    }

    private ConfigurationChoice() {
    }

    /**
     * Compares the configurations and their pairs.
     *
     * @param configurations    two or more, cross-validated on the same cases, predicting the same classes or regions
     * @param spec              the classes and ignore value of the references (those of the models)
     * @param references        the reference label file of every case, by case name (the training labels)
     * @param classSetFile      annotated classes per reference case, or null
     * @param unknownMaskFolder unknown-region masks named like the reference files, or null
     * @param notes             where notes go (configurations left out of ensembles)
     * @throws InvalidInputException when the configurations differ in their classes or cases, or a reference is
     *                               missing
     */
    public static Result choose(List<CrossValidatedConfiguration> configurations, LabelSpec spec,
            Map<String, Path> references, Path classSetFile, Path unknownMaskFolder, Consumer<String> notes,
            CancellationToken token) {
        CancellationToken t = token == null ? CancellationToken.create() : token;
        if (configurations.size() < 2) {
            throw new InvalidInputException("give at least two cross-validated configurations to choose from, got "
                    + configurations.size());
        }
        CrossValidatedConfiguration first = configurations.get(0);
        Targets targets = first.targets();
        List<String> cases = first.cases();
        for (CrossValidatedConfiguration c : configurations.subList(1, configurations.size())) {
            checkSameTargets(first, c);
            checkSameCases(first, c);
        }
        List<LabelVolume> refs = new ArrayList<>();
        List<String> fileNames = new ArrayList<>();
        for (String name : cases) {
            Path ref = references.get(name);
            if (ref == null) {
                throw new InvalidInputException("validation case '" + name + "' of '" + first.name() + "' has no "
                        + "reference label file of that name; give the training labels the models were trained on");
            }
            refs.add(ImageFiles.readLabels(ref, name));
            fileNames.add(ref.getFileName().toString());
        }
        List<ClassKnowledge> knowledge = PartialLabelFiles.given(classSetFile, unknownMaskFolder)
                ? PartialLabelFiles.read(classSetFile, unknownMaskFolder, cases, fileNames, spec) : null;

        List<Candidate> candidates = new ArrayList<>();
        for (int i = 0; i < configurations.size(); i++) {
            CrossValidatedConfiguration c = configurations.get(i);
            List<LabelVolume> predictions = new ArrayList<>();
            for (int k = 0; k < cases.size(); k++) {
                t.throwIfCancelled();
                predictions.add(checked(ImageFiles.readLabels(c.labelFile(cases.get(k)), cases.get(k)), refs.get(k),
                        c));
            }
            candidates.add(new Candidate(c.name(), List.of(i), c.modelFiles(),
                    Scores.score(cases, refs, predictions, spec, targets.regions(), knowledge)));
        }
        List<String> alone = new ArrayList<>();
        for (CrossValidatedConfiguration c : configurations) {
            if (!c.hasProbabilities()) {
                alone.add(c.name());
                notes.accept("note: model '" + c.name() + "' kept no validation probabilities (trained by an earlier "
                        + "version): it is compared alone, not in ensembles; train it again to ensemble it");
            }
        }
        for (int i = 0; i < configurations.size(); i++) {
            for (int j = i + 1; j < configurations.size(); j++) {
                CrossValidatedConfiguration a = configurations.get(i);
                CrossValidatedConfiguration b = configurations.get(j);
                if (!a.hasProbabilities() || !b.hasProbabilities()) {
                    continue;
                }
                List<LabelVolume> predictions = new ArrayList<>();
                for (int k = 0; k < cases.size(); k++) {
                    t.throwIfCancelled();
                    String name = cases.get(k);
                    ImageVolume pa = probabilities(a, name, refs.get(k), targets);
                    ImageVolume pb = probabilities(b, name, refs.get(k), targets);
                    predictions.add(ensembleLabels(List.of(pa, pb), targets));
                }
                List<Path> files = new ArrayList<>(a.modelFiles());
                files.addAll(b.modelFiles());
                candidates.add(new Candidate(a.name() + " + " + b.name(), List.of(i, j), files,
                        Scores.score(cases, refs, predictions, spec, targets.regions(), knowledge)));
            }
        }
        return new Result(candidates, best(candidates), alone, cases);
    }

    /**
     * The labels of an ensemble from its members' probabilities of one case: the mean probability per voxel and
     * channel, then the class of highest mean (or each region above 0.5).
     */
    public static LabelVolume ensembleLabels(List<ImageVolume> probabilities, Targets targets) {
        ImageVolume first = probabilities.get(0);
        float[] mean = new float[first.data().length];
        for (ImageVolume p : probabilities) {
            float[] d = p.data();
            for (int i = 0; i < d.length; i++) {
                mean[i] += d[i];
            }
        }
        float scale = 1f / probabilities.size();
        for (int i = 0; i < mean.length; i++) {
            mean[i] *= scale;
        }
        ImageVolume m = ImageVolume.wrap(first.name(), mean, first.spatialSize(), first.channels(), first.spacing());
        return Prediction.fromProbabilities(m, targets, Prediction.Outputs.LABELS_ONLY).labels();
    }

    /** Index of the first candidate of the highest mean Dice (an undefined mean never wins). */
    static int best(List<Candidate> candidates) {
        int best = -1;
        for (int i = 0; i < candidates.size(); i++) {
            double d = candidates.get(i).scores().meanDice();
            if (!Double.isNaN(d) && (best < 0 || d > candidates.get(best).scores().meanDice())) {
                best = i;
            }
        }
        if (best < 0) {
            throw new InvalidInputException("no candidate has a defined Dice: the references annotate no foreground "
                    + "and no configuration predicts any");
        }
        return best;
    }

    private static ImageVolume probabilities(CrossValidatedConfiguration c, String name, LabelVolume ref,
            Targets targets) {
        Path file = c.probabilityFile(name);
        ImageVolume p = ImageFiles.readImage(file, name);
        int channels = targets.regionBased() ? targets.regions().size() : targets.spec().numClasses();
        if (p.channels() != channels || !Arrays.equals(p.spatialSize(), ref.size())) {
            throw new InvalidInputException("'" + file + "' of model '" + c.name() + "' holds " + p.channels()
                    + " channel(s) of size " + Arrays.toString(p.spatialSize()) + " but the reference of case '" + name
                    + "' needs " + channels + " of size " + Arrays.toString(ref.size()));
        }
        return p;
    }

    private static LabelVolume checked(LabelVolume prediction, LabelVolume ref, CrossValidatedConfiguration c) {
        if (!Arrays.equals(prediction.size(), ref.size())) {
            throw new InvalidInputException("the validation prediction of case '" + ref.name() + "' of model '"
                    + c.name() + "' has size " + Arrays.toString(prediction.size()) + " but its reference "
                    + Arrays.toString(ref.size()) + "; give the training labels the models were trained on");
        }
        return prediction;
    }

    private static void checkSameTargets(CrossValidatedConfiguration a, CrossValidatedConfiguration b) {
        LabelSpec sa = a.targets().spec();
        LabelSpec sb = b.targets().spec();
        if (!sa.classNames().equals(sb.classNames()) || sa.ignoreValue() != sb.ignoreValue()
                || !Objects.equals(a.targets().regions(), b.targets().regions())) {
            throw new InvalidInputException("model '" + b.name() + "' predicts " + b.targets().describe()
                    + " but model '" + a.name() + "' " + a.targets().describe() + "; configurations can be compared "
                    + "only when they predict the same classes (names and ignore value) or regions");
        }
    }

    private static void checkSameCases(CrossValidatedConfiguration a, CrossValidatedConfiguration b) {
        TreeSet<String> onlyA = new TreeSet<>(a.cases());
        onlyA.removeAll(b.cases());
        TreeSet<String> onlyB = new TreeSet<>(b.cases());
        onlyB.removeAll(a.cases());
        if (!onlyA.isEmpty() || !onlyB.isEmpty()) {
            throw new InvalidInputException("models '" + a.name() + "' and '" + b.name() + "' were not "
                    + "cross-validated on the same cases (" + onlyA.size() + " validation case(s) only in the first"
                    + example(onlyA) + ", " + onlyB.size() + " only in the second" + example(onlyB) + "); train "
                    + "every configuration with all folds on the same cases");
        }
    }

    private static String example(TreeSet<String> names) {
        return names.isEmpty() ? "" : ", e.g. '" + names.first() + "'";
    }
}
