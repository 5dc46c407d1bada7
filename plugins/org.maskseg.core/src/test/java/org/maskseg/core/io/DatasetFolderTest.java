package org.maskseg.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.testing.TestData;

class DatasetFolderTest {

    @TempDir
    Path dir;
    Path images;
    Path labels;

    @BeforeEach
    void folders() throws IOException {
        images = Files.createDirectory(dir.resolve("images"));
        labels = Files.createDirectory(dir.resolve("labels"));
    }

    private static ImageVolume image(long[] size, int channels, float base) {
        ImageVolume image = ImageVolume.create("i", size, channels, ones(size.length));
        float[] d = image.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = base + i;
        }
        return image;
    }

    private static LabelVolume label(long[] size, int value) {
        LabelVolume l = LabelVolume.create("l", size, ones(size.length));
        java.util.Arrays.fill(l.data(), value);
        return l;
    }

    private static double[] ones(int n) {
        double[] s = new double[n];
        java.util.Arrays.fill(s, 1);
        return s;
    }

    private void pair(String name, long[] size, int channels) {
        ImageFiles.writeImage(image(size, channels, 0), images.resolve(name + ".tif"));
        ImageFiles.writeLabels(label(size, 1), labels.resolve(name + ".tif"));
    }

    @Test
    void readsTheSampleNucleiDataset() throws IOException {
        Path root = TestData.nuclei();
        DatasetFolder ds = DatasetFolder.open(root.resolve("images"), root.resolve("labels"));
        long pngs;
        try (Stream<Path> s = Files.list(root.resolve("images"))) {
            pngs = s.filter(p -> p.toString().endsWith(".png")).count();
        }
        assertEquals(pngs, ds.size());
        assertEquals(40, ds.size());
        assertEquals(DatasetFolder.Naming.PLAIN, ds.naming());
        assertEquals(1, ds.channels());
        assertEquals(2, ds.spatialDims());
        List<String> names = ds.cases().stream().map(DatasetCase::name).toList();
        assertEquals(names.stream().sorted().toList(), names);
        DatasetCase first = ds.cases().get(0);
        CaseData data = first.read();
        assertEquals(first.name(), data.image().name());
        assertArrayEquals(new long[] {256, 256}, data.image().spatialSize());
        assertArrayEquals(new long[] {256, 256}, data.labels().size());
        assertEquals(first.name() + ".png", first.outputFileName());
    }

    @Test
    void pairsByBaseNameAcrossFormats() {
        ImageFiles.writeImage(image(new long[] {4, 3}, 1, 0), images.resolve("b.nii.gz"));
        ImageFiles.writeLabels(label(new long[] {4, 3}, 2), labels.resolve("b.png"));
        pair("a", new long[] {4, 3}, 1);
        DatasetFolder ds = DatasetFolder.open(images, labels);
        assertEquals(List.of("a", "b"), ds.cases().stream().map(DatasetCase::name).toList());
        DatasetCase b = ds.find("b").orElseThrow();
        assertEquals(labels.resolve("b.png"), b.labelFile().orElseThrow());
        assertEquals("b.nii.gz", b.outputFileName());
        assertEquals(dir.resolve("out/b.nii.gz"), DatasetFolder.outputFile(b, dir.resolve("out")));
        assertEquals(2, b.readLabels().data()[0]);
    }

    @Test
    void extensionsAreCaseInsensitiveAndKeptForOutputs() {
        ImageFiles.writeImage(image(new long[] {4, 3}, 1, 0), images.resolve("Scan.A.TIF"));
        ImageFiles.writeLabels(label(new long[] {4, 3}, 1), labels.resolve("Scan.A.Nii.Gz"));
        DatasetFolder ds = DatasetFolder.open(images, labels);
        DatasetCase c = ds.cases().get(0);
        assertEquals("Scan.A", c.name());
        assertEquals("Scan.A.TIF", c.outputFileName());
        List<CaseData> all = ds.readAll();
        assertEquals(1, all.size());
        assertEquals(1, all.get(0).labels().data()[5]);
    }

    @Test
    void ignoresHiddenAndNonImageFiles() throws IOException {
        pair("a", new long[] {4, 3}, 1);
        Files.writeString(images.resolve("dataset.json"), "{}");
        Files.writeString(images.resolve(".a.tif.123.part"), "partial");
        Files.writeString(labels.resolve("notes.txt"), "x");
        assertEquals(1, DatasetFolder.open(images, labels).size());
    }

    @Test
    void reportsImagesWithoutLabelsAndLabelsWithoutImages() {
        pair("a", new long[] {4, 3}, 1);
        ImageFiles.writeImage(image(new long[] {4, 3}, 1, 0), images.resolve("b.tif"));
        ImageFiles.writeLabels(label(new long[] {4, 3}, 1), labels.resolve("c.png"));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> DatasetFolder.open(images, labels));
        String m = e.getMessage();
        assertTrue(m.startsWith("2 problems"), m);
        assertTrue(m.contains("image 'b.tif' has no label file 'b.*'"), m);
        assertTrue(m.contains("labels 'c.png' have no image named 'c'"), m);
    }

    @Test
    void reportsSizeMismatchBetweenImageAndLabels() {
        ImageFiles.writeImage(image(new long[] {256, 256}, 1, 0), images.resolve("a.tif"));
        ImageFiles.writeLabels(label(new long[] {255, 256}, 1), labels.resolve("a.tif"));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> DatasetFolder.open(images, labels));
        assertEquals("case 'a': image is 256×256 but labels are 255×256", e.getMessage());
    }

    @Test
    void reportsSpacingMismatchBetweenNiftiImageAndLabels() {
        ImageFiles.writeImage(image(new long[] {4, 3, 2}, 1, 0).withSpacing(new double[] {0.5, 0.5, 2}),
                images.resolve("a.nii.gz"));
        ImageFiles.writeLabels(label(new long[] {4, 3, 2}, 1).withSpacing(new double[] {0.5, 0.5, 2.0001}),
                labels.resolve("a.nii.gz"));
        assertEquals(1, DatasetFolder.open(images, labels).size()); // within 1e-3 relative
        ImageFiles.writeLabels(label(new long[] {4, 3, 2}, 1), labels.resolve("a.nii.gz"));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> DatasetFolder.open(images, labels));
        assertEquals("case 'a': image spacing is 0.5×0.5×2.0 but label spacing is 1.0×1.0×1.0", e.getMessage());
    }

    @Test
    void reportsChannelAndDimensionalityMismatchAcrossCases() {
        pair("a", new long[] {4, 3}, 1);
        pair("b", new long[] {4, 3}, 3);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> DatasetFolder.open(images, labels));
        assertEquals("case 'b' has 3 channel(s) but case 'a' has 1; all images of a dataset must have the same "
                + "channels", e.getMessage());
        pair("b", new long[] {4, 3, 2}, 1);
        e = assertThrows(InvalidInputException.class, () -> DatasetFolder.open(images, labels));
        assertTrue(e.getMessage().contains("case 'b' is 3D but case 'a' is 2D"), e.getMessage());
    }

    @Test
    void reportsEmptyAndMissingFolders() throws IOException {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> DatasetFolder.open(images, labels));
        assertTrue(e.getMessage().contains("'" + images + "' contains no image files"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> DatasetFolder.imagesOnly(dir.resolve("nope")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        pair("a", new long[] {4, 3}, 1);
        Files.delete(labels.resolve("a.tif"));
        e = assertThrows(InvalidInputException.class, () -> DatasetFolder.open(images, labels));
        assertTrue(e.getMessage().startsWith("labels folder"), e.getMessage());
    }

    @Test
    void reportsTwoFilesForOneCase() {
        pair("a", new long[] {4, 3}, 1);
        ImageFiles.writeImage(image(new long[] {4, 3}, 1, 0), images.resolve("a.nii"));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> DatasetFolder.open(images, labels));
        assertTrue(e.getMessage().contains("'a.nii' and 'a.tif' have the same name"), e.getMessage());
    }

    @Test
    void reportsUnreadableFilesByName() throws IOException {
        pair("a", new long[] {4, 3}, 1);
        Files.writeString(labels.resolve("a.tif"), "not a tiff");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> DatasetFolder.open(images, labels));
        assertTrue(e.getMessage().startsWith("labels '" + labels.resolve("a.tif") + "'"), e.getMessage());
    }

    @Test
    void nnunetChannelFilesFormOneCase() {
        long[] size = {5, 4, 3};
        for (String c : new String[] {"case1", "case2"}) {
            ImageFiles.writeImage(image(size, 1, 0), images.resolve(c + "_0000.nii.gz"));
            ImageFiles.writeImage(image(size, 1, 1000), images.resolve(c + "_0001.nii.gz"));
            ImageFiles.writeLabels(label(size, 1), labels.resolve(c + ".nii.gz"));
        }
        DatasetFolder ds = DatasetFolder.open(images, labels);
        assertEquals(DatasetFolder.Naming.NNUNET, ds.naming());
        assertEquals(List.of("case1", "case2"), ds.cases().stream().map(DatasetCase::name).toList());
        assertEquals(2, ds.channels());
        DatasetCase c = ds.cases().get(1);
        assertEquals(List.of(images.resolve("case2_0000.nii.gz"), images.resolve("case2_0001.nii.gz")), c.imageFiles());
        ImageVolume img = c.readImage();
        assertEquals(2, img.channels());
        assertEquals(0f, img.data()[0]);
        assertEquals(1000f, img.data()[60]); // first voxel of channel 1: 5·4·3 voxels later
        assertEquals("case2.nii.gz", c.outputFileName());
        // images only: the same grouping
        DatasetFolder only = DatasetFolder.imagesOnly(images);
        assertEquals(2, only.size());
        assertFalse(only.hasLabels());
        assertNull(only.cases().get(0).read().labels());
    }

    @Test
    void numberedPlainFilesStayPlainWhenTheLabelsSaySo() {
        // img_0001, img_0002 ... do not start at _0000 per case: plain names
        pair("img_0000", new long[] {4, 3}, 1);
        pair("img_0001", new long[] {4, 3}, 1);
        DatasetFolder ds = DatasetFolder.open(images, labels);
        assertEquals(DatasetFolder.Naming.PLAIN, ds.naming());
        assertEquals(2, ds.size());
    }

    @Test
    void theExpectedChannelCountSettlesAmbiguousNames() {
        for (int i = 0; i < 3; i++) {
            ImageFiles.writeImage(image(new long[] {4, 3}, 1, i), images.resolve(String.format("img_%04d.tif", i)));
        }
        assertEquals(1, DatasetFolder.imagesOnly(images).size()); // one case of three channels
        DatasetFolder single = DatasetFolder.imagesOnly(images, DatasetFolder.Naming.AUTO, 1);
        assertEquals(DatasetFolder.Naming.PLAIN, single.naming());
        assertEquals(3, single.size());
        DatasetFolder three = DatasetFolder.imagesOnly(images, DatasetFolder.Naming.AUTO, 3);
        assertEquals(DatasetFolder.Naming.NNUNET, three.naming());
        assertEquals(List.of("img"), three.cases().stream().map(DatasetCase::name).toList());
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> DatasetFolder.imagesOnly(images, DatasetFolder.Naming.PLAIN, 2));
        assertTrue(e.getMessage().contains("have 1 channel(s) but 2 are expected"), e.getMessage());
    }

    @Test
    void explicitNnunetNamingReportsGapsAndStrayFiles() {
        ImageFiles.writeImage(image(new long[] {4, 3}, 1, 0), images.resolve("a_0000.tif"));
        ImageFiles.writeImage(image(new long[] {4, 3}, 1, 0), images.resolve("a_0002.tif"));
        ImageFiles.writeImage(image(new long[] {4, 3}, 1, 0), images.resolve("stray.tif"));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> DatasetFolder.imagesOnly(images, DatasetFolder.Naming.NNUNET));
        assertTrue(e.getMessage().contains("'stray.tif' does not end in _NNNN"), e.getMessage());
        assertTrue(e.getMessage().contains("case 'a': channel files must be numbered _0000 to _0001"), e.getMessage());
    }

    @Test
    void nnunetChannelFilesOfDifferentSizeAreReported() {
        ImageFiles.writeImage(image(new long[] {4, 3}, 1, 0), images.resolve("a_0000.tif"));
        ImageFiles.writeImage(image(new long[] {4, 4}, 1, 0), images.resolve("a_0001.tif"));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> DatasetFolder.imagesOnly(images));
        assertEquals("case 'a': channel file 'a_0001.tif' is 4×4 but 'a_0000.tif' is 4×3", e.getMessage());
    }

    @Test
    void resultsAreWrittenUnderTheImageNameAndFormat() {
        long[] size = {4, 3};
        ImageFiles.writeImage(image(size, 1, 0), images.resolve("c_0000.nii.gz"));
        ImageFiles.writeImage(image(new long[] {4, 3}, 1, 0), images.resolve("d.png"));
        DatasetFolder nn = DatasetFolder.imagesOnly(images, DatasetFolder.Naming.PLAIN);
        assertEquals(List.of("c_0000", "d"), nn.cases().stream().map(DatasetCase::name).toList());
        Path out = dir.resolve("predictions");
        Path written = nn.cases().get(1).writeLabels(label(size, 1), out);
        assertEquals(out.resolve("d.png"), written);
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, ImageFiles.readLabels(written).data());
        written = nn.cases().get(0).writeLabels(label(size, 2), out);
        assertEquals(out.resolve("c_0000.nii.gz"), written);
        assertEquals(2, ImageFiles.readLabels(written).data()[0]);
    }

    @Test
    void readingChecksThatFilesDidNotChangeSinceOpening() {
        pair("a", new long[] {4, 3}, 1);
        DatasetFolder ds = DatasetFolder.open(images, labels);
        ImageFiles.writeLabels(label(new long[] {4, 4}, 1), labels.resolve("a.tif"));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ds.cases().get(0).read());
        assertEquals("case 'a': image is 4×3 but labels are 4×4", e.getMessage());
    }
}
