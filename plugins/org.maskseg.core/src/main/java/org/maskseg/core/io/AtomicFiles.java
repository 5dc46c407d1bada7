package org.maskseg.core.io;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * Writes files so that readers never see a half-written one: the content goes to a temporary file in
 * the target's folder (same file system, so the final rename is atomic), which then replaces the target.
 * If writing fails the temporary file is deleted and an existing target stays untouched.
 */
public final class AtomicFiles {

    /** Prefix of temporary files; folder listings skip files starting with a dot. */
    static final String TEMP_PREFIX = ".";
    static final String TEMP_SUFFIX = ".part";

    /** Writes content to the given temporary path. */
    @FunctionalInterface
    public interface Content {
        void writeTo(Path temporary) throws IOException;
    }

    private AtomicFiles() {
    }

    /**
     * Writes {@code target} atomically.
     *
     * @param target  the final file; its folder is created if missing
     * @param content writes the complete file to the temporary path it is given
     */
    public static void write(Path target, Content content) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, TEMP_PREFIX + absolute.getFileName(), TEMP_SUFFIX);
        boolean moved = false;
        try {
            content.writeTo(temp);
            relaxPermissions(temp);
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /**
     * Temporary files are created owner-only; the finished file gets the permissions an ordinary new
     * file would have (rw-r--r-- under the usual umask), so other users and services can read results.
     */
    private static void relaxPermissions(Path file) {
        try {
            if (Files.getFileStore(file).supportsFileAttributeView(PosixFileAttributeView.class)) {
                Set<PosixFilePermission> p = EnumSet.copyOf(Files.getPosixFilePermissions(file));
                p.add(PosixFilePermission.GROUP_READ);
                p.add(PosixFilePermission.OTHERS_READ);
                Files.setPosixFilePermissions(file, p);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // permissions are a convenience; the content is complete either way
        }
    }
}
