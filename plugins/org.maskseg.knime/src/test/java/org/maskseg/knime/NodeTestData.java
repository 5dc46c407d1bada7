package org.maskseg.knime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.knime.core.data.DataCell;
import org.knime.core.data.def.StringCell;
import org.knime.knip.base.data.img.ImgPlusCellFactory;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.io.ImageFiles;
import org.maskseg.knime.util.ImageCells;

/** The repository's sample data and the shared reference material, for node tests. */
public final class NodeTestData {

    private NodeTestData() {
    }

    /** The repository root: the nearest folder above the working directory holding sample-data. */
    public static Path repositoryRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("sample-data"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("sample-data not found above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    /** The shared reference material beside the repository ({@code ../shared}). */
    public static Path shared() {
        Path shared = repositoryRoot().resolve("../shared").normalize();
        if (!Files.isDirectory(shared.resolve("knime"))) {
            throw new IllegalStateException("shared/knime not found at " + shared
                + "; the repository must be checked out with shared/ beside it");
        }
        return shared;
    }

    /** The first {@code n} nuclei images (sorted by file name). */
    public static List<Path> nucleiImages(final int n) {
        return list(repositoryRoot().resolve("sample-data/nuclei/images"), n);
    }

    /** The label images matching {@link #nucleiImages(int)}. */
    public static List<Path> nucleiLabels(final int n) {
        return list(repositoryRoot().resolve("sample-data/nuclei/labels"), n);
    }

    private static List<Path> list(final Path dir, final int n) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".png")).sorted().limit(n).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static DataCell pathCell(final Path p) {
        return new StringCell(p.toString());
    }

    public static DataCell imageCell(final Path p) throws IOException {
        ImageVolume v = ImageFiles.readImage(p);
        return ImageCells.imageCell(v, new ImgPlusCellFactory(null));
    }

    public static DataCell labelCell(final Path p) throws IOException {
        return ImageCells.labelCell(ImageFiles.readLabels(p), new ImgPlusCellFactory(null));
    }

    public static DataCell labelCell(final LabelVolume labels) throws IOException {
        return ImageCells.labelCell(labels, new ImgPlusCellFactory(null));
    }

    /**
     * A copy of the repository's example workflows in {@code target}, so that running them writes nothing into
     * the repository.
     */
    public static Path copyOfExamples(final Path target) throws IOException {
        Path source = repositoryRoot().resolve("workflows-examples");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path p : (Iterable<Path>)files::iterator) {
                Path to = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        return target;
    }
}
