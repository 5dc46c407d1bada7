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

    /**
     * Temporary files are named {@code .maskseg-<process id>-<random>.<target name>}: hidden (folder listings skip
     * files starting with a dot), with the target's extension (writers choose the format by it), and with the
     * process id, which tells a later run whether the writer still lives, so that files left by a killed run
     * (kill -9, power loss) are removed without touching those of a run still writing.
     */
    static final String TEMP_PREFIX = ".maskseg-";

    private static final java.util.regex.Pattern TEMP_NAME = java.util.regex.Pattern.compile(
            java.util.regex.Pattern.quote(TEMP_PREFIX) + "(\\d+)-(\\d+)\\.(.+)");

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
        Path temp = newTemporary(absolute);
        boolean moved = false;
        try {
            content.writeTo(temp);
            moveIntoPlace(temp, absolute);
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /**
     * Replaces {@code target} by a finished temporary file of {@link #newTemporary} in one step (a rename where the
     * file system allows it), with the permissions an ordinary new file would have. For writers that finish
     * several files before moving them all, so that a failure leaves none of them.
     */
    public static void moveIntoPlace(Path temporary, Path target) throws IOException {
        relaxPermissions(temporary);
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * A new, empty temporary file for {@code target} in the target's folder (created if missing), named so that
     * {@link #removeStale} recognises it; temporary files of {@code target} left by earlier runs that no longer
     * live are removed first. The caller moves it into place or deletes it.
     */
    public static Path newTemporary(Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        removeStale(absolute);
        return Files.createTempFile(dir, TEMP_PREFIX + ProcessHandle.current().pid() + "-",
                "." + absolute.getFileName());
    }

    /**
     * Removes the temporary files of {@code target} that runs which no longer live left behind: only files named
     * exactly as {@link #newTemporary} names them for this target, whose process id is not a running process.
     *
     * @return how many were removed
     */
    public static int removeStale(Path target) {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        String name = absolute.getFileName().toString();
        int removed = 0;
        if (dir == null || !Files.isDirectory(dir)) {
            return 0;
        }
        try (java.nio.file.DirectoryStream<Path> files = Files.newDirectoryStream(dir,
                TEMP_PREFIX + "*." + globEscape(name))) {
            for (Path f : files) {
                java.util.regex.Matcher m = TEMP_NAME.matcher(f.getFileName().toString());
                if (!m.matches() || !m.group(3).equals(name) || !Files.isRegularFile(f,
                        java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                long pid;
                try {
                    pid = Long.parseLong(m.group(1));
                } catch (NumberFormatException e) {
                    continue;
                }
                if (pid == ProcessHandle.current().pid()
                        || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue; // this or another living run is writing it
                }
                try {
                    Files.deleteIfExists(f);
                    removed++;
                } catch (IOException e) {
                    // not ours to fight over: it stays hidden (leading dot)
                }
            }
        } catch (IOException | java.nio.file.DirectoryIteratorException e) {
            // listing failed: nothing removed, writing goes on
        }
        return removed;
    }

    private static String globEscape(String s) {
        return s.replaceAll("([\\\\*?\\[\\]{}])", "\\\\$1");
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
