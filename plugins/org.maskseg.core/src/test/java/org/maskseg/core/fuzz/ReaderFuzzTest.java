package org.maskseg.core.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.core.labels.Targets;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.io.ImageFiles;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.model.Checkpoint;
import org.maskseg.core.model.HostTensor;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.maskseg.core.model.TinyConvNetwork;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.model.TrainingMetadata;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.testing.TestData;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;

/**
 * Random mutations of real files fed to every reader: PNG, TIFF (2D and 3D stacks), NIfTI (.nii and .nii.gz),
 * model and checkpoint zips. Every case must end in a correct read or a clear refusal
 * ({@link InvalidInputException}), never in another exception, an error such as OutOfMemoryError, or a hang.
 * The number of cases per format is bounded (system property {@code maskseg.fuzz.cases}, default 400) and the
 * seed fixed, so a failure names a case that can be replayed.
 */
class ReaderFuzzTest {

    private static final int CASES = Integer.getInteger("maskseg.fuzz.cases", 400);
    private static final long SEED = Long.getLong("maskseg.fuzz.seed", 20261206L);
    private static final long TIMEOUT_SECONDS = 30;

    @TempDir
    static Path dir;

    private static ExecutorService executor;
    private static final Map<String, byte[]> SEEDS = new LinkedHashMap<>();

    @BeforeAll
    static void seeds() throws IOException {
        executor = newExecutor();
        Path nuclei = TestData.nuclei();
        Path firstImage;
        try (var files = Files.list(nuclei.resolve("images"))) {
            firstImage = files.sorted().findFirst().orElseThrow();
        }
        SEEDS.put("image.png", Files.readAllBytes(firstImage));
        SEEDS.put("labels.png", Files.readAllBytes(nuclei.resolve("labels").resolve(firstImage.getFileName())));
        ImageVolume image = crop(ImageFiles.readImage(firstImage), 64);
        LabelVolume labels = ImageFiles.readLabels(nuclei.resolve("labels").resolve(firstImage.getFileName()));
        ImageVolume stack = stack(image, 4);
        write(image, "image.tif");
        write(stack, "stack.tif");
        write(stack, "stack.nii");
        write(stack, "stack.nii.gz");
        Path labelsTif = dir.resolve("labels.tif");
        ImageFiles.writeLabels(labels, labelsTif);
        SEEDS.put("labels.tif", Files.readAllBytes(labelsTif));
        try (NDManager m = TorchRuntime.newManager(Device.cpu()); TinyConvNetwork net = new TinyConvNetwork(m, 1, 3)) {
            Plan p = Plan.builder()
                    .inputChannels(1)
                    .targets(Targets.classes(new LabelSpec(3, 3, List.of("bg", "a", "b"))))
                    .patchSize(32, 32)
                    .build();
            TrainingMetadata meta = new TrainingMetadata(1, 1, 1, new double[] {0.5, 0.5}, 0.5, 0.5, 1, "last",
                    "completed", 1L, 1, "2026-01-01T00:00:00Z", "cpu()", 2, 1, Map.of());
            TrainedModel model = TrainedModel.of(p, meta, net);
            Path modelFile = dir.resolve("model.zip");
            model.save(modelFile);
            SEEDS.put("model.zip", Files.readAllBytes(modelFile));
            LinkedHashMap<String, HostTensor> opt = new LinkedHashMap<>();
            opt.put("momentum.conv.bias", new HostTensor(new long[] {3}, new float[] {1, 2, 3}));
            Path ckpt = dir.resolve("checkpoint.zip");
            new Checkpoint(model, opt, new ObjectMapper().createObjectNode().put("epoch", 1)).save(ckpt);
            SEEDS.put("checkpoint.zip", Files.readAllBytes(ckpt));
        }
    }

    private static ExecutorService newExecutor() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-case");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterAll
    static void stop() {
        executor.shutdownNow();
    }

    private static ImageVolume crop(ImageVolume v, int size) {
        long[] s = v.spatialSize();
        float[] out = new float[size * size];
        for (int y = 0; y < size; y++) {
            System.arraycopy(v.data(), (int) (y * s[0]), out, y * size, size);
        }
        return ImageVolume.wrap("crop", out, new long[] {size, size}, 1, new double[] {1, 1});
    }

    private static ImageVolume stack(ImageVolume slice, int slices) {
        float[] out = new float[slice.data().length * slices];
        for (int z = 0; z < slices; z++) {
            for (int i = 0; i < slice.data().length; i++) {
                out[z * slice.data().length + i] = slice.data()[i] + z;
            }
        }
        long[] s = slice.spatialSize();
        return ImageVolume.wrap("stack", out, new long[] {s[0], s[1], slices}, 1, new double[] {0.5, 0.5, 2});
    }

    private static void write(ImageVolume v, String name) throws IOException {
        Path f = dir.resolve(name);
        ImageFiles.writeImage(v, f);
        SEEDS.put(name, Files.readAllBytes(f));
    }

    // ------------------------------------------------------------------------------------------- the mutations

    private static final int[] INTERESTING = {0, 1, -1, 0x7F, 0x80, 0xFF, 0x7FFF, 0xFFFF, 0x7FFFFFFF, 0x80000000,
        65536, 1 << 20};

    /** One random mutation of the bytes: bit flips, interesting values, truncation, insertion or duplication. */
    static byte[] mutate(byte[] in, Random r) {
        byte[] b = in.clone();
        // most file formats keep what matters in their first bytes: aim half of the mutations there
        int focus = r.nextBoolean() ? Math.min(b.length, 512) : b.length;
        switch (r.nextInt(6)) {
            case 0 -> {
                for (int i = 0, n = 1 + r.nextInt(8); i < n; i++) {
                    b[r.nextInt(focus)] ^= (byte) (1 << r.nextInt(8));
                }
            }
            case 1 -> {
                for (int i = 0, n = 1 + r.nextInt(4); i < n; i++) {
                    b[r.nextInt(focus)] = (byte) r.nextInt(256);
                }
            }
            case 2 -> {
                int v = INTERESTING[r.nextInt(INTERESTING.length)];
                int at = r.nextInt(Math.max(1, focus - 4));
                boolean little = r.nextBoolean();
                for (int k = 0; k < 4 && at + k < b.length; k++) {
                    int shift = little ? 8 * k : 8 * (3 - k);
                    b[at + k] = (byte) (v >>> shift);
                }
            }
            case 3 -> b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
            case 4 -> {
                int at = r.nextInt(b.length);
                byte[] extra = new byte[1 + r.nextInt(64)];
                r.nextBytes(extra);
                byte[] out = new byte[b.length + extra.length];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(extra, 0, out, at, extra.length);
                System.arraycopy(b, at, out, at + extra.length, b.length - at);
                b = out;
            }
            default -> {
                int from = r.nextInt(b.length);
                int len = 1 + r.nextInt(Math.min(256, b.length - from));
                int to = r.nextInt(b.length);
                byte[] out = new byte[b.length + len];
                System.arraycopy(b, 0, out, 0, to);
                System.arraycopy(b, from, out, to, len);
                System.arraycopy(b, to, out, to + len, b.length - to);
                b = out;
            }
        }
        return b;
    }

    /** A gzip file whose content is mutated (so the NIfTI header inside is reached), or the raw bytes. */
    static byte[] mutateGzip(byte[] gz, Random r) throws IOException {
        if (r.nextInt(3) == 0) {
            return mutate(gz, r);
        }
        byte[] plain;
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
            plain = in.readAllBytes();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(mutate(plain, r));
        }
        return out.toByteArray();
    }

    /** A zip with one entry's content mutated (so JSON and tensor decoding are reached), or the raw bytes. */
    static byte[] mutateZip(byte[] zip, Random r) throws IOException {
        if (r.nextInt(3) == 0) {
            return mutate(zip, r);
        }
        List<String> names = new ArrayList<>();
        List<byte[]> contents = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                names.add(e.getName());
                contents.add(in.readAllBytes());
            }
        }
        int victim = r.nextInt(names.size());
        contents.set(victim, contents.get(victim).length == 0 ? contents.get(victim) : mutate(contents.get(victim), r));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (int i = 0; i < names.size(); i++) {
                z.putNextEntry(new ZipEntry(names.get(i)));
                z.write(contents.get(i));
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    // ------------------------------------------------------------------------------------------- the cases

    private interface Reader {
        void read(Path file) throws Exception;
    }

    /** What a reader must do with a file: read it or refuse it with one clear message. */
    private static String outcome(Path file, Reader reader) throws Exception {
        Future<String> f = executor.submit(() -> {
            try {
                reader.read(file);
                return null;
            } catch (InvalidInputException e) {
                if (e.getMessage() == null || e.getMessage().isBlank() || e.getMessage().contains("\n")) {
                    return "refusal without a one-line message: " + e;
                }
                return null;
            } catch (Throwable t) {
                return t.toString();
            }
        });
        try {
            return f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            executor.shutdownNow(); // the hung thread may never return: later cases get a thread of their own
            executor = newExecutor();
            return "no answer after " + TIMEOUT_SECONDS + " s";
        }
    }

    private static void fuzz(String seedName, Reader reader, List<String> failures) throws Exception {
        byte[] seed = SEEDS.get(seedName);
        String ext = seedName.substring(seedName.indexOf('.'));
        Random r = new Random(SEED ^ seedName.hashCode());
        for (int c = 0; c < CASES; c++) {
            byte[] bytes = ext.endsWith(".gz") ? mutateGzip(seed, r) : ext.endsWith(".zip") ? mutateZip(seed, r)
                    : mutate(seed, r);
            Path file = dir.resolve("case" + c + ext);
            Files.write(file, bytes);
            String problem = outcome(file, reader);
            if (problem != null) {
                Path kept = dir.resolve("failed-" + seedName + "-" + c + ext);
                Files.copy(file, kept);
                failures.add(seedName + " case " + c + ": " + problem);
            }
            Files.delete(file);
        }
    }

    @Test
    void mutatedFilesAreReadOrRefusedClearly() throws Exception {
        List<String> failures = new ArrayList<>();
        int cases = 0;
        for (String name : SEEDS.keySet()) {
            Reader reader;
            if (name.endsWith(".zip")) {
                reader = name.startsWith("checkpoint") ? Checkpoint::load : TrainedModel::load;
            } else if (name.startsWith("labels")) {
                reader = ImageFiles::readLabels;
            } else {
                reader = f -> {
                    ImageFiles.readInfo(f);
                    ImageFiles.readImage(f);
                };
            }
            fuzz(name, reader, failures);
            cases += CASES;
        }
        System.out.printf("reader fuzzing: %d mutated files of %d formats, %d not read or refused cleanly%n", cases,
                SEEDS.size(), failures.size());
        assertEquals(List.of(), failures.subList(0, Math.min(20, failures.size())),
                failures.size() + " failures; the files are kept in " + dir);
    }

    @Test
    void unmutatedSeedsAreRead() throws Exception {
        for (String name : SEEDS.keySet()) {
            Path f = dir.resolve("seed-" + name);
            Files.write(f, SEEDS.get(name));
            if (name.endsWith(".zip")) {
                assertTrue(TrainedModel.load(f).numClasses() == 3);
            } else if (name.startsWith("labels")) {
                assertTrue(ImageFiles.readLabels(f).data().length > 0);
            } else {
                assertTrue(ImageFiles.readImage(f).data().length > 0);
            }
        }
    }

    // ------------------------------------------------------------------------------------------- bombs

    /** A header that declares far more voxels than the file holds is refused before anything is allocated. */
    @Test
    void filesDeclaringHugeImagesAreRefusedFromTheirHeader() throws Exception {
        // NIfTI: 20000 x 20000 x 20000 float voxels in a 400-byte file
        byte[] nii = SEEDS.get("stack.nii").clone();
        java.nio.ByteBuffer h = java.nio.ByteBuffer.wrap(nii).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        h.putShort(42, (short) 20000).putShort(44, (short) 20000).putShort(46, (short) 20000);
        Path bomb = dir.resolve("bomb.nii");
        Files.write(bomb, java.util.Arrays.copyOf(nii, 400));
        assertRefusedWithLimit(bomb);
        // the same as .nii.gz
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            z.write(java.util.Arrays.copyOf(nii, 400));
        }
        Path gzBomb = dir.resolve("bomb.nii.gz");
        Files.write(gzBomb, gz.toByteArray());
        assertRefusedWithLimit(gzBomb);
        // PNG: an IHDR of 60000 x 60000 pixels (with its CRC fixed) in front of the real image data
        byte[] png = SEEDS.get("image.png").clone();
        java.nio.ByteBuffer p = java.nio.ByteBuffer.wrap(png);
        p.putInt(16, 60000).putInt(20, 60000);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(png, 12, 17);
        p.putInt(29, (int) crc.getValue());
        Path pngBomb = dir.resolve("bomb.png");
        Files.write(pngBomb, png);
        assertRefusedWithLimit(pngBomb);
    }

    /** A TIFF whose chain of image directories loops back is refused (the JDK's reader would never return). */
    @Test
    void tiffDirectoryLoopsAreRefused() throws Exception {
        byte[] tif = SEEDS.get("stack.tif").clone();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(tif);
        b.order(tif[0] == 'I' ? java.nio.ByteOrder.LITTLE_ENDIAN : java.nio.ByteOrder.BIG_ENDIAN);
        int first = b.getInt(4);
        int entries = b.getShort(first) & 0xffff;
        b.putInt(first + 2 + 12 * entries, first); // the first directory names itself as the next one
        Path loop = dir.resolve("loop.tif");
        Files.write(loop, tif);
        String problem = outcome(loop, f -> ImageFiles.readImage(f));
        assertEquals(null, problem);
        InvalidInputException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidInputException.class,
                () -> ImageFiles.readInfo(loop));
        assertTrue(e.getMessage().contains("loops back"), e.getMessage());
    }

    /** The limit is a setting: a genuine image above it is refused until the limit is raised. */
    @Test
    void theVoxelLimitIsConfigurable() throws Exception {
        Path f = dir.resolve("limit-" + "stack.nii");
        Files.write(f, SEEDS.get("stack.nii"));
        String old = System.getProperty(org.maskseg.core.io.ReadLimits.MAX_VOXELS);
        try {
            System.setProperty(org.maskseg.core.io.ReadLimits.MAX_VOXELS, "1000");
            assertRefusedWithLimit(f);
            System.setProperty(org.maskseg.core.io.ReadLimits.MAX_VOXELS, Integer.toString(64 * 64 * 4));
            assertEquals(64 * 64 * 4, ImageFiles.readImage(f).data().length);
        } finally {
            if (old == null) {
                System.clearProperty(org.maskseg.core.io.ReadLimits.MAX_VOXELS);
            } else {
                System.setProperty(org.maskseg.core.io.ReadLimits.MAX_VOXELS, old);
            }
        }
    }

    /** A model file whose entries expand beyond the archive limit is refused while it is being expanded. */
    @Test
    void zipBombsAreRefusedWhileExpanding() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry("weights.bin"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) {
                z.write(zeros); // 64 MiB of zeros compress to about 64 KiB
            }
            z.closeEntry();
        }
        Path bomb = dir.resolve("bomb.zip");
        Files.write(bomb, out.toByteArray());
        String old = System.getProperty(org.maskseg.core.io.ReadLimits.MAX_ARCHIVE_BYTES);
        try {
            System.setProperty(org.maskseg.core.io.ReadLimits.MAX_ARCHIVE_BYTES, Integer.toString(8 << 20));
            InvalidInputException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidInputException.class,
                    () -> TrainedModel.load(bomb));
            assertTrue(e.getMessage().contains("expands to more than") && e.getMessage().contains("maxArchiveBytes"),
                    e.getMessage());
        } finally {
            if (old == null) {
                System.clearProperty(org.maskseg.core.io.ReadLimits.MAX_ARCHIVE_BYTES);
            } else {
                System.setProperty(org.maskseg.core.io.ReadLimits.MAX_ARCHIVE_BYTES, old);
            }
        }
    }

    private static void assertRefusedWithLimit(Path file) {
        long before = usedHeap();
        InvalidInputException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidInputException.class,
                () -> ImageFiles.readImage(file));
        assertTrue(e.getMessage().contains("more than the limit") && e.getMessage().contains("maskseg.io.maxVoxels"),
                e.getMessage());
        assertTrue(usedHeap() - before < 256L << 20, "refused before allocating the declared size");
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
