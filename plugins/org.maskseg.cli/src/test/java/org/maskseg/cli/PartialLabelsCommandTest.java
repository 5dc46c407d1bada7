package org.maskseg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.io.ImageFiles;
import org.maskseg.core.model.TrainedModel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** {@code maskseg train} and {@code maskseg evaluate} with per-class partial labels. */
class PartialLabelsCommandTest {

    @TempDir
    Path dir;

    /**
     * Three sample images with three classes: nuclei in the left half are class 1, in the right half class 2.
     * The first case annotates only class 1 (its class-2 nuclei are 0); in the second, class 2 is unknown in
     * the top 64 rows (labelled 0 there).
     *
     * @return images, labels, class-set file, unknown-mask folder, and the case names
     */
    private Object[] partialDataset() throws IOException {
        Path images = Files.createDirectories(dir.resolve("images"));
        Path labels = Files.createDirectories(dir.resolve("labels"));
        Path masks = Files.createDirectories(dir.resolve("unknown").resolve("2"));
        Path nuclei = CommandLineRun.nuclei();
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(nuclei.resolve("images"))) {
            int i = 0;
            for (Path f : files.sorted().limit(3).toList()) {
                Files.copy(f, images.resolve(f.getFileName()));
                LabelVolume l = ImageFiles.readLabels(nuclei.resolve("labels").resolve(f.getFileName()));
                long w = l.size()[0];
                int[] d = l.data().clone();
                int[] mask = new int[d.length];
                for (int v = 0; v < d.length; v++) {
                    boolean right = v % w >= w / 2;
                    boolean top = v / w < 64;
                    d[v] = d[v] == 0 ? 0 : right ? 2 : 1;
                    if (d[v] == 2 && (i == 0 || (i == 1 && top))) {
                        d[v] = 0;
                    }
                    mask[v] = top ? 255 : 0;
                }
                ImageFiles.writeLabels(LabelVolume.wrap(l.name(), d, l.size(), l.spacing()),
                        labels.resolve(f.getFileName()));
                if (i == 1) {
                    ImageFiles.writeLabels(LabelVolume.wrap("mask", mask, l.size(), l.spacing()),
                            masks.resolve(f.getFileName()));
                }
                names.add(l.name());
                i++;
            }
        }
        Path classes = dir.resolve("classes.csv");
        Files.writeString(classes, "case,annotated_classes\n" + names.get(0) + ",1\n");
        return new Object[] {images, labels, classes, dir.resolve("unknown"), names};
    }

    private static List<String> train(Object[] data, Path classes, Path masks, Path model) {
        List<String> args = new ArrayList<>(List.of("train", "--images", data[0].toString(), "--labels",
                data[1].toString(), "--out", model.toString(), "--epochs", "1", "--iterations", "2",
                "--validation-iterations", "1", "--patch", "64,64", "--batch-size", "2", "--device", "cpu",
                "--threads", "1", "--plan-overrides", "{\"network\":{\"features\":[8,16,32,32,32]}}"));
        if (classes != null) {
            args.addAll(List.of("--annotated-classes", classes.toString()));
        }
        if (masks != null) {
            args.addAll(List.of("--unknown-masks", masks.toString()));
        }
        return args;
    }

    @Test
    void trainsWithClassSetsAndUnknownMasks() throws IOException {
        Object[] data = partialDataset();
        Path model = dir.resolve("partial.zip");
        CommandLineRun.Result r = CommandLineRun
                .run(train(data, (Path) data[2], (Path) data[3], model).toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("partial labels"), r.out());
        TrainedModel m = TrainedModel.load(model);
        assertTrue(m.plan().targets().partialLabels());
        assertEquals(3, m.numClasses());

        // region-based training takes the same partial labels
        Path regionModel = dir.resolve("regions.zip");
        List<String> args = train(data, (Path) data[2], (Path) data[3], regionModel);
        args.addAll(List.of("--regions", "nuclei=1,2;right=2"));
        r = CommandLineRun.run(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.out() + r.err());
        TrainedModel regions = TrainedModel.load(regionModel);
        assertTrue(regions.plan().targets().partialLabels() && regions.plan().targets().regionBased());
    }

    @Test
    void badPartialInputGivesOneLineReasonAndNoModel() throws IOException {
        Object[] data = partialDataset();
        @SuppressWarnings("unchecked")
        List<String> names = (List<String>) data[4];
        Path model = dir.resolve("m.zip");
        Path classes = dir.resolve("bad.csv");

        Files.writeString(classes, "case,annotated_classes\n" + names.get(0) + ",spleen\n");
        assertFails(train(data, classes, null, model), "unknown class 'spleen'", model);

        Files.writeString(classes, "case,annotated_classes\nnobody,1\n");
        assertFails(train(data, classes, null, model), "'nobody'", model);

        // the second case has class-2 voxels, so it cannot declare class 2 as not annotated
        Files.writeString(classes, "case,annotated_classes\n" + names.get(2) + ",1\n");
        assertFails(train(data, classes, null, model), "not among the case's annotated classes", model);

        Path masks = Files.createDirectories(dir.resolve("small").resolve("2"));
        ImageFiles.writeLabels(LabelVolume.wrap("m", new int[16], new long[] {4, 4}, new double[] {1, 1}),
                masks.resolve(names.get(1) + ".png"));
        assertFails(train(data, null, dir.resolve("small"), model), "unknown-region mask", model);
    }

    private static void assertFails(List<String> args, String expected, Path model) {
        CommandLineRun.Result r = CommandLineRun.run(args.toArray(String[]::new));
        assertTrue(r.exitCode() != 0, r.out());
        assertTrue(r.err().startsWith("maskseg: ") && r.err().contains(expected), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(Files.exists(model));
    }

    @Test
    void evaluateScoresEachClassWhereTheReferenceKnowsIt() throws IOException {
        Path ref = Files.createDirectories(dir.resolve("ref"));
        Path pred = Files.createDirectories(dir.resolve("pred"));
        long[] size = {4, 2};
        double[] sp = {1, 1};
        // case a: only class 1 annotated; case b: class 2 unknown at x = 3
        ImageFiles.writeLabels(LabelVolume.wrap("a", new int[] {1, 1, 0, 0, 0, 0, 0, 2}, size, sp),
                ref.resolve("a.png"));
        ImageFiles.writeLabels(LabelVolume.wrap("a", new int[] {1, 1, 2, 2, 0, 0, 1, 0}, size, sp),
                pred.resolve("a.png"));
        ImageFiles.writeLabels(LabelVolume.wrap("b", new int[] {2, 0, 0, 0, 2, 0, 0, 0}, size, sp),
                ref.resolve("b.png"));
        ImageFiles.writeLabels(LabelVolume.wrap("b", new int[] {2, 0, 0, 2, 2, 0, 0, 2}, size, sp),
                pred.resolve("b.png"));
        Files.createDirectories(dir.resolve("masks").resolve("2"));
        ImageFiles.writeLabels(LabelVolume.wrap("m", new int[] {0, 0, 0, 1, 0, 0, 0, 1}, size, sp),
                dir.resolve("masks").resolve("2").resolve("b.png"));
        Path classes = dir.resolve("classes.json");
        Files.writeString(classes, "{\"a\": [1]}");
        Path json = dir.resolve("scores.json");
        CommandLineRun.Result r = CommandLineRun.run("evaluate", "--reference", ref.toString(), "--prediction",
                pred.toString(), "--annotated-classes", classes.toString(), "--unknown-masks",
                dir.resolve("masks").toString(), "--json", json.toString());
        // a voxel of case a labelled 2 while only class 1 is annotated is refused
        assertTrue(r.exitCode() != 0 && r.err().startsWith("maskseg: case 'a'"), r.err());

        ImageFiles.writeLabels(LabelVolume.wrap("a", new int[] {1, 1, 0, 0, 0, 0, 0, 0}, size, sp),
                ref.resolve("a.png"));
        r = CommandLineRun.run("evaluate", "--reference", ref.toString(), "--prediction", pred.toString(),
                "--annotated-classes", classes.toString(), "--unknown-masks", dir.resolve("masks").toString(),
                "--json", json.toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        JsonNode cases = new ObjectMapper().readTree(json.toFile()).get("cases");
        // a: class 1 tp 2, fp 1 (x=2,y=1) -> 4/5; class 2 unknown everywhere -> no score
        assertEquals(0.8, cases.get(0).get("dice").get("1").asDouble(), 1e-12);
        assertTrue(cases.get(0).get("dice").get("2").isNull());
        // b: class 2 tp 2; the predictions at x = 3 are not counted -> 1; without the mask 2·2/(4+2) = 2/3
        assertEquals(1.0, cases.get(1).get("dice").get("2").asDouble(), 1e-12);
        r = CommandLineRun.run("evaluate", "--reference", ref.toString(), "--prediction", pred.toString(),
                "--json", json.toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        cases = new ObjectMapper().readTree(json.toFile()).get("cases");
        assertEquals(2 / 3.0, cases.get(1).get("dice").get("2").asDouble(), 1e-12);
        assertEquals(0.0, cases.get(0).get("dice").get("2").asDouble(), 1e-12);

        // region scores cannot use the class knowledge
        r = CommandLineRun.run("evaluate", "--reference", ref.toString(), "--prediction", pred.toString(),
                "--annotated-classes", classes.toString(), "--regions", "all=1,2");
        assertTrue(r.exitCode() != 0 && r.err().startsWith("maskseg: --annotated-classes and --unknown-masks"),
                r.err());
    }
}
