package org.maskseg.core.nnunet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.labels.Region;
import org.maskseg.core.labels.RegionSet;
import org.maskseg.core.labels.Targets;
import org.maskseg.core.postprocess.Postprocessing;

/**
 * nnU-Net's postprocessing.pkl, written by Python's pickle as nnU-Net writes it (a stand-in module gives the function
 * its nnU-Net name), read into MaskSeg's postprocessing; and MaskSeg's postprocessing written for nnU-Net and read by
 * Python. Skipped where Python with PyTorch is missing (see {@link TorchModels}).
 */
class NnUNetPostprocessingTest {

    private static final Targets THREE_CLASSES = Targets.classes(LabelSpec.withDefaultIgnore(3));

    @TempDir
    Path tmp;

    private Path written(String name, String steps) throws Exception {
        Path file = tmp.resolve(name + ".pkl");
        TorchModels.postprocessingPickle(tmp, "write", file.toString(), steps);
        return file;
    }

    @Test
    void nnUNetsStepsBecomeTheSamePostprocessing() throws Exception {
        assertEquals(new Postprocessing(true, List.of(2)), NnUNetPostprocessing.read(
                written("fg-and-2", "[[\"nnunet\",[1,2]],[\"nnunet\",2]]"), THREE_CLASSES));
        assertEquals(new Postprocessing(false, List.of(1, 2)), NnUNetPostprocessing.read(
                written("classes", "[[\"nnunet\",2],[\"nnunet\",1]]"), THREE_CLASSES));
        assertEquals(Postprocessing.NONE, NnUNetPostprocessing.read(written("none", "[]"), THREE_CLASSES));
        // one foreground class: nnU-Net only ever tries the foreground step, which is that class's step
        assertEquals(new Postprocessing(true, List.of()), NnUNetPostprocessing.read(
                written("single", "[[\"nnunet\",[1]]]"), Targets.classes(LabelSpec.withDefaultIgnore(2))));
    }

    @Test
    void theImportedStepsDoWhatNnUNetsDo() throws Exception {
        // a 1 x 7 label row: class 1 in two components (sizes 2 and 1), class 2 in two (sizes 1 and 2)
        LabelVolume row = LabelVolume.wrap("row", new int[] {1, 1, 0, 2, 0, 1, 0, 2, 2}, new long[] {9, 1},
                new double[] {1, 1});
        Postprocessing perClass = NnUNetPostprocessing.read(written("per-class", "[[\"nnunet\",1],[\"nnunet\",2]]"),
                THREE_CLASSES);
        // by hand: the smaller component of each class becomes background
        assertEquals(List.of(1, 1, 0, 0, 0, 0, 0, 2, 2), ints(perClass.apply(row)));
        Postprocessing foreground = NnUNetPostprocessing.read(written("fg", "[[\"nnunet\",[1,2]]]"), THREE_CLASSES);
        // foreground components {0,1,2}, {4}, {6}, {8}: only the largest stays, whatever its classes
        LabelVolume mixed = LabelVolume.wrap("mixed", new int[] {1, 2, 1, 0, 2, 0, 1, 0, 2}, new long[] {9, 1},
                new double[] {1, 1});
        assertEquals(List.of(1, 2, 1, 0, 0, 0, 0, 0, 0), ints(foreground.apply(mixed)));
    }

    private static List<Integer> ints(LabelVolume v) {
        return java.util.Arrays.stream(v.data()).boxed().toList();
    }

    @Test
    void whatCannotBeAppliedIsRefusedWithTheReason() throws Exception {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> NnUNetPostprocessing.read(
                written("foreign", "[[\"print\",1]]"), THREE_CLASSES));
        assertTrue(e.getMessage().contains("refers to the Python object 'builtins.print'"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> NnUNetPostprocessing.read(
                written("region", "[[\"nnunet\",{\"tuple\":[1,2]}]]"), THREE_CLASSES));
        assertTrue(e.getMessage().contains("holds a region"), e.getMessage());
        Targets four = Targets.classes(LabelSpec.withDefaultIgnore(4));
        e = assertThrows(InvalidInputException.class, () -> NnUNetPostprocessing.read(
                written("subset", "[[\"nnunet\",[1,2]]]"), four));
        assertTrue(e.getMessage().contains("neither the whole foreground nor one label"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> NnUNetPostprocessing.read(
                written("order", "[[\"nnunet\",1],[\"nnunet\",[1,2]]]"), THREE_CLASSES));
        assertTrue(e.getMessage().contains("after other steps"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> NnUNetPostprocessing.read(
                written("unknown-label", "[[\"nnunet\",3]]"), THREE_CLASSES));
        assertTrue(e.getMessage().contains("labels [3], but the model's foreground labels are [1, 2]"),
                e.getMessage());
        Targets regions = Targets.of(LabelSpec.withDefaultIgnore(3), RegionSet.of(List.of(
                new Region("whole", List.of(1, 2), 1), new Region("core", List.of(2), 2)), 3), false);
        e = assertThrows(InvalidInputException.class, () -> NnUNetPostprocessing.read(
                written("for-regions", "[[\"nnunet\",[1,2]]]"), regions));
        assertTrue(e.getMessage().contains("--postprocessing none"), e.getMessage());

        Path garbage = tmp.resolve("garbage.pkl");
        Files.writeString(garbage, "not a pickle");
        e = assertThrows(InvalidInputException.class, () -> NnUNetPostprocessing.read(garbage, THREE_CLASSES));
        assertTrue(e.getMessage().startsWith("postprocessing file '" + garbage + "'"), e.getMessage());
    }

    @Test
    void theFileIsFoundWhereNnUNetLeavesItForTheImportedFolds() throws Exception {
        assertNull(NnUNetPostprocessing.find(tmp, List.of("0", "1")));
        Path beside = tmp.resolve(NnUNetPostprocessing.FILE);
        Files.writeString(beside, "");
        assertEquals(beside, NnUNetPostprocessing.find(tmp, List.of("0", "1")));
        Path crossValidation = tmp.resolve("crossval_results_folds_0_1").resolve(NnUNetPostprocessing.FILE);
        Files.createDirectories(crossValidation.getParent());
        Files.writeString(crossValidation, "");
        assertEquals(crossValidation, NnUNetPostprocessing.find(tmp, List.of("0", "1")));
        assertEquals(beside, NnUNetPostprocessing.find(tmp, List.of("0")));
    }

    @Test
    void maskSegsPostprocessingIsWrittenAsNnUNetWritesIt() throws Exception {
        Path file = tmp.resolve("out.pkl");
        Files.write(file, NnUNetPostprocessing.pickle(new Postprocessing(true, List.of(2)), List.of(1, 2)));
        String f = NnUNetPostprocessing.FUNCTION;
        assertEquals("[[\"" + f + "\", {\"labels_or_regions\": [1, 2]}], [\"" + f
                + "\", {\"labels_or_regions\": 2}]]", TorchModels.postprocessingPickle(tmp, "read", file.toString()));
        assertEquals(new Postprocessing(true, List.of(2)), NnUNetPostprocessing.read(file, THREE_CLASSES));
    }
}
