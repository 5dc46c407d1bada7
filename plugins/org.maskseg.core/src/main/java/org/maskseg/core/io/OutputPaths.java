package org.maskseg.core.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.maskseg.core.InvalidInputException;

/**
 * The one check every job runs before it reads anything: no output may overwrite or land inside an input,
 * and every output must be writable where it is meant to go.
 * <p>
 * Paths are compared after resolving {@code ..} and symbolic links (of the existing part of a path). Refused:
 * <ul>
 * <li>an output file or folder that is an input file or folder;</li>
 * <li>an output inside an input folder (a file written into an images or labels folder becomes a case, or
 * replaces one);</li>
 * <li>an output folder holding an input (its files could be replaced), except the one input a job declares it
 * continues ({@link #outputFolder(String, Path, Path)}: a training work folder holds the checkpoint it resumes
 * from);</li>
 * <li>an output file that is an existing folder, an output folder that is an existing file, and outputs in a
 * folder that cannot be written (or created).</li>
 * </ul>
 * Nothing is created or written by the check.
 */
public final class OutputPaths {

    private record Entry(String option, Path given, Path resolved, boolean folder, Path mayHold) {
    }

    private final List<Entry> inputs = new ArrayList<>();
    private final List<Entry> outputs = new ArrayList<>();

    private OutputPaths() {
    }

    /** A new, empty check. */
    public static OutputPaths check() {
        return new OutputPaths();
    }

    /** An input file or folder given by an option; null is skipped. */
    public OutputPaths input(String option, Path path) {
        if (path != null) {
            inputs.add(new Entry(option, path, resolve(path), Files.isDirectory(path), null));
        }
        return this;
    }

    /** A file the job will write; null is skipped. */
    public OutputPaths outputFile(String option, Path path) {
        if (path != null) {
            outputs.add(new Entry(option, path, resolve(path), false, null));
        }
        return this;
    }

    /** A folder the job will write files into (created if missing); null is skipped. */
    public OutputPaths outputFolder(String option, Path path) {
        return outputFolder(option, path, null);
    }

    /**
     * A folder the job will write files into, which may hold the input file {@code continued} (a checkpoint the
     * job resumes from and then replaces by its continuation); null is skipped.
     */
    public OutputPaths outputFolder(String option, Path path, Path continued) {
        if (path != null) {
            outputs.add(new Entry(option, path, resolve(path), true, continued == null ? null : resolve(continued)));
        }
        return this;
    }

    /**
     * Runs the check.
     *
     * @throws InvalidInputException naming the output, the input it collides with and what to do
     */
    public void verify() {
        for (Entry out : outputs) {
            for (Entry in : inputs) {
                checkPair(out, in);
            }
            checkWritable(out);
        }
    }

    private static void checkPair(Entry out, Entry in) {
        Path o = out.resolved();
        Path i = in.resolved();
        String outName = out.option() + " '" + out.given() + "'";
        String inName = in.option() + " '" + in.given() + "'";
        String nothing = "; nothing was read or written: choose an output outside the inputs";
        if (o.equals(i)) {
            throw new InvalidInputException(outName + " is the input " + (in.folder() ? "folder" : "file") + " of "
                    + inName + " and would be overwritten" + nothing);
        }
        if (in.folder() && o.startsWith(i)) {
            throw new InvalidInputException(outName + " lies inside the input folder of " + inName
                    + " and would add to or replace its files" + nothing);
        }
        if (out.folder() && i.startsWith(o) && !i.equals(out.mayHold())) {
            throw new InvalidInputException(outName + " holds the input of " + inName
                    + ", whose files could be replaced" + nothing);
        }
    }

    private static void checkWritable(Entry out) {
        Path p = out.given().toAbsolutePath().normalize();
        String name = out.option() + " '" + out.given() + "'";
        if (out.folder() && Files.exists(p) && !Files.isDirectory(p)) {
            throw new InvalidInputException(name + " is an existing file, not a folder; nothing was written: give a "
                    + "folder (it is created if missing)");
        }
        if (!out.folder() && Files.isDirectory(p)) {
            throw new InvalidInputException(name + " is a folder; nothing was written: give the name of a file to "
                    + "write, e.g. one inside that folder");
        }
        // the folder that must accept new entries: the output folder itself if it exists, else its first existing
        // ancestor (where the missing folders are created); for a file, the folder it is moved into
        Path folder = out.folder() && Files.isDirectory(p) ? p : p.getParent();
        while (folder != null && !Files.exists(folder, LinkOption.NOFOLLOW_LINKS) && !Files.exists(folder)) {
            folder = folder.getParent();
        }
        if (folder == null) {
            return;
        }
        if (!Files.isDirectory(folder)) {
            throw new InvalidInputException(name + " cannot be written: '" + folder + "' is a file, not a folder; "
                    + "nothing was written: choose another output path");
        }
        try {
            Path probe = Files.createTempFile(folder, ".maskseg-write-check-", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException | UnsupportedOperationException e) {
            throw new InvalidInputException(name + " cannot be written: folder '" + folder + "' does not accept new "
                    + "files (" + reason(e) + "); nothing was written: choose a writable location");
        }
    }

    private static String reason(Exception e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return String.valueOf(e.getMessage());
    }

    /**
     * The absolute, normalised path with symbolic links resolved: the longest existing prefix is resolved to its
     * real path and the missing rest appended.
     */
    static Path resolve(Path path) {
        Path abs = path.toAbsolutePath().normalize();
        Path existing = abs;
        List<Path> rest = new ArrayList<>();
        while (existing != null) {
            try {
                Path real = existing.toRealPath();
                for (int k = rest.size() - 1; k >= 0; k--) {
                    real = real.resolve(rest.get(k));
                }
                return real.normalize();
            } catch (IOException e) {
                if (existing.getFileName() == null) {
                    break;
                }
                rest.add(existing.getFileName());
                existing = existing.getParent();
            }
        }
        return abs;
    }
}
