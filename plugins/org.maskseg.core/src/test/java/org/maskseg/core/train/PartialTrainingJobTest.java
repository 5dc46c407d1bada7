package org.maskseg.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.io.ImageFiles;

class PartialTrainingJobTest {

    @Test
    void badClassSetFileIsReportedBeforeFingerprinting(@TempDir Path dir) throws IOException {
        Path images = Files.createDirectories(dir.resolve("images"));
        Path labels = Files.createDirectories(dir.resolve("labels"));
        long[] size = {8, 8};
        double[] spacing = {1, 1};
        for (String name : List.of("a", "b")) {
            float[] img = new float[64];
            int[] lab = new int[64];
            for (int i = 0; i < 64; i++) {
                img[i] = i % 7;
                lab[i] = i % 3;
            }
            ImageFiles.writeImage(ImageVolume.wrap(name, img, size, 1, spacing), images.resolve(name + ".tif"));
            ImageFiles.writeLabels(LabelVolume.wrap(name, lab, size, spacing), labels.resolve(name + ".png"));
        }
        Path classes = dir.resolve("classes.csv");
        Files.writeString(classes, "case,annotated_classes\na,1;kidney\n");
        List<String> phases = new ArrayList<>();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void phase(String description) {
                phases.add(description);
            }
        };
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> TrainingJob.run(TrainingRequest.folders(images, labels)
                        .partialLabelFiles(classes, null).settings(TrainingSettings.builder().device("cpu").build())
                        .build(), listener, null));
        assertTrue(e.getMessage().contains("row 2") && e.getMessage().contains("unknown class 'kidney'"),
                e.getMessage());
        assertEquals(List.of("reading images"), phases);
    }
}
